// Errors of loading a bundle: each names the file and what does not match.

/// A bundle (or one of its parts) cannot be loaded.
public struct BundleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every problem found, one line each ("client/spec: content hash abc… ≠ manifest's def…").
    public let problems: [String]
    /// The directory that was loaded.
    public let path: String

    /// Creates an error listing `problems` for the bundle at `path`.
    public init(path: String, problems: [String]) {
        precondition(!problems.isEmpty, "a bundle error needs at least one problem")
        self.path = path
        self.problems = problems
    }

    public var description: String {
        "bundle \(path) does not load:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
