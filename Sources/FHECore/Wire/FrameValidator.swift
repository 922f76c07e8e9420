// Checks a frame that arrives in chunks (a streamed upload) without holding it: the header is
// checked as soon as its 16 bytes are in, the running length against the declared one, and the
// checksum at the end. Each chunk is handed back once checked, so a caller can write it to disk.

/// Incremental frame checker.
public struct FrameValidator: ~Copyable {
    private let limits: WireLimits
    private let expecting: MessageKind?
    private var headerBytes: [UInt8] = []
    private var header: FrameHeader?
    private var hasher = BLAKE2b.Hasher()
    private var received = 0
    private var trailer: [UInt8] = []

    /// A validator for one frame of kind `expecting` (any kind when nil).
    public init(expecting: MessageKind?, limits: WireLimits) {
        self.expecting = expecting
        self.limits = limits
    }

    /// The header, once its bytes have arrived.
    public var parsedHeader: FrameHeader? { header }

    /// Feeds the next chunk.
    /// - Throws: `WireFormatError` as soon as the header is bad or the frame runs past its declared size.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) throws {
        var chunk = chunk[...]
        while !chunk.isEmpty {
            if header == nil {
                let take = min(FrameHeader.byteCount - headerBytes.count, chunk.count)
                headerBytes.append(contentsOf: chunk.prefix(take))
                chunk = chunk.dropFirst(take)
                received += take
                if headerBytes.count == FrameHeader.byteCount {
                    header = try headerBytes.withUnsafeBytes {
                        try FrameHeader.parse($0, expecting: expecting, limits: limits)
                    }
                    hasher.update(headerBytes)
                }
                continue
            }
            let payloadEnd = FrameHeader.byteCount + header!.payloadLength
            if received < payloadEnd {
                let take = min(payloadEnd - received, chunk.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: chunk.prefix(take)))
                chunk = chunk.dropFirst(take)
                received += take
                continue
            }
            let take = min(FrameHeader.checksumByteCount - trailer.count, chunk.count)
            guard take > 0 else {
                throw WireFormatError(.trailingBytes, field: "checksum", offset: received,
                                      "bytes follow the checksum of a \(header!.frameByteCount)-byte frame")
            }
            trailer.append(contentsOf: chunk.prefix(take))
            chunk = chunk.dropFirst(take)
            received += take
        }
    }

    /// Ends the frame: checks that it is complete and that the checksum matches.
    /// - Returns: the header and the checksum (the message's content id).
    public consuming func finish() throws -> (header: FrameHeader, checksum: [UInt8]) {
        guard let header else {
            throw WireFormatError(.truncated, field: "header", offset: received,
                                  "frame has \(received) bytes, a header needs \(FrameHeader.byteCount)")
        }
        guard received == header.frameByteCount else {
            let payloadEnd = FrameHeader.byteCount + header.payloadLength
            throw WireFormatError(.truncated, field: received < payloadEnd ? "payload" : "checksum", offset: received,
                                  "frame declares \(header.frameByteCount) bytes, only \(received) arrived")
        }
        let computed = hasher.finalize()
        guard computed == trailer else {
            throw WireFormatError(.badChecksum, field: "checksum", offset: FrameHeader.byteCount + header.payloadLength,
                                  "BLAKE2b-256 of header and payload does not match the stored checksum")
        }
        return (header, computed)
    }
}
