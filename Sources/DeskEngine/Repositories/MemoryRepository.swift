import Foundation
import OrderDesk
import Synchronization

/// A repository held in memory: for tests of the desk and the shell, and as the layer a dry run writes into.
/// Behaves like the JSON store (lists, find, prefixes, outbox, settings) without touching a disk. Safe to
/// share between desks (two "sessions" in one test): every access takes its lock.
public final class MemoryRepository: OrderRepository, Sendable {
    private struct State {
        var records: [String: OrderRecord] = [:]
        var entries: [String: (summary: OrderSummary, search: String)] = [:]
        /// Ids in the order they were added.
        var order: [String] = []
        var pending: [String: OutboxEntry] = [:]
        var pendingOrder: [String] = []
        var refusals: [Refusal] = []
        var settings = Settings()
        var downloadStatus = DownloadStatus()
        var binding: MarketplaceBinding?
        var quarantine: [QuarantineEntry] = []
        /// Writes still to fail (tests of what happens when the disk is full).
        var failNextWrites = 0

        mutating func put(_ r: OrderRecord) {
            if records.updateValue(r, forKey: r.id) == nil { order.append(r.id) }
            entries[r.id] = (OrderSummary(r), SearchText.joined(r))
        }

        mutating func injectedFailure(_ what: String) throws(StoreError) {
            guard failNextWrites > 0 else { return }
            failNextWrites -= 1
            throw StoreError(
                "could not write the \(what) in memory: no space left (injected by a test)",
                remedy: "free some disk space, then try again")
        }

        func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
            order.compactMap { entries[$0]?.summary }.filter { stages?.contains($0.stage) ?? true }
        }

