import Foundation
import JetWire

/// What the sandbox answers: a status, a JSON body (possibly empty), and extra headers.
public struct SandboxReply: Sendable {
    public var status: Int
    public var body: Data
    public var headers: [(String, String)] = []

    public init(status: Int, body: Data = Data(), headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> SandboxReply {
        do {
            return SandboxReply(status: status, body: try encoder.encode(value))
        } catch {
            return errors(500, "The sandbox could not encode its answer: \(error)")
        }
    }

    /// Jet's error form: `{"errors": ["…"]}`.
    static func errors(_ status: Int, _ messages: String...) -> SandboxReply {
        json(["errors": messages], status: status)
    }

    static let noContent = SandboxReply(status: 204)

    static func urls(_ key: String, _ urls: [String]) -> SandboxReply {
        json([key: urls])
    }
}
