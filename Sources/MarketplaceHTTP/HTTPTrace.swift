import Foundation

/// `--debug-http`: one line per request and per response, with credentials and tokens masked.
public struct HTTPTrace: Sendable {
    let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// Writes to standard error.
    public static let standardError = HTTPTrace { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func request(_ method: String, _ url: String, body: Data?) {
        write("→ \(method) \(url)" + (body.map { " " + Self.mask(String(decoding: $0, as: UTF8.self)) } ?? "") + "  [Authorization: ***]")
    }

    public func response(_ status: Int, _ url: String, millis: Int, body: Data) {
        let text = Self.mask(String(decoding: body.prefix(2000), as: UTF8.self))
        write("← \(status) \(url) (\(millis) ms)" + (text.isEmpty ? "" : " " + text) + (body.count > 2000 ? " …(\(body.count) bytes)" : ""))
    }

    public func failure(_ url: String, _ message: String) {
        write("✗ \(url): \(message)")
    }

    private static let secretKeys = try! NSRegularExpression(
        pattern: #""(pass|secret|id_token|password|token|access_token|client_secret)"\s*:\s*"(?:[^"\\]|\\.)*""#, options: [.caseInsensitive])
    private static let bearer = try! NSRegularExpression(pattern: #"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"#)

    /// The text with the values of `pass`, `secret`, `id_token` and any bearer token replaced by `***`.
    public static func mask(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        let once = secretKeys.stringByReplacingMatches(in: text, range: range, withTemplate: "\"$1\":\"***\"")
        return bearer.stringByReplacingMatches(in: once, range: NSRange(once.startIndex..., in: once), withTemplate: "Bearer ***")
    }
}
