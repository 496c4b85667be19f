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
            return Row(
                summary: s.visible, raw: s, deadline: d, urgency: d?.urgency(now: now, dueSoon: settings.dueSoon),
                unsent: unsent.contains(s.merchantOrderID))
        }
    }

    /// Column widths, fitted to the terminal (so a list can be printed as it is read: no cell decides them), so
    /// that no row ever wraps. ORDER, STAGE, DUE and TOTAL always show; as the terminal narrows, ITEMS goes
    /// first, then SHIP TO, then UNITS, then BUYER, each flexible column shrinking to its least before it goes.
    /// Below ``Layout/tableMinimum`` columns the list is printed a record at a time, one field per line (as
    /// psql's `\\x auto`).
    struct Layout {
        let buyerW: Int, placeW: Int, titleW: Int
        /// The ORDER column: the marketplace's longest ids (Jet's 12 characters, Walmart's 15 digits).
        let idW: Int
        let showUnits: Bool
        /// Too narrow for a table: a record at a time.
        let expanded: Bool
        /// Columns the list may use.
        let width: Int
        var showBuyer: Bool { buyerW > 0 }
        var showPlace: Bool { placeW > 0 }
        var showTitle: Bool { titleW > 0 }

        /// STAGE, DUE and TOTAL with the gaps between them and ORDER's.
        static let fixed = 2 + 10 + 2 + 16 + 2 + 10
        static let tableMinimum = 12 + fixed
        static let minimumFlexible = 8

        init(width terminal: Int, idWidth: Int = 12) {
            // The last column stays one short of the edge: a terminal that wraps at its width wraps nothing.
            let width = terminal - 1
            self.width = width
            idW = idWidth
            expanded = width < idWidth + Self.fixed
            var left = width - idWidth - Self.fixed
            // Which columns fit at their least, in order of use: the buyer, the units, where it goes, what it is.
            let buyer = left >= 12
            if buyer { left -= 12 }
            showUnits = left >= 7
            if showUnits { left -= 7 }
            let place = left >= 12
            if place { left -= 12 }
            let title = left >= 12
            if title { left -= 12 }
            // The room left widens them: each to a useful width first, then to its most.
            func widen(_ shown: Bool, _ from: Int, _ to: Int) -> Int {
                guard shown else { return 0 }
                let extra = min(left, max(0, to - from))
                left -= extra
                return from + extra
            }
            var b = widen(buyer, 10, 16), p = widen(place, 10, 16), t = widen(title, 10, 40)
            b = widen(buyer, b, 22)
            p = widen(place, p, 20)
            t = widen(title, t, 60)
            buyerW = b
            placeW = p
            titleW = t
        }
    }

    static func header(_ layout: Layout, out: Output) {
        guard !layout.expanded else { return }
        var header = "ORDER".fitted(layout.idW) + "  " + "STAGE".fitted(10) + "  " + "DUE".fitted(16)
        if layout.showBuyer { header += "  " + "BUYER".fitted(layout.buyerW) }
        if layout.showPlace { header += "  " + "SHIP TO".fitted(layout.placeW) }
        if layout.showUnits { header += "  " + "UNITS".right(5) }
        header += "  " + "TOTAL".right(10)
        if layout.showTitle { header += "  " + "ITEMS".fitted(layout.titleW, pad: false) }
        out.line(out.styled(header, .bold))
    }

    static func render(_ rows: [Row], _ layout: Layout, now: Date, out: Output) {
        if layout.expanded {
            renderExpanded(rows, width: layout.width, now: now, out: out)
            return
        }
        for r in rows {
            let s = r.summary
            var stage = (s.stage.label + (r.unsent ? "*" : "")).fitted(10)
            stage = out.styled(stage, stageStyle(s.stage))
            var due = "".fitted(16)
            if let d = r.deadline {
                let text = TimeText.relative(d.due, now: now)
                let verb = d.kind == .approve ? "approve" : d.kind == .ship ? "ship" : d.kind == .cancel ? "cancel" : "answer"
                due = "\(verb) \(text)".fitted(16)
                switch r.urgency {
                case .late?: due = out.styled(due, .boldRed)
                case .dueSoon?: due = out.styled(due, .yellow)
                default: break
                }
            }
            // Cell by cell into the output buffer: a long list costs no intermediate strings.
            var cells = [s.referenceOrderID.fitted(layout.idW), stage, due]
            if layout.showBuyer { cells.append(s.buyer.fitted(layout.buyerW)) }
            if layout.showPlace { cells.append(s.destination.fitted(layout.placeW)) }
            if layout.showUnits { cells.append(String(s.units).right(5)) }
            for cell in cells {
                out.text(cell)
                out.text("  ")
            }
            out.text(s.total.description.fitted(10, pad: false).right(10))
            if layout.showTitle {
                out.text("  ")
                out.text(s.title.fitted(layout.titleW, pad: false))
            }
            out.line()
        }
    }

    /// A record at a time, one field per line, on a terminal too narrow for the table.
    static func renderExpanded(_ rows: [Row], width: Int, now: Date, out: Output) {
        let w = max(8, width - 9)
        for r in rows {
            let s = r.summary
            out.line(out.styled(("── " + s.referenceOrderID).fitted(width, pad: false), .bold))
            func field(_ name: String, _ value: String) { out.line(name.fitted(9) + value.fitted(w, pad: false)) }
            field("stage", s.stage.label + (r.unsent ? " *" : ""))
            if let d = r.deadline {
                let verb = d.kind == .approve ? "approve" : d.kind == .ship ? "ship" : d.kind == .cancel ? "cancel" : "answer"
                field("due", "\(verb) \(TimeText.relative(d.due, now: now))")
            }
            field("buyer", s.buyer)
            field("ship to", s.destination)
            field("units", String(s.units))
            field("total", s.total.description)
            field("items", s.title)
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

    /// The columns, the marketplace's names for its ids first (`idNames`).
    static func csvHeader(_ idNames: [String] = MarketplaceTraits.jet.exportIDNames) -> [String] {
        Array(idNames.prefix(2)) + rest
    }

    static let rest = [
        "stage", "received", "deadline", "due", "buyer", "ship_to",
        "units", "total", "items", "unsent",
    ]

    static func fields(_ r: Row) -> [String] {
        let s = r.raw
        return [
            s.merchantOrderID, s.referenceOrderID, s.stage.rawValue, s.receivedAt.map(iso) ?? "",
            r.deadline?.kind.rawValue ?? "", r.deadline.map { iso($0.due) } ?? "", s.buyer, s.destination, String(s.units),
            s.total.plain, s.title, r.unsent ? "yes" : "no",
        ]
    }

    static func csvHeader(out: Output, idNames: [String]) { out.exported(csvHeader(idNames).joined(separator: ",") + "\n") }

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
    static func json(_ rows: [Row], first: Bool, idNames: [String], out: Output) throws {
        let keys = csvHeader(idNames)
        for (i, r) in rows.enumerated() {
            var o: [String: Any] = [:]
            for (k, v) in zip(keys, fields(r)) { o[k] = v }
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
