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

    /// jom's own styles travel inside a line as private-use markers, never as escape sequences: U+F8F0, the
    /// style's SGR code, U+F8F1, the styled text, U+F8F2. Outside text cannot carry them (``visible(_:)`` shows
    /// them), so only jom can colour a line, and an escape sequence from outside is always shown, never obeyed.
    public static func styled(_ text: String, code: String) -> String { "\u{F8F0}\(code)\u{F8F1}\(text)\u{F8F2}" }

    /// For lines the shell prints: like ``visible(_:)``, except that line breaks and tabs pass, and jom's own
    /// style markers (``styled(_:code:)``) become the terminal's colour sequences (or nothing, without
    /// `colors`). Every escape character in the text itself is shown as `␛`: whatever path outside text took
    /// here, it cannot reach the terminal raw.
    public static func terminalLine(_ text: String, colors: Bool = true) -> String {
        guard needsWork(text) else { return text }
        var out = String.UnicodeScalarView()
        var inCode = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xF8F0:
                inCode = true
                if colors { out.append(contentsOf: "\u{1B}[".unicodeScalars) }
            case 0xF8F1:
                inCode = false
                if colors { out.append("m") }
            case 0xF8F2:
                if colors { out.append(contentsOf: "\u{1B}[0m".unicodeScalars) }
            default:
                if inCode {
                    if colors, ("0"..."9").contains(scalar) || scalar == ";" { out.append(scalar) }
                } else if scalar == "\n" || scalar == "\t" {
                    out.append(scalar)
                } else {
                    append(scalar, to: &out)
                }
            }
        }
        return String(out)
    }

    /// Whether any character needs attention; a quick pass over the bytes first (every unsafe character is
    /// a byte below 0x20, 0x7F, or starts with 0xC2, 0xE1, 0xE2, 0xEF in UTF-8).
    private static func needsWork(_ text: String) -> Bool {
        var text = text
        let maybe = text.withUTF8 { bytes in bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE1 || $0 == 0xE2 || $0 == 0xEF } }
        return maybe && text.unicodeScalars.contains { isUnsafe($0) }
    }

    /// Characters outside text must not bring to the terminal: controls (C0, DEL, C1), the invisible ones that
    /// reorder text (bidi marks and overrides), the invisible ones that change what a word looks like or how
    /// wide a line is (zero-width spaces and joiners, soft hyphen, the byte-order mark, line and paragraph
    /// separators), and jom's own style markers.
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true  // direction marks and overrides
        case 0x200B...0x200D, 0x2060...0x2064, 0xFEFF, 0x00AD, 0x180E, 0x2028, 0x2029: true  // invisible, zero width
        case 0xF8F0...0xF8F2, 0xFFF9...0xFFFB: true  // jom's style markers; interlinear annotation
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
