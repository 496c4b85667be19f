import Foundation

/// Where the desk keeps what it knows: orders (Jet's view plus our actions, notes and history), the outbox of
/// actions for Jet, the settings, the download log and which marketplace the store belongs to.
///
/// The JSON store on disk implements it (`OrderStore`); an in-memory repository serves tests, and a dry run
/// puts an overlay over the real store (reads go through, writes stay in memory). Owned by one desk at a time:
/// implementations need not be thread-safe, except ``sendLock``.
public protocol OrderRepository: AnyObject {
    /// Names the store in messages: its directory, or `memory`.
    var location: String { get }
    /// Orders in the store.
    var orderCount: Int { get }

    /// Picks up what other processes changed. True when orders or the outbox changed.
    @discardableResult
    func refresh() throws(StoreError) -> Bool

    // MARK: orders

    /// One order, or nil when the store does not have it.
    func record(_ id: String) throws(StoreError) -> OrderRecord?
    /// The summary of one order by its exact merchant id.
    func summary(of id: String) -> OrderSummary?
    /// Orders in `stages` (every order when nil).
    func summaries(in stages: Set<OrderStage>?) -> [OrderSummary]
    /// Orders in stages that need the operator (new, to ship, cancel or return requested).
    func active() -> [OrderSummary]
    /// Orders Jet may still change: not complete there, or with a return not closed.
    func openAtJet() -> [OrderSummary]
    /// Orders where `text` occurs in a searchable field, ignoring case.
    func find(_ text: String) -> [OrderSummary]
    /// Orders whose reference or merchant id starts with `prefix` (ignoring case), at most `limit` of each kind.
    func matching(prefix: String, limit: Int) -> [OrderSummary]
    /// Orders received at or after `date`.
    func received(since date: Date) -> [OrderSummary]
    /// Orders received, approved, shipped, cancelled or refunded at or after `date` (the report).
    func changed(since date: Date) -> [OrderSummary]
    /// Orders in `stages` (every order when nil) not in `excluding`, newest first (by when they came in, then
    /// reference id), a page at a time: a long list streams without the store being read whole first.
    func newestFirst(in stages: Set<OrderStage>?, excluding: Set<String>) -> any SummaryCursor
    /// Prepares lookups a session will want (id directory, search filter); may take a while on a large store.
    func warmUp()

    // MARK: changes

    /// Runs `body` as one change: other processes' changes are picked up first, and none interleave.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T
    /// Writes orders durably (inside ``transaction(_:)``). `new` lists the ids the store did not have.
    func save(_ records: [OrderRecord], new: [String]) throws(StoreError)
    // MARK: quarantine

    /// Orders set aside: a record that cannot be read, or what the marketplace sent that cannot be understood
    /// or is absurd. Listed by `status` and `show damaged`, left out of everything else.
    func quarantined() -> [QuarantineEntry]
    /// Sets orders aside (an entry for the same order and reason is replaced).
    func setAside(_ entries: [QuarantineEntry]) throws(StoreError)
    /// Takes orders out of quarantine (a good version arrived, or the record reads again).
    func release(_ ids: Set<String>) throws(StoreError)

    /// Rewrites the current records without the versions they replaced: always when `force`, else only when old
    /// versions take most of the space. Nil when nothing was done (or the repository keeps no old versions).
    func compact(force: Bool) throws(StoreError) -> CompactionResult?

    // MARK: outbox

    /// Actions waiting for Jet, oldest first.
    var pendingActions: [OutboxEntry] { get }
    /// Actions Jet refused recently.
    var refusals: [Refusal] { get }
    /// Records actions for Jet durably, before the orders that show them are written (inside a transaction).
    func queue(_ actions: [OrderAction]) throws(StoreError)
    func markDelivered(_ action: OrderAction, at: Date) throws(StoreError)
    func markRefused(_ action: OrderAction, at: Date, reason: String) throws(StoreError)
    /// A failed attempt and when to try again.
    func noteAttempt(_ action: OrderAction, at: Date, error: String, next: Date) throws(StoreError)
    /// The right to deliver this store's outbox: one process at a time.
    var sendLock: any SendLock { get }

    // MARK: settings, downloads, identity

