// DeskEngine: the desk at work. It owns how an operator's action becomes a durable outbox entry and reaches
// Jet exactly once, how downloads are merged, and what the shell may ask of the store. It speaks to the
// store only through the OrderRepository port and to Jet only through the Marketplace port: it must not know
// files, HTTP, or the terminal.
import Foundation
import OrderDesk

/// The order desk at work: the rules, the repository, the outbox and the marketplace together. Every operator
/// action goes through here: checked by the rules, recorded in the outbox and the order's file, then sent.
public actor Desk {
    let store: any OrderRepository
    public private(set) var settings: Settings
    public let operatorName: String
    public nonisolated let clock: WallClock
    /// How the operator writes dates with slashes, for `find` (from the locale).
    public let dateOrder: SearchText.DateOrder
    /// A rehearsal (`--dry-run`): the repository is an overlay that keeps changes in memory, and deliveries
    /// say what they would send instead of sending it.
    public let isDryRun: Bool
    let marketplaceProvider: @Sendable () async throws -> any Marketplace
    let describe: @Sendable (MarketplaceRequest, String) -> String
    /// How long to wait for another process delivering this store's outbox.
    let sendLockTimeout: Duration
    /// The account this desk connects to (decided by ``Connection/decide(store:bound:offer:storeIsEmpty:)``), nil
    /// when it may not connect anywhere. Recorded in each action of a store not yet attached to a marketplace.
    public let account: MarketplaceBinding?
    private var marketplace: (any Marketplace)?
    /// Problems that did not fail a command but must be shown (a write that failed after Jet confirmed).
    var warnings: [String] = []
    /// Actions committed by this desk and not yet tried: the first try sends without asking Jet first.
    var freshActions = Set<String>()
    /// Orders to fetch again after a shipment, so their Jet status is current.
    var refetchLater = Set<String>()
    /// Marketplace name for `status`, once known.
    public private(set) var marketplaceName: String?
    /// The words and rules of the marketplace the store belongs to.
    public nonisolated let traits: MarketplaceTraits

    /// - Parameters:
    ///   - marketplace: makes the marketplace on first use (so a session that only reads never starts one).
    ///   - describe: the call a request becomes, for `--dry-run`.
    public init(
        repository: any OrderRepository, operatorName: String, clock: WallClock = .system, dryRun: Bool = false,
        sendLockTimeout: Duration = .seconds(10), account: MarketplaceBinding? = nil, dateOrder: SearchText.DateOrder = .either,
        traits: MarketplaceTraits = .jet,
        marketplace: @escaping @Sendable () async throws -> any Marketplace,
        describe: @escaping @Sendable (MarketplaceRequest, String) -> String
    ) throws(StoreError) {
        self.store = repository
        self.settings = try repository.loadSettings()
        self.operatorName = operatorName
        self.clock = clock
        self.isDryRun = dryRun
        self.sendLockTimeout = sendLockTimeout
        self.account = account
        self.dateOrder = dateOrder
        self.traits = traits
        self.marketplaceProvider = marketplace
        self.describe = describe
    }

    public var now: Date { clock.now }

    /// How this process's downloads are recorded (`ada (pid 4711)`), so a session can tell them from a watcher's.
    public nonisolated var downloaderName: String { "\(operatorName) (pid \(ProcessInfo.processInfo.processIdentifier))" }
    /// The store's directory (or `memory`), for `status` and messages.
    public var storePath: String { store.location }
    public var orderCount: Int { store.orderCount }

    /// Problems since the last call that did not fail a command but must be shown.
    public func takeWarnings() -> [String] {
        defer { warnings = [] }
        return warnings
    }

    func warn(_ text: String) { warnings.append(text) }

    func market() async throws(MarketplaceError) -> any Marketplace {
        if let marketplace { return marketplace }
        let m: any Marketplace
        do {
            m = try await marketplaceProvider()
        } catch let e as MarketplaceError {
            throw e
        } catch let refusal as Connection.Refusal {
            throw MarketplaceError(.notConnected(remedy: refusal.remedy), call: "connect", message: refusal.summary)
        } catch let e as any OperatorFacingError {
            throw MarketplaceError(.notConnected(remedy: e.remedy), call: "connect", message: e.summary)
        } catch {
            throw MarketplaceError(.unreachable, call: "connect", message: "\(error)")
        }
        // The store's own record of its marketplace has the last word.
        let bound: MarketplaceBinding?
        do {
            bound = try store.loadBinding()
        } catch {
            throw MarketplaceError(.notConnected(remedy: error.remedy), call: "connect", message: error.summary)
        }
        if let bound, !bound.isSameAccount(as: m.binding) {
            await m.shutdown()
            throw MarketplaceError(
                .notConnected(remedy: "use --store to choose the store of \(m.binding)"), call: "connect",
                message: "the store \(store.location) belongs to \(bound), not to \(m.binding)")
        }
        marketplace = m
        marketplaceName = m.displayName
        return m
    }

    /// After the first successful talk with a marketplace, the store belongs to it for good.
    func bindIfNeeded(_ m: any Marketplace) {
        do {
            guard try store.loadBinding() == nil else { return }
            try store.saveBinding(m.binding)
        } catch {
            warn("the store could not record that it belongs to \(m.binding): \(error.summary)")
        }
    }

    /// The account an action recorded now is for.
    func accountForActions() throws(StoreError) -> MarketplaceBinding? {
        try store.loadBinding() ?? account
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
        settings = try store.loadSettings()
        return changed
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
        Rules.Context(now: now, by: operatorName, settings: settings, traits: traits)
    }

    /// Checks an action against the rules without recording it (for the confirmation question).
    public func preview(_ id: String, _ build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction) throws -> OrderAction {
        try build(try record(id), context())
    }

    /// Records actions: the rules run again on each order as it is now on disk (another session may have
    /// changed it), then the actions go to the outbox (synced) and into the orders' files. Nothing is sent yet.
    ///
    /// Once an action is in the outbox it is queued and will be sent, whatever fails after: a failure to write
    /// the order's file then (a full disk) is a warning, not an error, so nobody types the command again and
    /// sends it twice. The order's file is repaired from the outbox by the next jom that opens the store.
    public func commit(_ ids: [String], _ build: @Sendable (OrderRecord, Rules.Context) throws(DeskError) -> OrderAction) throws -> [OrderAction] {
        try store.transaction { () throws(StoreError) -> Result<[OrderAction], DeskError> in
            var actions: [OrderAction] = []
            var records: [OrderRecord] = []
            let account = try accountForActions()
            let pending = store.pendingActions
            for id in ids {
                guard var r = try store.record(id) else { throw StoreError("order \(id) is not in the store") }
                // The outbox is the truth for what is queued: an action whose order's file missed it (that write
                // failed) still counts, so the same command typed again is recognised.
                for e in pending where e.action.merchantOrderID == id && !r.actions.contains(where: { $0.id == e.action.id }) {
                    r.actions.append(e.action)
                }
                var action: OrderAction
                do throws(DeskError) {
                    action = try build(r, context())
                } catch {
                    return .failure(error)
                }
                action.account = account
                r.actions.append(action)
                r.history.append(HistoryEvent(at: action.createdAt, by: action.by, event: Self.describeAction(action), actionID: action.id))
                actions.append(action)
                records.append(r)
            }
            do throws(StoreError) {
                try store.queue(actions)
            } catch {
                // A write can fail after its bytes reached the disk (the flush did not): the outbox tells.
                _ = try? store.refresh()  // Unreadable: the actions count as not queued, below.
                let queued = Set(store.pendingActions.map(\.action.id))
                guard !actions.isEmpty, actions.allSatisfy({ queued.contains($0.id) }) else { throw error }
                warn(
                    "the outbox reported a problem (\(error.summary)) but holds \(actions.count == 1 ? "the action" : "the actions"): queued, and sent as usual"
                )
            }
            freshActions.formUnion(actions.map(\.id))
            do throws(StoreError) {
                try store.save(records, new: [])
            } catch {
                let what = actions.count == 1 ? "\(actions[0].kind.rawValue) \(reference(actions[0]))" : "\(actions.count) actions"
                warn(
                    "\(what) is queued and will be sent, but the order's file could not be written (\(error.summary)); the next jom to open the store writes it from the outbox. Do not repeat the command"
                )
            }
            return .success(actions)
        }.get()
    }

    /// Appends a note (never edited or deleted). `added` is false when the same note by the same operator is
    /// already there from moments ago (the command typed again): it is not added twice.
    public func note(_ id: String, _ text: String) throws -> (note: Note, added: Bool) {
        try store.transaction { () throws(StoreError) -> Result<(note: Note, added: Bool), DeskError> in
            guard var r = try store.record(id) else { throw StoreError("order \(id) is not in the store") }
            if let same = Rules.repeatedNote(r, text: text, context()) { return .success((same, false)) }
            let note: Note
            do throws(DeskError) { note = try Rules.note(r, text: text, context()) } catch { return .failure(error) }
            r.notes.append(note)
            try store.save([r], new: [])
            return .success((note, true))
        }.get()
    }

    static func describeAction(_ a: OrderAction) -> String { a.story }
}

/// A list shown a page at a time (``Desk/listing(_:)``): a first part already sorted, then a stream from the
/// store, kept to the orders `keep` accepts. Used by one task at a time; it reads only what it was given.
public final class OrderListing: @unchecked Sendable {
    private var first: [OrderSummary]
    private var position = 0
    private let then: (any SummaryCursor)?
    private let keep: (OrderSummary) -> Bool

    init(_ first: [OrderSummary], then: (any SummaryCursor)?, keep: @escaping (OrderSummary) -> Bool) {
        self.first = first
        self.then = then
        self.keep = keep
    }

    /// Up to `max` more orders; empty at the end.
    public func next(max: Int) -> [OrderSummary] {
        var out: [OrderSummary] = []
        if position < first.count {
            out = Array(first[position..<min(first.count, position + max)])
            position += out.count
        }
        while out.count < max, let then {
            let page = then.next(max: max - out.count)
            if page.isEmpty { break }
            out += page.filter(keep)
        }
        return out
    }
}
