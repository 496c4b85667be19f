import Foundation

/// Which marketplace a store may talk to, given the one it belongs to and the credentials at hand. A store
/// belongs to one marketplace for good: a real Jet store never meets the practice sandbox, and a sandbox
/// store never meets a real account.
public enum Connection {
    /// What this run has to offer.
    public struct Offer: Sendable, Equatable {
        /// The accounts of the configured credentials (a Jet one, a Walmart one), if any.
        public var accounts: [MarketplaceBinding]
        /// `--sandbox [walmart]`: the operator asks for an embedded sandbox (`.sandbox` for Jet's, `.walmartSandbox`).
        public var sandbox: MarketplaceBinding?

        public init(accounts: [MarketplaceBinding], sandbox: MarketplaceBinding?) {
            self.accounts = accounts
            self.sandbox = sandbox
        }

        public var sandboxAsked: Bool { sandbox != nil }
    }

    /// The marketplace to connect to, or why not. `storeIsEmpty`: no orders and nothing in the outbox.
    public static func decide(
        store: String, bound: MarketplaceBinding?, offer: Offer, storeIsEmpty: Bool
    )
        -> Result<MarketplaceBinding, Refusal>
    {
        // A store already bound takes the configured account of its marketplace; a new one the only account offered.
        let credentials =
            bound.flatMap { b in offer.accounts.first { $0.isSameAccount(as: b) } ?? offer.accounts.first { $0.marketplaceName == b.marketplaceName } }
            ?? (offer.accounts.count == 1 ? offer.accounts.first : nil)
        if bound == nil, offer.sandbox == nil, offer.accounts.count > 1 {
            return .failure(
                Refusal(
                    summary: "both Jet and Walmart credentials are configured, and the new store \(store) belongs to neither yet",
                    remedy: "unset the variables of the marketplace this store is not for (JET_* or WALMART_*), then start jom again"))
        }
        let wanted: MarketplaceBinding? = offer.sandbox ?? credentials
        switch (bound, wanted) {
        case (nil, let w?):
            return .success(w)
        case (nil, nil):
            if storeIsEmpty { return .success(.sandbox) }
            return .failure(
                Refusal(
                    summary: "the store \(store) has orders but belongs to no marketplace yet, and no Jet credentials are configured",
                    remedy: "set JET_API_URL, JET_USER, JET_SECRET and JET_MERCHANT_ID (or the credentials file) to attach it to your Jet account, "
                        + "or run `jom --sandbox --store \(store)` to practise on it with the embedded sandbox"))
        case (let b?, let w?) where b.isSameAccount(as: w):
            return .success(b)
        case (let b?, nil) where b.isSandbox:
            return .success(b)
        case (let b?, nil):
            return .failure(
                Refusal(
                    summary: "the store \(store) belongs to \(b), and no \(b.marketplaceName) credentials are configured, so jom will not connect it anywhere",
                    remedy: (b.marketplaceName == "Walmart"
                        ? "set WALMART_CLIENT_ID and WALMART_CLIENT_SECRET (or the credentials file) for that account; "
                        : "set JET_API_URL, JET_USER, JET_SECRET and JET_MERCHANT_ID (or the credentials file) for that account; ")
                        + "show, find, open, note and print work meanwhile, and actions wait in the outbox"))
        case (let b?, let w?):
            let other =
                w == .walmartSandbox
                ? "the embedded Walmart sandbox (--sandbox walmart)"
                : offer.sandboxAsked ? "the embedded sandbox (--sandbox)" : "\(w) (from the configured credentials)"
            let practice = w == .walmartSandbox ? "jom --sandbox walmart --store /tmp/jom-walmart-practice" : "jom --sandbox --store /tmp/jom-practice"
            return .failure(
                Refusal(
                    summary: "the store \(store) belongs to \(b), not to \(other)",
                    remedy: offer.sandboxAsked
                        ? "practise in a store of its own: \(practice)"
                        : "use --store to choose the store of that account, or the credentials of \(b) for this store"))
        }
    }

    /// Why a store is not connected: what the store belongs to, what was offered, and what to do.
    public struct Refusal: OperatorFacingError, Equatable {
        public var summary: String
        public var remedy: String?
    }
}
