import Foundation
import OrderDesk
import OrderStore

/// The order desk at work: the rules, the store, the outbox and the marketplace together. Every operator
/// action goes through here: checked by the rules, recorded in the outbox and the order's file, then sent.
public actor Desk {
    public let store: OrderStore
    public private(set) var settings: Settings
    public let operatorName: String
    let clock: WallClock
    let marketplaceProvider: @Sendable () async throws -> any Marketplace
    let describe: @Sendable (MarketplaceRequest, String) -> String
    private var marketplace: (any Marketplace)?
    /// Actions committed by this desk and not yet tried: the first try sends without asking Jet first.
    var freshActions = Set<String>()
    /// Orders to fetch again after a shipment, so their Jet status is current.
    var refetchLater = Set<String>()
    /// Marketplace name for `status`, once known.
    public private(set) var marketplaceName: String?

    /// - Parameters:
    ///   - marketplace: makes the marketplace on first use (so a session that only reads never starts one).
    ///   - describe: the call a request becomes, for `--dry-run`.
    public init(store: OrderStore, operatorName: String, clock: WallClock = .system,
                marketplace: @escaping @Sendable () async throws -> any Marketplace,
                describe: @escaping @Sendable (MarketplaceRequest, String) -> String) throws(StoreError) {
        self.store = store
        self.settings = try store.loadSettings()
        self.operatorName = operatorName
        self.clock = clock
        self.marketplaceProvider = marketplace
        self.describe = describe
    }

    public var now: Date { clock.now }
    public var storePath: String { store.path }
    public var invoicesPath: String { store.invoicesPath }
    public var orderCount: Int { store.orderCount }
    public var isDryRun: Bool { store.dryRun }

    func market() async throws(MarketplaceError) -> any Marketplace {
        if let marketplace { return marketplace }
        do {
            let m = try await marketplaceProvider()
            marketplace = m
            marketplaceName = m.displayName
            return m
        } catch let e as MarketplaceError {
            throw e
        } catch {
            throw MarketplaceError(.unreachable, call: "connect", message: "\(error)")
        }
    }

    public func shutdown() async {
        await marketplace?.shutdown()
        marketplace = nil
    }

    // MARK: reading

    /// Picks up other sessions' changes (and settings). Returns true when orders or the outbox changed.
    @discardableResult
    public func refresh() throws(StoreError) -> Bool {
        let changed = try store.refresh()
        if !store.dryRun { settings = try store.loadSettings() }
        return changed
    }

    public func list(_ filter: OrderFilter) -> [OrderSummary] {
        sorted(store.summaries(filter, now: now, settings: settings))
    }

    public func find(_ text: String) -> [OrderSummary] {
        sorted(store.find(text))
    }

    /// Most urgent first: by next deadline, then by when the order came in.
    func sorted(_ list: [OrderSummary]) -> [OrderSummary] {
        let s = settings
        // Each order's deadline is worked out once, not on every comparison.
        let keyed = list.map { (order: $0, due: Deadline.next(for: $0, settings: s)?.due) }
        return keyed.sorted { ka, kb in
            let a = ka.order, b = kb.order
            switch (ka.due, kb.due) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default:
                return (a.receivedAt ?? .distantPast, a.referenceOrderID) > (b.receivedAt ?? .distantPast, b.referenceOrderID)
            }
        }.map(\.order)
    }

    /// The one order `prefix` names: an unambiguous prefix of its reference or merchant order id.
    public func resolve(_ prefix: String) throws(DeskError) -> OrderSummary {
        let p = prefix.trimmingCharacters(in: .whitespaces)
        guard !p.isEmpty else { throw DeskError("no order given", remedy: "give an order id, or `open` one first") }
        let found = store.resolve(p, limit: 12)
        switch found.count {
        case 1: return found[0]
        case 0:
            throw DeskError("no order matches \"\(p)\"", remedy: "`find \(p)` searches every field; `download` fetches new orders")
        default:
            let list = found.sorted { $0.referenceOrderID < $1.referenceOrderID }.prefix(10)
                .map { "\($0.referenceOrderID) (\($0.buyer), \($0.stage.label))" }.joined(separator: ", ")
            throw DeskError("\"\(p)\" matches \(found.count == 12 ? "12 or more" : String(found.count)) orders: \(list)",
                            remedy: "type more of the id")
        }
    }

    /// Order ids for completion: reference ids starting with `prefix` (merchant ids when no reference id matches).
    public func completeIDs(_ prefix: String, limit: Int = 200) -> [String] {
        let found = store.resolve(prefix, limit: limit)
        let refs = found.map(\.referenceOrderID).filter { $0.lowercased().hasPrefix(prefix.lowercased()) }
        return (refs.isEmpty ? found.map(\.merchantOrderID) : refs).sorted()
    }

    public func warmUp() { store.warmUp() }

    /// The summary of an order by its exact merchant id (nil when it is not in the store).
    public func resolveExact(_ id: String) -> OrderSummary? { store.summary(of: id) }

    /// Merchant ids of orders with an action not yet sent.
    public var unsentOrderIDs: Set<String> { Set(store.pendingActions.map(\.action.merchantOrderID)) }

    /// The full record of an order.
    public func record(_ id: String) throws(StoreError) -> OrderRecord {
        guard let r = try store.record(id) else {
            throw StoreError("order \(id) is listed in the index of \(store.path) but its file \(store.filePath(for: id)) is missing",
                             remedy: "run `download` to fetch it from Jet again")
        }
        return r
    }

    public var pendingActions: [OutboxEntry] { store.pendingActions }
    public var refusals: [Refusal] { store.refusals }

    public var downloadStatus: DownloadStatus { store.loadDownloadStatus() }

    /// Counts for the prompt: due soon, late, unsent, stale download.
    public func urgency() -> Urgency {
        var u = Urgency()
        let t = now
        for s in store.active() {
            guard let d = Deadline.next(for: s, settings: settings) else { continue }
            switch d.urgency(now: t, dueSoon: settings.dueSoon) {
            case .late: u.late += 1
            case .dueSoon: u.dueSoon += 1
            case .onTime: break
            }
        }
        u.unsent = store.pendingActions.count
        let status = store.loadDownloadStatus()
        u.lastGoodDownload = status.lastSuccess
        if settings.downloadInterval > 0 {
            if let last = status.lastSuccess {
                u.staleDownload = t.timeIntervalSince(last) > 2 * settings.downloadInterval
            } else {
                u.staleDownload = true
            }
        }
        return u
    }

    /// The cancellation rate over 7 and 30 days.
    public func cancellationRates() -> (week: CancellationRate, month: CancellationRate) {
        let t = now
        let recent = store.received(since: t.addingTimeInterval(-30 * 86400))
        return (CancellationRate.over(days: 7, of: recent, now: t), CancellationRate.over(days: 30, of: recent, now: t))
    }

    // MARK: settings

    public func set(_ name: String, _ value: String) throws -> String {
        guard let def = Settings.definition(named: name) else {
            throw DeskError("there is no setting \"\(name)\"", remedy: "`set` lists them: " + Settings.definitions.map(\.name).joined(separator: ", "))
        }
        var s = settings
        try def.set(&s, value)
        try store.saveSettings(s)
        settings = s
        return def.get(s)
    }

    // MARK: actions

    public func context() -> Rules.Context {
        Rules.Context(now: now, by: operatorName, settings: settings)
    }

    /// Checks an action against the rules without recording it (for the confirmation question).
    public func preview(_ id: String, _ build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction) throws -> OrderAction {
        try build(try record(id), context())
    }

    /// Records actions: the rules run again on each order as it is now on disk (another session may have
    /// changed it), then the actions go to the outbox (synced) and into the orders' files. Nothing is sent yet.
    public func commit(_ ids: [String], _ build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction) throws -> [OrderAction] {
        try store.withLock { () throws(StoreError) -> Result<[OrderAction], DeskError> in
            var actions: [OrderAction] = []
            var records: [OrderRecord] = []
            for id in ids {
                guard var r = try store.record(id) else { throw StoreError("order \(id) is not in the store") }
                let action: OrderAction
                do throws(DeskError) {
                    action = try build(r, context())
                } catch {
                    return .failure(error)
                }
                r.actions.append(action)
                r.history.append(HistoryEvent(at: action.createdAt, by: action.by, event: Self.describeAction(action), actionID: action.id))
                actions.append(action)
                records.append(r)
            }
            try store.queue(actions)
            try store.write(records)
            freshActions.formUnion(actions.map(\.id))
            return .success(actions)
        }.get()
    }

    /// Appends a note (never edited or deleted).
    public func note(_ id: String, _ text: String) throws -> Note {
        try store.withLock { () throws(StoreError) -> Result<Note, DeskError> in
            guard var r = try store.record(id) else { throw StoreError("order \(id) is not in the store") }
            let note: Note
            do throws(DeskError) { note = try Rules.note(r, text: text, context()) } catch { return .failure(error) }
            r.notes.append(note)
            try store.write([r])
            return .success(note)
        }.get()
    }

    static func describeAction(_ a: OrderAction) -> String {
        switch a.request {
        case .acknowledge(let ack):
            return ack.isAccepted ? "approved" : "cancelled (\(ack.status))"
        case .ship(let s):
            if s.isCancelOnly {
                return "cancelled \(s.items.reduce(0) { $0 + $1.cancelQuantity }) unit(s) as Jet asked"
            }
            return "shipped \(s.items.reduce(0) { $0 + $1.quantity }) unit(s) with \(s.carrier ?? "?") \(s.tracking ?? "")"
        case .completeReturn(let c):
            if a.kind == .deny { return "refund denied (\(c.items.first?.feedback ?? ""))" }
            return "refunded \(c.refundTotal)" + (c.items.first?.feedback.map { " (\($0))" } ?? "")
        }
    }
}
