import Foundation
import JetWire
import SandboxKit

/// Jet's answers.
extension SandboxReply {
    /// Jet's error form: `{"errors": ["…"]}`.
    static func errors(_ status: Int, _ messages: String...) -> SandboxReply {
        json(["errors": messages], status: status)
    }

    static func urls(_ key: String, _ urls: [String]) -> SandboxReply {
        json([key: urls])
    }
}
