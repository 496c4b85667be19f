import Foundation
import JetAPI
import JetSandbox
import JetWire
import TestSupport
import Testing

/// One damaged record, or an order the marketplace sends absurd or unreadable, is set aside: listed by `status`
/// and `show damaged`, left out of everything else, and never stops a download or another order.
@Suite struct QuarantineTests {
    /// A Jet order as `POST /sandbox/orders` takes it, with `change` applied to its JSON.
    func order(_ n: Int, _ change: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var o: [String: Any] = [
            "merchant_order_id": String(format: "%032x", 0xABC000 + n), "reference_order_id": String(format: "87%010d", n), "status": "ready",
            "order_placed_date": "2026-11-28T08:00:00.0000000Z", "order_ready_date": "2026-11-28T08:05:00.0000000Z",
            "buyer": ["name": "Buyer \(n)", "phone_number": "555-123-4567"],
            "shipping_to": ["recipient": ["name": "Buyer \(n)"], "address": ["address1": "1 Main St", "city": "Hoboken", "state": "NJ", "zip_code": "07030"]],
            "order_detail": ["request_shipping_carrier": "UPS", "request_shipping_method": "UPS Ground", "request_ship_by": "2026-11-30T08:00:00.0000000Z"],
            "order_items": [
                [
                    "order_item_id": "i\(n)", "merchant_sku": "SKU-\(n)", "product_title": "Thing \(n)", "request_order_quantity": 2,
                    "item_price": ["base_price": 19.5, "item_tax": 1.2, "item_shipping_cost": 0, "item_shipping_tax": 0],
                ]
            ],
        ]
        change(&o)
        return o
    }

    @Test func absurdOrdersFromJetAreSetAsideAndTheRestIsDownloaded() async throws {
        try await withSandbox {
            $0.orders = 3; $0.returns = 0
        } _: { sandbox in
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            func item(_ o: inout [String: Any], _ key: String, _ value: Any) {
                var items = o["order_items"] as! [[String: Any]]
                if key.hasPrefix("price.") {
                    var p = items[0]["item_price"] as! [String: Any]
                    p[String(key.dropFirst(6))] = value
                    items[0]["item_price"] = p
                } else {
                    items[0][key] = value
                }
                o["order_items"] = items
            }
            let absurd: [[String: Any]] = [
                order(1) { item(&$0, "price.base_price", 1e308) },
                order(2) { item(&$0, "request_order_quantity", 1e30) },
                order(3) { item(&$0, "request_order_quantity", -3) },
                order(4) { $0["order_items"] = [] },
                order(5) { $0["buyer"] = ["name": String(repeating: "x", count: 300_000)] },
            ]
            for o in absurd { _ = try await sandbox.admin("POST", "orders", o) }
            let r = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "show new", "-c", "status", "-c", "show damaged"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(r.status == 0, "\(r.all)")
            #expect(r.stdout.contains("downloaded: 3 new orders, 5 orders set aside"), "\(r.stdout)")
            #expect(r.stdout.contains("3 orders (new)"), "only the sound orders are listed: \(r.stdout)")
            #expect(r.stdout.contains("Set aside    5 orders damaged or unreadable"), "\(r.stdout)")
            #expect(r.stdout.contains("870000000001  absurd") && r.stdout.contains("has a price of 1e+308 dollars"), "\(r.stdout)")
            #expect(r.stdout.contains("870000000002  absurd") && r.stdout.contains("has a quantity of 0"))
            #expect(r.stdout.contains("has a quantity of -3"))
            #expect(r.stdout.contains("870000000004  absurd") && r.stdout.contains("it has no lines"))
            #expect(r.stdout.contains("the buyer's name holds 300000 bytes"))
            #expect(try StoreFiles.records(store).count == 3, "nothing of an absurd order is stored")
            // Jet sends the order whole again: it comes back, and leaves quarantine.
            _ = try await sandbox.admin("POST", "orders", order(3))
            let again = try await JomProcess.run(
                ["--store", store, "-c", "download", "-c", "show damaged"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(again.stdout.contains("downloaded: 1 new order, 4 orders set aside"), "\(again.stdout)")
            #expect(!again.stdout.contains("870000000003"), "\(again.stdout)")
        }
    }

    @Test func aDamagedRecordIsSetAsideAndEverythingElseGoesOn() async throws {
        try await withSandbox {
            $0.orders = 4; $0.returns = 0
        } _: { sandbox in
            let dir = TemporaryDirectory()
            let store = dir.file("store")
            let ids = await sandbox.server.marketplace.allOrderIDs()
            let victim = try #require(await sandbox.server.marketplace.order(ids[1])?.referenceOrderID)
            _ = try await sandbox.admin("POST", "faults", ["fail_rate": 1.0])
            let setup = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(setup.status == 75, "Jet failing is temporary: \(setup.all)")
            _ = try await sandbox.admin("POST", "faults", ["fail_rate": 0.0])
            let first = try await JomProcess.run(["--store", store, "-c", "download"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(first.status == 0, "\(first.all)")
            // An action waits for the victim (Jet unreachable), then five bytes of its record are damaged.
            _ = try await sandbox.admin("POST", "faults", ["fail_rate": 1.0])
            let queued = try await JomProcess.run(["--store", store, "-c", "approve \(victim)"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(queued.status == 75, "\(queued.all)")
            _ = try await sandbox.admin("POST", "faults", ["fail_rate": 0.0])
            let place = try #require(try StoreFiles.place(of: ids[1], in: store))
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: place.file))
            let original = try Data(contentsOf: URL(fileURLWithPath: place.file))
            try handle.seek(toOffset: UInt64(place.range.lowerBound + 40))
            try handle.write(contentsOf: Data("#####".utf8))
            try handle.close()
            // jom starts, lists the other orders, downloads, and sets the damaged one aside.
            let r = try await JomProcess.run(
                ["--store", store, "-c", "show", "-c", "download", "-c", "download", "-c", "status", "-c", "show damaged"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(!r.stderr.contains("internal error"), "\(r.all)")
            #expect(r.stdout.contains("downloaded:"), "downloads go on: \(r.all)")
            #expect(r.stdout.contains("Set aside    1 order damaged or unreadable"), "\(r.stdout)")
            #expect(r.stdout.contains("\(victim)  damaged-record"), "\(r.stdout)")
            #expect(r.stdout.contains("fix that line"), "\(r.stdout)")
            let list = try await JomProcess.run(["--store", store, "-c", "show new --format csv"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(list.stdout.split(separator: "\n").count == 4, "the three other orders, and no damaged one: \(list.stdout)")
            let open = try await JomProcess.run(["--store", store, "-c", "open \(victim)"], environment: sandbox.jomEnvironment, home: dir.path)
            #expect(open.status == 1 && open.stderr.contains("is damaged"), "\(open.all)")
            // The hint followed: the line repaired by hand, the order is back everywhere.
            try original.write(to: URL(fileURLWithPath: place.file))
            let repaired = try await JomProcess.run(
                ["--store", store, "-c", "show damaged", "-c", "open \(victim)", "-c", "download"],
                environment: sandbox.jomEnvironment, home: dir.path)
            #expect(repaired.status == 0, "\(repaired.all)")
            #expect(repaired.stdout.contains("No order is set aside"), "\(repaired.stdout)")
            #expect(repaired.stdout.contains("Order \(victim)"))
            #expect(await sandbox.appliedLedger().filter { $0.path.hasSuffix("/acknowledge") }.count == 1, "the queued approval went, once")
        }
    }
}
