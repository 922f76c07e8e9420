// Big arrays travel as `bytes` of little-endian words (DESIGN.md, Wire format).
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
}
