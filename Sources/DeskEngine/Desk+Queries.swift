import Foundation
import OrderDesk

/// The desk's queries: lists, search, resolving what the operator typed, completion, one order, what is
/// urgent, the report. They read the store and send nothing (a damaged record found repaired leaves quarantine).
extension Desk {
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
}
