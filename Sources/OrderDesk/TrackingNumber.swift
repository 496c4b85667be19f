import Foundation

/// Checks a tracking number against its carrier's formats and check digits before anything is sent.
/// A pass means well-formed, not that the carrier has scanned the parcel.
public enum TrackingNumber {
    /// The number as it will be sent: spaces removed, letters upper-cased.
    public static func normalize(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace }).uppercased()
    }

    /// Checks `number` for `carrier` (Jet's carrier name). Returns the normalized number, or throws an error that
    /// says what is wrong with it.
    public static func validate(_ number: String, carrier: String) throws(DeskError) -> String {
        let n = normalize(number)
        guard !n.isEmpty else {
            throw DeskError("the tracking number is empty", remedy: "ship <order> <tracking number> --carrier \(carrier)")
        }
        if let bad = number.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw DeskError(
                "the tracking number contains a control character (U+\(String(bad.value, radix: 16, uppercase: true)))",
                remedy: "type the number again")
        }
        let family = Carriers.squash(carrier)
        let problem: String?
        if family.hasPrefix("ups") && !family.contains("mailinnovations") && !family.contains("surepost") && !family.contains("freight") {
            problem = checkUPS(n)
        } else if family == "usps" {
            problem = checkUSPS(n)
        } else if family == "fedex" {
            problem = checkFedEx(n)
        } else if family == "fedexsmartpost" {
            problem = checkSmartPost(stripRouting(n))
        } else {
            // No known format to check: the number must at least be one word of ordinary characters.
            let typed = number.trimmingCharacters(in: .whitespaces)
            problem =
                typed.allSatisfy({ $0.isASCII && !$0.isWhitespace && ($0.isLetter || $0.isNumber || "-_/.".contains($0)) })
                ? nil : "it contains spaces or characters a tracking number does not have (only letters, digits and - _ / . are allowed)"
        }
        if let problem {
            let fits = carriers(accepting: n).filter { $0 != carrier }
            let remedy =
                fits.isEmpty
                ? "check the number on the label, or choose the right carrier with --carrier"
                : "it is a well-formed \(fits.joined(separator: " or ")) number: add --carrier \(fits[0].replacingOccurrences(of: " ", with: "-")) if that is the carrier"
            throw DeskError("\(n) is not a valid \(carrier) tracking number: \(problem)", remedy: remedy)
        }
        return n
    }

    /// The carriers with a checkable format whose format and check digit `number` passes.
    public static func carriers(accepting number: String) -> [String] {
        let n = normalize(number)
        var out: [String] = []
        if checkUPS(n) == nil { out.append("UPS") }
        if checkUSPS(n) == nil { out.append("USPS") }
        if checkFedEx(n) == nil { out.append("FedEx") }
        return out
    }

    // MARK: UPS

    static func checkUPS(_ n: String) -> String? {
        guard n.hasPrefix("1Z") else {
            return "UPS numbers start with 1Z"
        }
        guard n.count == 18 else { return "UPS numbers have 18 characters (1Z + 16), this one has \(n.count)" }
        let body = Array(n.dropFirst(2))
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
            return "after 1Z only letters and digits are allowed"
        }
        let values = body.dropLast().map(upsValue)
        var total = 0
        for (i, v) in values.enumerated() { total += i % 2 == 1 ? v * 2 : v }
        let check = (10 - total % 10) % 10
        guard let last = body.last?.wholeNumberValue, last == check else {
            return "the check digit (last character) should be \(check)"
        }
        return nil
    }

    private static func upsValue(_ c: Character) -> Int {
        if let d = c.wholeNumberValue { return d }
        return (Int(c.asciiValue ?? 0) - 3) % 10
    }

    // MARK: USPS

    static func checkUSPS(_ raw: String) -> String? {
        if raw.count == 13, let s10 = checkS10(raw) { return s10 == "" ? nil : s10 }
        let n = stripRouting(raw)
        guard n.allSatisfy(\.isASCIINumber) else {
            return "USPS numbers are 20 or 22 digits, or 13 characters like EA123456785US"
        }
        switch n.count {
        case 22, 26, 30:
            guard n.hasPrefix("9") else { return "22-digit USPS numbers start with 9 (e.g. 9400…, 9205…)" }
            return mod10(Array(n), firstWeight: 3) ? nil : "the check digit (last digit) should be \(mod10Digit(Array(n.dropLast()), firstWeight: 3))"
        case 20:
            // Two layouts share 20 digits: the legacy one, and IMpb with its leading 91 left off.
            if mod10(Array(n), firstWeight: 3) || mod10(Array("91" + n), firstWeight: 3) { return nil }
            return "the check digit (last digit) should be \(mod10Digit(Array(n.dropLast()), firstWeight: 3))"
        default:
            return "USPS numbers have 20 or 22 digits (or 13 characters like EA123456785US), this one has \(n.count)"
        }
    }

    /// UPU S10 (international): 2 letters, 8 digits, a check digit, a 2-letter country. Returns "" when valid,
    /// a problem when it has the S10 shape but a bad check digit, nil when it is not S10-shaped.
    static func checkS10(_ n: String) -> String? {
        let c = Array(n)
        guard c.count == 13, c[0].isLetter, c[1].isLetter, c[11].isLetter, c[12].isLetter,
            c[2...10].allSatisfy(\.isASCIINumber)
        else { return nil }
        let weights = [8, 6, 4, 2, 3, 5, 9, 7]
        var total = 0
        for i in 0..<8 { total += (c[2 + i].wholeNumberValue ?? 0) * weights[i] }
        let r = total % 11
        let check = r == 1 ? 0 : (r == 0 ? 5 : 11 - r)
        return c[10].wholeNumberValue == check ? "" : "the check digit (11th character) should be \(check)"
    }

    // MARK: FedEx

    static func checkFedEx(_ n: String) -> String? {
        guard n.allSatisfy(\.isASCIINumber) else { return "FedEx numbers are digits only" }
        let d = Array(n)
        switch d.count {
        case 12:
            let w = [3, 1, 7]
            var total = 0
            for i in 0..<11 { total += (d[i].wholeNumberValue ?? 0) * w[i % 3] }
            let check = total % 11 % 10
            return d[11].wholeNumberValue == check ? nil : "the check digit (last digit) should be \(check)"
        case 15:
            return mod10(d, firstWeight: 1, otherWeight: 3)
                ? nil
                : "the check digit (last digit) should be \(mod10Digit(Array(d.dropLast()), firstWeight: 1, otherWeight: 3))"
        case 20:
            return checkSmartPost(n)
        case 22:
            if n.hasPrefix("96") {
                let serial = Array(d[7..<21])
                let check = mod10Digit(serial, firstWeight: 1, otherWeight: 3)
                return d[21].wholeNumberValue == check ? nil : "the check digit (last digit) should be \(check)"
            }
            return checkSmartPost(n)
        default:
            return "FedEx numbers have 12, 15, 20 or 22 digits, this one has \(d.count)"
        }
    }

    /// FedEx SmartPost (USPS IMpb layout): 20 digits, or 22 starting with 92.
    static func checkSmartPost(_ n: String) -> String? {
        guard n.allSatisfy(\.isASCIINumber) else { return "SmartPost numbers are digits only" }
        let serial: [Character]
        switch n.count {
        case 20: serial = Array("92" + n.dropLast())
        case 22:
            guard n.hasPrefix("92") else { return "22-digit SmartPost numbers start with 92" }
            serial = Array(n.dropLast())
        default: return "SmartPost numbers have 20 or 22 digits, this one has \(n.count)"
        }
        let check = mod10Digit(serial, firstWeight: 3)
        return n.last?.wholeNumberValue == check ? nil : "the check digit (last digit) should be \(check)"
    }

    // MARK: helpers

    /// Scanners add `420` + ZIP5 (or ZIP9) in front of USPS and SmartPost barcodes.
    static func stripRouting(_ n: String) -> String {
        guard n.hasPrefix("420") else { return n }
        for zipLength in [5, 9] {
            let rest = n.dropFirst(3 + zipLength)
            if [20, 22].contains(rest.count) { return String(rest) }
        }
        return n
    }

    /// The mod-10 check over all but the last digit, weights alternating from the first digit.
    static func mod10(_ digits: [Character], firstWeight: Int, otherWeight: Int = 1) -> Bool {
        guard let last = digits.last?.wholeNumberValue else { return false }
        return mod10Digit(Array(digits.dropLast()), firstWeight: firstWeight, otherWeight: otherWeight) == last
    }

    static func mod10Digit(_ digits: [Character], firstWeight: Int, otherWeight: Int = 1) -> Int {
        var total = 0
        for (i, c) in digits.enumerated() { total += (c.wholeNumberValue ?? 0) * (i % 2 == 0 ? firstWeight : otherWeight) }
        return (10 - total % 10) % 10
    }
}

extension Character {
    var isASCIINumber: Bool { isASCII && isNumber }
}
