import ArgumentParser
import DeskEngine
import Foundation
import JetAPI
import MarketplaceHTTP
import OrderDesk
import OrderStore

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
    static func open(store flag: String?, dryRun: Bool, sandbox: Bool, debugHTTP: Bool) throws(ExitCode) -> Workbench {
        func fail(_ e: any OperatorFacingError) -> ExitCode {
            printError("jom: error: \(e.summary)")
            if let r = e.remedy { printError("  hint: \(r)") }
            return ExitCode(1)
        }
        let storePath = Paths.store(flag)
        let credentials: JetConfiguration?
        do {
            credentials = try JetConfiguration.fromEnvironment(Paths.environment)
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
        do {
            let offer = Connection.Offer(
                accounts: credentials.map { [.jet(api: $0.baseURL, user: $0.user, merchantID: $0.merchantID)] } ?? [],
                sandbox: sandbox ? .sandbox : nil)
            choice = Connection.decide(
                store: storePath, bound: try orderStore.loadBinding(), offer: offer,
                storeIsEmpty: orderStore.orderCount == 0 && orderStore.pendingActions.isEmpty)
        } catch {
            throw fail(error)
        }
        if isNew, case .success(.sandbox) = choice, !dryRun {
            // A demo store on the sandbox ships from the sandbox's warehouse ZIP.
            do {
                var s = try orderStore.loadSettings()
                s.shipFromZip = "07030"
                try orderStore.saveSettings(s)
            } catch {
                printError("jom: warning: \(error.summary); `set ship-from-zip 07030` sets the demo's ZIP by hand")
            }
        }
        let historyPath = orderStore.historyPath, orderCount = orderStore.orderCount
        let factory = MarketplaceFactory(
            choice: choice, configuration: credentials, sandboxStatePath: orderStore.sandboxStatePath,
            trace: debugHTTP ? .standardError : nil, frozenClock: Paths.fixedNow)
        let desk: Desk
        do {
            let repository: any OrderRepository = dryRun ? OverlayRepository(over: orderStore) : orderStore
            desk = try Desk(
                repository: repository, operatorName: Paths.operatorName, clock: Paths.fixedNow.map(WallClock.fixed) ?? .system,
                dryRun: dryRun, account: factory.account, dateOrder: .from(environment: Paths.environment),
                marketplace: { try await factory.make() },
                describe: { JetMarketplace.describe($0, for: $1) })
        } catch {
            throw fail(error)
        }
        return Workbench(storePath: storePath, historyPath: historyPath, orderCount: orderCount, choice: choice, factory: factory, desk: desk)
    }

    /// Closes connections and stops the embedded sandbox (saving its practice orders).
    func close() async {
        await desk.shutdown()
        await factory.stop()
    }
}
