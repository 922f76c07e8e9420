// Whole-frame encoding and decoding for messages held in memory (files, HTTP bodies already
// collected under a limit). Uploads that must not be held in memory use `FrameValidator`.
import Foundation

/// A checked frame: its header and payload.
public struct Frame: Sendable, Hashable {
    /// The header.
    public let header: FrameHeader
    /// The protobuf payload.
    public let payload: Data
    /// The BLAKE2b-256 checksum; its hex form is the content id of the message (e.g. a key id).
    public let checksum: [UInt8]

    /// Frames `payload` as a message of `kind`.
    public static func encode(kind: MessageKind, payload: Data) -> Data {
        let header = FrameHeader(kind: kind, payloadLength: payload.count)
        var out = Data(capacity: header.frameByteCount)
        out.append(contentsOf: header.bytes)
        out.append(payload)
        out.append(contentsOf: BLAKE2b.hash(out))
        return out
    }

    /// Decodes and checks a frame held in `bytes`: header, limit, length, checksum, and (when
    /// `expecting` is given) the kind.
    /// - Throws: `WireFormatError` naming the field and offset at fault.
    public static func decode(_ bytes: Data, expecting: MessageKind? = nil, limits: WireLimits = .files) throws -> Frame {
        try bytes.withUnsafeBytes { raw in
            let header = try FrameHeader.parse(raw, expecting: expecting, limits: limits)
            let needed = header.frameByteCount
            guard raw.count >= needed else {
                let payloadEnd = FrameHeader.byteCount + header.payloadLength
                let field = raw.count < payloadEnd ? "payload" : "checksum"
                throw WireFormatError(.truncated, field: field, offset: raw.count,
                                      "frame declares \(needed) bytes, only \(raw.count) present")
            }
            guard raw.count == needed else {
                throw WireFormatError(.trailingBytes, field: "checksum", offset: needed,
                                      "\(raw.count - needed) bytes follow the checksum")
            }
            let checkedEnd = FrameHeader.byteCount + header.payloadLength
            let computed = BLAKE2b.hash(UnsafeRawBufferPointer(rebasing: raw[0..<checkedEnd]))
            let stored = Array(raw[checkedEnd..<needed])
            guard computed == stored else {
                throw WireFormatError(.badChecksum, field: "checksum", offset: checkedEnd,
                                      "BLAKE2b-256 of header and payload does not match the stored checksum")
            }
            let payload = Data(raw[FrameHeader.byteCount..<checkedEnd])
            return Frame(header: header, payload: payload, checksum: stored)
        }
    }
}
