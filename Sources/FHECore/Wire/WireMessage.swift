// Framing for the protobuf messages of Protocol/cml_v1.proto: each message type knows its kind.
public import Foundation
public import SwiftProtobuf

/// A protobuf message that travels in a frame of a fixed kind.
public protocol WireMessage: SwiftProtobuf.Message {
    /// The frame kind of this message.
    static var wireKind: MessageKind { get }
}

extension WireMessage {
    /// This message, serialised and framed.
    public func framed() -> Data {
        // Serialising a fully initialised proto3 message cannot fail.
        let payload: Data = try! serializedData()
        return Frame.encode(kind: Self.wireKind, payload: payload)
    }

    /// Decodes a framed message of this type, checking frame and payload.
    /// - Throws: `WireFormatError` (header, limits, checksum, or a malformed payload).
    public static func decodeFramed(_ bytes: Data, limits: WireLimits = .files) throws -> Self {
        let frame = try Frame.decode(bytes, expecting: wireKind, limits: limits)
        return try decodePayload(frame.payload)
    }

    /// Decodes the payload of an already checked frame.
    /// - Throws: `WireFormatError.malformedPayload`.
    public static func decodePayload(_ payload: Data) throws -> Self {
        do {
            return try Self(serializedBytes: payload)
        } catch {
            throw WireFormatError(.malformedPayload, field: "payload", offset: FrameHeader.byteCount,
                                  "not a valid \(wireKind) protobuf encoding: \(explain(error))")
        }
    }
}

/// What a swift-protobuf decoding error means, in words (its case names are no message for a user).
func explain(_ error: any Error) -> String {
    guard let decoding = error as? BinaryDecodingError else { return "the payload does not decode" }
    switch decoding {
    case .truncated: return "the payload ends inside a field"
    case .invalidUTF8: return "a text field is not UTF-8"
    case .malformedProtobuf: return "the bytes are not protobuf fields (a damaged file, or another kind of message)"
    case .trailingGarbage: return "bytes follow the last field"
    case .messageDepthLimit: return "the message nests deeper than allowed"
    case .missingRequiredFields: return "a required field is missing"
    default: return "the payload does not decode as this message"
    }
}

extension Cml_V1_ClientSpec: WireMessage {
    public static var wireKind: MessageKind { .clientSpec }
}
extension Cml_V1_ServerSpec: WireMessage {
    public static var wireKind: MessageKind { .serverSpec }
}
extension Cml_V1_KeyLayout: WireMessage {
    public static var wireKind: MessageKind { .keyLayout }
}
extension Cml_V1_EvaluationKeys: WireMessage {
    public static var wireKind: MessageKind { .evaluationKeys }
}
extension Cml_V1_CiphertextBatch: WireMessage {
    public static var wireKind: MessageKind { .ciphertextBatch }
}
extension Cml_V1_EvaluateRequest: WireMessage {
    public static var wireKind: MessageKind { .evaluateRequest }
}
extension Cml_V1_KeyUploadResponse: WireMessage {
    public static var wireKind: MessageKind { .keyUploadResponse }
}
extension Cml_V1_ErrorReport: WireMessage {
    public static var wireKind: MessageKind { .errorReport }
}
