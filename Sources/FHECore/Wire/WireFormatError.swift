// The one error type of the wire format: it names the field and the byte offset at fault, and
// never carries key material or plaintexts.

/// A framed message (or its payload) is not what the format allows.
public struct WireFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of violation this is; codes can grow without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case badMagic = "bad_magic"
            case unsupportedVersion = "unsupported_version"
            case unknownKind = "unknown_kind"
            case unexpectedKind = "unexpected_kind"
            case tooLarge = "too_large"
            case truncated
            case trailingBytes = "trailing_bytes"
            case badChecksum = "bad_checksum"
            case malformedPayload = "malformed_payload"
            case invalidField = "invalid_field"
            case parameterMismatch = "parameter_mismatch"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The first four bytes are not "CMLW".
        public static let badMagic = Code(.badMagic)
        /// The format version is not one this build reads.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The message kind is not defined by the format.
        public static let unknownKind = Code(.unknownKind)
        /// The message kind is valid but not the one the reader expected.
        public static let unexpectedKind = Code(.unexpectedKind)
        /// A declared length exceeds the reader's limit.
        public static let tooLarge = Code(.tooLarge)
        /// The bytes end before the declared length.
        public static let truncated = Code(.truncated)
        /// Bytes follow the checksum.
        public static let trailingBytes = Code(.trailingBytes)
        /// The BLAKE2b checksum does not match the header and payload.
        public static let badChecksum = Code(.badChecksum)
        /// The payload is not a valid protobuf encoding of the expected message.
        public static let malformedPayload = Code(.malformedPayload)
        /// A field decodes but its value is inconsistent (a size, a dimension, a missing part).
        public static let invalidField = Code(.invalidField)
        /// The message was made for other parameters (key-layout hash or parameter set).
        public static let parameterMismatch = Code(.parameterMismatch)

        /// Stable machine-readable name, e.g. "wire.bad_checksum".
        public var description: String { "wire." + base.rawValue }
    }

    /// The violation.
    public let code: Code
    /// Dotted path of the field at fault, e.g. "header.payloadLength" or "evaluationKeys.bootstrapKey.bodies".
    public let field: String
    /// Byte offset (from the start of the frame) of the field at fault, when known.
    public let offset: Int?
    /// One line saying what was expected and what was found.
    public let detail: String

    /// Creates an error; `detail` must not contain secret or plaintext values.
    public init(_ code: Code, field: String, offset: Int?, _ detail: String) {
        self.code = code
        self.field = field
        self.offset = offset
        self.detail = detail
    }

    /// A declared length over a limit.
    public static func tooLarge(field: String, offset: Int, declared: UInt64, limit: Int) -> WireFormatError {
        WireFormatError(.tooLarge, field: field, offset: offset, "declares \(declared) bytes, limit is \(limit)")
    }

    public var description: String {
        let at = offset.map { " at byte \($0)" } ?? ""
        return "\(code): \(field)\(at): \(detail)"
    }
}