        mutating func remove(_ id: String) {
            pending[id] = nil
            pendingOrder.removeAll { $0 == id }
        }
    }

    private let state = Mutex(State())
    public let sendLock: any SendLock = MemorySendLock()

    public init(records: [OrderRecord] = []) {
        state.withLock { s in for r in records { s.put(r) } }
    }

    /// The next `count` writes fail as a full disk would.
    public func failNextWrites(_ count: Int) { state.withLock { $0.failNextWrites = count } }

    public var location: String { "memory" }
    public var orderCount: Int { state.withLock { $0.records.count } }

    public func refresh() throws(StoreError) -> Bool { false }

    // MARK: orders

    public func record(_ id: String) throws(StoreError) -> OrderRecord? { state.withLock { $0.records[id] } }

    public func summary(of id: String) -> OrderSummary? { state.withLock { $0.entries[id]?.summary } }

    public func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] { state.withLock { $0.summaries(in: stages) } }

    public func active() -> [OrderSummary] { summaries(in: Set(OrderStage.allCases.filter(\.isActionable))) }
    public func openAtJet() -> [OrderSummary] { summaries(in: nil).filter(\.openAtJet) }

    public func find(_ text: String) -> [OrderSummary] {
        let needle = SearchText.normalized(text)
        return state.withLock { s in
            s.order.compactMap { id in
                guard let e = s.entries[id] else { return nil }
                return SearchText.matches(e.search, needle) ? e.summary : nil
            }
        }
    }

    public func matching(prefix: String, limit: Int) -> [OrderSummary] {
        let p = prefix.lowercased()
        return state.withLock { s in
            var byReference: [OrderSummary] = [], byMerchant: [OrderSummary] = []
            for id in s.order {
                guard let summary = s.entries[id]?.summary else { continue }
                if summary.referenceOrderID.lowercased().hasPrefix(p), byReference.count < limit { byReference.append(summary) }
                if summary.merchantOrderID.lowercased().hasPrefix(p), byMerchant.count < limit { byMerchant.append(summary) }
            }
            var seen = Set<String>()
            return (byReference + byMerchant).filter { seen.insert($0.merchantOrderID).inserted }
        }
    }

    public func received(since date: Date) -> [OrderSummary] {
        summaries(in: nil).filter { ($0.receivedAt ?? .distantPast) >= date }
    }

    public func changed(since date: Date) -> [OrderSummary] {
        summaries(in: nil).filter { s in
            [s.receivedAt, s.events.approved, s.events.shipped, s.events.cancelled, s.events.refunded].contains { ($0 ?? .distantPast) >= date }
        }
    }

    public func newestFirst(in stages: Set<OrderStage>?, excluding: Set<String>) -> any SummaryCursor {
        ListCursor(summaries(in: stages).filter { !excluding.contains($0.merchantOrderID) }.sorted(by: newestFirstOrder))
    }

    public func warmUp() {}

    // MARK: changes

    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T { try body() }

    public func save(_ records: [OrderRecord], new: [String]) throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            try s.injectedFailure("orders")
            for r in records { s.put(r) }
        }
    }

    public func quarantined() -> [QuarantineEntry] { state.withLock { $0.quarantine } }

    public func setAside(_ entries: [QuarantineEntry]) throws(StoreError) {
        state.withLock { s in
            for e in entries {
                if let i = s.quarantine.firstIndex(where: { $0.id == e.id && $0.reason == e.reason }) { s.quarantine[i] = e } else { s.quarantine.append(e) }
            }
        }
    }

    public func release(_ ids: Set<String>) throws(StoreError) {
        state.withLock { $0.quarantine.removeAll { ids.contains($0.id) } }
    }

    /// Memory keeps only the current version of each order: nothing to compact.
    public func compact(force: Bool) throws(StoreError) -> CompactionResult? { nil }

    // MARK: outbox

    public var pendingActions: [OutboxEntry] { state.withLock { s in s.pendingOrder.compactMap { s.pending[$0] } } }
    public var refusals: [Refusal] { state.withLock { $0.refusals } }

    public func queue(_ actions: [OrderAction]) throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            try s.injectedFailure("outbox")
            for a in actions where s.pending[a.id] == nil {
                s.pending[a.id] = OutboxEntry(action: a)
                s.pendingOrder.append(a.id)
            }
        }
    }

    public func markDelivered(_ action: OrderAction, at: Date) throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            try s.injectedFailure("outbox")
            s.remove(action.id)
        }
    }

    public func markRefused(_ action: OrderAction, at: Date, reason: String) throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            try s.injectedFailure("outbox")
            s.remove(action.id)
            s.refusals.append(Refusal(action: action, at: at, reason: reason))
        }
    }

    public func noteAttempt(_ action: OrderAction, at: Date, error: String, next: Date) throws(StoreError) {
        state.withLock { s in
            guard var e = s.pending[action.id] else { return }
            e.attempts += 1
            e.lastError = error
            e.nextAttempt = next
            s.pending[action.id] = e
        }
    }

    // MARK: settings, downloads, identity

    public func loadSettings() throws(StoreError) -> Settings { state.withLock { $0.settings } }
    public func saveSettings(_ settings: Settings) throws(StoreError) { state.withLock { $0.settings = settings } }
    public func loadDownloadStatus() throws(StoreError) -> DownloadStatus { state.withLock { $0.downloadStatus } }
    public func saveDownloadStatus(_ status: DownloadStatus) throws(StoreError) { state.withLock { $0.downloadStatus = status } }
    public func loadBinding() throws(StoreError) -> MarketplaceBinding? { state.withLock { $0.binding } }
    public func saveBinding(_ binding: MarketplaceBinding) throws(StoreError) { state.withLock { $0.binding = binding } }
}

/// The send lock of one process's memory: waiting is a queue of continuations, resumed in turn.
public final class MemorySendLock: SendLock {
    private let state = Mutex(State())

    private struct State {
        var holder: String?
        var waiting: [(id: Int, holder: String, continuation: CheckedContinuation<SendLockOutcome, Never>)] = []
        var nextID = 0
    }

    public init() {}

    public func acquire(holder: String, timeout: Duration) async -> SendLockOutcome {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        return await withCheckedContinuation { continuation in
            let immediate = state.withLock { s -> Bool in
                if s.holder == nil {
                    s.holder = holder
                    return true
                }
                s.waiting.append((id, holder, continuation))
                return false
            }
            if immediate {
                continuation.resume(returning: .acquired)
                return
            }
            Task {
                try? await Task.sleep(for: timeout)  // Cancelled or not, the wait is over.
                let gaveUp = state.withLock { s -> (CheckedContinuation<SendLockOutcome, Never>, String)? in
                    guard let i = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                    let w = s.waiting.remove(at: i)
                    return (w.continuation, s.holder ?? "another session")
                }
                if let (c, by) = gaveUp { c.resume(returning: .busy(heldBy: by)) }
            }
        }
    }

    public func release() {
        let next = state.withLock { s -> CheckedContinuation<SendLockOutcome, Never>? in
            guard !s.waiting.isEmpty else {
                s.holder = nil
                return nil
            }
            let w = s.waiting.removeFirst()
            s.holder = w.holder
            return w.continuation
        }
        next?.resume(returning: .acquired)
    }
}
