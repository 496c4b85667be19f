import Foundation
import JetSandbox
import JetWire
import TestSupport
import Testing

/// A client written against Jet's API (not against jom) works with the sandbox unchanged but for its base URL.
@Suite struct ThirdPartyClientTests {
    @Test func aPythonJetClientWorksAgainstTheSandbox() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 4; $0.returns = 1
        }
        try await tearingDown({ await sandbox.stop() }) {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("ThirdParty/jet_client.py").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", script, sandbox.baseURL, sandbox.configuration.user, sandbox.configuration.secret]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            let exited = DispatchSemaphore(value: 0)
            p.terminationHandler = { _ in exited.signal() }
            try p.run()
            let text: String = await withCheckedContinuation { c in
                Thread.detachNewThread {
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    exited.wait()
                    c.resume(returning: String(decoding: data, as: UTF8.self))
                }
            }
            #expect(p.terminationStatus == 0, "\(text)")
            #expect(text.contains("third-party client: all checks passed"), "\(text)")
            // What it sent is in the ledger, as Jet would have recorded it.
            let ledger = await sandbox.appliedLedger()
            #expect(ledger.map(\.method).filter { $0 == "PUT" }.count == 6)
            #expect(ledger.contains { $0.method == "POST" && $0.path.contains("/refunds/") })
        }
    }
}
