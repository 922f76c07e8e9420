// Errors reading NumPy files: each names the file (or archive member) and what was wrong.

/// A `.npy` / `.npz` file that cannot be read as a tensor.
public struct NumPyError: Error, Equatable, CustomStringConvertible {
    /// The file path, or `archive.npz[member]` for an archive member.
    public var source: String
    /// What was wrong.
    public var reason: String

    /// An error about `source`.
    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    /// "`source`: `reason`".
    public var description: String { "\(source): \(reason)" }
}
