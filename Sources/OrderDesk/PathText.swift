/// Paths as text, without touching the filesystem.
public enum PathText {
    /// The directory part of `path` ("" for a bare name, "/" for a top-level one): what NSString's
    /// `deletingLastPathComponent` gives, which traps in Foundation on a one-letter relative path ("s").
    public static func parent(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }
}
