// NumPy `.npz` archives: a zip of `.npy` members. np.savez stores members uncompressed (and may
// mark them zip64); np.savez_compressed deflates them, which we refuse with a clear message.

/// Reads and writes `.npz` archives of `.npy` members.
public enum NumPyArchive {
    /// Decodes every member of an archive, in central-directory order.
    public static func decode(_ bytes: [UInt8], source: String) throws -> [(name: String, tensor: Tensor)] {
        func fail(_ reason: String) -> NumPyError { NumPyError(source: source, reason: reason) }
        func u16(_ offset: Int) throws -> Int {
            guard offset >= 0, offset + 2 <= bytes.count else { throw fail("truncated zip structure at offset \(offset)") }
            return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        }
        func u32(_ offset: Int) throws -> Int { try (u16(offset) | u16(offset + 2) << 16) }
        func u64(_ offset: Int) throws -> Int { try (u32(offset) | u32(offset + 4) << 32) }

        // End of central directory: signature PK\5\6, searched backwards over a possible comment.
        var end = bytes.count - 22
        while end >= 0, !(bytes[end] == 0x50 && bytes[end + 1] == 0x4B && bytes[end + 2] == 5 && bytes[end + 3] == 6) {
            end -= 1
        }
        guard end >= 0 else { throw fail("not a .npz archive (no zip end-of-central-directory record; truncated?)") }
        let entryCount = try u16(end + 10)
        var cursor = try u32(end + 16)
        var members: [(name: String, tensor: Tensor)] = []
        for _ in 0..<entryCount {
            guard try u32(cursor) == 0x0201_4B50 else { throw fail("corrupt central directory at offset \(cursor)") }
            let method = try u16(cursor + 10)
            let crc = UInt32(try u32(cursor + 16))
            var compressedSize = try u32(cursor + 20)
            var size = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28)
            let extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            var localOffset = try u32(cursor + 42)
            guard cursor + 46 + nameLength <= bytes.count else { throw fail("truncated central directory") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            // Zip64 extra field (id 1): the 64-bit values replace the saturated 32-bit ones in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                if id == 1 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if compressedSize == 0xFFFF_FFFF { compressedSize = try u64(field); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = try u64(field) }
                }
                extra += 4 + length
            }
            cursor = extraEnd + commentLength
            let memberSource = "\(source)[\(name)]"
            guard method == 0 else {
                throw NumPyError(source: memberSource,
                                 reason: "member is compressed (np.savez_compressed); save with np.savez instead")
            }
            guard try u32(localOffset) == 0x0403_4B50 else { throw fail("corrupt local header for member '\(name)'") }
            let dataStart = localOffset + 30 + (try u16(localOffset + 26)) + (try u16(localOffset + 28))
            guard dataStart + size <= bytes.count, compressedSize == size else {
                throw NumPyError(source: memberSource, reason: "truncated member data")
            }
            let data = Array(bytes[dataStart..<(dataStart + size)])
            guard CRC32.checksum(data) == crc else { throw NumPyError(source: memberSource, reason: "CRC mismatch") }
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            members.append((key, try NumPyFormat.decode(data, source: memberSource)))
        }
        return members
    }

    /// Encodes tensors as an uncompressed archive with members `<name>.npy`.
    public static func encode(_ arrays: [(name: String, tensor: Tensor)]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func put16(_ value: Int, _ buffer: inout [UInt8]) { NumPyFormat.appendLittleEndian(UInt16(value), to: &buffer) }
        func put32(_ value: Int, _ buffer: inout [UInt8]) { NumPyFormat.appendLittleEndian(UInt32(value), to: &buffer) }
        for (name, tensor) in arrays {
            let data = NumPyFormat.encode(tensor)
            let fileName = Array((name + ".npy").utf8)
            let crc = Int(CRC32.checksum(data))
            let offset = out.count
            // Local header: version 20, no flags, stored, zero time/date.
            put32(0x0403_4B50, &out); put16(20, &out); put16(0, &out); put16(0, &out); put16(0, &out); put16(0x21, &out)
            put32(crc, &out); put32(data.count, &out); put32(data.count, &out)
            put16(fileName.count, &out); put16(0, &out)
            out += fileName
            out += data
            put32(0x0201_4B50, &central); put16(20, &central); put16(20, &central); put16(0, &central); put16(0, &central)
            put16(0, &central); put16(0x21, &central)
            put32(crc, &central); put32(data.count, &central); put32(data.count, &central)
            put16(fileName.count, &central); put16(0, &central); put16(0, &central); put16(0, &central); put16(0, &central)
            put32(0, &central); put32(offset, &central)
            central += fileName
        }
        let centralOffset = out.count
        out += central
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out)
        put16(arrays.count, &out); put16(arrays.count, &out)
        put32(central.count, &out); put32(centralOffset, &out); put16(0, &out)
        return out
    }
}

/// The zip CRC-32 (IEEE 802.3 polynomial, reflected).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
