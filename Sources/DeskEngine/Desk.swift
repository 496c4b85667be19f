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

    public func list(_ filter: OrderFilter) -> [OrderSummary] {
        let t = now, s = settings
        return withoutSetAside(sorted(store.summaries(in: filter.stages).filter { filter.matches($0, now: t, settings: s) }))
    }

    /// Orders set aside (quarantine): a damaged record, or what the marketplace sent cannot be read or is absurd.
    /// A damaged record that reads again (a person repaired the line) leaves quarantine here.
    public func quarantined() -> [QuarantineEntry] {
        let aside = store.quarantined()
        let repaired = Set(aside.filter { e in e.reason == .damagedRecord && (try? store.record(e.id)) != nil }.map(\.id))
        guard !repaired.isEmpty else { return aside }
        do { try store.release(repaired) } catch { warn("orders repaired could not be taken out of quarantine: \(error.summary)") }
        return store.quarantined()
    }

    /// A list without the orders set aside: they are shown only by `show damaged` and `status`.
    func withoutSetAside(_ list: [OrderSummary]) -> [OrderSummary] {
        let aside = store.quarantined()
        guard !aside.isEmpty else { return list }
        let ids = Set(aside.map(\.id))
        return list.filter { !ids.contains($0.merchantOrderID) }
    }

    /// The orders of a filter a page at a time, in the order ``list(_:)`` gives: those with a deadline first,
    /// most urgent first, then the rest newest first, streamed from the store, so the first rows come at once
    /// however many orders there are.
    public func listing(_ filter: OrderFilter) -> OrderListing {
        let t = now, s = settings
        let stages = filter.stages
        let aside = Set(store.quarantined().map(\.id))
        let hot = store.active().filter {
            (stages?.contains($0.stage) ?? true) && filter.matches($0, now: t, settings: s) && !aside.contains($0.merchantOrderID)
        }
        let urgent = sorted(hot.filter { Deadline.next(for: $0, settings: s) != nil })
        if let stages, stages.allSatisfy(\.isActionable) {
            // Every order of these stages is among the active ones: nothing more to read.
            let rest = hot.filter { Deadline.next(for: $0, settings: s) == nil }.sorted(by: newestFirstOrder)
            return OrderListing(urgent + rest, then: nil) { _ in true }
        }
        let rest = store.newestFirst(in: stages, excluding: Set(urgent.map(\.merchantOrderID)).union(aside))
        return OrderListing(urgent, then: rest) { filter.matches($0, now: t, settings: s) }
    }

    /// Orders where `text` occurs, as the operator meant it: also an amount without `$` and thousands
    /// separators, a phone by its digits, a date in the operator's form (``SearchText/needles(_:dates:)``).
    public func find(_ text: String) -> [OrderSummary] {
        var seen = Set<String>()
        var found: [OrderSummary] = []
        for needle in SearchText.needles(text, dates: dateOrder) {
            for s in store.find(needle) where seen.insert(s.merchantOrderID).inserted { found.append(s) }
        }
        return withoutSetAside(sorted(found))
    }

    /// Most urgent first: Jet's cancel requests (the most urgent thing), then by next deadline, then newest first
    /// (``newestFirstOrder(_:_:)``).
    func sorted(_ list: [OrderSummary]) -> [OrderSummary] {
        let s = settings
        // Each order's deadline is worked out once, not on every comparison.
        let keyed = list.map { (order: $0, due: Deadline.next(for: $0, settings: s)?.due) }
        return keyed.sorted { ka, kb in
            let ca = ka.order.stage == .cancelRequested, cb = kb.order.stage == .cancelRequested
            if ca != cb { return ca }
            switch (ka.due, kb.due) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return newestFirstOrder(ka.order, kb.order)
            }
        }.map(\.order)
    }

    /// Orders whose ids start with `prefix`; the exact match alone when one id is exactly `prefix`.
    func candidates(_ prefix: String, limit: Int) -> [OrderSummary] {
        let found = store.matching(prefix: prefix, limit: limit)
        let p = prefix.lowercased()
        // An exact id wins over longer ids it starts; several orders with exactly this id (a marketplace that
        // reused a number) stay several: the operator chooses, by the other id.
        let exact = found.filter { $0.referenceOrderID.lowercased() == p || $0.merchantOrderID.lowercased() == p }
        return exact.isEmpty ? found : exact
    }

    /// Which order a word names.
    public enum Resolution: Sendable {
        case one(OrderSummary)
        case none
        /// Several orders: the first few (sorted), and how many there are (nil: more than ``countLimit``).
        case several([OrderSummary], count: Int?)
    }

    /// Up to how many matches a prefix's count is exact.
    static let countLimit = 1000

    /// The orders `prefix` names as the start of a reference or merchant order id.
    public func lookUp(_ prefix: String) -> Resolution {
        let p = prefix.trimmingCharacters(in: .whitespaces)
        guard !p.isEmpty else { return .none }
        let found = candidates(p, limit: Self.countLimit + 1)
        switch found.count {
        case 0: return .none
        case 1: return .one(found[0])
        default:
            let sorted = found.sorted { $0.referenceOrderID < $1.referenceOrderID }
            return .several(Array(sorted.prefix(10)), count: found.count > Self.countLimit ? nil : found.count)
        }
    }

    /// The one order `prefix` names: an unambiguous prefix of its reference or merchant order id.
    public func resolve(_ prefix: String) throws(DeskError) -> OrderSummary {
        let p = prefix.trimmingCharacters(in: .whitespaces)
        guard !p.isEmpty else { throw DeskError("no order given", remedy: "give an order id, or `open` one first") }
        switch lookUp(p) {
        case .one(let s): return s
        case .none:
            throw DeskError("no order matches \"\(p)\"", remedy: "`find \(p)` searches every field; `download` fetches new orders")
        case .several(let list, let count):
            let same = list.allSatisfy { $0.referenceOrderID.lowercased() == p.lowercased() || $0.merchantOrderID.lowercased() == p.lowercased() }
            if same {
                // The very same id on several orders: only the other id tells them apart.
                let names = list.map { "\($0.merchantOrderID) (\($0.referenceOrderID), \($0.buyer), \($0.stage.label))" }.joined(separator: ", ")
                throw DeskError(
                    "\"\(p)\" is the id of \(list.count) orders: \(names)",
                    remedy:
                        "name the order by its other id, e.g. `open \(list[0].merchantOrderID.lowercased() == p.lowercased() ? list[0].referenceOrderID : list[0].merchantOrderID)`"
                )
            }
            let names = list.map { "\($0.referenceOrderID) (\($0.buyer), \($0.stage.label))" }.joined(separator: ", ")
            let total = count.map(String.init) ?? "more than \(Self.countLimit)"
            let shown = list.count < (count ?? Int.max) ? ", the first \(list.count): " : ": "
            throw DeskError("\"\(p)\" matches \(total) orders\(shown)\(names)", remedy: "type more of the id")
        }
    }

    /// What a session's list shows: a filter, or the text of a search.
    public enum View: Sendable, Equatable {
        case filter(OrderFilter)
        case find(String)
    }

    /// Order ids for completion: reference ids starting with `prefix` (merchant ids when no reference id matches),
    /// only of orders in `stages` when given; the orders of `preferring` (the session's view) first.
    public func completeIDs(_ prefix: String, stages: Set<OrderStage>? = nil, preferring view: View? = nil, limit: Int = 200) -> [String] {
        var found: [OrderSummary]
        if let stages, stages.allSatisfy(\.isActionable) {
            // Few orders are in these stages: list them rather than scan ids.
            let p = prefix.lowercased()
            found = store.active().filter {
                stages.contains($0.stage) && ($0.referenceOrderID.lowercased().hasPrefix(p) || $0.merchantOrderID.lowercased().hasPrefix(p))
            }
        } else {
            found = store.matching(prefix: prefix, limit: limit)
            if let stages { found = found.filter { stages.contains($0.stage) } }
        }
        let inView: Set<String>
        switch view {
        case .filter(let f)?:
            let t = now, s = settings
            inView = Set(found.filter { f.matches($0, now: t, settings: s) }.map(\.merchantOrderID))
        case .find(let text)?:
            inView = Set(store.find(text).map(\.merchantOrderID))
        case nil:
            inView = []
        }
        let useRefs = found.contains { $0.referenceOrderID.lowercased().hasPrefix(prefix.lowercased()) }
        // An id with a character no terminal may get raw (from a hostile or broken marketplace) is offered by its
        // other id, or not at all: it could not be typed anyway, and libedit prints candidates as they are.
        func typable(_ id: String) -> Bool { !id.unicodeScalars.contains(where: Printable.isUnsafe) && !id.contains(" ") }
        found = found.filter { typable(useRefs ? $0.referenceOrderID : $0.merchantOrderID) || typable(useRefs ? $0.merchantOrderID : $0.referenceOrderID) }
        func id(_ s: OrderSummary) -> String {
            let preferred = useRefs ? s.referenceOrderID : s.merchantOrderID
            return typable(preferred) ? preferred : (useRefs ? s.merchantOrderID : s.referenceOrderID)
        }
        let first = found.filter { inView.contains($0.merchantOrderID) }.map(id).sorted()
        let rest = found.filter { !inView.contains($0.merchantOrderID) }.map(id).sorted()
        return Array((first + rest).prefix(limit))
    }

    /// For completion lists: each candidate that names exactly one order by its id, with who bought it, its stage
    /// and total (`Liam Hopper · new · $65.81`).
    public func describeIDs(_ candidates: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for c in candidates.prefix(2000) {
            guard let s = store.matching(prefix: c, limit: 2).first(where: { $0.referenceOrderID == c || $0.merchantOrderID == c }) else { continue }
            out[c] = "\(s.buyer) · \(s.stage.label) · \(s.total)"
        }
        return out
    }

    /// The SKUs of the order `word` names with their open units, for completing `--units`.
    public func openUnits(of word: String) -> [UnitCount] {
        guard case .one(let s) = lookUp(word), let r = try? store.record(s.merchantOrderID) else { return [] }  // No such order: nothing to offer.
        var out: [UnitCount] = []
        // A SKU with a character no terminal may get raw is not offered (libedit prints candidates as they are).
        for (line, p) in zip(r.order.lines, OrderProgress(r).lines) where p.open > 0 && !line.sku.unicodeScalars.contains(where: Printable.isUnsafe) {
            if let i = out.firstIndex(where: { $0.sku == line.sku }) {
                out[i].quantity += p.open
            } else {
                out.append(UnitCount(sku: line.sku, quantity: p.open))
            }
        }
        return out
    }

    public func warmUp() { store.warmUp() }

    /// The summary of an order by its exact merchant id (nil when it is not in the store).
    public func resolveExact(_ id: String) -> OrderSummary? { store.summary(of: id) }

    /// Merchant ids of orders with an action not yet sent.
    public var unsentOrderIDs: Set<String> { Set(store.pendingActions.map(\.action.merchantOrderID)) }

    /// The full record of an order.
    public func record(_ id: String) throws(StoreError) -> OrderRecord {
        let found: OrderRecord?
        do {
            found = try store.record(id)
        } catch  where error.damagedOrderID != nil {
            setAside(id, error)
            throw error
        }
        guard let r = found else {
            throw StoreError(
                "order \(id) is listed in the index of \(store.location) but the order itself is missing",
                remedy: "run `download` to fetch it from \(traits.name) again")
        }
        return r
    }

    public var pendingActions: [OutboxEntry] { store.pendingActions }
    public var refusals: [Refusal] { store.refusals }

    public func downloadStatus() throws(StoreError) -> DownloadStatus { try store.loadDownloadStatus() }

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
        let status: DownloadStatus
        do {
            status = try store.loadDownloadStatus()
        } catch {
            u.problem = error.summary
            return u
        }
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

    /// The end-of-day report over the last `days` days (today included).
    public func report(days: Int) -> DayReport {
        let u = urgency()
        let rates = cancellationRates()
        let since = Calendar.current.date(byAdding: .day, value: -days, to: Calendar.current.startOfDay(for: now)) ?? now
        // Only orders with something in these days: received in them, or moved since (approved, shipped, …).
        let all = store.changed(since: since)
        return DayReport.count(all, days: days, now: now, late: u.late, dueSoon: u.dueSoon, week: rates.week, month: rates.month)
    }

    /// The report's top SKUs and return reasons over the last `days` days, from the records of the orders
    /// received or returned in them (the newest `limit`, so a huge store answers in moments).
    public func reportTops(days: Int, limit: Int = 20_000) -> ReportTops {
        let since = Calendar.current.date(byAdding: .day, value: -days, to: Calendar.current.startOfDay(for: now)) ?? now
        var seen = Set<String>()
        // Orders received or moved in the period, and those with a return open now (requested in it, maybe).
        let candidates = (store.changed(since: since) + store.active().filter { $0.stage == .returnRequested || $0.stage == .returnAccepted })
            .filter { seen.insert($0.merchantOrderID).inserted }
        let summaries = candidates.sorted(by: newestFirstOrder).prefix(limit)
        var records: [OrderRecord] = []
        for s in summaries {
            // A record that cannot be read is set aside elsewhere; the report counts the others.
            if let r = try? readOrSetAside(s.merchantOrderID) { records.append(r) }
        }
        return ReportTops.count(records, since: since)
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
