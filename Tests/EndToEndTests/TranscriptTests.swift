import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Golden transcripts: each `Transcripts/NAME.jom` runs (with --echo --keep-going) against a fresh store and a
/// sandbox on a fixed clock, and its output must equal `Transcripts/NAME.out`. Every command appears with its
/// normal output and each of its errors. `RECORD_TRANSCRIPTS=1 swift test --filter Transcript` rewrites them.
@Suite struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts").path

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".jom") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    @Test(arguments: names)
    func transcript(name: String) async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            var script = try String(contentsOfFile: "\(Self.directory)/\(name).jom", encoding: .utf8)
            // {order1}…{order5}: the sandbox's ready orders in the order they arrived; {returned1}: the shipped one
            // with a return request. The seed is fixed, so these are always the same orders.
            let ids = await sandbox.server.marketplace.allOrderIDs()
            for (i, id) in ids.enumerated() {
                let order = try #require(await sandbox.server.marketplace.order(id))
                let key = order.status == .ready ? "order\(i + 1)" : "returned\(i - 4)"
                script = script.replacingOccurrences(of: "{\(key)}", with: order.referenceOrderID ?? id)
                script = script.replacingOccurrences(of: "{\(key).id}", with: id)
            }
            script = script.replacingOccurrences(of: "{dir}", with: dir.path)
            let path = try dir.write("\(name).jom", script)
            var env = sandbox.jomEnvironment
            env["JOM_NOW"] = "2026-11-28T09:00:00Z"
            let r = try await JomProcess.run(["--store", store, "--echo", "--keep-going", "-f", path], environment: env, home: dir.path, mergeStderr: true)
            var output = r.stdout + "[exit \(r.status)]\n"
            output = output.replacingOccurrences(of: sandbox.baseURL, with: "http://127.0.0.1:PORT/api")
            output = output.replacingOccurrences(of: dir.path, with: "DIR")
            output = output.replacingOccurrences(of: #"a-[0-9a-f]{12}"#, with: "a-ACTIONID", options: .regularExpression)
            let goldenPath = "\(Self.directory)/\(name).out"
            if ProcessInfo.processInfo.environment["RECORD_TRANSCRIPTS"] == "1" {
                try Data(output.utf8).write(to: URL(fileURLWithPath: goldenPath))
                return
            }
            let golden = try String(contentsOfFile: goldenPath, encoding: .utf8)
            if output != golden {
                let a = output.split(separator: "\n", omittingEmptySubsequences: false)
                let b = golden.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
                Issue.record(
                    """
                    transcript \(name) differs from \(name).out at line \(first + 1):
                      got:      \(first < a.count ? String(a[first]) : "(end)")
                      expected: \(first < b.count ? String(b[first]) : "(end)")
                    (re-record with RECORD_TRANSCRIPTS=1 if the change is intended)
                    """)
            }
        }
    }
}
