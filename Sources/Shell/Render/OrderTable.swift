import Foundation
import OrderDesk

/// Lists of orders: aligned columns fitted to the terminal, or CSV / JSON for other tools.
enum OrderTable {
    struct Row {
        /// The summary with its text made visible, for the terminal.
        var summary: OrderSummary
        /// The summary as stored, for exports (CSV, JSON): exact text.
        var raw: OrderSummary
        var deadline: Deadline?
        var urgency: Deadline.Urgency?
        var unsent: Bool
    }

    static func rows(_ list: [OrderSummary], settings: Settings, now: Date, unsent: Set<String>) -> [Row] {
        list.map { s in
            let d = Deadline.next(for: s, settings: settings)
            return Row(summary: s.visible, raw: s, deadline: d, urgency: d?.urgency(now: now, dueSoon: settings.dueSoon),
                       unsent: unsent.contains(s.merchantOrderID))
        }
    }

    /// Column widths, fitted to the terminal (so a list can be printed as it is read: no cell decides them).
    struct Layout {
        let buyerW: Int, placeW: Int, titleW: Int
        var showTitle: Bool { titleW >= 10 }

        init(width terminal: Int) {
            let width = max(80, terminal)
            // ORDER, STAGE, DUE, UNITS, TOTAL are fixed; buyer, destination and items share the rest.
            let fixed = 12 + 2 + 10 + 2 + 16 + 2 + 5 + 2 + 10 + 2 * 3
            let flexible = max(24, width - fixed - 1)
            buyerW = min(22, max(12, flexible * 3 / 10))
            placeW = min(20, max(10, flexible * 3 / 10))
            titleW = flexible - buyerW - placeW - 4
        }
    }

    static func header(_ layout: Layout, out: Output) {
        var header = "ORDER".fitted(12) + "  " + "STAGE".fitted(10) + "  " + "DUE".fitted(16) + "  " + "BUYER".fitted(layout.buyerW) + "  "
            + "SHIP TO".fitted(layout.placeW) + "  " + "UNITS".right(5) + "  " + "TOTAL".right(10)
        if layout.showTitle { header += "  ITEMS" }
        out.line(out.styled(header, .bold))
    }

    static func render(_ rows: [Row], _ layout: Layout, now: Date, out: Output) {
        for r in rows {
            let s = r.summary
            var stage = (s.stage.label + (r.unsent ? "*" : "")).fitted(10)
            stage = out.styled(stage, stageStyle(s.stage))
            var due = "".fitted(16)
            if let d = r.deadline {
                let text = TimeText.relative(d.due, now: now)
                let verb = d.kind == .approve ? "approve" : d.kind == .ship ? "ship" : "answer"
                due = "\(verb) \(text)".fitted(16)
                switch r.urgency {
                case .late?: due = out.styled(due, .boldRed)
                case .dueSoon?: due = out.styled(due, .yellow)
                default: break
                }
            }
            // Cell by cell into the output buffer: a long list costs no intermediate strings.
            for cell in [s.referenceOrderID.fitted(12), stage, due, s.buyer.fitted(layout.buyerW), s.destination.fitted(layout.placeW),
                         String(s.units).right(5)] {
                out.text(cell)
                out.text("  ")
            }
            out.text(s.total.description.right(10))
            if layout.showTitle {
                out.text("  ")
                out.text(s.title.fitted(layout.titleW, pad: false))
            }
            out.line()
        }
    }

    static func stageStyle(_ stage: OrderStage) -> Output.Style {
        switch stage {
        case .new: .cyan
        case .approved: .blue
        case .cancelRequested, .returnRequested, .returnAccepted: .magenta
        case .cancelled, .refundDenied: .dim
        case .shipped, .refunded: .green
        case .held: .dim
        }
    }

    /// What the line under a list counts, added up page by page.
    struct Tally {
        var count = 0, late = 0, soon = 0, unsent = 0

        mutating func add(_ rows: [Row]) {
            count += rows.count
            late += rows.filter { $0.urgency == .late }.count
            soon += rows.filter { $0.urgency == .dueSoon }.count
            unsent += rows.filter(\.unsent).count
        }
    }

