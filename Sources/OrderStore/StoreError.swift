import Foundation
import OrderDesk

extension StoreError {
    /// One order's record cannot be read (``damagedRecord(_:file:_:)``).
    var isDamagedRecord: Bool { damagedOrderID != nil }

    /// A system call on `path` failed: what failed, why, and what to check.
    static func io(_ what: String, _ path: String, errno code: Int32 = errno) -> StoreError {
        if code == ELOOP {
            // Opened with O_NOFOLLOW: jom follows no link in its store (it would write wherever the link points).
            return StoreError(
                "could not \(what) \(path): it is a symbolic link, and jom opens only files it made in its store",
                remedy: "remove the link (rm \(path)); if it pointed at the store's real file, move that file there instead")
        }
        let reason = String(cString: strerror(code))
        let remedy: String =
            switch code {
            case EACCES, EPERM: "check the owner and permissions of \(path)"
            case ENOSPC: "free some disk space, then try again"
            case EROFS: "the disk is read-only; use --store to pick a writable place"
            default: "check that \(path) exists and is writable"
            }
        return StoreError("could not \(what) \(path): \(reason)", remedy: remedy)
    }

    /// An order's record in a segment cannot be read. jom never rewrites a segment, so the line stays for a
    /// person to repair.
    static func damagedRecord(_ place: String, file: String, _ detail: String) -> StoreError {
        var e = StoreError(
            "the order record at \(place) is damaged: \(detail)",
            remedy:
                "fix that line of \(file) by hand (one JSON object per line) or restore the file from a backup; the order is set aside meanwhile (`show damaged`), the other orders are unaffected"
        )
        e.damagedOrderID = ""
        return e
    }

    /// An order file (of a store before format 2) cannot be read.
    static func damaged(_ path: String, _ detail: String) -> StoreError {
        StoreError(
            "the store file \(path) is damaged: \(detail)",
            remedy: "restore it from a backup, or move it aside (mv \(path) \(path).damaged) and run `download` to fetch the order from Jet again")
    }
}

/// What is wrong with a JSON file, in words that name the field.
enum JSONProblem {
    static func describe(_ error: any Error, data: Data) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "\(path(ctx.codingPath + [key])) is missing"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "\(path(ctx.codingPath).isEmpty ? "the file" : path(ctx.codingPath)) has the wrong type"
        case DecodingError.dataCorrupted(let ctx) where !ctx.codingPath.isEmpty:
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        default:
            return data.isEmpty ? "the file is empty" : "it is not valid JSON (cut short or edited?)"
        }
    }
}
