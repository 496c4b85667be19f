import Foundation
import OrderDesk
import WalmartWire

/// What `help` says on a Walmart store where Jet's text would mislead: Walmart's calls, reasons and rules.
enum WalmartHelp {
    static func list(_ reasons: [(String, String, String)]) -> String {
        reasons.map { "  \($0.0.padding(toLength: 26, withPad: " ", startingAt: 0)) \($0.1)" }.joined(separator: "\n")
    }

    static let commands: [String: MarketplaceHelp] = [
        "approve": MarketplaceHelp(
            summary: "acknowledge new purchase orders at Walmart (within 4 hours)",
            details: """
                Acknowledges every unit of the order's lines to Walmart; after that it can be shipped. Walmart has no
                rejection: to refuse an order, `cancel` it with a reason. `approve all` approves every new order in
                the current filter, after one confirmation. Walmart takes 60 acknowledgements a minute: jom paces
                them (never throttled into errors) and shows how far it is and when it expects to be done.
                Without an id, approves the selected order.
                """),
        "ship": MarketplaceHelp(
            details: """
                Ships every unit still open on the purchase order, with one tracking number; with --units, just those
                units (one parcel of several). The order stays to ship until no unit is open, and `open` shows what is
                left. Walmart cancels units not shipped by the ship-by date plus 4 days by itself.
                The carrier is one of Walmart's (TAB lists them; another is sent as otherCarrier with a tracking
                link), the method one of Walmart's: \(WalmartVocabulary.methods.joined(separator: ", ")).
                The number is checked against the carrier's format and check digit before anything is sent where
                jom knows the carrier (UPS, USPS, FedEx); other carriers: no spaces or odd characters. In a session,
                a missing tracking number is asked for.
                """,
            options: ["--carrier": "Walmart's carrier name (TAB lists them)", "--method": "Walmart's method: Standard, Express, …"]),
        "cancel": MarketplaceHelp(
            summary: "cancel a purchase order's lines before they ship, or the units the customer asks to cancel",
            details: """
                Cancels every open unit of the order at Walmart (before shipment: Walmart has no rejection), or with
                --units SKU:QTY,… just those. REASON is one of:
                \(list(WalmartVocabulary.cancelReasons))
                When the customer asks to cancel (Walmart's intent to cancel, shown as `cancel req`), `cancel ID`
                cancels what they asked for with customer-requested.
                Before a cancel counts against you, jom shows what it does to your 7-day cancellation rate.
                """,
            examples: ["cancel 1234567890123 out-of-stock", "cancel 1234567890123", "cancel 1234567890123 pricing-error --units MUG-RED:1"]),
        "accept": MarketplaceHelp(
            summary: "Walmart has no such step: it authorises returns itself; `refund` when the item is back",
            details: """
                On Walmart a return is authorised by Walmart, not by the seller, so there is nothing to accept:
                jom says so and changes nothing. When the item is back (or you choose not to wait), `refund` it.
                """),
        "deny": MarketplaceHelp(
            summary: "Walmart has no such step: a return you do not refund stays with Walmart",
            details: """
                Walmart has no denial of a return: jom says so and changes nothing. A return you do not refund is
                Walmart's to settle (it may refund the customer itself: `open` then shows that refund).
                """,
            options: ["--dispute-charge": "Jet only: not used on Walmart"]),
        "refund": MarketplaceHelp(
            details: """
                On a return (Walmart: initiated or delivered), refunds every returned unit, or with --units just
                some: Walmart prices them (no --amount, no --feedback).
                On a shipped order without a return, --amount X --reason R refunds that much (split over the
                shipped lines, never more than was charged). R is one of:
                \(list(WalmartVocabulary.refundReasons))
                jom keeps every refund of an order and never lets them add up to more than the customer paid:
                the error says how much is left.
                """,
            examples: ["refund 1234567890123", "refund 1234567890123 --units MUG-RED:1", "refund 1234567890123 --amount 5 --reason damaged-item"],
            options: [
                "--reason": "a refund without a return: Walmart's refund reason (TAB lists them)",
                "--amount": "a refund without a return: this much (dollars)", "--units": "refund just these returned units (Walmart prices them)",
                "--feedback": "Jet only: not used on Walmart", "--dispute-charge": "Jet only: not used on Walmart",
            ]),
        "download": MarketplaceHelp(
            summary: "download from Walmart now: released purchase orders, requests to cancel, returns",
            details: """
                Sends queued actions, then reads Walmart's released and acknowledged purchase orders (pages of 200),
                the open returns, and the orders jom still watches; says what arrived and what Walmart did on its
                own (lines cancelled after the ship-by date, refunds it issued).
                """),
    ]
}
