import Foundation
import JetWire
import SandboxKit

/// Everything the sandbox marketplace remembers; saved as JSON beside the store when embedded.
struct SandboxState: VersionedSandboxState {
    static let currentVersion = 1
    var version = 1
    var rng: SeededRandom
    var node: String
    /// Scenario time = wall-clock time + offset, or frozen time + offset.
    var clockOffset: TimeInterval = 0
    var frozenAt: Date?
    var nextArrival: Date?
    var orders: [String: JetOrder] = [:]
    var orderSeq: [String] = []
    /// When each `created` order becomes ready.
    var readyAt: [String: Date] = [:]
    var tags: [String: String] = [:]
    /// When a customer will ask for a return on a shipped order.
    var plannedReturns: [String: Date] = [:]
    /// When Jet will ask for a directed cancel on an approved order.
    var plannedCancels: [String: Date] = [:]
    var returns: [String: JetReturn] = [:]
    var returnSeq: [String] = []
    var refunds: [String: JetRefund] = [:]
    var refundSeq: [String] = []
    /// `order/alt_refund_id` → refund id: the same merchant refund id is one refund.
    var refundKeys: [String: String] = [:]
    var refundCreatedAt: [String: Date] = [:]
    var ledger: [LedgerEntry] = []
    var shipmentCounter = 0

    init(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        self.node = rng.hexID()
        self.rng = rng
    }
}
