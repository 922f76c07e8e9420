// The fixed 16-byte header of every frame (Protocol/README.md, "Framing"):
//
//   offset  size  field
//        0     4  magic "CMLW"
//        4     2  format version (u16 LE)
//        6     2  message kind (u16 LE)
//        8     8  payload length (u64 LE)
//       16     L  payload (protobuf)
//     16+L    32  BLAKE2b-256 of bytes 0..<16+L

/// The parsed header of a frame.
public struct FrameHeader: Hashable, Sendable {
    /// "CMLW".
    public static let magic: [UInt8] = Array("CMLW".utf8)
    /// Header size in bytes.
    public static let byteCount = 16
    /// Checksum size in bytes.
    public static let checksumByteCount = BLAKE2b.digestByteCount
    /// Format versions this build reads.
    public static let supportedVersions: ClosedRange<UInt16> = 1...1
    /// Format version this build writes.
    public static let currentVersion: UInt16 = 1

    /// Format version.
    public let version: UInt16
    /// Message kind.
    public let kind: MessageKind
    /// Payload length in bytes (already checked against the reader's limit).
    public let payloadLength: Int

    /// Total frame size: header, payload and checksum.
    public var frameByteCount: Int { Self.byteCount + payloadLength + Self.checksumByteCount }

    /// Creates a header for writing.
    public init(version: UInt16 = FrameHeader.currentVersion, kind: MessageKind, payloadLength: Int) {
        precondition(payloadLength >= 0, "negative payload length \(payloadLength)")
        self.version = version
        self.kind = kind
        self.payloadLength = payloadLength
    }

    /// Parses and checks the first 16 bytes of a frame: magic, version, kind (against `expecting`
    /// when given), and the declared length against `limits` — nothing proportional to that length
    /// is allocated here.
    /// - Throws: `WireFormatError` naming the header field and its offset.
    public static func parse(_ bytes: UnsafeRawBufferPointer, expecting: MessageKind? = nil, limits: WireLimits) throws -> FrameHeader {
        guard bytes.count >= byteCount else {
            throw WireFormatError(.truncated, field: "header", offset: bytes.count,
                                  "frame has \(bytes.count) bytes, a header needs \(byteCount)")
        }
        guard bytes.prefix(4).elementsEqual(magic) else {
            throw WireFormatError(.badMagic, field: "header.magic", offset: 0,
                                  "expected \"CMLW\" (43 4d 4c 57), found \(BLAKE2b.hex(bytes.prefix(4)))")
        }
        let version = bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
        guard supportedVersions.contains(version) else {
            throw WireFormatError(.unsupportedVersion, field: "header.version", offset: 4,
                                  "format version \(version) is not supported (this build reads \(supportedVersions))")
        }
        let rawKind = bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian
        guard let kind = MessageKind(rawValue: rawKind) else {
            throw WireFormatError(.unknownKind, field: "header.kind", offset: 6, "message kind \(rawKind) is not defined")
        }
        if let expecting, kind != expecting {
            throw WireFormatError(.unexpectedKind, field: "header.kind", offset: 6,
                                  "expected \(expecting) (\(expecting.rawValue)), found \(kind) (\(kind.rawValue))")
        }
        let declared = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
        let limit = limits.payloadLimit(for: kind)
        guard declared <= UInt64(limit) else {
            throw WireFormatError.tooLarge(field: "header.payloadLength", offset: 8, declared: declared, limit: limit)
        }
        return FrameHeader(version: version, kind: kind, payloadLength: Int(declared))
    }

    /// The 16 header bytes.
    public var bytes: [UInt8] {
        var out = Self.magic
        withUnsafeBytes(of: version.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: kind.rawValue.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(payloadLength).littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}
