import Foundation
import Testing
@testable import FHECore

@Suite struct FrameTests {
    let payload = Data("hello, frame".utf8)

    @Test func roundTrip() throws {
        let framed = Frame.encode(kind: .ciphertextBatch, payload: payload)
        #expect(framed.count == 16 + payload.count + 32)
        let frame = try Frame.decode(framed, expecting: .ciphertextBatch)
        #expect(frame.header.kind == .ciphertextBatch)
        #expect(frame.header.version == 1)
        #expect(frame.payload == payload)
        #expect(frame.checksum == BLAKE2b.hash(framed.prefix(16 + payload.count)))
    }

    @Test func blake2bKnownAnswer() {
        // BLAKE2b-256("hello"), published test value.
        #expect(BLAKE2b.hex(BLAKE2b.hash(Array("hello".utf8)))
                == "324dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72cf")
        var hasher = BLAKE2b.Hasher()
        hasher.update(Array("hel".utf8))
        hasher.update(Array("lo".utf8))
        #expect(hasher.finalize() == BLAKE2b.hash(Array("hello".utf8)))
    }

    @Test func everyTruncationIsRefused() throws {
        let framed = Frame.encode(kind: .errorReport, payload: payload)
        for length in 0..<framed.count {
            #expect(throws: WireFormatError.self) { try Frame.decode(framed.prefix(length)) }
        }
        let error = try #require(throws: WireFormatError.self) { try Frame.decode(framed.prefix(20)) }
        #expect(error.code == .truncated)
        #expect(error.field == "payload")
        #expect(error.offset == 20)
    }

    @Test func everyBitFlipIsRefused() {
        let framed = Frame.encode(kind: .errorReport, payload: payload)
        for byte in 0..<framed.count {
            var corrupted = framed
            corrupted[byte] ^= 0x10
            #expect(throws: WireFormatError.self, "flip in byte \(byte)") { try Frame.decode(corrupted) }
        }
        var corrupted = framed
        corrupted[20] ^= 1
        #expect(throws: WireFormatError(.badChecksum, field: "checksum", offset: 16 + payload.count,
                                        "BLAKE2b-256 of header and payload does not match the stored checksum")) {
            try Frame.decode(corrupted)
        }
    }

    @Test func headerFieldsAreNamed() throws {
        let framed = Frame.encode(kind: .errorReport, payload: payload)
        var badMagic = framed
        badMagic[0] = UInt8(ascii: "X")
        #expect(try #require(throws: WireFormatError.self) { try Frame.decode(badMagic) }.field == "header.magic")

        var badVersion = framed
        badVersion[4] = 2
        let version = try #require(throws: WireFormatError.self) { try Frame.decode(badVersion) }
        #expect(version.code == .unsupportedVersion && version.field == "header.version" && version.offset == 4)

        var badKind = framed
        badKind[6] = 0xEE
        let kind = try #require(throws: WireFormatError.self) { try Frame.decode(badKind) }
        #expect(kind.code == .unknownKind && kind.field == "header.kind" && kind.offset == 6)

        let wrongKind = try #require(throws: WireFormatError.self) { try Frame.decode(framed, expecting: .evaluationKeys) }
        #expect(wrongKind.code == .unexpectedKind)
        #expect(wrongKind.description.contains("expected EvaluationKeys"))

        let trailing = try #require(throws: WireFormatError.self) { try Frame.decode(framed + Data([0])) }
        #expect(trailing.code == .trailingBytes)
    }

    @Test func oversizedLengthIsRefusedBeforeAllocation() throws {
        // A 16-byte header that declares an 8 EiB payload: refused from the header alone.
        var header = FrameHeader(kind: .evaluationKeys, payloadLength: 0).bytes
        header.replaceSubrange(8..<16, with: withUnsafeBytes(of: (UInt64(1) << 63).littleEndian, Array.init))
        let error = try #require(throws: WireFormatError.self) { try Frame.decode(Data(header)) }
        #expect(error.code == .tooLarge && error.field == "header.payloadLength" && error.offset == 8)

        let framed = Frame.encode(kind: .errorReport, payload: payload)
        let limited = WireLimits.files.capped(at: payload.count - 1)
        #expect(try #require(throws: WireFormatError.self) { try Frame.decode(framed, limits: limited) }.code == .tooLarge)
        #expect(try Frame.decode(framed, limits: WireLimits.files.capped(at: payload.count)).payload == payload)
    }

    @Test func streamingValidatorAgreesWithWholeFrameDecode() throws {
        let framed = Frame.encode(kind: .evaluationKeys, payload: Data((0..<1000).map { UInt8($0 % 251) }))
        for chunkSize in [1, 7, 16, 100, framed.count] {
            var validator = FrameValidator(expecting: .evaluationKeys, limits: .files)
            var offset = 0
            while offset < framed.count {
                let end = min(offset + chunkSize, framed.count)
                try framed[offset..<end].withUnsafeBytes { try validator.consume($0) }
                offset = end
            }
            let (header, checksum) = try validator.finish()
            #expect(header.payloadLength == 1000)
            #expect(checksum == (try Frame.decode(framed).checksum))
        }
        var flipped = framed
        flipped[500] ^= 4
        var validator = FrameValidator(expecting: nil, limits: .files)
        try flipped.withUnsafeBytes { try validator.consume($0) }
        #expect(Self.finishError(validator)?.code == .badChecksum)

        var short = FrameValidator(expecting: nil, limits: .files)
        try framed.prefix(600).withUnsafeBytes { try short.consume($0) }
        #expect(Self.finishError(short)?.code == .truncated)

        var small = FrameValidator(expecting: nil, limits: WireLimits.files.capped(at: 10))
        #expect(try #require(throws: WireFormatError.self) {
            try framed.prefix(16).withUnsafeBytes { try small.consume($0) }
        }.code == .tooLarge)
    }

    /// The error `finish()` throws, if any (a non-copyable validator cannot be captured by #expect's closure).
    static func finishError(_ validator: consuming FrameValidator) -> WireFormatError? {
        do {
            _ = try validator.finish()
            return nil
        } catch {
            return error as? WireFormatError
        }
    }
}
