import Foundation
import OrderDesk

/// What a dry run works on: reads go through to the real store, every write stays in memory. A script run
/// with `--dry-run` sees its own changes line after line, and the store on disk is left exactly as it was.
public final class OverlayRepository: OrderRepository {
    let base: any OrderRepository
    private let changes = MemoryRepository()
    /// Ids of orders written in the overlay.
    private var changed = Set<String>()
    /// Actions of the real outbox that the dry run has "delivered" or "refused".
    private var settled = Set<String>()
    private var settings: Settings?
    private var downloadStatus: DownloadStatus?
    private var binding: MarketplaceBinding??

    public init(over base: any OrderRepository) {
        self.base = base
    }

    public var location: String { base.location }
    public var orderCount: Int { base.orderCount + changed.filter { base.summary(of: $0) == nil }.count }
    public var sendLock: any SendLock { changes.sendLock }

    public func refresh() throws(StoreError) -> Bool { try base.refresh() }

    // MARK: orders: the overlay's version wins

    public func record(_ id: String) throws(StoreError) -> OrderRecord? {
        changed.contains(id) ? try changes.record(id) : try base.record(id)
    }

    public func summary(of id: String) -> OrderSummary? {
        changed.contains(id) ? changes.summary(of: id) : base.summary(of: id)
    }

    /// The base's list without the orders the overlay changed, plus the overlay's that belong in it.
    private func merged(_ fromBase: [OrderSummary], _ fromChanges: [OrderSummary]) -> [OrderSummary] {
        fromBase.filter { !changed.contains($0.merchantOrderID) } + fromChanges
    }

    public func summaries(in stages: Set<OrderStage>?) -> [OrderSummary] {
        merged(base.summaries(in: stages), changes.summaries(in: stages))
    }

    public func active() -> [OrderSummary] { merged(base.active(), changes.active()) }
    public func openAtJet() -> [OrderSummary] { merged(base.openAtJet(), changes.openAtJet()) }
    public func find(_ text: String) -> [OrderSummary] { merged(base.find(text), changes.find(text)) }

    public func matching(prefix: String, limit: Int) -> [OrderSummary] {
        merged(base.matching(prefix: prefix, limit: limit), changes.matching(prefix: prefix, limit: limit))
    }

    public func received(since date: Date) -> [OrderSummary] {
        merged(base.received(since: date), changes.received(since: date))
    }

    public func changed(since date: Date) -> [OrderSummary] {
        merged(base.changed(since: date), changes.changed(since: date))
    }

    /// The base's stream without the orders the overlay changed, with the overlay's merged in.
    public func newestFirst(in stages: Set<OrderStage>?, excluding: Set<String>) -> any SummaryCursor {
        MergedCursor(
            base.newestFirst(in: stages, excluding: excluding.union(changed)),
            changes.summaries(in: stages).filter { !excluding.contains($0.merchantOrderID) }.sorted(by: newestFirstOrder))
    }

    public func warmUp() { base.warmUp() }

    // MARK: changes stay in memory

    public func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T { try body() }

    public func save(_ records: [OrderRecord], new: [String]) throws(StoreError) {
        try changes.save(records, new: new)
        changed.formUnion(records.map(\.id))
    }

    /// Orders the dry run took out of quarantine.
    private var released = Set<String>()

    public func quarantined() -> [QuarantineEntry] {
        (base.quarantined().filter { !released.contains($0.id) } + changes.quarantined())
    }

    public func setAside(_ entries: [QuarantineEntry]) throws(StoreError) { try changes.setAside(entries) }

    public func release(_ ids: Set<String>) throws(StoreError) {
        try changes.release(ids)
        released.formUnion(ids)
    }

    /// A dry run changes nothing on disk.
    public func compact(force: Bool) throws(StoreError) -> CompactionResult? { nil }

    public var pendingActions: [OutboxEntry] {
        base.pendingActions.filter { !settled.contains($0.action.id) } + changes.pendingActions
    }

    public var refusals: [Refusal] { base.refusals + changes.refusals }

    public func queue(_ actions: [OrderAction]) throws(StoreError) { try changes.queue(actions) }

    public func markDelivered(_ action: OrderAction, at: Date) throws(StoreError) {
        settled.insert(action.id)
        try changes.markDelivered(action, at: at)
    }

    public func markRefused(_ action: OrderAction, at: Date, reason: String) throws(StoreError) {
        settled.insert(action.id)
        try changes.markRefused(action, at: at, reason: reason)
    }

    public func noteAttempt(_ action: OrderAction, at: Date, error: String, next: Date) throws(StoreError) {
        try changes.noteAttempt(action, at: at, error: error, next: next)
    }

    public func loadSettings() throws(StoreError) -> Settings {
        if let settings { return settings }
        return try base.loadSettings()
    }
    public func saveSettings(_ settings: Settings) throws(StoreError) { self.settings = settings }
    public func loadDownloadStatus() throws(StoreError) -> DownloadStatus {
        if let downloadStatus { return downloadStatus }
        return try base.loadDownloadStatus()
    }
    public func saveDownloadStatus(_ status: DownloadStatus) throws(StoreError) { downloadStatus = status }

    public func loadBinding() throws(StoreError) -> MarketplaceBinding? {
        if let binding { return binding }
        return try base.loadBinding()
    }

    public func saveBinding(_ binding: MarketplaceBinding) throws(StoreError) { self.binding = .some(binding) }
}

/// A stream merged with a short list in the same order (newest first).
final class MergedCursor: SummaryCursor {
    private let stream: any SummaryCursor
    private var extra: [OrderSummary]
    private var ahead: [OrderSummary] = []
    private var done = false

    init(_ stream: any SummaryCursor, _ extra: [OrderSummary]) {
        self.stream = stream
        self.extra = extra
    }

    func next(max: Int) -> [OrderSummary] {
        var out: [OrderSummary] = []
        while out.count < max {
            if ahead.isEmpty, !done {
                ahead = stream.next(max: max)
                done = ahead.isEmpty
            }
            switch (ahead.first, extra.first) {
            case let (a?, e?): out.append(newestFirstOrder(a, e) ? ahead.removeFirst() : extra.removeFirst())
            case (_?, nil): out.append(ahead.removeFirst())
            case (nil, _?): out.append(extra.removeFirst())
            case (nil, nil): return out
            }
        }
        return out
    }
}
