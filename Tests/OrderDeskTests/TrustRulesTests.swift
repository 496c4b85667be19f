import Foundation
import JetWire
import OrderDesk
import Testing

/// Which marketplace a store may talk to: every combination of what it belongs to and what is offered.
@Suite struct ConnectionTests {
    static let ada = MarketplaceBinding.jet(api: "https://merchant-api.jet.com/api", user: "ada", merchantID: "m-1")
    static let bob = MarketplaceBinding.jet(api: "https://merchant-api.jet.com/api", user: "bob", merchantID: "m-2")

    func decide(
        _ bound: MarketplaceBinding?, _ credentials: MarketplaceBinding?, sandbox: Bool = false, empty: Bool = false
    )
        -> Result<MarketplaceBinding, Connection.Refusal>
    {
        Connection.decide(
            store: "/s", bound: bound, offer: .init(accounts: credentials.map { [$0] } ?? [], sandbox: sandbox ? .sandbox : nil), storeIsEmpty: empty)
    }

    @Test func aNewEmptyStoreWithoutCredentialsPractisesOnTheSandbox() throws {
        #expect(try decide(nil, nil, empty: true).get() == .sandbox)
    }

    @Test func anUnattachedStoreWithOrdersNeedsToBeToldWhere() {
        guard case .failure(let r) = decide(nil, nil, empty: false) else { Issue.record("connected"); return }
        #expect(r.summary.contains("has orders but belongs to no marketplace yet"))
        #expect(r.remedy?.contains("jom --sandbox --store /s") == true)
    }

    @Test func credentialsAttachANewStoreAndKeepTheirOwn() throws {
        #expect(try decide(nil, Self.ada).get() == Self.ada)
        #expect(try decide(Self.ada, Self.ada).get() == Self.ada)
        #expect(try decide(.sandbox, nil).get() == .sandbox)
        #expect(try decide(.sandbox, nil, sandbox: true).get() == .sandbox)
    }

    @Test func aJetStoreWithoutCredentialsIsNotConnectedAnywhere() {
        guard case .failure(let r) = decide(Self.ada, nil) else { Issue.record("connected"); return }
        #expect(
            r.summary
                == "the store /s belongs to Jet account ada (merchant m-1) at https://merchant-api.jet.com/api, and no Jet credentials are configured, so jom will not connect it anywhere"
        )
        #expect(r.remedy?.contains("actions wait in the outbox") == true)
    }

    @Test func anotherAccountOrTheSandboxIsRefusedNamingBoth() {
        guard case .failure(let r) = decide(Self.ada, Self.bob) else { Issue.record("connected"); return }
        #expect(r.summary.contains("belongs to Jet account ada") && r.summary.contains("not to Jet account bob"))
        guard case .failure(let s) = decide(Self.ada, nil, sandbox: true) else { Issue.record("connected"); return }
        #expect(s.summary.contains("not to the embedded sandbox (--sandbox)"))
        guard case .failure(let t) = decide(.sandbox, Self.ada) else { Issue.record("connected"); return }
        #expect(t.summary.contains("belongs to the embedded Jet sandbox, not to Jet account ada"))
    }
}

/// Outside text made safe for a terminal.
@Suite struct PrintableTests {
    @Test func controlCharactersBecomeVisible() {
        #expect(Printable.visible("Eve\u{1B}]0;pwned\u{07}\u{1B}[2J") == "Eve␛]0;pwned␇␛[2J")
        #expect(Printable.visible("a\u{9B}b\u{202E}c\u{7F}") == "a<U+009B>b<U+202E>c␡")
        #expect(Printable.visible("Chloé ☕ plain") == "Chloé ☕ plain")
    }

    @Test func jomsOwnColoursPassButNothingElse() {
        // jom's styles are markers; any escape character in the text itself is shown, colour codes included.
        #expect(Printable.terminalLine(Printable.styled("error:", code: "1;31") + " x\u{1B}]0;t\u{07}") == "\u{1B}[1;31merror:\u{1B}[0m x␛]0;t␇")
        #expect(Printable.terminalLine("\u{1B}[8mhidden\u{1B}[0m") == "␛[8mhidden␛[0m")
        #expect(Printable.terminalLine(Printable.styled("plain", code: "1"), colors: false) == "plain")
        #expect(Printable.terminalLine("line\nnext\tcol") == "line\nnext\tcol")
        // Outside text cannot forge a marker: it is shown.
        #expect(Printable.visible("\u{F8F0}8\u{F8F1}x") == "<U+F8F0>8<U+F8F1>x")
        #expect(Printable.visible("ana\u{200B}maria\u{FEFF}") == "ana<U+200B>maria<U+FEFF>")
    }
}

/// Settings and durations: out-of-range values are refused when set and reported when read, never trapped on.
@Suite struct SettingsRangeTests {
    @Test(arguments: ["99999999999999999999d", "9223372036854775807s", "400d", "1e308m", "nan", "-5m"])
    func absurdDurationsAreRefused(text: String) {
        var s = Settings()
        #expect(throws: DeskError.self) { try Settings.definition(named: "ack-window")!.set(&s, text) }
        #expect(s.ackWindow == 86400)
    }

    @Test func durationsFormatWithoutTrappingWhateverTheyHold() {
        #expect(DurationText.format(1e20) == "more than 366d")
        #expect(DurationText.format(.infinity) == "not a duration")
        #expect(DurationText.short(1e20) == "ages")
    }

    @Test func aStoredValueOutOfRangeIsReportedNamingTheSetting() {
        let json = Data(#"{"ackWindow": 8.64e24, "confirm": true}"#.utf8)
        #expect {
            _ = try JSONDecoder().decode(Settings.self, from: json)
        } throws: { e in
            guard case DecodingError.dataCorrupted(let ctx) = e else { return false }
            return ctx.debugDescription.hasPrefix("ack-window is more than 366d; it must be from 1m to 30d")
        }
    }
}
