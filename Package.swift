// swift-tools-version: 6.1
import PackageDescription

// Dependency direction (arrows point at what a module uses):
//   JetWire    -> Foundation only            (Jet's words and JSON models: no HTTP, no desk)
//   OrderDesk  -> Foundation only            (the rules, its own words and the ports: no files, no sockets)
//   OrderStore -> OrderDesk                  (the JSON store on disk: an OrderRepository)
//   JetAPI     -> JetWire, OrderDesk, AsyncHTTPClient (Jet's client and the Marketplace adapter)
//   JetSandbox -> JetWire, Hummingbird       (a local Jet: never the desk, never the client)
//   DeskEngine -> OrderDesk                  (actions, outbox, downloads: the desk at work, through the ports)
//   Shell      -> DeskEngine, OrderDesk, CEditLine
//   jom        -> everything; the one place that wires live I/O together
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // No warnings, kept so: a debug build (the tests') fails on one. (Only jom's own targets: not the packages'.)
    .unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)),
]

let package = Package(
    name: "jom",
    products: [
        .executable(name: "jom", targets: ["jom"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .target(name: "WireKit", swiftSettings: swiftSettings),
        .target(name: "JetWire", dependencies: ["WireKit"], swiftSettings: swiftSettings),
        .target(name: "WalmartWire", dependencies: ["WireKit"], swiftSettings: swiftSettings),
        .target(
            name: "MarketplaceHTTP",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "OrderDesk", swiftSettings: swiftSettings),
        .target(name: "OrderStore", dependencies: ["OrderDesk"], swiftSettings: swiftSettings),
        .target(
            name: "JetAPI",
            dependencies: ["OrderDesk", "JetWire", "MarketplaceHTTP"],
            swiftSettings: swiftSettings
        ),
        .target(name: "WalmartAPI", dependencies: ["OrderDesk", "WalmartWire", "MarketplaceHTTP"], swiftSettings: swiftSettings),
        .target(
            name: "SandboxKit",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WalmartSandbox",
            dependencies: [
                "WalmartWire", "SandboxKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JetSandbox",
            dependencies: [
                "JetWire", "SandboxKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "DeskEngine", dependencies: ["OrderDesk"], swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(
            name: "Shell",
            dependencies: ["OrderDesk", "DeskEngine", "CEditLine"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "jom",
            dependencies: [
                "Shell", "DeskEngine", "OrderStore", "OrderDesk", "JetAPI", "JetWire", "JetSandbox", "MarketplaceHTTP", "WalmartAPI", "WalmartWire",
                "WalmartSandbox", "SandboxKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "OrderDesk", "JetAPI", "JetSandbox", "JetWire", "MarketplaceHTTP", "WalmartAPI", "WalmartSandbox", "WalmartWire", "SandboxKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeskEngineTests", dependencies: ["DeskEngine", "OrderDesk", "JetWire", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ShellTests", dependencies: ["Shell", "DeskEngine", "OrderDesk", "JetWire", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JetSandboxTests",
            dependencies: [
                "JetSandbox", "JetAPI", "JetWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "OrderDeskTests", dependencies: ["OrderDesk", "JetWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OrderStoreTests", dependencies: ["OrderStore", "OrderDesk", "JetWire", "TestSupport"], exclude: ["Fixtures"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "JetTests",
            dependencies: ["JetAPI", "JetSandbox", "JetWire", "OrderDesk", "TestSupport", "MarketplaceHTTP"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WalmartTests",
            dependencies: [
                "WalmartAPI", "WalmartWire", "WalmartSandbox", "SandboxKit", "OrderDesk", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "JetAPI", "JetSandbox", "JetWire", "WalmartSandbox", "WalmartWire", "SandboxKit"],
            exclude: ["Transcripts", "ThirdParty"],
            swiftSettings: swiftSettings
        ),
    ]
)
