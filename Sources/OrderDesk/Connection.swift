import Foundation

/// Which marketplace a store may talk to, given the one it belongs to and the credentials at hand. A store
/// belongs to one marketplace for good: a real Jet store never meets the practice sandbox, and a sandbox
/// store never meets a real account.
public enum Connection {
    /// What this run has to offer.
    public struct Offer: Sendable, Equatable {
        /// The Jet account of the configured credentials, if any.
        public var credentials: MarketplaceBinding?
        /// `--sandbox`: the operator asks for the embedded sandbox.
        public var sandboxAsked: Bool

        public init(credentials: MarketplaceBinding?, sandboxAsked: Bool) {
            self.credentials = credentials
            self.sandboxAsked = sandboxAsked
        }
    }

    /// The marketplace to connect to, or why not. `storeIsEmpty`: no orders and nothing in the outbox.
    public static func decide(
        store: String, bound: MarketplaceBinding?, offer: Offer, storeIsEmpty: Bool
    )
        -> Result<MarketplaceBinding, Refusal>
    {
        let wanted: MarketplaceBinding? = offer.sandboxAsked ? .sandbox : offer.credentials
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
        case (.sandbox?, nil):
            return .success(.sandbox)
        case (let b?, nil):
            return .failure(
                Refusal(
                    summary: "the store \(store) belongs to \(b), and no Jet credentials are configured, so jom will not connect it anywhere",
                    remedy: "set JET_API_URL, JET_USER, JET_SECRET and JET_MERCHANT_ID (or the credentials file) for that account; "
                        + "show, find, open, note and print work meanwhile, and actions wait in the outbox"))
        case (let b?, let w?):
            let other = offer.sandboxAsked ? "the embedded sandbox (--sandbox)" : "\(w) (from the configured credentials)"
            return .failure(
                Refusal(
                    summary: "the store \(store) belongs to \(b), not to \(other)",
                    remedy: offer.sandboxAsked
                        ? "practise in a store of its own: jom --sandbox --store /tmp/jom-practice"
                        : "use --store to choose the store of that account, or the credentials of \(b) for this store"))
        }
    }

    /// Why a store is not connected: what the store belongs to, what was offered, and what to do.
    public struct Refusal: OperatorFacingError, Equatable {
        public var summary: String
        public var remedy: String?
    }
}
