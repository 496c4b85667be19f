import Foundation
import JetWire
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Long lists are printed as they are read: in the same order a sorted list would have, every order once,
/// through the pager on a terminal, and they stop when their reader goes away.
@Suite struct StreamingTests {
    /// `count` Jet orders as JSON Lines: a mix of new, to ship and shipped, arriving over the 60 days before
    /// the tests' pinned now (2026-11-28 09:00 UTC), in no particular order.
    static func history(_ count: Int) -> String {
        let now = 1_795_856_400
        var lines: [String] = []
        for n in 0..<count {
            let status = n % 10 == 0 ? "ready" : n % 10 == 1 ? "acknowledged" : "complete"
            let placed = now - (n * 7919 % (60 * 86400)) - 600
            func iso(_ t: Int) -> String {
                let f = ISO8601DateFormatter()
                return f.string(from: Date(timeIntervalSince1970: Double(t)))
            }
            lines.append(
                #"{"merchant_order_id":"\#(String(format: "%032x", n + 1))","reference_order_id":"\#(String(format: "82%010d", n))","status":"\#(status)","order_placed_date":"\#(iso(placed))","order_ready_date":"\#(iso(placed + 60))","order_detail":{"request_ship_by":"\#(iso(placed + 2 * 86400))"},"buyer":{"name":"Buyer \#(n)"},"shipping_to":{"address":{"city":"Town","state":"NJ","zip_code":"07030"}},"order_items":[{"order_item_id":"i\#(n)","merchant_sku":"SKU-\#(n % 9)","request_order_quantity":1,"item_price":{"base_price":9.5}}]}"#
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func importedStore(_ dir: TemporaryDirectory, count: Int) async throws -> String {
        let file = try dir.write("history.jsonl", history(count))
        let store = dir.file("store")
        let r = try await JomProcess.run(["import", "--store", store, file], home: dir.path, timeout: 300)
        #expect(r.status == 0, "\(r.all)")
        return store
    }

    @Test func showAllStreamsEveryOrderOnceMostUrgentFirstThenNewestFirst() async throws {
        let dir = TemporaryDirectory()
        let store = try await Self.importedStore(dir, count: 3000)
        // Some orders change after the import: their index lines are in the log, not the base.
        let notes = try await JomProcess.run(
            [
                "--store", store, "-c", "note 820000000007 called", "-c", "note 820000002222 called",
                "-c", "note 820000000010 called",
            ], home: dir.path)
        #expect(notes.status == 0, "\(notes.all)")
        let r = try await JomProcess.run(["--store", store, "-c", "show all --format csv"], home: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 3000)
        #expect(Set(rows.map { $0[0] }).count == 3000, "every order once")
        // Columns: merchant_order_id, reference_order_id, stage, received, deadline, due, …
        let withDue = rows.prefix { !$0[5].isEmpty }
        let rest = rows.dropFirst(withDue.count)
        #expect(withDue.count == 600, "new and to-ship orders have deadlines and come first")
        #expect(rest.allSatisfy { $0[5].isEmpty }, "no deadline after the first without one")
        #expect(withDue.map { $0[5] } == withDue.map { $0[5] }.sorted(), "most urgent first")
        let keys = rest.map { ($0[3], $0[1]) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 >= $1 }, "then newest first")
        // The same rows as the table shows, and as JSON.
        let json = try await JomProcess.run(["--store", store, "-c", "show all --format json"], home: dir.path)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["merchant_order_id"] as? String } == rows.map { $0[0] })
        // (Complete at Jet with nothing shipped: cancelled by Jet, in this history.)
        let table = try await JomProcess.run(["--store", store, "-c", "show cancelled"], home: dir.path)
        #expect(table.stdout.contains("2400 orders (cancelled)"), "\(table.stdout.suffix(200))")
    }

    @Test func aReaderThatStopsStopsTheList() async throws {
        let dir = TemporaryDirectory()
        let store = try await Self.importedStore(dir, count: 3000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: JomProcess.binary)
        p.arguments = ["--store", store, "-c", "show all --format csv", "-c", "status"]
        p.environment = JomProcess.environment([:], home: dir.path)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read the header line, then go away, as `| head -1` does.
        let fd = out.fileHandleForReading.fileDescriptor
        var first: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 0x0A { first.append(byte) }
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("merchant_order_id,reference_order_id"))
        try out.fileHandleForReading.close()
        #expect(await ProcessEvents.ended(p.processIdentifier, within: .seconds(60)), "jom finished once its reader left")
        p.waitUntilExit()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!errors.contains("Fatal") && !errors.contains("internal error"), "\(errors)")
    }

    @Test func onATerminalALongListGoesThroughThePagerAndAPagerThatQuitsEndsIt() async throws {
        let dir = TemporaryDirectory()
        let store = try await Self.importedStore(dir, count: 3000)
        // No downloads by themselves (the store has no marketplace): nothing but the list on the screen.
        #expect(try await JomProcess.run(["--store", store, "-c", "set download-interval 0"], home: dir.path).status == 0)
        var env = JomProcess.environment([:], home: dir.path)
        env["TERM"] = "xterm"
        env["PAGER"] = "head -n 4"
        let t = try PseudoTerminal(JomProcess.binary, ["--store", store], environment: env, columns: 120, rows: 20)
        #expect(await t.wait(for: "]> "))
        let mark = t.mark
        t.type("show all\r")
        #expect(await t.wait(for: "ORDER", after: mark), "the pager got the list: \(t.output.suffix(400))")
        #expect(await t.wait(for: "]> ", after: mark), "back at the prompt once the pager quit: \(t.output.suffix(400))")
        let shown = String(t.output.dropFirst(mark))
        #expect(shown.contains("ORDER"), "the pager got the list: \(shown)")
        #expect(!shown.contains("3000 orders"), "the rest was not printed after the pager quit: \(shown.suffix(300))")
        let next = t.mark
        t.type("show new\r")
        #expect(await t.wait(for: "]> ", after: next), "the session goes on")
        t.type("quit\r")
        #expect(await t.waitForExit() == 0)
    }
}
