import Foundation
import JetAPI
import JetWire
import OrderDesk
import OrderStore

/// Brings Jet order details from a file into the store: a JSON array, or JSON Lines, each element an order as
/// `GET /orders/withoutShipmentDetail/{id}` returns it. Idempotent; a bad element is reported by line and skipped.
/// Streams: a few thousand orders at a time are read, decoded on every core, merged and written, so memory
/// does not grow with the file.
struct Importer {
    struct Report {
        var added = 0
        var updated = 0
        var unchanged = 0
        /// The first ``Importer/skippedKept`` bad elements with their lines; `skippedCount` counts them all.
        var skipped: [(line: Int, message: String)] = []
        var skippedCount = 0
    }

    static let skippedKept = 1000
    let store: OrderStore
    var chunkSize = 4096

    /// Imports the file at `path`; `progress` hears bytes read of the whole after each chunk.
    func run(reader: ElementReader, name: String, now: Date, progress: (Int, Int) -> Void) throws(StoreError) -> Report {
        var report = Report()
        let by = Paths.operatorName
        try store.bulkWrite { (bulk: BulkWrite) throws(StoreError) in
            while true {
                let chunk = reader.next(max: chunkSize)
                if chunk.isEmpty { break }
                // Decoding is the slow part: every core takes a share.
                let decoded = parallelMap(chunk) { (e: ElementReader.Element, decoder: JSONDecoder) -> Result<Order, ImportLineError> in
                    do {
                        return .success(JetMapping.order(try decoder.decode(JetOrder.self, from: e.bytes)))
                    } catch {
                        return .failure(ImportLineError(message: Importer.describe(error)))
                    }
                } makeContext: {
                    JSONDecoder()
                }
                // Which orders the store has already (read one at a time: the store is not shared between threads).
                var work: [(order: Order, existing: OrderRecord?)] = []
                var seen = Set<String>()
                for (i, result) in decoded.enumerated() {
                    switch result {
                    case .success(let order) where !Sanity.problems(order).isEmpty:
                        // Absurd values are not stored changed: the line is reported, naming the order, and skipped.
                        report.skippedCount += 1
                        if report.skipped.count < Self.skippedKept {
                            report.skipped.append(
                                (chunk[i].line, "order \(order.referenceOrderID.prefix(40)): " + Sanity.problems(order).joined(separator: "; ")))
                        }
                    case .success(let order):
                        guard seen.insert(order.merchantOrderID).inserted, try !bulk.wrote(order.merchantOrderID) else {
                            report.unchanged += 1
                            continue
                        }
                        work.append((order, try bulk.existing(order.merchantOrderID)))
                    case .failure(let e):
                        report.skippedCount += 1
                        if report.skipped.count < Self.skippedKept { report.skipped.append((chunk[i].line, e.message)) }
                    }
                }
                let merged = parallelMap(work) { (item: (order: Order, existing: OrderRecord?), encoder: JSONEncoder) -> Result<PreparedRecord, StoreError>? in
                    guard var (record, _) = Merge.merge(item.order, returns: [], into: item.existing, at: now) else { return nil }
                    if item.existing == nil {
                        record.history = [HistoryEvent(at: now, by: by, event: "imported from \(name) (Jet status \(item.order.status))")]
                    }
                    do throws(StoreError) { return .success(try PreparedRecord.prepare(record, with: encoder)) } catch { return .failure(error) }
                } makeContext: {
                    PreparedRecord.encoder()
                }
                for (i, result) in merged.enumerated() {
                    guard let result else {
                        report.unchanged += 1
                        continue
                    }
                    let isNew = work[i].existing == nil
                    try bulk.add(try result.get(), replacing: !isNew)
                    if isNew { report.added += 1 } else { report.updated += 1 }
                }
                progress(reader.bytesRead, reader.size)
            }
        }
        return report
    }

    struct ImportLineError: Error { var message: String }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "not a Jet order: \((ctx.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "not a Jet order: \(ctx.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        default:
            return "not valid JSON"
        }
    }
}
