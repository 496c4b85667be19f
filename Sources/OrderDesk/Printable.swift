import Foundation

/// Text from outside (Jet's answers, imports, scripts, settings) made safe to print: no control character
/// reaches a terminal raw, so a buyer named `Eve\e]0;pwned\a` cannot retitle or clear the operator's screen.
public enum Printable {
    /// `text` with every control character made visible: C0 controls as their control pictures (`␛`, `␇`, `␤`),
    /// DEL as `␡`, C1 controls and the invisible characters that reorder text (bidi overrides) as `<U+XXXX>`.
    public static func visible(_ text: String) -> String {
        guard needsWork(text) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars { append(s, to: &out) }
        return String(out)
    }

    /// For lines the shell prints: like ``visible(_:)``, except that line breaks, tabs and the colour sequences
    /// jom itself adds (`ESC [ digits ; … m`) pass through. Outside text is made visible before it is styled, so
    /// what passes here can only be jom's own.
    public static func terminalLine(_ text: String) -> String {
        guard needsWork(text) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\u{1B}", let end = colourSequenceEnd(scalars, from: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            if scalars[i] == "\n" || scalars[i] == "\t" {
                out.append(scalars[i])
                i += 1
                continue
            }
            append(scalars[i], to: &out)
            i += 1
        }
        return String(out)
    }

    /// The index of the `m` that ends a colour sequence starting at `start` (an ESC), if it is one.
    private static func colourSequenceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < s.count, s[start + 1] == "[" else { return nil }
        var j = start + 2
        while j < s.count, j - start < 16 {
            let c = s[j]
            if c == "m" { return j }
            guard ("0"..."9").contains(c) || c == ";" else { return nil }
            j += 1
        }
        return nil
    }

    /// Whether any character needs attention; a quick pass over the bytes first (every unsafe character is
    /// a byte below 0x20, 0x7F, or starts with 0xC2 or 0xE2 in UTF-8).
    private static func needsWork(_ text: String) -> Bool {
        var text = text
        let maybe = text.withUTF8 { bytes in bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 } }
        return maybe && text.unicodeScalars.contains { isUnsafe($0) }
    }

    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // direction marks and overrides
        default: false
        }
    }

    private static func append(_ s: Unicode.Scalar, to out: inout String.UnicodeScalarView) {
        guard isUnsafe(s) else {
            out.append(s)
            return
        }
        switch s.value {
        case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + s.value)!)
        case 0x7F: out.append("\u{2421}")
        default: out.append(contentsOf: String(format: "<U+%04X>", s.value).unicodeScalars)
        }
    }
}
