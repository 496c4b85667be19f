import Foundation
import JetWire
import TestSupport
import Testing

/// `jom import`: a JSON array or JSON Lines of Jet orders; idempotent; a bad element reported by line.
@Suite struct ImportTests {
    static func order(_ n: Int, status: String = "complete") -> String {
        #"{"merchant_order_id":"\#(String(format: "%032x", n))","reference_order_id":"\#(String(format: "81%010d", n))","status":"\#(status)","buyer":{"name":"Buyer \#(n)"},"shipping_to":{"address":{"city":"Town","state":"NJ","zip_code":"07030"}},"order_items":[{"order_item_id":"i\#(n)","merchant_sku":"SKU-\#(n)","request_order_quantity":1,"item_price":{"base_price":9.5}}]}"#
    }

    @Test func jsonLinesWithABadLineImportTheRestAndSayWhere() async throws {
        let dir = TemporaryDirectory()
        let lines = [Self.order(1), Self.order(2, status: "ready"), "{\"not\": \"an order\"}", "", Self.order(3), "{truncated"]
        let file = try dir.write("orders.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try await JomProcess.run(["import", "--store", dir.file("s"), file], home: dir.path)
        #expect(r.status == 1, "a skipped line makes the status non-zero")
        #expect(r.stderr.contains("\(file):3: error: not a Jet order: merchant_order_id is missing; skipped"), "\(r.stderr)")
        #expect(r.stderr.contains("\(file):6: error: not valid JSON; skipped"))
        #expect(r.stdout.contains("3 new, 0 updated, 0 unchanged; 2 skipped"), "\(r.stdout)")
        let all = try await JomProcess.run(["--store", dir.file("s"), "-c", "show all --format csv"], home: dir.path)
        #expect(all.stdout.split(separator: "\n").count == 4)
        let new = try await JomProcess.run(["--store", dir.file("s"), "-c", "show new --format csv"], home: dir.path)
        #expect(new.stdout.contains("810000000002"), "a ready order imports as new")
    }

    @Test func aJSONArrayImportsAndReimportingChangesNothingAndKeepsNotes() async throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("orders.json", "[\n" + (1...50).map { Self.order($0) }.joined(separator: ",\n") + "\n]\n")
        let first = try await JomProcess.run(["import", "--store", dir.file("s"), file], home: dir.path)
        #expect(first.status == 0, "\(first.all)")
        #expect(first.stdout.contains("50 new"))
        let note = try await JomProcess.run(["--store", dir.file("s"), "-c", "note 810000000007 imported from the old system"], home: dir.path)
        #expect(note.status == 0, "\(note.all)")
        let again = try await JomProcess.run(["import", "--store", dir.file("s"), file], home: dir.path)
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 new, 0 updated, 50 unchanged"), "\(again.stdout)")
        let open = try await JomProcess.run(["--store", dir.file("s"), "-c", "open 810000000007"], home: dir.path)
        #expect(open.stdout.contains("note: imported from the old system"))
        #expect(open.stdout.contains("imported from orders.json"))
    }

    @Test func aFileOfSeveralChunksKeepsItsLineNumbersAndEveryOrder() async throws {
        // The importer works through 10,000 elements at a time, decoding the next chunk while it writes one:
        // bad lines in later chunks are reported at their own line, and every other order arrives once.
        let dir = TemporaryDirectory()
        var lines = (1...25_000).map { Self.order($0) }
        lines[10_000] = "{\"not\": \"an order\"}"  // line 10,001
        lines[20_004] = "{truncated"  // line 20,005
        lines[24_999] = Self.order(3)  // line 25,000 repeats an order of the first chunk
        let file = try dir.write("big.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try await JomProcess.run(["import", "--store", dir.file("s"), file], home: dir.path, timeout: 300)
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file):10001: error: not a Jet order: merchant_order_id is missing; skipped"), "\(r.stderr)")
        #expect(r.stderr.contains("\(file):20005: error: not valid JSON; skipped"), "\(r.stderr)")
        #expect(r.stdout.contains("24997 new, 0 updated, 1 unchanged; 2 skipped"), "\(r.stdout)")
        let all = try await JomProcess.run(["--store", dir.file("s"), "-c", "show all --format csv"], home: dir.path)
        #expect(all.stdout.split(separator: "\n").count == 24_998)
        #expect(all.stdout.contains("810000024999") && !all.stdout.contains("810000010001") && !all.stdout.contains("810000020005"))
    }

    @Test func aMissingFileSaysSo() async throws {
        let dir = TemporaryDirectory()
        let r = try await JomProcess.run(["import", "--store", dir.file("s"), dir.file("nope.jsonl")], home: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot read \(dir.file("nope.jsonl"))"))
    }
}
