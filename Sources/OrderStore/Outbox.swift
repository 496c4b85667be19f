import Foundation
import OrderDesk

/// `outbox.jsonl`: every action for Jet is appended here (and synced) before it is sent, then its delivery or
/// refusal is appended. Pending = queued and neither delivered nor refused. Rewritten, keeping only what is
/// still pending and recent refusals, when it grows.
final class OutboxJournal {
    let path: String
    private(set) var pending: [String: OutboxEntry] = [:]
    private(set) var order: [String] = []
    private(set) var refusals: [Refusal] = []
    private(set) var delivered: [String: Date] = [:]
    /// Deliveries and refusals in the order they were recorded, for repairs after a crash.
    private(set) var recentOutcomes: [(action: OrderAction, state: OrderAction.State)] = []
    private var stamp = FileIO.Stamp.missing
    private var offset = 0

    init(path: String) { self.path = path }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    private struct Line: Codable {
        var op: String
        var action: OrderAction?
        var id: String?
        var at: Date?
        var reason: String?
        var error: String?
        var next: Date?
    }

    var entries: [OutboxEntry] { order.compactMap { pending[$0] } }

    /// Reads what was appended since the last call (from the start when the file was replaced).
    func refresh() throws(StoreError) {
        let s = FileIO.stamp(path)
        if s == stamp { return }
        if s.inode != stamp.inode || s.size < Int64(offset) {
            pending = [:]; order = []; refusals = []; delivered = [:]; recentOutcomes = []; offset = 0
        }
        stamp = s
        guard let data = try FileIO.read(path) else { return }
        let decoder = RecordLine.decoder()
        var start = offset
        var lineNumber = 0
        while start < data.count {
            guard let nl = data[start...].firstIndex(of: 0x0A) else { break }
            lineNumber += 1
            defer { start = nl + 1 }
            guard nl > start else { continue }
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: data[start..<nl])
            } catch {
                throw StoreError(
                    "the outbox \(path) is damaged near byte \(start)",
                    remedy: "keep a copy (cp \(path) \(path).damaged), then fix or remove the damaged line; every other line is an action for Jet")
            }
            apply(line)
        }
        offset = start
    }

    private func apply(_ line: Line) {
        switch line.op {
        case "queued":
            guard let a = line.action, delivered[a.id] == nil, !refusals.contains(where: { $0.action.id == a.id }) else { return }
            if pending[a.id] == nil { order.append(a.id) }
            pending[a.id] = OutboxEntry(action: a, attempts: pending[a.id]?.attempts ?? 0)
        case "attempt":
            guard let id = line.id, var e = pending[id] else { return }
            e.attempts += 1
            e.lastError = line.error
            e.nextAttempt = line.next
            pending[id] = e
        case "delivered":
            guard let id = line.id else { return }
            if let a = pending[id]?.action { recentOutcomes.append((a, .delivered(at: line.at ?? Date()))) }
            pending[id] = nil
            order.removeAll { $0 == id }
            delivered[id] = line.at ?? Date()
        case "refused":
            guard let id = line.id else { return }
            if let e = pending[id] ?? line.action.map({ OutboxEntry(action: $0, attempts: 0) }) {
                refusals.append(Refusal(action: e.action, at: line.at ?? Date(), reason: line.reason ?? ""))
                recentOutcomes.append((e.action, .refused(at: line.at ?? Date(), reason: line.reason ?? "")))
            }
            pending[id] = nil
            order.removeAll { $0 == id }
        default:
            break
        }
    }

    private func write(_ lines: [Line], sync: Bool) throws(StoreError) {
        try FileIO.truncateTornTail(path)
        try FileIO.append(try encode(lines), to: path, sync: sync)
    }

    /// JSON Lines for the journal; an action that cannot be encoded fails the write (it is never dropped).
    private func encode(_ lines: [Line]) throws(StoreError) -> Data {
        var data = Data()
        for l in lines {
            do {
                data.append(try Self.encoder.encode(l))
            } catch {
                throw StoreError("could not write an action to the outbox \(path): \(error)", remedy: "nothing was recorded; try the command again")
            }
            data.append(0x0A)
        }
        return data
    }

    func queue(_ actions: [OrderAction]) throws(StoreError) {
        try write(actions.map { Line(op: "queued", action: $0) }, sync: true)
        try refresh()
    }

    func delivered(_ id: String, at: Date) throws(StoreError) {
        try write([Line(op: "delivered", id: id, at: at)], sync: true)
        try refresh()
    }

    func refused(_ action: OrderAction, at: Date, reason: String) throws(StoreError) {
        try write([Line(op: "refused", action: action, id: action.id, at: at, reason: reason)], sync: true)
        try refresh()
    }

    /// Records a failed attempt; not synced (losing it only means an earlier retry).
    func attempt(_ id: String, at: Date, error: String, next: Date) throws(StoreError) {
        try write([Line(op: "attempt", id: id, at: at, error: error, next: next)], sync: false)
        try refresh()
    }

    /// Rewrites the journal with only pending actions and the last week's refusals, once it is large.
    func compactIfLarge(now: Date, limit: Int64 = 512 * 1024) throws(StoreError) {
        guard FileIO.stamp(path).size > limit else { return }
        var lines: [Line] = []
        for e in entries {
            lines.append(Line(op: "queued", action: e.action))
            if e.attempts > 0 { lines.append(Line(op: "attempt", id: e.action.id, at: now, error: e.lastError, next: e.nextAttempt)) }
        }
        for r in refusals where now.timeIntervalSince(r.at) < 7 * 86400 {
            lines.append(Line(op: "refused", action: r.action, id: r.action.id, at: r.at, reason: r.reason))
        }
        try FileIO.atomicWrite(try encode(lines), to: path)
        try refresh()
    }
}
