import Foundation
import JetWire
import TestSupport
import Testing

/// The HTML report a seller would hand to a partner: rendered for real in headless Chromium, with its axes,
/// daily tables and the flag of a cancellation rate over the limit checked in the page and in the picture.
@Suite struct ReportPageTests {
    /// Orders over 30 days: most shipped, a few cancelled by the seller (over 2.5%), some returned.
    static func history() -> String {
        let t0 = 1_795_856_400  // 2026-11-28 09:00 UTC
        func iso(_ t: Int) -> String {
            let d = Date(timeIntervalSince1970: Double(t))
            let f = ISO8601DateFormatter()
            return f.string(from: d).replacingOccurrences(of: "Z", with: ".0000000Z")
        }
        var lines: [String] = []
        for n in 0..<90 {
            let placed = t0 - (n % 30) * 86400 - 3600
            let cancelled = n % 15 == 0
            let sku = ["MUG-RED", "TEA-50", "LAMP-BRASS", "SOCKS-M"][n % 4]
            let status = cancelled ? "complete\",\"acknowledgement_status\":\"rejected - other" : "complete\",\"acknowledgement_status\":\"accepted"
            let shipments =
                cancelled
                ? ""
                : #","shipments":[{"alt_shipment_id":"S\#(n)","shipment_tracking_number":"1Z999AA10123456784","response_shipment_date":"\#(iso(placed + 7200))","carrier":"UPS","shipment_items":[{"merchant_sku":"\#(sku)","response_shipment_sku_quantity":\#(1 + n % 3),"response_shipment_cancel_qty":0}]}]"#
            lines.append(
                #"{"merchant_order_id":"\#(String(format: "%032x", n + 1))","reference_order_id":"\#(String(format: "83%010d", n))","status":"\#(status)","order_placed_date":"\#(iso(placed))","order_ready_date":"\#(iso(placed + 60))","order_acknowledge_date":"\#(iso(placed + 600))","buyer":{"name":"Buyer \#(n)"},"shipping_to":{"address":{"city":"Town","state":"NJ","zip_code":"07030"}},"order_items":[{"order_item_id":"i\#(n)","merchant_sku":"\#(sku)","product_title":"Thing <\#(sku)>","request_order_quantity":\#(1 + n % 3),"item_price":{"base_price":\#(10 + n % 7).5}}]\#(shipments)}"#
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func theReportPageHasAxesTablesAndTheFlagAndRendersInABrowser() async throws {
        let dir = TemporaryDirectory()
        let store = dir.file("store")
        let file = try dir.write("history.jsonl", Self.history())
        let imported = try await JomProcess.run(["import", "--store", store, file], home: dir.path)
        #expect(imported.status == 0, "\(imported.all)")
        let page = dir.file("report.html")
        let r = try await JomProcess.run(["--store", store, "-c", "set seller-name Hoboken <Housewares>", "-c", "report --html \(page)"], home: dir.path)
        #expect(r.status == 0, "\(r.all)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("Sales report · Hoboken &lt;Housewares&gt;"), "the seller, escaped")
        #expect(html.contains("2026-10-30 to 2026-11-28 · 30 days"))
        #expect(html.contains("orders a day") && html.contains("dollars a day"), "axis titles")
        #expect(html.contains(">11-28</text>") && html.contains(">10-30</text>"), "dates on the x axis")
        #expect(html.components(separatedBy: "<table class=\"daily\">").count - 1 == 7, "a table of the daily figures under each chart")
        #expect(html.contains("over the 2.5% limit"), "the cancellation rate flagged")
        #expect(html.contains("<td>MUG-RED</td><td>Thing &lt;MUG-RED&gt;</td>"), "top SKUs, escaped")
        #expect(html.contains("$1,"), "money with thousands separators")
        #expect(!html.contains("<script"))

        guard
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            Issue.record("no headless browser installed: scripts/test installs chromium")
            return
        }
        let png = dir.file("report.png")
        let shot = try await ChildProcess.run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--window-size=900,1800", "--screenshot=\(png)", "file://\(page)",
            ],
            environment: ["HOME": dir.path, "PATH": "/usr/bin:/bin"], timeout: 120)
        #expect(FileManager.default.fileExists(atPath: png), "\(shot.all)")
        // The picture: decoded with Python's own zlib; bars in the chart's blue, the flag in red.
        let counter = try dir.write(
            "pixels.py",
            """
            import struct, sys, zlib
            data = open(sys.argv[1], "rb").read()
            assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
            pos, idat, w = 8, b"", 0
            while pos < len(data):
                n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
                if kind == b"IHDR": w, h, depth, color = struct.unpack(">IIBB", body[:10])
                if kind == b"IDAT": idat += body
            raw = zlib.decompress(idat); bpp = 4 if color == 6 else 3; stride = w * bpp
            prev = bytearray(stride); rows = []; i = 0
            for y in range(h):
                f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 2: line[x] = (line[x] + b) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(line); prev = line
            def near(px, rgb): return all(abs(px[k] - rgb[k]) < 24 for k in range(3))
            blue = red = 0
            for line in rows:
                for x in range(0, stride, bpp):
                    px = line[x:x + 3]
                    if near(px, (0x2b, 0x6c, 0xb0)): blue += 1
                    if near(px, (0xb0, 0x00, 0x20)): red += 1
            print(w, h, blue, red)
            """)
        let counted = try await ChildProcess.run("/usr/bin/env", ["python3", counter, png], timeout: 120)
        let figures = counted.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(figures.count == 4, "\(counted.all)")
        if figures.count == 4 {
            #expect(figures[0] == 900 && figures[1] == 1800, "the size asked for")
            #expect(figures[2] > 2000, "the charts' bars are drawn: \(figures[2]) blue pixels")
            #expect(figures[3] > 100, "the over-the-limit flag is drawn: \(figures[3]) red pixels")
        }
    }
}