    func loadSettings() throws(StoreError) -> Settings
    func saveSettings(_ settings: Settings) throws(StoreError)
    func loadDownloadStatus() throws(StoreError) -> DownloadStatus
    func saveDownloadStatus(_ status: DownloadStatus) throws(StoreError)
    /// The marketplace the store belongs to, once it has talked to one.
    func loadBinding() throws(StoreError) -> MarketplaceBinding?
    func saveBinding(_ binding: MarketplaceBinding) throws(StoreError)
}

/// Pages of a long list of orders, read as they are asked for.
public protocol SummaryCursor: AnyObject {
    /// Up to `max` more orders; empty at the end.
    func next(max: Int) -> [OrderSummary]
}

/// A list already in memory, handed out a page at a time.
public final class ListCursor: SummaryCursor {
    private let list: [OrderSummary]
    private var position = 0

    public init(_ list: [OrderSummary]) { self.list = list }

    public func next(max: Int) -> [OrderSummary] {
        let page = Array(list[position..<min(list.count, position + max)])
        position += page.count
        return page
    }
}

/// Newest first, as ``OrderRepository/newestFirst(in:excluding:)`` lists: by when the order came in, then by
/// reference id, both descending.
/// (Whole seconds: the store's index keeps no finer time.)
public func newestFirstOrder(_ a: OrderSummary, _ b: OrderSummary) -> Bool {
    func second(_ d: Date?) -> Int { d.map { Int($0.timeIntervalSince1970.rounded(.down)) } ?? .min }
    return (second(a.receivedAt), a.referenceOrderID, a.merchantOrderID) > (second(b.receivedAt), b.referenceOrderID, b.merchantOrderID)
}

/// The right to deliver a store's outbox, held by one process at a time. Waiting never polls.
public protocol SendLock: Sendable {
    /// Waits up to `timeout` for the lock. `holder` says who takes it (shown to whoever waits next).
    func acquire(holder: String, timeout: Duration) async -> SendLockOutcome
    func release()
}

public enum SendLockOutcome: Sendable, Equatable {
    case acquired
    /// Still held by someone else when the time ran out: who, as they described themselves.
    case busy(heldBy: String)
}

/// A problem with the store, naming the file and what to do.
public struct StoreError: OperatorFacingError, CustomStringConvertible {
    public var summary: String
    public var remedy: String?
    /// Set when the error is one order's record that cannot be read (the order is then set aside: the rest of
    /// the store goes on).
    public var damagedOrderID: String?

    public init(_ summary: String, remedy: String? = nil) {
        self.summary = summary
        self.remedy = remedy
    }

    public var description: String { summary + (remedy.map { " (\($0))" } ?? "") }
}

/// An action waiting for Jet, with how its delivery has gone so far.
public struct OutboxEntry: Sendable, Hashable {
    public var action: OrderAction
    public var attempts: Int
    public var lastError: String?
    public var nextAttempt: Date?

    public init(action: OrderAction, attempts: Int = 0, lastError: String? = nil, nextAttempt: Date? = nil) {
        self.action = action
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttempt = nextAttempt
    }
}

/// An action Jet refused.
public struct Refusal: Sendable, Hashable {
    public var action: OrderAction
    public var at: Date
    public var reason: String

    public init(action: OrderAction, at: Date, reason: String) {
        self.action = action
        self.at = at
        self.reason = reason
    }
}

/// When downloads last ran, and how the last one went.
public struct DownloadStatus: Codable, Sendable, Hashable {
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    public var lastError: String?
    public var lastSummary: String?
    /// Who downloaded last: `jom watch`, or an operator's session (`ada`).
    public var lastBy: String?
    /// Successful downloads so far: a session tells another process's download by this changing.
    public var successes: Int?
    /// When jom last read each order Jet may still change: the longest unread are read first.
    public var checked: [String: Date]?

    public init(
        lastAttempt: Date? = nil, lastSuccess: Date? = nil, lastError: String? = nil, lastSummary: String? = nil,
        lastBy: String? = nil, checked: [String: Date]? = nil
    ) {
        self.lastAttempt = lastAttempt
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.lastSummary = lastSummary
        self.lastBy = lastBy
        self.checked = checked
    }
}

/// What a compaction did: the orders kept, and the bytes of their records before and after.
public struct CompactionResult: Sendable, Equatable {
    public var orders: Int
    public var bytesBefore: Int
    public var bytesAfter: Int

    public init(orders: Int, bytesBefore: Int, bytesAfter: Int) {
        self.orders = orders
        self.bytesBefore = bytesBefore
        self.bytesAfter = bytesAfter
    }
}
