import Foundation
import OrderDesk

/// How an order's record is written in a segment: one JSON object on one line, its Jet id first so a person
/// (or `grep`) finds it, then Jet's view of the order and its returns, our actions, notes and history. The
/// fields after the id come in the order the encoder gives them (not sorted: sorting every object of every
/// order would slow an import), so read them by name (`jq`), never by position:
///
///     {"id":"2ab4…","format":1,"order":{…},"actions":[…],"notes":[…],"history":[…]}
enum RecordLine {
    static let format = 1

    struct Stored: Codable {
        var format: Int
        var order: Order
        var actions: [OrderAction]
        var notes: [Note]
        var history: [HistoryEvent]

        init(_ r: OrderRecord) {
            format = RecordLine.format
            order = r.order
            actions = r.actions
            notes = r.notes
            history = r.history
        }

        var record: OrderRecord { OrderRecord(order: order, actions: actions, notes: notes, history: history) }
    }

    /// Just the format, to tell a newer record from a damaged one.
    struct FormatProbe: Decodable { var format: Int }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// The record as one line (no newline): `{"id":…,` then the encoded record.
    static func encode(_ record: OrderRecord, with encoder: JSONEncoder) throws(StoreError) -> [UInt8] {
        let body: Data
        do {
            body = try encoder.encode(Stored(record))
        } catch {
            throw StoreError("could not write order \(record.order.referenceOrderID): \(error)")
        }
        var out: [UInt8] = Array(#"{"id":"#.utf8)
        IndexLine.string(record.id, &out)
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: body.dropFirst())
        return out
    }

    /// Reads one record's line. `place` names it in errors (`byte 5120 of orders/000001.jsonl`).
    static func decode(_ bytes: Data, place: String, file: String, decoder: JSONDecoder = decoder()) throws(StoreError) -> OrderRecord {
        let newer = StoreError("the order record at \(place) was written by a newer jom", remedy: "use the newer jom to open this store")
        do {
            let stored = try decoder.decode(Stored.self, from: bytes)
            guard stored.format <= Self.format else { throw newer }
            return stored.record
        } catch let e as StoreError {
            throw e
        } catch  where (try? JSONDecoder().decode(FormatProbe.self, from: bytes))?.format ?? 0 > Self.format {  // No format: damaged, below.
            throw newer
        } catch {
            let detail = bytes.allSatisfy({ $0 == 0x20 }) ? "the line is blank" : JSONProblem.describe(error, data: bytes)
            throw .damagedRecord(place, file: file, detail)
        }
    }

    /// The Jet id at the start of a record line, without decoding the rest.
    static func id(_ raw: UnsafeRawBufferPointer) -> String? {
        let prefix = Array(#"{"id":""#.utf8)
        guard raw.count > prefix.count, memcmp(raw.baseAddress!, prefix, prefix.count) == 0 else { return nil }
        var k = prefix.count
        var out: [UInt8] = []
        while k < raw.count {
            let c = raw[k]
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                // An id with escapes (hostile data): decode the whole line to be sure.
                return (try? decoder().decode(Stored.self, from: Data(raw)))?.order.merchantOrderID
            }
            out.append(c)
            k += 1
        }
        return nil
    }
}
