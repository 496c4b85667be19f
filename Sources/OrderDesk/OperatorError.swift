import Foundation

/// An error an operator reads: what happened (naming the order, file or call involved) and what to do next.
public protocol OperatorFacingError: Error, Sendable {
    /// What happened, with the id, path or status involved.
    var summary: String { get }
    /// The next command or setting to try, if there is one.
    var remedy: String? { get }
}

extension OperatorFacingError {
    public var remedy: String? { nil }
}

/// A refusal by the order rules, or a problem with what the operator typed.
public struct DeskError: OperatorFacingError, Equatable, CustomStringConvertible {
    public var summary: String
    public var remedy: String?

    public init(_ summary: String, remedy: String? = nil) {
        self.summary = summary
        self.remedy = remedy
    }

    public var description: String { remedy.map { "\(summary) (\($0))" } ?? summary }
}
