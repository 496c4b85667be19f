import Foundation

// WireKit: what every marketplace's wire module shares: reading JSON from outside tolerantly.

/// Reading a marketplace's JSON tolerantly: an optional field that is missing, null or of the wrong type becomes nil
/// instead of failing the whole order; ids that arrive as numbers become strings; numbers that arrive as
/// strings are read as numbers. Required fields still fail loudly, naming the field.
///
/// Every `try?` here is a read whose failure is an expected answer: "not this type, try the next".
extension KeyedDecodingContainer {
    package func lenientString(_ key: Key) -> String? {
        if let s = try? decodeIfPresent(String.self, forKey: key) { return s }
        if let i = try? decodeIfPresent(Int64.self, forKey: key) { return String(i) }
        if let d = try? decodeIfPresent(Double.self, forKey: key) { return String(d) }
        return nil
    }

    package func requiredString(_ key: Key) throws -> String {
        if let s = lenientString(key) { return s }
        if contains(key) {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: codingPath + [key], debugDescription: "\(key.stringValue) must be a string"))
        }
        throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "\(key.stringValue) is missing"))
    }

    /// Counts (quantities, days) are held within ±1,000,000,000: anything beyond is nonsense, and arithmetic
    /// on it could overflow.
    package func lenientInt(_ key: Key) -> Int? {
        func sane(_ i: Int?) -> Int? { i.map { min(max($0, -1_000_000_000), 1_000_000_000) } }
        if let i = try? decodeIfPresent(Int.self, forKey: key) { return sane(i) }
        if let d = try? decodeIfPresent(Double.self, forKey: key), d.rounded() == d, abs(d) < 1e15 { return sane(Int(d)) }
        if let s = try? decodeIfPresent(String.self, forKey: key) { return sane(Int(s.trimmingCharacters(in: .whitespaces))) }
        return nil
    }

    package func lenientDouble(_ key: Key) -> Double? {
        if let d = try? decodeIfPresent(Double.self, forKey: key) { return d }
        if let s = try? decodeIfPresent(String.self, forKey: key) { return Double(s.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    package func lenientBool(_ key: Key) -> Bool? {
        if let b = try? decodeIfPresent(Bool.self, forKey: key) { return b }
        if let s = try? decodeIfPresent(String.self, forKey: key) {
            switch s.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: return nil
            }
        }
        if let i = try? decodeIfPresent(Int.self, forKey: key) { return i != 0 }
        return nil
    }

    package func lenient<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        (try? decodeIfPresent(T.self, forKey: key)) ?? nil
    }

    /// An optional array whose broken elements are dropped rather than failing the parent.
    package func lenientArray<T: Decodable>(_ type: T.Type, _ key: Key) -> [T]? {
        guard var c = try? nestedUnkeyedContainer(forKey: key) else { return nil }
        var out: [T] = []
        while !c.isAtEnd {
            if let v = try? c.decode(T.self) {
                out.append(v)
            } else {
                _ = try? c.decode(Skip.self)
            }
        }
        return out
    }
}

/// Consumes one JSON value of any type.
package struct Skip: Decodable {
    package init(from decoder: any Decoder) throws {}
}

/// A coding key made at run time, for the alternative spellings of a key.
package struct AnyKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }
    package init(_ s: String) { stringValue = s }
    package init?(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { return nil }
}
