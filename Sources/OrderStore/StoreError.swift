import Foundation
import OrderDesk

/// A problem with the store on disk, naming the file and what to do.
public struct StoreError: OperatorFacingError, CustomStringConvertible {
    public var summary: String
    public var remedy: String?

    public init(_ summary: String, remedy: String? = nil) {
        self.summary = summary
        self.remedy = remedy
    }

    public var description: String { summary + (remedy.map { " (\($0))" } ?? "") }

    static func io(_ what: String, _ path: String, errno code: Int32 = errno) -> StoreError {
        let reason = String(cString: strerror(code))
        let remedy: String = switch code {
        case EACCES, EPERM: "check the owner and permissions of \(path)"
        case ENOSPC: "free some disk space, then try again"
        case EROFS: "the disk is read-only; use --store to pick a writable place"
        default: "check that \(path) exists and is writable"
        }
        return StoreError("could not \(what) \(path): \(reason)", remedy: remedy)
    }

    static func damaged(_ path: String, _ detail: String) -> StoreError {
        StoreError("the store file \(path) is damaged: \(detail)",
                   remedy: "restore it from a backup, or move it aside (mv \(path) \(path).damaged) and run `download` to fetch the order from Jet again")
    }
}
