import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The seller's day against the sandbox: what reached Jet, from the ledger and the sandbox's own orders.
@Suite struct SellersDayEndToEndTests {
    @Test func aDayOfParcelsEndsWithExactlyThoseQuantitiesAtJet() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 2; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            let m = sandbox.server.marketplace
            var o = try #require(await m.order(await m.allOrderIDs()[0]))
            o.orderItems = [o.orderItems[0]]
            o.orderItems[0].requestOrderQuantity = 3
            o.orderItems[0].merchantSKU = "MUG-RED"
            await m.inject(order: o)
            let ref = o.referenceOrderID!
            let dir = TemporaryDirectory()
            let script = try dir.write(
                "day.jom",
                """
                set ship-from-zip 07030
                download
                approve \(ref)
                ship \(ref) 1Z999AA10123456784 --carrier UPS --units MUG-RED:1
                cancel \(ref) no-inventory --units MUG-RED:1
                ship \(ref) 1Z5R89390357567127 --carrier UPS
                open \(ref)
                """)
            let r = try await JomProcess.run(["--store", dir.file("s"), script], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("Order \(ref) · shipped"), "\(r.stdout)")
            #expect(r.stdout.components(separatedBy: "unit(s) shipped").count - 1 == 2, "two shipments: \(r.stdout)")
            #expect(r.stdout.contains("1 unit(s) cancelled"))
            let at = try #require(await m.order(o.merchantOrderID))
            #expect(at.status == .complete)
            let items = (at.shipments ?? []).flatMap(\.shipmentItems)
            #expect(items.map { "\($0.responseShipmentSKUQuantity ?? 0)/\($0.responseShipmentCancelQty ?? 0)" } == ["1/0", "0/1", "1/0"])
            #expect(Set((at.shipments ?? []).compactMap(\.altShipmentID)).count == 3, "each parcel its own alt_shipment_id")
            #expect(await sandbox.appliedLedger().filter { $0.path.hasSuffix("/shipped") }.count == 3)
        }
    }

    @Test func acceptRefundAndARefundWithoutAReturnReachJet() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 1; $0.returns = 2
        }
        try await tearingDown({ await sandbox.stop() }) {
            let m = sandbox.server.marketplace
            let ids = await m.allOrderIDs()
            let (first, second) = (try #require(await m.order(ids[1])), try #require(await m.order(ids[2])))
            let dir = TemporaryDirectory()
            let r = try await JomProcess.run(
                [
                    "--store", dir.file("s"), "-c", "download", "-c", "accept \(first.referenceOrderID!)",
                    "-c", "refund \(first.referenceOrderID!)", "-c", "deny \(second.referenceOrderID!) wrong-item --dispute-charge wrongItem",
                    "-c", "refund \(second.referenceOrderID!) --amount 3.50 --reason price-adjustment",
                ],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            let ledger = await sandbox.appliedLedger()
            #expect(
                ledger.map { "\($0.method) \($0.path.split(separator: "/").last ?? "")" }.filter { $0 != "PUT shipped" }
                    == ["PUT acknowledge", "PUT complete", "PUT complete", "POST \(ledger.last!.path.split(separator: "/").last!)"], "\(ledger.map(\.path))")
            #expect(ledger[0].path.hasPrefix("/api/returns/"), "the first call acknowledges the return")
            #expect(ledger[2].body.contains(#""agree_to_return_charge":false"#) && ledger[2].body.contains("wrongItem"))
            #expect(ledger[3].path.hasPrefix("/api/refunds/\(second.merchantOrderID)/"))
            #expect(ledger[3].body.contains("better price available"))
        }
    }

    @Test func printAllOfFiftyOrdersIsOneDocumentOfFiftyPages() async throws {
        let sandbox = try await SandboxFixture.start {
            $0.orders = 50; $0.returns = 0
        }
        try await tearingDown({ await sandbox.stop() }) {
            let dir = TemporaryDirectory()
            let html = dir.file("all.html")
            let r = try await JomProcess.run(
                ["--store", dir.file("s"), "-c", "download", "-c", "show new", "-c", "print all --to \(html)"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            let text = try String(contentsOfFile: html, encoding: .utf8)
            #expect(text.components(separatedBy: "<section class=\"page\"").count - 1 == 50)
            #expect(fileMode(html) == 0o600)
            // In a real browser, when one is installed: the document prints as 50 pages, and its barcodes read back.
            guard
                let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
                    .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else {
                print("print test: no headless browser installed (apt-get install chromium): the page count was checked in the HTML only")
                return
            }
            let pdf = dir.file("all.pdf")
            let render = try await ChildProcess.run(
                chromium,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    "--print-to-pdf=\(pdf)", "file://\(html)",
                ], mergeStderr: true, timeout: 120)
            #expect(render.status == 0, "\(render.stdout)")
            let pages = try await ChildProcess.run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    """
                    import re,sys; d=open(sys.argv[1],'rb').read(); print(len(re.findall(rb'/Type\\s*/Page[^s]', d)))
                    """, pdf,
                ], mergeStderr: true)
            #expect(pages.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "50", "pages in the PDF: \(pages.stdout)")
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") {
                let png = dir.file("first.png")
                let shot = try await ChildProcess.run(
                    chromium,
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--window-size=900,700", "--screenshot=\(png)", "file://\(html)",
                    ], mergeStderr: true, timeout: 120)
                #expect(shot.status == 0, "\(shot.stdout)")
                let code = try await ChildProcess.run("/usr/bin/zbarimg", ["--quiet", "--raw", png])
                let read = code.stdout.split(separator: "\n").map(String.init)
                let refs = text.components(separatedBy: "data-order=\"").dropFirst().map { String($0.prefix(while: { $0 != "\"" })) }
                #expect(refs.count == 50)
                #expect(!read.isEmpty && read.allSatisfy(refs.contains), "every barcode on screen reads back as an order's reference: \(read)")
                #expect(read.contains(refs[0]), "the first page's barcode reads back: \(read)")
            }
        }
    }
}
