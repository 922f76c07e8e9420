// Message kinds of the frame header (Protocol/README.md, "Message kinds"). Numbers are part of the
// format: never renumber, only add.

/// What a frame's payload is.
public enum MessageKind: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    /// `ClientSpec`: BUNDLE/client/spec.
    case clientSpec = 1
    /// `ServerSpec`: BUNDLE/server/spec.
    case serverSpec = 2
    /// `KeyLayout`: only ever hashed (the key-layout hash), never sent alone.
    case keyLayout = 3
    /// `EvaluationKeys`: uploaded once to a server.
    case evaluationKeys = 4
    /// `CiphertextBatch`: encrypted inputs (seeded) or outputs (full).
    case ciphertextBatch = 5
    /// `EvaluateRequest`: key id + input batch.
    case evaluateRequest = 6
    /// `KeyUploadResponse`.
    case keyUploadResponse = 7
    /// `ErrorReport`.
    case errorReport = 8
    /// `SecretKeys` (client side only).
    case secretKeys = 9
    /// `SealedSecretKeys` (client side only).
    case sealedSecretKeys = 10

    public var description: String {
        switch self {
        case .clientSpec: "ClientSpec"
        case .serverSpec: "ServerSpec"
        case .keyLayout: "KeyLayout"
        case .evaluationKeys: "EvaluationKeys"
        case .ciphertextBatch: "CiphertextBatch"
        case .evaluateRequest: "EvaluateRequest"
        case .keyUploadResponse: "KeyUploadResponse"
        case .errorReport: "ErrorReport"
        case .secretKeys: "SecretKeys"
        case .sealedSecretKeys: "SealedSecretKeys"
        }
    }
}
