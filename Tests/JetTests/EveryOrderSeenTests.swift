import Foundation
import JetAPI
import JetSandbox
import JetWire
import MarketplaceHTTP
import OrderDesk
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every order seen: past Jet's 1,000 a list, and never held for ever by a server that answers byte by byte.
@Suite struct EveryOrderSeenTests {
    @Test func readyOrdersPastJetsThousandAreListedPageByPage() async throws {
        try await withSandbox {
            $0.orders = 0; $0.returns = 0
        } _: { sandbox in
            _ = try await sandbox.admin("POST", "orders", ["count": 1_234])
            let client = sandbox.client(concurrency: 32)
            let market = JetMarketplace(client: client, displayName: "test")
            let plain = try await client.orderIDs(status: .ready)
            #expect(plain.count == 1000, "Jet's own list stops at 1,000")
            let result = try await market.download(watch: [], returns: [], connections: 32)
            await client.shutdown()
            #expect(result.orders.count == 1_234, "every ready order, not the first 1,000")
            #expect(Set(result.orders.map(\.merchantOrderID)).count == 1_234)
            #expect(result.remarks.first?.contains("1234 were listed in 2 pages") == true, "\(result.remarks)")
        }
    }

    /// A server that accepts, sends a status line and headers, then one byte every `gap` seconds.
    final class DripServer: @unchecked Sendable {
        let fd: Int32
        let port: Int
        var stop = false

        init(gap: Double) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            listen(fd, 8)
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            port = Int(UInt16(bigEndian: addr.sin_port))
            let listener = fd
            Thread.detachNewThread { [self] in
                while !self.stop {
                    let c = accept(listener, nil, nil)
                    if c < 0 { return }
                    Thread.detachNewThread {
                        var buf = [UInt8](repeating: 0, count: 4096)
                        _ = read(c, &buf, buf.count)
                        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[".utf8)
                        _ = write(c, head, head.count)
                        for _ in 0..<1000 {
                            usleep(UInt32(gap * 1_000_000))
                            if write(c, "1", 1) <= 0 { break }
                        }
                        close(c)
                    }
                }
            }
        }

        deinit {
            stop = true
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    @Test func aServerThatAnswersByteByByteCannotHoldACallForEver() async throws {
        let server = try DripServer(gap: 0.5)
        var c = JetConfiguration(baseURL: "http://127.0.0.1:\(server.port)/api", user: "u", secret: "s", merchantID: "m")
        c.requestTimeout = 2
        c.retry = .init(maxAttempts: 1, baseDelay: 0.01, maxDelay: 0.1, maxRetryAfter: 1)
        let client = JetClient(configuration: c)
        let started = ContinuousClock.now
        do {
            _ = try await client.authCheck()
            Issue.record("a call whose answer never ends cannot succeed")
        } catch {
            #expect(error.kind == .timeout, "\(error)")
            #expect(error.summary.contains("within 2s"), "\(error.summary)")
        }
        let took = ContinuousClock.now - started
        // The whole answer would take 500 s; the deadline is 2 s (more on a machine busy with other tests).
        #expect(took < .seconds(30), "the deadline holds for the whole call: \(took)")
        await client.shutdown()
    }
}

@Suite struct IdsAsJetSendsThemTests {
    @Test func anIdWithASlashIsFetchedWholeNeverByItsLastSegment() async throws {
        try await withSandbox {
            $0.orders = 1; $0.returns = 0
        } _: { sandbox in
            let id = await sandbox.server.marketplace.allOrderIDs()[0]
            var o = try #require(await sandbox.server.marketplace.order(id))
            o.merchantOrderID = "ab/cd%2F?x#y"
            await sandbox.server.marketplace.inject(order: o)
            let client = sandbox.client()
            let ids = try await client.orderIDs(status: .ready)
            #expect(ids.contains("ab/cd%2F?x#y"), "\(ids)")
            let fetched = try await client.order("ab/cd%2F?x#y")
            #expect(fetched.merchantOrderID == "ab/cd%2F?x#y")
            let result = try await JetMarketplace(client: client, displayName: "t").download(watch: [], returns: [], connections: 4)
            #expect(result.failures.isEmpty, "\(result.failures)")
            #expect(result.orders.map(\.merchantOrderID).contains("ab/cd%2F?x#y"))
            await client.shutdown()
        }
    }
}
