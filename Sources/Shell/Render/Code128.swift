import Foundation

/// Code 128 barcodes, for the Jet order number on invoices and packing slips: code set C for an even number of
/// digits (two digits a symbol, as Jet's 12-digit order numbers are), code set B for other printable ASCII.
/// The swift packages this project may use have no barcode encoder; this one is small, and tested against the
/// symbol table and a decoder.
enum Code128 {
    /// Bar and space widths (in modules) of symbols 0–106: bar, space, bar, space, bar, space (the stop, 106,
    /// adds a final bar).
    static let patterns: [String] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ]

    static let startB = 104, startC = 105, stop = 106

    /// The symbol values for `text`: start, data, checksum, stop. Nil when `text` has a character outside
    /// printable ASCII (Code 128 B) or is empty.
    static func symbols(_ text: String) -> [Int]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 32 && $0 < 127 }) else { return nil }
        var values: [Int]
        if bytes.count >= 4, bytes.count % 2 == 0, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            values = [startC]
            for i in stride(from: 0, to: bytes.count, by: 2) {
                values.append(Int(bytes[i] - 48) * 10 + Int(bytes[i + 1] - 48))
            }
        } else {
            values = [startB] + bytes.map { Int($0) - 32 }
        }
        var sum = values[0]
        for (i, v) in values.enumerated().dropFirst() { sum += i * v }
        return values + [sum % 103, stop]
    }

    /// Widths of alternating bars and spaces, starting with a bar.
    static func widths(_ text: String) -> [Int]? {
        symbols(text).map { $0.flatMap { patterns[$0].map { Int(String($0))! } } }
    }

    /// An inline SVG of the barcode, with a quiet zone of 10 modules on each side; `module` is the width of
    /// the narrowest bar in CSS pixels.
    static func svg(_ text: String, module: Int = 2, height: Int = 56) -> String? {
        guard let widths = widths(text) else { return nil }
        let quiet = 10
        let total = widths.reduce(0, +) + 2 * quiet
        var x = quiet
        var rects = ""
        for (i, w) in widths.enumerated() {
            if i % 2 == 0 { rects += "<rect x=\"\(x * module)\" y=\"0\" width=\"\(w * module)\" height=\"\(height)\"/>" }
            x += w
        }
        let label = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barcode\" width=\"\(total * module)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(total * module) \(height)\" role=\"img\" aria-label=\"Code 128 barcode of \(label)\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><g fill=\"#000\">\(rects)</g></svg>"
    }
}
