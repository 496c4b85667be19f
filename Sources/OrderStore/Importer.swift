import Foundation
import OrderDesk

/// Brings order details from a file into the store: a JSON array, or JSON Lines, each element an order as the
/// marketplace's API gives one (`decode` reads it: Jet's order detail, a Walmart purchase order). Idempotent; a
/// bad element is reported by line and skipped. Streams: a few thousand orders at a time are read, decoded on
/// every core, merged and written, so memory does not grow with the file.
public struct Importer {
    public struct Report: Sendable {
        public var added = 0
        public var updated = 0
        public var unchanged = 0
        /// The first ``Importer/skippedKept`` bad elements with their lines; `skippedCount` counts them all.
        public var skipped: [(line: Int, message: String)] = []
        public var skippedCount = 0
    }

    /// Reads one element into an order, or throws why it is not one (the message names the marketplace).
    public typealias Decode = @Sendable (Data, JSONDecoder) throws -> Order

    public static let skippedKept = 1000
    let store: OrderStore
    let decode: Decode
    /// `Jet`, `Walmart`: for the order's timeline.
    let marketplace: String
    let operatorName: String
    public var chunkSize = 4096

    public init(store: OrderStore, marketplace: String, operatorName: String, decode: @escaping Decode) {
        self.store = store
        self.marketplace = marketplace
        self.operatorName = operatorName
        self.decode = decode
    }

    /// Imports the file at `path`; `progress` hears bytes read of the whole after each chunk.
    public func run(reader: ElementReader, name: String, now: Date, progress: (Int, Int) -> Void) throws(StoreError) -> Report {
        var report = Report()
        let by = operatorName
        let decode = self.decode
        let marketplace = self.marketplace
        try store.bulkWrite { (bulk: BulkWrite) throws(StoreError) in
            while true {
                let chunk = reader.next(max: chunkSize)
                if chunk.isEmpty { break }
                // Decoding is the slow part: every core takes a share.
                let decoded = parallelMap(chunk) { (e: ElementReader.Element, decoder: JSONDecoder) -> Result<Order, ImportLineError> in
                    do {
                        return .success(try decode(e.bytes, decoder))
                    } catch {
                        return .failure(ImportLineError(message: Importer.describe(error, marketplace: marketplace)))
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
                    guard var (record, _) = Merge.merge(item.order, returns: [], into: item.existing, at: now, marketplace: marketplace) else { return nil }
                    if item.existing == nil {
                        record.history = [HistoryEvent(at: now, by: by, event: "imported from \(name) (\(marketplace) status \(item.order.status))")]
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

    /// Why an element is not an order, naming the field: `not a Jet order: merchant_order_id is missing`. An
    /// element that is one of another marketplace (`ForeignOrder`) says so.
    static func describe(_ error: any Error, marketplace: String) -> String {
        switch error {
        case let foreign as ForeignOrder:
            return "a \(foreign.marketplace) order, not a \(marketplace) one: this store's orders are \(marketplace)'s"
        case DecodingError.keyNotFound(let key, let ctx):
            return "not a \(marketplace) order: \((ctx.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "not a \(marketplace) order: \(ctx.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        default:
            return "not valid JSON"
        }
    }
}

/// An element that is an order of another marketplace than the store's.
public struct ForeignOrder: Error {
    public var marketplace: String

    public init(marketplace: String) { self.marketplace = marketplace }
}
