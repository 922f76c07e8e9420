// Big arrays travel as `bytes` of little-endian words (Protocol/README.md).
public import Foundation

/// Conversions between word arrays and their little-endian byte form.
public enum LittleEndianWords {
    /// The little-endian bytes of `words`.
    public static func bytes(of words: [UInt64]) -> Data {
        var data = Data(count: words.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (i, word) in words.enumerated() { raw.storeBytes(of: word.littleEndian, toByteOffset: i * 8, as: UInt64.self) }
        }
        return data
    }

    /// The little-endian bytes of signed `words`.
    public static func bytes(of words: [Int64]) -> Data {
        bytes(of: words.map { UInt64(bitPattern: $0) })
    }

    /// Decodes `count` u64 words from `data`.
    /// - Throws: `WireFormatError.invalidField` when `data` does not hold exactly `count` words.
    public static func words(_ data: Data, count: Int, field: String) throws -> [UInt64] {
        try check(data, count: count, field: field)
        return data.withUnsafeBytes { raw in
            (0..<count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    /// Decodes `count` i64 words from `data`.
    /// - Throws: `WireFormatError.invalidField` on a size mismatch.
    public static func signedWords(_ data: Data, count: Int, field: String) throws -> [Int64] {
        try words(data, count: count, field: field).map { Int64(bitPattern: $0) }
    }

    /// Checks that `data` holds exactly `count` u64 words without decoding them.
    /// - Throws: `WireFormatError.invalidField` on a size mismatch.
    public static func check(_ data: Data, count: Int, field: String) throws {
        guard count >= 0, data.count == count &* 8 else {
            throw WireFormatError(.invalidField, field: field, offset: nil,
                                  "holds \(data.count) bytes, expected \(count) u64 words (\(count &* 8) bytes)")
        }
    }

    /// The top `bits` bits of each word (a multiple of 8), as bits/8 little-endian bytes each: the packed form of
    /// words whose low 64 − bits bits are zero. 64 bits is `bytes(of:)`.
    public static func bytes(of words: [UInt64], topBits bits: Int) -> Data {
        guard bits < 64 else { return bytes(of: words) }
        let width = bits / 8, shift = UInt64(64 - bits)
        var data = Data(count: words.count * width)
        data.withUnsafeMutableBytes { raw in
            let out = raw.bindMemory(to: UInt8.self).baseAddress!
            for (i, word) in words.enumerated() {
                var v = word >> shift
                for b in 0..<width { out[i * width + b] = UInt8(truncatingIfNeeded: v); v >>= 8 }
            }
        }
        return data
    }

    /// Decodes `count` words packed by `bytes(of:topBits:)`.
    /// - Throws: `WireFormatError.invalidField` when `data` does not hold exactly `count` packed words.
    public static func words(_ data: Data, count: Int, topBits bits: Int, field: String) throws -> [UInt64] {
        guard bits < 64 else { return try words(data, count: count, field: field) }
        try check(data, count: count, topBits: bits, field: field)
        let width = bits / 8, shift = UInt64(64 - bits)
        return data.withUnsafeBytes { raw in
            let input = raw.bindMemory(to: UInt8.self).baseAddress!
            return (0..<count).map { i in
                var v: UInt64 = 0
                for b in stride(from: width - 1, through: 0, by: -1) { v = v << 8 | UInt64(input[i * width + b]) }
                return v << shift
            }
        }
    }

    /// Checks that `data` holds exactly `count` words of `bits` bits (bits/8 bytes each).
    /// - Throws: `WireFormatError.invalidField` on a size mismatch.
    public static func check(_ data: Data, count: Int, topBits bits: Int, field: String) throws {
        let width = bits / 8
        guard count >= 0, data.count == count &* width else {
            throw WireFormatError(.invalidField, field: field, offset: nil,
                                  "holds \(data.count) bytes, expected \(count) words of \(bits) bits (\(count &* width) bytes)")
        }
    }
}
