import Foundation

/// Which runs of index lines may hold a needle. For each block of `linesPerBlock` lines of the base, a bitmap
/// holds the hashed 4-byte sequences of the lines' search texts; a needle of four bytes or more can only occur
/// in a block whose bitmap holds every one of its own 4-byte sequences. `find` then reads only those blocks, so
/// looking for an order number, a SKU, a phone or a name reads a small part of the index.
/// (A bit may be set by another sequence: the filter only ever lets through too much, never too little.)
struct GramFilter {
    static let linesPerBlock = 8
    static let gram = 4
    /// 2^bitsLog2 bits per block (1,024 bits per line: about a fifth of them set for a typical order).
    static let bitsLog2 = 13
    static let wordsPerBlock = (1 << bitsLog2) / 64

    private var starts: [Int] = []
    private var ends: [Int] = []
    private var bits: [UInt64] = []

    /// The bit of one 4-byte sequence (Fibonacci hashing: the top bits of a multiplication).
    static func slot(_ v: UInt32) -> Int { Int((v &* 0x9E37_79B1) >> UInt32(32 - bitsLog2)) }

    /// Reads the base index (`raw`, from its header line on) once.
    init(index raw: UnsafeRawBufferPointer) {
        guard let p = raw.baseAddress, let firstNL = memchr(p, 0x0A, raw.count) else { return }
        var i = p.distance(to: UnsafeRawPointer(firstNL)) + 1
        var words = [UInt64](repeating: 0, count: Self.wordsPerBlock)
        while i < raw.count {
            let blockStart = i
            for w in words.indices { words[w] = 0 }
            var lines = 0
            while i < raw.count, lines < Self.linesPerBlock {
                let end = memchr(p + i, 0x0A, raw.count - i).map { p.distance(to: UnsafeRawPointer($0)) } ?? raw.count
                // Only the search text can match; a line that cannot be read is hashed whole.
                var reader = IndexLineReader(raw, start: i, end: end)
                let from = reader?.startOfField(IndexLine.searchField) ?? i
                Self.add(raw, from..<end, to: &words)
                lines += 1
                i = end + 1
            }
            starts.append(blockStart)
            ends.append(min(i, raw.count))
            bits += words
        }
    }

    private static func add(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, to words: inout [UInt64]) {
        var v: UInt32 = 0
        for (n, k) in range.enumerated() {
            v = v << 8 | UInt32(raw[k])
            if n >= gram - 1 {
                let s = slot(v)
                words[s >> 6] |= 1 << UInt64(s & 63)
            }
        }
    }

    /// The byte ranges (whole lines) that may hold `pattern`, neighbouring blocks merged; nil when the
    /// pattern is too short for the filter to tell (then everything must be read).
    func candidates(for pattern: [UInt8]) -> [Range<Int>]? {
        guard pattern.count >= Self.gram else { return nil }
        var slots = Set<Int>()
        var v: UInt32 = 0
        for (n, b) in pattern.enumerated() {
            v = v << 8 | UInt32(b)
            if n >= Self.gram - 1 { slots.insert(Self.slot(v)) }
        }
        let wanted = Array(slots)
        var out: [Range<Int>] = []
        bits.withUnsafeBufferPointer { bits in
            for b in starts.indices {
                let base = b * Self.wordsPerBlock
                if wanted.allSatisfy({ bits[base + ($0 >> 6)] & (1 << UInt64($0 & 63)) != 0 }) {
                    let r = starts[b]..<ends[b]
                    if let last = out.last, last.upperBound == r.lowerBound {
                        out[out.count - 1] = last.lowerBound..<r.upperBound
                    } else {
                        out.append(r)
                    }
                }
            }
        }
        return out
    }
}
