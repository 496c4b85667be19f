import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// Bounded fuzzing: random and mutated command lines into the shell, mutated Jet answers into the decoders,
/// damaged store files into jom. Nothing may crash; every error must read as an error.
@Suite struct FuzzTests {
    static let vocabulary = [
        "show", "find", "open", "approve", "ship", "cancel", "note", "refund", "deny", "print", "status",
        "set", "help", "history", "download", "run", "shw", "APPROVE", "sh", "", "#", "all", "new", "late",
        "returns", "--format", "csv", "json", "--carrier", "ups", "fedex", "--amount", "5", "-1", "1e9",
        "--feedback", "other", "--to", "--", "\"", "'", "\\", "it's", "\"quoted text\"", "é", "☕", "\t",
        "1Z999AA10123456784", "9400111201080805483016", "no-inventory", "outside-window", "ack-window",
        "download-interval", "confirm", "off", "2h", "--method", "--speed", "80", "8", "ab", "\u{1}", "%", "$HOME",
    ]

    static func line(_ rng: inout SeededRandom, ids: [String]) -> String {
        var words: [String] = []
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: words.append(ids.randomElement(using: &rng).map { String($0.prefix(Int.random(in: 1...$0.count, using: &rng))) } ?? "x")
            case 1:
                words.append(String((0..<Int.random(in: 1...12, using: &rng)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 33...126, using: &rng))) }))
            default: words.append(vocabulary.randomElement(using: &rng)!)
            }
        }
        var l = words.joined(separator: " ")
        if l.hasPrefix("run") || l.contains("--to") { l = "help" }  // keep the fuzzer away from the file system
        if l.hasPrefix("quit") || l.hasPrefix("exit") { l = "status" }
        return l
    }

    @Test func randomCommandLinesNeverCrashTheShellAndEveryErrorReads() async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            _ = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            var ids: [String] = []
            for id in await sandbox.server.marketplace.allOrderIDs() {
                ids.append(id)
                if let r = await sandbox.server.marketplace.order(id)?.referenceOrderID { ids.append(r) }
            }
            let seed = UInt64.random(in: 1...999_999)
            var rng = SeededRandom(seed: seed)
            let batches = longTests ? 40 : 4
            var tried = 0
            for _ in 0..<batches {
                let lines = (0..<500).map { _ in Self.line(&rng, ids: ids) }
                tried += lines.count
                // A first line that is a command: a file whose first line is none is not a script, and none of it runs.
                let script = try dir.write("fuzz.jom", (["status"] + lines).joined(separator: "\n") + "\n")
                let r = try await JomProcess.run(["--store", store, "--keep-going", script], environment: sandbox.jomEnvironment, home: dir.path, timeout: 120)
                #expect(r.status == 0 || r.status == 1, "seed \(seed): jom ended with status \(r.status) (a crash?)\n\(r.stderr.suffix(2000))")
                #expect(!r.stderr.contains("internal error"), "seed \(seed): \(r.stderr)")
                for l in r.stderr.split(separator: "\n") {
                    let ok = l.hasPrefix("\(script):") && l.contains(": error: ") || l.hasPrefix("    hint: ") || l.hasPrefix("warning:")
                    #expect(ok, "seed \(seed): an unreadable line on standard error: \(l)")
                    if !ok { break }
                }
            }
            print("fuzz test: \(tried) random command lines (seed \(seed)), 0 crashes")
        }
    }

    @Test func mutatedJetAnswersNeverCrashTheDecoders() throws {
        let sources = [
            #"{"merchant_order_id":"2ab4","reference_order_id":"8012","status":"ready","order_placed_date":"2017-03-14T15:02:11.0000000Z","buyer":{"name":"Ada","phone_number":"555"},"shipping_to":{"recipient":{"name":"Ada"},"address":{"address1":"1 St","city":"Hoboken","state":"NJ","zip_code":"07030"}},"order_detail":{"request_ship_by":"2017-03-15T23:00:00.0000000Z"},"order_items":[{"order_item_id":"i1","merchant_sku":"M","request_order_quantity":2,"item_price":{"base_price":39.98,"item_tax":2.8}}],"shipments":[{"alt_shipment_id":"S","shipment_items":[{"merchant_sku":"M","response_shipment_sku_quantity":1}]}]}"#,
            #"{"merchant_return_authorization_id":"r","merchant_order_id":"o","return_status":"created","return_date":"2017-03-25T13:00:00Z","return_merchant_SKUs":[{"order_item_id":"i","return_quantity":1,"requested_refund_amount":{"principal":19.99}}]}"#,
            #"{"order_urls":["/orders/withoutShipmentDetail/a","/orders/withoutShipmentDetail/b"]}"#,
            #"{"id_token":"t","token_type":"Bearer","expires_on":"2017-06-02T05:44:12Z"}"#,
        ]
        let seed = UInt64(ProcessInfo.processInfo.environment["JOM_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 1...999_999)
        print("fuzz test: mutating Jet answers with seed \(seed) (JOM_FUZZ_SEED=\(seed) repeats it)")
        var rng = SeededRandom(seed: seed)
        let rounds = longTests ? 200_000 : 20_000
        var decoded = 0
        for i in 0..<rounds {
            var bytes = Array(sources[i % sources.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
                case 1: if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                case 2: if !bytes.isEmpty { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng)) }
                case 3:
                    let s = String(decoding: bytes, as: UTF8.self)
                    let swaps = [
                        ("\"ready\"", "7"), ("39.98", "\"x\""), ("[", "{"), ("\"i1\"", "null"), ("2017-03-14T15:02:11.0000000Z", "yesterday"),
                        (":2", ":-2"), ("39.98", "1e300"), ("19.99", "-1e308"), ("\"2017-03-14T15:02:11.0000000Z\"", "9e300"),
                        (":2,", ":99999999999999999999,"), ("39.98", "\"NaN\""),
                    ]
                    let (a, b) = swaps.randomElement(using: &rng)!
                    bytes = Array(s.replacingOccurrences(of: a, with: b).utf8)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
                }
            }
            let data = Data(bytes)
            if let o = try? JSONDecoder().decode(JetOrder.self, from: data) { _ = JetMapping.order(o); decoded += 1 }
            if let r = try? JSONDecoder().decode(JetReturn.self, from: data) { _ = JetMapping.returnRequest(r); decoded += 1 }
            _ = try? JSONDecoder().decode(JetURLList.self, from: data)
            _ = try? JSONDecoder().decode(JetToken.self, from: data)
        }
        #expect(decoded > 0)
        print("fuzz test: \(rounds) mutated Jet answers decoded or refused, 0 crashes")
    }

    @Test(arguments: [
        "truncated order", "garbage order", "wrong types", "empty order", "garbage index", "truncated index log",
        "garbage outbox", "garbage settings", "garbage store marker", "newer order format",
    ])
    func damagedStoreFilesGetAClearErrorAndAreNeverThrownAway(damage: String) async throws {
        let sandbox = try await SandboxFixture.start()
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let store = dir.file("s")
            let setup = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "note 80 hello"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(setup.status != 2)
            // The victim: the record of the order whose line was written last (so it is its current record). It is
            // damaged in place, keeping its length: the other records of the file stay where the index says.
            let segment = try #require(StoreFiles.segments(store).last)
            var data = try Data(contentsOf: URL(fileURLWithPath: segment))
            let lineStart = (data.dropLast().lastIndex(of: 0x0A) ?? -1) + 1
            let line = data[lineStart..<(data.count - 1)]
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            let victimID = try #require(object["id"] as? String)
            let victim = segment
            var target = victim
            func replaceLine(_ make: (String) -> String) throws {
                let text = make(String(decoding: line, as: UTF8.self))
                #expect(text.utf8.count == line.count, "\(damage): the damage keeps the line's length")
                data.replaceSubrange(lineStart..<(data.count - 1), with: Array(text.utf8))
                try data.write(to: URL(fileURLWithPath: victim))
            }
            switch damage {
            case "truncated order": try replaceLine { String($0.prefix($0.count / 2)) + String(repeating: " ", count: $0.count - $0.count / 2) }
            case "garbage order": try replaceLine { String(repeating: "\u{1}", count: $0.count) }
            case "wrong types":
                // A price in cents becomes a string of the same length: "principal":8900 → "principal":"89".
                try replaceLine { line in
                    guard let r = line.range(of: #""principal":[0-9]{3,}"#, options: .regularExpression) else { return line }
                    let digits = line[r].dropFirst(#""principal":"#.count)
                    return line.replacingCharacters(in: r, with: #""principal":""# + digits.dropLast(2) + "\"")
                }
            case "empty order": try replaceLine { String(repeating: " ", count: $0.count) }
            case "garbage index": target = store + "/index.jsonl"; try Data("not json\n[1,2\n".utf8).write(to: URL(fileURLWithPath: target))
            case "truncated index log":
                target = store + "/index-log.jsonl"
                let d = try Data(contentsOf: URL(fileURLWithPath: target))
                try d.prefix(d.count - 7).write(to: URL(fileURLWithPath: target))
            case "garbage outbox": target = store + "/outbox.jsonl"; try Data("{oops}\n".utf8).write(to: URL(fileURLWithPath: target))
            case "garbage settings": target = store + "/settings.json"; try Data("[[[".utf8).write(to: URL(fileURLWithPath: target))
            case "garbage store marker": target = store + "/store.json"; try Data("?".utf8).write(to: URL(fileURLWithPath: target))
            case "newer order format":
                // The fields after the id come in the encoder's order, so "format" may be last: no comma in the pattern.
                try replaceLine { $0.replacingOccurrences(of: #""format":1"#, with: #""format":7"#) }
            default: Issue.record("unknown damage \(damage)")
            }
            let damaged = try Data(contentsOf: URL(fileURLWithPath: target))
            let r = try await JomProcess.run(
                ["--store", store, "-c", "show all", "-c", "open \(victimID)", "-c", "find hello"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0 || r.status == 1, "\(damage): status \(r.status)\n\(r.stderr)")
            #expect(!r.stderr.contains("internal error"), "\(damage): \(r.stderr)")
            let fileNamed = r.all.contains((target as NSString).lastPathComponent) || r.all.contains(target)
            let repaired = ["garbage index", "truncated index log"].contains(damage)
            if repaired {
                #expect(r.status == 0, "\(damage): the index is a copy and is rebuilt: \(r.all)")
                #expect(r.stdout.contains("6 orders (all)"), "\(damage): \(r.stdout)")
            } else {
                #expect(r.status == 1, "\(damage): \(r.all)")
                #expect(fileNamed, "\(damage): the error names the damaged file: \(r.stderr)")
                #expect(r.stderr.contains("hint:"), "\(damage): and says what to do")
                // The damaged file is left for a person to repair: not deleted, not overwritten.
                #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == damaged, "\(damage)")
            }
        }
    }
}
