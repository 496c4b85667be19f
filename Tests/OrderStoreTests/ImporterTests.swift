import Foundation
import OrderDesk
import OrderStore
import TestSupport
import Testing

/// `jom import`'s engine in process: the element reader over JSON Lines and JSON arrays, and the importer
/// writing into a store (decoding injected: here a small test shape standing for a marketplace's orders).
@Suite struct ImporterTests {
    struct Line: Decodable {
        var n: Int
        var marketplace: String?
    }

    /// `{"n": 5}` is sample order 5; `{"n": 5, "marketplace": "Walmart"}` an order of another marketplace.
    static let decode: Importer.Decode = { data, decoder in
        let line = try decoder.decode(Line.self, from: data)
        if let other = line.marketplace { throw ForeignOrder(marketplace: other) }
        return Sample.order(line.n)
    }

    static func run(_ store: OrderStore, _ path: String) throws -> Importer.Report {
        let reader = try #require(ElementReader(path: path))
        let importer = Importer(store: store, marketplace: "Jet", operatorName: "ada", decode: decode)
        return try importer.run(reader: reader, name: "orders.jsonl", now: SandboxFixture.start) { _, _ in }
    }

    @Test func linesAreImportedAndEveryOneThatIsNotAnOrderIsNamedByItsLine() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write(
            "orders.jsonl",
            """
            {"n": 1}
            {"n": 2}

            {"n": 3
            {"x": 4}
            {"n": 2}
            {"n": 5, "marketplace": "Walmart"}
            {"n": 6}

            """)
        let store = try OrderStore(path: dir.file("store"))
        let report = try Self.run(store, file)
        #expect(report.added == 3 && report.updated == 0 && report.unchanged == 1, "1, 2 and 6 new; the second 2 the same order")
        let skipped = report.skipped.map { "\($0.line): \($0.message)" }
        #expect(
            skipped == [
                "4: not valid JSON", "5: not a Jet order: n is missing", "7: a Walmart order, not a Jet one: this store's orders are Jet's",
            ], "\(skipped)")
        #expect(report.skippedCount == 3)
        #expect(store.orderCount == 3)
        let record = try #require(try store.record(Sample.order(6).merchantOrderID))
        #expect(record.history.first?.event.hasPrefix("imported from orders.jsonl") == true && record.history.first?.by == "ada")
        // The same file again: nothing new, nothing changed, nothing written twice.
        let again = try Self.run(try OrderStore(path: dir.file("store")), file)
        #expect(again.added == 0 && again.updated == 0 && again.unchanged == 4)
    }

    @Test func aJSONArrayIsReadElementByElementWithTheLineEachStartsOn() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write(
            "orders.json",
            """
            [
              {"n": 1,
               "note": "a ] and a \\" inside a string"},
              {"n": 2},
              {"n": 3, "nested": [1, [2, {"a": "}"}]]}
            ]
            """)
        let reader = try #require(ElementReader(path: file))
        let elements = reader.next(max: 10)
        #expect(elements.map(\.line) == [2, 4, 5])
        #expect(elements.map { String(decoding: $0.bytes, as: UTF8.self).hasPrefix("{\"n\": ") } == [true, true, true])
        #expect(reader.next(max: 10).isEmpty, "the end of the array is the end")
        let report = try Self.run(try OrderStore(path: dir.file("store")), file)
        #expect(report.added == 3 && report.skippedCount == 0)
    }

    @Test func aFileThatIsNotARegularFileIsNotRead() {
        #expect(ElementReader(path: "/dev/null") == nil, "a device")
        #expect(ElementReader(path: "/nonexistent/orders.jsonl") == nil)
    }
}
