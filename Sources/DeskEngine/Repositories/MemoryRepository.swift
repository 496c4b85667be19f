import Foundation
import OrderDesk
import Synchronization

/// A repository held in memory: for tests of the desk and the shell, and as the layer a dry run writes into.
/// Behaves like the JSON store (lists, find, prefixes, outbox, settings) without touching a disk.
public final class MemoryRepository: OrderRepository {
    private var records: [String: OrderRecord] = [:]
    private var entries: [String: (summary: OrderSummary, search: String)] = [:]
    /// Ids in the order they were added.
    private var order: [String] = []
    private var pending: [String: OutboxEntry] = [:]
    private var pendingOrder: [String] = []
    public private(set) var refusals: [Refusal] = []
    private var settings = Settings()
    private var downloadStatus = DownloadStatus()
    private var binding: MarketplaceBinding?
    public let sendLock: any SendLock = MemorySendLock()

    /// A failure to inject into the next write (tests of what happens when the disk is full).
    public var failNextWrites = 0

    public init(records: [OrderRecord] = []) {
        for r in records { put(r) }
    }

    public var location: String { "memory" }
    public var orderCount: Int { records.count }

    public func refresh() throws(StoreError) -> Bool { false }

    // MARK: orders

    public func record(_ id: String) throws(StoreError) -> OrderRecord? { records[id] }

    public func summary(of id: String) -> OrderSummary? { entries[id]?.summary }

    public func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
        order.compactMap { entries[$0]?.summary }.filter { stages?.contains($0.stage) ?? true }
    }

    public func active() -> [OrderSummary] { summaries(in: Set(OrderStage.allCases.filter(\.isActionable))) }

    public func find(_ text: String) -> [OrderSummary] {
        let needle = text.lowercased()
        guard !needle.isEmpty else { return [] }
        return order.compactMap { id in
            guard let e = entries[id] else { return nil }
            return SearchText.matches(e.search, needle) ? e.summary : nil
        }
    }

    public func matching(prefix: String, limit: Int) -> [OrderSummary] {
        let p = prefix.lowercased()
        var byReference: [OrderSummary] = [], byMerchant: [OrderSummary] = []
        for id in order {
            guard let s = entries[id]?.summary else { continue }
            if s.referenceOrderID.lowercased().hasPrefix(p), byReference.count < limit { byReference.append(s) }
            if s.merchantOrderID.lowercased().hasPrefix(p), byMerchant.count < limit { byMerchant.append(s) }
        }
        var seen = Set<String>()
        return (byReference + byMerchant).filter { seen.insert($0.merchantOrderID).inserted }
    }

    public func received(since date: Date) -> [OrderSummary] {
        summaries(in: nil).filter { ($0.receivedAt ?? .distantPast) >= date }
    }

    public func warmUp() {}

    // MARK: changes

    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T { try body() }

    public func save(_ records: [OrderRecord], new: [String]) throws(StoreError) {
        try injectedFailure("orders")
        for r in records { put(r) }
    }

    private func put(_ r: OrderRecord) {
        if records.updateValue(r, forKey: r.id) == nil { order.append(r.id) }
        entries[r.id] = (OrderSummary(r), SearchText.joined(r))
    }

    private func injectedFailure(_ what: String) throws(StoreError) {
        guard failNextWrites > 0 else { return }
        failNextWrites -= 1
        throw StoreError("could not write the \(what) in memory: no space left (injected by a test)", remedy: "free some disk space, then try again")
    }

    // MARK: outbox

    public var pendingActions: [OutboxEntry] { pendingOrder.compactMap { pending[$0] } }

    public func queue(_ actions: [OrderAction]) throws(StoreError) {
        try injectedFailure("outbox")
        for a in actions where pending[a.id] == nil {
            pending[a.id] = OutboxEntry(action: a)
            pendingOrder.append(a.id)
        }
    }

    public func markDelivered(_ action: OrderAction, at: Date) throws(StoreError) {
        try injectedFailure("outbox")
        remove(action.id)
    }

    public func markRefused(_ action: OrderAction, at: Date, reason: String) throws(StoreError) {
        try injectedFailure("outbox")
        remove(action.id)
        refusals.append(Refusal(action: action, at: at, reason: reason))
    }

    public func noteAttempt(_ action: OrderAction, at: Date, error: String, next: Date) throws(StoreError) {
        guard var e = pending[action.id] else { return }
        e.attempts += 1
        e.lastError = error
        e.nextAttempt = next
        pending[action.id] = e
    }

    private func remove(_ id: String) {
        pending[id] = nil
        pendingOrder.removeAll { $0 == id }
    }

    // MARK: settings, downloads, identity

    public func loadSettings() throws(StoreError) -> Settings { settings }
    public func saveSettings(_ settings: Settings) throws(StoreError) { self.settings = settings }
    public func loadDownloadStatus() throws(StoreError) -> DownloadStatus { downloadStatus }
    public func saveDownloadStatus(_ status: DownloadStatus) throws(StoreError) { downloadStatus = status }
    public func loadBinding() throws(StoreError) -> MarketplaceBinding? { binding }
    public func saveBinding(_ binding: MarketplaceBinding) throws(StoreError) { self.binding = binding }
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
