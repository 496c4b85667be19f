import Foundation
import OrderDesk

#if canImport(Glibc)
import Glibc
#endif

/// The order files of a store of format 1, read once to upgrade it: one JSON file per order under
/// `orders/<xx>/` (`xx` two hex digits of a hash of the id), holding Jet's view of the order and our actions,
/// notes and history, in the shape a record line has now.
struct LegacyOrderFiles {
    static let format = 1
    let root: String

    func shard(for id: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in id.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let v = Int(h & 0xFF)
        return (v < 16 ? "0" : "") + String(v, radix: 16)
    }

    /// A file name that is safe for any id: letters, digits, `-`, `_` and `.` are kept, anything else is `%XX`.
    func fileName(for id: String) -> String {
        var out = ""
        for b in id.utf8 {
            let c = Character(Unicode.Scalar(b))
            if (c.isASCII && (c.isLetter || c.isNumber)) || c == "-" || c == "_" || (c == "." && !out.isEmpty) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", b)
            }
        }
        return out + ".json"
    }

    func path(for id: String) -> String { "\(root)/\(shard(for: id))/\(fileName(for: id))" }

    func decode(_ data: Data, path p: String, decoder: JSONDecoder) throws(StoreError) -> OrderRecord {
        let newer = StoreError("the order file \(p) was written by a newer jom", remedy: "use the newer jom to open this store")
        do {
            let stored = try decoder.decode(RecordLine.Stored.self, from: data)
            guard stored.format <= Self.format else { throw newer }
            return stored.record
        } catch let e as StoreError {
            throw e
        } catch  where (try? JSONDecoder().decode(RecordLine.FormatProbe.self, from: data))?.format ?? 0 > Self.format {  // No format: damaged, below.
            throw newer
        } catch {
            throw .damaged(p, data.isEmpty ? "the file is empty" : JSONProblem.describe(error, data: data))
        }
    }

    /// The shard directories (`orders/xx`).
    private func shards() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []  // No orders yet.
        return names.filter { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }.sorted()
    }

    /// Every order file's path.
    func allPaths() -> [String] {
        var out: [String] = []
        for s in shards() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(s)") else { continue }  // Not a directory.
            for n in names.sorted() where n.hasSuffix(".json") { out.append("\(root)/\(s)/\(n)") }
        }
        return out
    }

    /// Removes the shard directories and everything in them (once the store is upgraded).
    func removeAll() throws(StoreError) {
        for s in shards() {
            let dir = "\(root)/\(s)"
            for n in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {  // Gone already: nothing to do.
                unlink("\(dir)/\(n)")
            }
            guard rmdir(dir) == 0 || errno == ENOENT else { throw .io("remove", dir) }
        }
    }

    /// Writes records as a jom of format 1 did (pretty-printed, one file per order), for tests of the upgrade.
    func write(_ records: [OrderRecord]) throws(StoreError) {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        for r in records {
            let p = path(for: r.id)
            try FileIO.makeDirectory(PathText.parent(of: p))
            do {
                try FileIO.atomicWrite(try e.encode(RecordLine.Stored(r)) + [0x0A], to: p, sync: false)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError("could not write order \(r.order.referenceOrderID): \(error)")
            }
        }
    }
}