    /// A line under the list: how many, and how many are due soon or late.
    static func footer(_ t: Tally, label: String, out: Output) {
        var parts = ["\(t.count) order\(t.count == 1 ? "" : "s") (\(label))"]
        if t.late > 0 { parts.append(out.styled("\(t.late) late", .boldRed)) }
        if t.soon > 0 { parts.append(out.styled("\(t.soon) due soon", .yellow)) }
        if t.unsent > 0 { parts.append("\(t.unsent) with an action not yet sent (*)") }
        out.line(parts.joined(separator: " · "))
    }

    // MARK: for other tools

    static let csvHeader = ["merchant_order_id", "reference_order_id", "stage", "received", "deadline", "due", "buyer", "ship_to",
                            "units", "total", "items", "unsent"]

    static func fields(_ r: Row) -> [String] {
        let s = r.raw
        return [s.merchantOrderID, s.referenceOrderID, s.stage.rawValue, s.receivedAt.map(iso) ?? "",
                r.deadline?.kind.rawValue ?? "", r.deadline.map { iso($0.due) } ?? "", s.buyer, s.destination, String(s.units),
                s.total.plain, s.title, r.unsent ? "yes" : "no"]
    }

    static func csvHeader(out: Output) { out.exported(csvHeader.joined(separator: ",") + "\n") }

    /// CSV rows. `raw: false` (`--format csv`) is safe to open in a spreadsheet: a cell that starts with `=`,
    /// `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so no spreadsheet evaluates it as a formula
    /// (OWASP's rule); `raw: true` (`--format csv-raw`) is the exact text, for pipelines.
    static func csv(_ rows: [Row], raw: Bool = false, out: Output) {
        for r in rows {
            // On a terminal the rows are for a person: a line break inside a cell is shown, not obeyed.
            let cells = out.isTerminal ? fields(r).map(Printable.visible) : fields(r)
            out.exported(cells.map { csvField($0, raw: raw) }.joined(separator: ",") + "\n")
        }
    }

    static func csvField(_ s: String, raw: Bool = false) -> String {
        var s = s
        if !raw, let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// JSON is written a row at a time, as the whole array would be pretty-printed: `[`, then each object
    /// indented, separated by commas, then `]`.
    static func json(_ rows: [Row], first: Bool, out: Output) throws {
        for (i, r) in rows.enumerated() {
            var o: [String: Any] = [:]
            for (k, v) in zip(csvHeader, fields(r)) { o[k] = v }
            o["units"] = r.summary.units
            o["total"] = Double(r.summary.total.value) / 100
            o["unsent"] = r.unsent
            for k in ["received", "deadline", "due"] where (o[k] as? String) == "" { o[k] = NSNull() }
            let data: Data
            do {
                data = try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            } catch {
                throw ShellError.other("the list could not be written as JSON: \(error)", remedy: "--format csv writes the same rows")
            }
            let object = jsonEscapingInvisible(String(decoding: data, as: UTF8.self)).split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n")
            out.exported(first && i == 0 ? object : ",\n" + object)
        }
    }

    /// JSON text with every character a terminal must not see raw (C1 controls, bidi and zero-width characters,
    /// which JSON leaves as they are) written as a `\\uXXXX` escape: the same JSON, exact, and safe to print.
    static func jsonEscapingInvisible(_ text: String) -> String {
        // JSON escapes the C0 controls inside strings itself: a raw line break is the layout's.
        func escape(_ s: Unicode.Scalar) -> Bool { s.value >= 0x20 && Printable.isUnsafe(s) }
        guard text.unicodeScalars.contains(where: escape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if escape(scalar) {
                out += String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `2026-11-28T09:00:00Z` (UTC, whole seconds), as ISO8601DateFormatter writes it: formatted by hand,
    /// because a formatter costs more than the rest of a row.
    static func iso(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var p = tm()
        gmtime_r(&t, &p)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", p.tm_year + 1900, p.tm_mon + 1, p.tm_mday, p.tm_hour, p.tm_min, p.tm_sec)
    }
}
