import Foundation
import OrderDesk

/// How one action's delivery to Jet went.
public struct DeliveryOutcome: Sendable {
    public enum Result: Sendable, Equatable {
        case delivered
        /// Still in the outbox; will be retried.
        case queued(reason: String)
        /// Jet said no; it left the outbox.
        case refused(reason: String)
        /// Dry run: this is the call that would have been made.
        case wouldSend(call: String)
    }

    public var action: OrderAction
    public var reference: String
    public var result: Result
}

/// What a download brought.
public struct DownloadReport: Sendable {
    public var newOrders = 0
    public var cancelRequests = 0
    public var returnRequests = 0
    public var statusChanges = 0
    /// Orders Jet cancelled itself.
    public var cancelledByJet = 0
    /// Return requests closed at Jet without the operator's answer.
    public var returnsClosedByJet = 0
    /// Orders re-read because jom holds them as not final.
    public var reconciled = 0
    public var failures: [DownloadFailure] = []
    /// What the operator should know about how the download went.
    public var remarks: [String] = []
    /// Orders Jet changed on its own (their order numbers), for the summary to name.
    public var changedIDs: [String] = []
    /// Orders set aside by this download (damaged, unreadable or absurd), by order number.
    public var setAside: [String] = []
    /// Orders that changed (new or updated).
    public var changedOrders = 0
    /// Queued actions delivered while downloading.
    public var delivered: [DeliveryOutcome] = []
    /// The store dropped old versions of its records after the download.
    public var compaction: CompactionResult?

    /// Whose orders: `Jet`, `Walmart`.
    public var marketplace = "Jet"

    public init() {}

    /// `3 new orders, 1 return request`; `nothing new`.
    public var sentence: String {
        var parts: [String] = []
        func n(_ count: Int, _ one: String, _ many: String) { if count > 0 { parts.append("\(count) \(count == 1 ? one : many)") } }
        n(newOrders, "new order", "new orders")
        n(cancelRequests, "cancel request from \(marketplace)", "cancel requests from \(marketplace)")
        n(returnRequests, "return request", "return requests")
        n(cancelledByJet, "order cancelled by \(marketplace)", "orders cancelled by \(marketplace)")
        n(returnsClosedByJet, "return closed at \(marketplace)", "returns closed at \(marketplace)")
        n(statusChanges, "status change", "status changes")
        if !changedIDs.isEmpty {
            let names = changedIDs.prefix(3).joined(separator: ", ") + (changedIDs.count > 3 ? " +\(changedIDs.count - 3) more" : "")
            parts[parts.count - 1] += " (\(names))"
        }
        n(setAside.count, "order set aside (`show damaged`)", "orders set aside (`show damaged`)")
        return parts.isEmpty ? "nothing new" : parts.joined(separator: ", ")
    }

    /// What could not be downloaded, one line per cause with an example: `2 orders: Jet's answer could not be
    /// read: order_items has the wrong type (e.g. order 2ab4…)`.
    public var failureLines: [String] {
        DownloadFailure.grouped(failures).map { g in
            let what = g.count == 1 ? "\(g.example.subject.rawValue) \(g.example.id)" : "\(g.count) \(g.example.subject.rawValue)s (e.g. \(g.example.id))"
            return "\(what): \(g.cause)"
        }
    }

    public var isInteresting: Bool {
        newOrders + cancelRequests + returnRequests + cancelledByJet + returnsClosedByJet > 0 || !failures.isEmpty || !setAside.isEmpty
    }
}

/// What needs attention now: the prompt's counts.
public struct Urgency: Sendable, Equatable {
    public var dueSoon = 0
    public var late = 0
    public var unsent = 0
    /// The last good download is older than twice the interval (or there never was one).
    public var staleDownload = false
    public var lastGoodDownload: Date?
    /// A store file the prompt depends on cannot be read (`status` says which).
    public var problem: String?

    public init() {}
}
