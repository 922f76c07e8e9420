// The one error type of the key holder: what went wrong and where, never a key or a plaintext.

/// A client operation failed.
public struct ClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable code ("client.wrong_passphrase", "server.unknown_key", …).
    public let code: String
    /// One line for humans.
    public let message: String

    /// Creates an error.
    public init(code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
