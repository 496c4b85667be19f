import Foundation

/// Which runs of index lines may hold a needle. For each block of ``linesPerBlock`` lines of the base, a bitmap
/// holds the hashed 4-byte sequences of the lines' search texts; a needle of four bytes or more can only occur
/// in a block whose bitmap holds every one of its own 4-byte sequences. `find` then reads only those blocks, so
/// looking for an order number, a SKU, a phone or a name reads a small part of the index.
/// (A bit may be set by another sequence: the filter only ever lets through too much, never too little.)
/// A million orders cost 64 MB of bitmaps.
struct GramFilter {
    static let linesPerBlock = 16
    static let gram = 4
    /// 2^bitsLog2 bits per block (512 bits per line: about half of them set for a typical block).
    static let bitsLog2 = 13
    static let wordsPerBlock = (1 << bitsLog2) / 64

    /// Where each block starts in the base file; a block ends where the next starts (the last at `end`).
    private var starts: [Int] = []
    private var end = 0
    private var bits: [UInt64] = []

    /// The bit of one 4-byte sequence (Fibonacci hashing: the top bits of a multiplication).
    static func slot(_ v: UInt32) -> Int { Int((v &* 0x9E37_79B1) >> UInt32(32 - bitsLog2)) }

    /// Words of the block being filled, and how many of its lines are in.
    private var words = [UInt64](repeating: 0, count: GramFilter.wordsPerBlock)
    private var linesInBlock = 0

    init() {}

    /// Adds the next line of the base (lines come in file order): its search text is `region` of `raw`.
    mutating func add(_ raw: UnsafeRawBufferPointer, region: Range<Int>, lineOffset: Int) {
        if linesInBlock == 0 { starts.append(lineOffset) }
        Self.add(raw, region, to: &words)
        linesInBlock += 1
        if linesInBlock == Self.linesPerBlock {
            bits += words
            for w in words.indices { words[w] = 0 }
            linesInBlock = 0
        }
    }

    /// After the last line: `end` is where the base ends.
    mutating func finish(end: Int) {
        if linesInBlock > 0 { bits += words }
        linesInBlock = 0
        words = []
        self.end = end
    }

    private static func add(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, to words: inout [UInt64]) {
        guard range.count >= gram else { return }
        var v: UInt32 = 0
        words.withUnsafeMutableBufferPointer { w in
            for k in range {
                v = v << 8 | UInt32(raw[k])
                if k - range.lowerBound >= gram - 1 {
                    let s = slot(v)
                    w[s >> 6] |= 1 << UInt64(s & 63)
                }
            }
        }
    }

    /// The byte ranges of the base (whole lines) that may hold `pattern`, neighbouring blocks merged; nil when
    /// the pattern is too short for the filter to tell (then everything must be read).
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
                    let r = starts[b]..<(b + 1 < starts.count ? starts[b + 1] : end)
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
