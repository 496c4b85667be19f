import ArgumentParser
import DeskEngine
import Foundation
import JetAPI
import MarketplaceHTTP
import OrderDesk
import OrderStore
import WalmartAPI

/// What a run of jom works with: the store, the marketplace it may connect to (``Connection``), the factory that
/// connects on first use, and the desk on top. The shell, scripts and `jom watch` all start here.
struct Workbench {
    let storePath: String
    /// The store's command history (libedit's file).
    let historyPath: String
    /// Orders in the store when it was opened.
    let orderCount: Int
    let choice: Result<MarketplaceBinding, Connection.Refusal>
    let factory: MarketplaceFactory
    let desk: Desk

    /// Opens the store (creating it when new), decides the connection, and builds the desk. Problems are printed
    /// as `jom: error:` with a hint, and end the run with status 1.
    static func open(store flag: String?, dryRun: Bool, sandbox: MarketplaceBinding?, debugHTTP: Bool) throws(ExitCode) -> Workbench {
        func fail(_ e: any OperatorFacingError) -> ExitCode {
            printError("jom: error: \(e.summary)")
            if let r = e.remedy { printError("  hint: \(r)") }
            return ExitCode(1)
        }
        let storePath = Paths.store(flag, practice: sandbox)
        let credentials: JetConfiguration?
        let walmart: WalmartConfiguration?
        do {
            credentials = try JetConfiguration.fromEnvironment(Paths.environment)
        } catch {
            throw fail(error)
        }
        do {
            walmart = try WalmartConfiguration.fromEnvironment(Paths.environment)
        } catch {
            throw fail(error)
        }
        let isNew = !FileManager.default.fileExists(atPath: storePath + "/store.json")
        let orderStore: OrderStore
        do {
            orderStore = try OrderStore(path: storePath, readOnly: dryRun) { printError("jom: \($0)") }
        } catch {
            throw fail(error)
        }
        let choice: Result<MarketplaceBinding, Connection.Refusal>
        let bound: MarketplaceBinding?
        do {
            var accounts: [MarketplaceBinding] = []
            if let c = credentials { accounts.append(.jet(api: c.baseURL, user: c.user, merchantID: c.merchantID)) }
            if let w = walmart { accounts.append(.walmart(api: w.baseURL, clientID: w.clientID)) }
            bound = try orderStore.loadBinding()
            choice = Connection.decide(
                store: storePath, bound: bound, offer: Connection.Offer(accounts: accounts, sandbox: sandbox),
                storeIsEmpty: orderStore.orderCount == 0 && orderStore.pendingActions.isEmpty)
        } catch {
            throw fail(error)
        }
        let marketplace = bound ?? (try? choice.get())
        let traits: MarketplaceTraits = marketplace?.marketplaceName == "Walmart" ? .walmart : .jet
        if isNew, !dryRun, case .success(let b) = choice {
            // A demo store on the Jet sandbox ships from the sandbox's warehouse ZIP; a Walmart store approves
            // within Walmart's 4 hours.
            do {
                var s = try orderStore.loadSettings()
                if b == .sandbox { s.shipFromZip = "07030" }
                s.ackWindow = traits.acknowledgeWithin
                try orderStore.saveSettings(s)
            } catch {
                printError("jom: warning: \(error.summary); `set ship-from-zip 07030` sets the demo's ZIP by hand")
            }
        }
        let historyPath = orderStore.historyPath, orderCount = orderStore.orderCount
        let factory = MarketplaceFactory(
            choice: choice, configuration: credentials, walmart: walmart, sandboxStatePath: orderStore.sandboxStatePath,
            trace: debugHTTP ? .standardError : nil, frozenClock: Paths.fixedNow)
        let isWalmart = traits.name == "Walmart"
        let describe: @Sendable (MarketplaceRequest, String) -> String = { request, id in
            isWalmart ? WalmartMarketplace.describe(request, for: id) : JetMarketplace.describe(request, for: id)
        }
        let desk: Desk
        do {
            let repository: any OrderRepository = dryRun ? OverlayRepository(over: orderStore) : orderStore
            desk = try Desk(
                repository: repository, operatorName: Paths.operatorName, clock: Paths.fixedNow.map(WallClock.fixed) ?? .system,
                dryRun: dryRun, account: factory.account, dateOrder: .from(environment: Paths.environment), traits: traits,
                marketplace: { try await factory.make() },
                describe: describe)
        } catch {
            throw fail(error)
        }
        return Workbench(storePath: storePath, historyPath: historyPath, orderCount: orderCount, choice: choice, factory: factory, desk: desk)
    }

    /// Runs `body` on the store opened as ``open(store:dryRun:sandbox:debugHTTP:)`` opens it, and closes it
    /// before returning or throwing: connections closed, the embedded sandbox stopped and its orders saved.
    static func with<T>(
        store flag: String?, dryRun: Bool, sandbox: MarketplaceBinding?, debugHTTP: Bool, _ body: (Workbench) async throws -> T
    ) async throws -> T {
        let bench = try open(store: flag, dryRun: dryRun, sandbox: sandbox, debugHTTP: debugHTTP)
        do {
            let result = try await body(bench)
            await bench.close()
            return result
        } catch {
            await bench.close()
            throw error
        }
    }

    /// Closes connections and stops the embedded sandbox (saving its practice orders).
    func close() async {
        await desk.shutdown()
        await factory.stop()
    }
}
