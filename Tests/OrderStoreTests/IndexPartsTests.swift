import Foundation
import OrderDesk
import TestSupport
import Testing

@testable import OrderStore

/// The index's parts on their own: its lines (every field by name, every script, every awkward byte), the id
/// directory and the find filter.
@Suite struct IndexPartsTests {
    static let awkward = [
        "plain", "Chloé \"Quotes\" O'Brien", "back\\slash", "tab\there", "new\nline", "nul\u{0}byte", "客户要求礼品包装",
        "김민준", "ｶﾞﾗｽ", "emoji 📦🚚", "\u{202E}bidi", "comma, bracket ] [", "\u{1B}]0;esc\u{07}",
    ]

    func entry(_ n: Int, _ text: String) -> IndexEntry {
        var r = Sample.record(n, buyer: text)
        r.order.referenceOrderID = "80\(n)" + (n % 2 == 0 ? text : "")
        r.notes.append(Note(at: Sample.t0, by: "ada", text: text))
        return IndexEntry(
            summary: OrderSummary(r), search: IndexLine.searchText(r),
            location: RecordLocation(segment: String(format: "%06d", n), offset: n * 1000, length: 300 + n))
    }

    func read<T>(_ line: [UInt8], _ body: (UnsafeRawBufferPointer, Int) -> T) -> T {
        line.withUnsafeBytes { body($0, line.count - 1) }  // without the newline
    }

    @Test func aLineReadsBackEveryFieldWhateverItsText() {
        for (n, text) in Self.awkward.enumerated() {
            let e = entry(n + 1, text)
            let line = IndexLine.encode(e)
            #expect(line.last == 0x0A && !line.dropLast().contains(0x0A), "one line, whatever the text: \(text)")
            let back = read(line) { IndexLineReader.entry($0, start: 0, end: $1) }
            #expect(back?.summary == e.summary, "\(text)")
            #expect(back?.search == e.search, "\(text)")
            #expect(back?.location == e.location)
            #expect(read(line) { IndexLineReader.merchantID($0, start: 0, end: $1) } == e.summary.merchantOrderID)
            #expect(read(line) { IndexLineReader.location($0, start: 0, end: $1) } == e.location)
            #expect(read(line) { IndexLineReader.key($0, start: 0, end: $1) } == e.key, "\(text)")
            // A relocated line differs in its location only.
            let moved = RecordLocation(segment: "000009", offset: 77, length: e.location.length)
            let relocated = read(line) { IndexLineReader.relocated($0, start: 0, end: $1, to: moved) }!
            let again = relocated.withUnsafeBytes { IndexLineReader.entry($0, start: 0, end: $0.count) }
            #expect(again?.location == moved && again?.summary == e.summary && again?.search == e.search, "\(text)")
        }
    }

    @Test func everyFieldIsFoundByName() {
        let e = entry(4, "Ada")
        let line = IndexLine.encode(e)
        line.withUnsafeBytes { raw in
            var r = IndexLineReader(raw, start: 0, end: raw.count - 1)!
            #expect(r.seek(.stage) && r.string() == e.summary.stage.rawValue)
            #expect(r.seek(.merchantID) && r.string() == e.summary.merchantOrderID)
            #expect(r.seek(.buyer) && r.string() == "Ada")
            #expect(r.seek(.units) && r.optionalInt() == .some(e.summary.units))
            #expect(r.seek(.segment) && r.string() == "000004")
            #expect(r.seek(.search) && r.stringArray()?.isEmpty == false)
            let back = r.seek(.segment)
            #expect(!back, "a field behind the reader is not found by going back")
        }
        #expect(IndexField.allCases.count == 22, "the fields the line is written with")
    }

    @Test func theIdDirectoryFindsPrefixesAndWholeIdsOfEveryLength() {
        var d = IdDirectory()
        let ids: [(merchant: String, reference: String)] = [
            ("2ab4c8b414124f0fa04072d615ec0610", "801234567890"), ("2ab4c8b414124f0fa04072d615ec0611", "801234567891"),
            ("ABCDEF", "800000000001"), ("walmart-po-1", "1796512345678"), ("a/b%2F?c", "85x"),
        ]
        for (i, id) in ids.enumerated() { d.add(merchantID: Array(id.merchant.utf8), referenceID: Array(id.reference.utf8), line: i) }
        d.sort()
        #expect(d.count == 5)
        #expect(Set(d.lines(mayStartWith: "8012", limit: 10)) == [0, 1])
        #expect(Set(d.lines(mayStartWith: "abcd", limit: 10)) == [2], "case-insensitive")
        #expect(Set(d.lines(mayStartWith: "2ab4c8b414124f0fa0", limit: 10)) == [0, 1], "past sixteen bytes: every candidate")
        #expect(d.lines(mayBeMerchantID: "2ab4c8b414124f0fa04072d615ec0611") == [1])
        #expect(d.lines(mayBeMerchantID: "a/b%2F?c") == [4])
        #expect(d.lines(mayBeMerchantID: "nope").isEmpty)
        #expect(d.lines(mayStartWith: "9", limit: 10).isEmpty)
    }

    @Test func theFindFilterNeverLosesABlockThatHoldsTheText() {
        var f = GramFilter()
        var text: [UInt8] = []
        var offsets: [Int] = []
        for n in 0..<200 {
            offsets.append(text.count)
            let word = n == 137 ? "quetzalcoatl 東京都" : "buyer \(n) ordinary"
            text += Array("[\"x\",[\"\(word)\"]]\n".utf8)
        }
        text.withUnsafeBytes { raw in
            for (i, o) in offsets.enumerated() {
                let end = i + 1 < offsets.count ? offsets[i + 1] - 1 : raw.count - 1
                f.add(UnsafeRawBufferPointer(rebasing: raw[o..<end]), region: 0..<(end - o), lineOffset: o)
            }
        }
        f.finish(end: text.count)
        for needle in ["quetzal", "東京都", "coatl 東"] {
            let ranges = f.candidates(for: Array(needle.utf8)) ?? []
            #expect(ranges.contains { $0.contains(offsets[137]) }, "\(needle): the block with the line is a candidate")
            #expect(ranges.reduce(0) { $0 + $1.count } < text.count / 2, "\(needle): most blocks are skipped")
        }
        #expect(f.candidates(for: Array("qu".utf8)) == nil, "too short to tell: everything is read")
        #expect(f.candidates(for: Array("zzzz-not-there".utf8))?.isEmpty == true)
    }
}
