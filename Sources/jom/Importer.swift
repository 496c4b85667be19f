import Foundation
import JetAPI
import OrderDesk
import OrderStore

/// Brings Jet order details from a file into the store: a JSON array, or JSON Lines, each element an order as
/// `GET /orders/withoutShipmentDetail/{id}` returns it. Idempotent; a bad element is reported by line and skipped.
struct Importer {
    struct Report {
        var added = 0
        var updated = 0
        var unchanged = 0
        var skipped: [(line: Int, message: String)] = []
    }

    let store: OrderStore
    let chunkSize = 10_000

    /// Where one element of the file lies, and the line it starts on.
    typealias Element = (line: Int, range: Range<Int>)

    /// The elements of the file with the line each starts on.
    static func elements(_ data: Data) -> [Element] {
        var out: [(Int, Range<Int>)] = []
        data.withUnsafeBytes { raw in
            let n = raw.count
            var i = 0
            var line = 1
            while i < n, raw[i] == 0x20 || raw[i] == 0x0A || raw[i] == 0x0D || raw[i] == 0x09 || raw[i] == 0xEF || raw[i] == 0xBB || raw[i] == 0xBF {
                if raw[i] == 0x0A { line += 1 }
                i += 1
            }
            if i < n, raw[i] == UInt8(ascii: "[") {
                // A JSON array: split its top-level elements, counting lines.
                i += 1
                var depth = 0
                var inString = false
                var start: Int?
                var startLine = line
                while i < n {
                    let b = raw[i]
                    if b == 0x0A { line += 1 }
                    if inString {
                        if b == UInt8(ascii: "\\") { i += 2; continue }
                        if b == UInt8(ascii: "\"") { inString = false }
                    } else {
                        switch b {
                        case UInt8(ascii: "\""):
                            inString = true
                            if start == nil { start = i; startLine = line }
                        case UInt8(ascii: "{"), UInt8(ascii: "["):
                            if start == nil { start = i; startLine = line }
                            depth += 1
                        case UInt8(ascii: "}"), UInt8(ascii: "]"):
                            if depth == 0 {
                                if let s = start { out.append((startLine, s..<i)) }
                                return
                            }
                            depth -= 1
                        case UInt8(ascii: ","):
                            if depth == 0, let s = start {
                                out.append((startLine, s..<i))
                                start = nil
                            }
                        case 0x20, 0x0A, 0x0D, 0x09: break
                        default:
                            if start == nil { start = i; startLine = line }
                        }
                    }
                    i += 1
                }
                if let s = start { out.append((startLine, s..<n)) }
                return
            }
            // JSON Lines.
            var lineStart = 0
            line = 1
            for k in 0...n where k == n || raw[k] == 0x0A {
                let r = lineStart..<k
                if raw[r].contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) { out.append((line, r)) }
                line += 1
                lineStart = k + 1
            }
        }
        return out
    }

    func run(data: Data, name: String, now: Date, progress: (Int, Int) -> Void) throws -> Report {
        var report = Report()
        let items = Self.elements(data)
        let by = Paths.operatorName
        let chunks = stride(from: 0, to: items.count, by: chunkSize).map { Array(items[$0..<min(items.count, $0 + chunkSize)]) }
        var offset = 0
        // The next chunk is decoded while this one is merged and written: writing is mostly one thread waiting
        // on the file system, so the other core would otherwise sit idle.
        var decoding = chunks.first.map { Self.decode($0, of: data) }
        for (k, chunk) in chunks.enumerated() {
            let results = decoding!.wait()
            decoding = k + 1 < chunks.count ? Self.decode(chunks[k + 1], of: data) : nil
            offset += chunk.count
            var records: [OrderRecord] = []
            var new: [String] = []
            var seen = Set<String>()
            try store.transaction { () throws(StoreError) in
                for (i, item) in chunk.enumerated() {
                    switch results[i] {
                    case .success(let order)?:
                        guard seen.insert(order.merchantOrderID).inserted else { report.unchanged += 1; continue }
                        // Every order file jom wrote has its index line, so the index says which orders are new.
                        let existing = store.summary(of: order.merchantOrderID) == nil ? nil : try store.record(order.merchantOrderID)
                        if var (record, _) = Merge.merge(order, returns: [], into: existing, at: now) {
                            if existing == nil {
                                record.history = [HistoryEvent(at: now, by: by, event: "imported from \(name) (Jet status \(order.status))")]
                                new.append(record.id)
                                report.added += 1
                            } else {
                                report.updated += 1
                            }
                            records.append(record)
                        } else {
                            report.unchanged += 1
                        }
                    case .failure(let e)?:
                        report.skipped.append((item.line, e.message))
                    case nil:
                        report.skipped.append((item.line, "could not be read"))
                    }
                }
                try store.save(records, new: new, compact: false)
            }
            progress(offset, items.count)
        }
        try store.transaction { () throws(StoreError) in try store.compactIndex() }
        return report
    }

    struct ImportLineError: Error { var message: String }

    /// Orders decoded from one chunk of the file, on every core, in the background.
    final class DecodedChunk: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        // Each slot is written by exactly one decoding iteration, and read only after `done` is signalled.
        private var results: [Result<Order, ImportLineError>?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func wait() -> [Result<Order, ImportLineError>?] {
            done.wait()
            return results
        }

        fileprivate func run(_ chunk: [Element], of data: Data) {
            let ways = max(1, ProcessInfo.processInfo.activeProcessorCount)
            results.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let slots = buffer
                DispatchQueue.concurrentPerform(iterations: ways) { w in
                    let decoder = JSONDecoder()
                    var i = w
                    while i < chunk.count {
                        do {
                            let j = try decoder.decode(JetOrder.self, from: data[chunk[i].range])
                            slots[i] = .success(JetMapping.order(j))
                        } catch {
                            slots[i] = .failure(ImportLineError(message: Importer.describe(error)))
                        }
                        i += ways
                    }
                }
            }
            done.signal()
        }
    }

    static func decode(_ chunk: [Element], of data: Data) -> DecodedChunk {
        let decoded = DecodedChunk(count: chunk.count)
        Thread.detachNewThread { decoded.run(chunk, of: data) }
        return decoded
    }

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
