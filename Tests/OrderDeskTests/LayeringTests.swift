import Foundation
import Testing

/// The layering, written down as a check: each module imports only what it may. A marketplace's wire and client
/// never reach the desk's rules, the store or the shell; the sandbox never reaches the client or the desk.
@Suite struct LayeringTests {
    /// What each module may import (beyond the system's own: Foundation, Glibc, Synchronization, Dispatch).
    static let allowed: [String: Set<String>] = [
        "OrderDesk": [],
        "WireKit": [],
        "JetWire": ["WireKit"],
        "WalmartWire": ["WireKit"],
        "MarketplaceHTTP": ["AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOPosix"],
        "OrderStore": ["OrderDesk"],
        "DeskEngine": ["OrderDesk"],
        "SandboxKit": ["NIOHTTP1", "NIOPosix", "HTTPTypes", "Hummingbird", "HummingbirdCore", "Logging", "NIOCore", "NIOHTTPTypes"],
        "JetAPI": ["OrderDesk", "JetWire", "MarketplaceHTTP"],
        "WalmartAPI": ["OrderDesk", "WalmartWire", "MarketplaceHTTP"],
        "JetSandbox": ["JetWire", "SandboxKit", "HTTPTypes", "Hummingbird", "HummingbirdCore", "Logging", "NIOCore", "NIOHTTPTypes"],
        "WalmartSandbox": ["WalmartWire", "SandboxKit", "HTTPTypes", "Hummingbird", "HummingbirdCore", "Logging", "NIOCore", "NIOHTTPTypes"],
        "Shell": ["OrderDesk", "DeskEngine", "CEditLine"],
        "CEditLine": [],
    ]
    static let system: Set<String> = ["Foundation", "Glibc", "Synchronization", "Dispatch"]

    static var sources: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.lastPathComponent != "Tests" { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("Sources")
    }

    /// Every module a module's files import.
    static func imports(of module: String) throws -> [String: Set<String>] {
        let dir = sources.appendingPathComponent(module)
        var out: [String: Set<String>] = [:]
        guard let files = FileManager.default.enumerator(atPath: dir.path) else { return [:] }
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
                    words[..<i].allSatisfy({ ["@testable", "@preconcurrency", "public", "package", "internal", "@_exported"].contains($0) })
                else { continue }
                out[file, default: []].insert(words[i + 1])
            }
        }
        return out
    }

    @Test func everyModuleImportsOnlyWhatItMay() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { $0 != "jom" }
        #expect(modules.contains("OrderDesk") && modules.contains("JetSandbox"), "found the sources: \(modules)")
        for module in modules {
            guard let allowed = Self.allowed[module] else {
                Issue.record("\(module) has no allowed imports written down here: add it to LayeringTests.allowed")
                continue
            }
            for (file, imported) in try Self.imports(of: module) {
                let bad = imported.subtracting(allowed).subtracting(Self.system)
                #expect(bad.isEmpty, "\(module)/\(file) imports \(bad.sorted().joined(separator: ", ")), which \(module) may not")
            }
        }
    }

    @Test func theCheckCatchesAForbiddenImport() {
        // The rule itself: the desk importing a marketplace's wire is refused.
        let imported: Set<String> = ["Foundation", "JetWire"]
        #expect(!imported.subtracting(Self.allowed["OrderDesk"]!).subtracting(Self.system).isEmpty)
    }
}
