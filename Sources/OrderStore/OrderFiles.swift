import Foundation
import OrderDesk

/// One JSON file per order under `orders/<xx>/`, holding Jet's view of the order and our actions, notes and
/// history. `xx` is two hex digits of a hash of the id, so no directory grows past a few thousand files.
struct OrderFiles {
    static let format = 1
    let root: String

    /// What an order file holds.
    struct Stored: Codable {
        var format: Int
        var order: Order
        var actions: [OrderAction]
        var notes: [Note]
        var history: [HistoryEvent]

        init(_ r: OrderRecord) {
            format = OrderFiles.format
            order = r.order
            actions = r.actions
            notes = r.notes
            history = r.history
        }

        var record: OrderRecord { OrderRecord(order: order, actions: actions, notes: notes, history: history) }
    }

    /// Just the format, to tell a newer file from a damaged one.
    struct FormatProbe: Decodable { var format: Int }

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

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        // Keys in declaration order (the order the models declare them), pretty-printed for people.
        e.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    func encode(_ record: OrderRecord, with encoder: JSONEncoder) throws(StoreError) -> Data {
        do {
            var data = try encoder.encode(Stored(record))
            data.append(0x0A)
            return data
        } catch {
            throw StoreError("could not write order \(record.order.referenceOrderID): \(error)")
        }
    }

    /// Reads one order. Nil when there is no file; an error naming the file when it cannot be read.
    func read(_ id: String) throws(StoreError) -> OrderRecord? {
        let p = path(for: id)
        guard let data = try FileIO.read(p) else { return nil }
        return try decode(data, path: p)
    }

    func decode(_ data: Data, path p: String) throws(StoreError) -> OrderRecord {
        let newer = StoreError("the order file \(p) was written by a newer jom", remedy: "use the newer jom to open this store")
        do {
            let stored = try Self.decoder().decode(Stored.self, from: data)
            guard stored.format <= Self.format else { throw newer }
            return stored.record
        } catch let e as StoreError {
            throw e
        } catch where (try? JSONDecoder().decode(FormatProbe.self, from: data))?.format ?? 0 > Self.format {  // No format: damaged, below.
            throw newer
        } catch DecodingError.keyNotFound(let key, let ctx) {
            throw .damaged(p, "\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing")
        } catch DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx) {
            throw .damaged(p, "\(ctx.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch DecodingError.dataCorrupted(let ctx) where !ctx.codingPath.isEmpty {
            throw .damaged(p, "\(ctx.codingPath.map(\.stringValue).joined(separator: ".")): \(ctx.debugDescription)")
        } catch {
            throw .damaged(p, data.isEmpty ? "the file is empty" : "it is not valid JSON (cut short or edited?)")
        }
    }

    /// Every order file's path (for a rebuild of the index).
    func allPaths() -> [String] {
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }  // No orders yet.
        var out: [String] = []
        for s in shards.sorted() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(s)") else { continue }  // Not a shard.
            for n in names.sorted() where n.hasSuffix(".json") { out.append("\(root)/\(s)/\(n)") }
        }
        return out
    }

    /// Removes temporary files a crash left beside an order's file.
    func removeLeftovers(for id: String) {
        let dir = "\(root)/\(shard(for: id))"
        let prefix = fileName(for: id) + ".tmp-"
        for n in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where n.hasPrefix(prefix) {  // No directory: nothing left over.
            unlink("\(dir)/\(n)")
        }
    }
}
