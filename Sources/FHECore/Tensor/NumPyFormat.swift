// NumPy `.npy` arrays (format versions 1.0, 2.0, 3.0), C order, little-endian.
// Layout: magic "\x93NUMPY", major, minor, header length (UInt16 in 1.0, UInt32 after), a Python
// dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}, padded, then the raw data.
public import Foundation

/// Reads and writes NumPy `.npy` arrays as `Tensor`s.
public enum NumPyFormat {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The NumPy dtype descriptor of an element type, little-endian.
    public static func descriptor(of type: ElementType) -> String {
        switch type {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int64: return "<i8"
        case .int32: return "<i4"
        case .int8: return "|i1"
        case .uint8: return "|u1"
        case .bool: return "|b1"
        }
    }

    /// The element type and byte width of a descriptor, or nil for one we do not read.
    static func elementType(ofDescriptor descr: String) -> (ElementType, Int)? {
        switch descr {
        case "<f4": return (.float32, 4)
        case "<f8": return (.float64, 8)
        case "<i8": return (.int64, 8)
        case "<i4": return (.int32, 4)
        case "|i1", "<i1": return (.int8, 1)
        case "|u1", "<u1": return (.uint8, 1)
        case "|b1", "<b1": return (.bool, 1)
        default: return nil
        }
    }

    /// Decodes one `.npy` array; `source` names the file in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws -> Tensor {
        func fail(_ reason: String) -> NumPyError { NumPyError(source: source, reason: reason) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a NumPy .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail("header is not text")
        }
        let (descr, fortranOrder, shape) = try parseHeader(header, fail: fail)
        guard let (elementType, width) = elementType(ofDescriptor: descr) else {
            throw fail("unsupported dtype '\(descr)' (expected float32 '<f4', float64 '<f8' or int64 '<i8', little-endian)")
        }
        if fortranOrder { throw fail("array is in Fortran order; save it in C order (np.ascontiguousarray)") }
        guard let count = Tensor.checkedElementCount(shape) else {
            throw fail("shape \(shape) is too large (more than \(Tensor.maximumElementCount) elements)")
        }
        let dataStart = headerStart + headerLength
        let needed = count * width
        guard bytes.count - dataStart >= needed else {
            throw fail("truncated data: shape \(shape) of \(descr) needs \(needed) bytes, file has \(bytes.count - dataStart)")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = dataStart
            for index in 0..<count {
                let offset = base + index * width
                switch elementType {
                case .float32: values[index] = Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian))
                case .float64: values[index] = Double(bitPattern: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
                case .int64: values[index] = Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                case .int32: values[index] = Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                case .int8: values[index] = Double(Int8(bitPattern: raw[offset]))
                case .uint8: values[index] = Double(raw[offset])
                case .bool: values[index] = raw[offset] != 0 ? 1 : 0
                }
            }
        }
        return Tensor(shape: shape, elementType: elementType, values: values)
    }

    /// Parses the header dict literal into (descr, fortran_order, shape).
    private static func parseHeader(_ header: String, fail: (String) -> NumPyError) throws -> (String, Bool, [Int]) {
        func value(after key: String) -> Substring? {
            guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
            let rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
            return rest
        }
        guard let descrText = value(after: "descr"), let quote = descrText.first, quote == "'" || quote == "\"",
              let close = descrText.dropFirst().firstIndex(of: quote) else {
            throw fail("header has no 'descr' string")
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<close])
        guard let fortranText = value(after: "fortran_order") else { throw fail("header has no 'fortran_order'") }
        let fortran = fortranText.hasPrefix("True")
        guard let shapeText = value(after: "shape"), shapeText.first == "(", let end = shapeText.firstIndex(of: ")") else {
            throw fail("header has no 'shape' tuple")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex)..<end]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let dimension = Int(trimmed), dimension >= 0 else { throw fail("bad dimension '\(trimmed)' in shape") }
            shape.append(dimension)
        }
        return (descr, fortran, shape)
    }

    /// Encodes a tensor as a version 1.0 `.npy` array of its element type.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shapeText = tensor.shape.isEmpty ? "()" :
            tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descriptor(of: tensor.elementType))', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad so that the data starts on a 64-byte boundary, header ends with a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + tensor.count * 8)
        for value in tensor.values {
            switch tensor.elementType {
            case .float32: appendLittleEndian(Float(value).bitPattern, to: &bytes)
            case .float64: appendLittleEndian(value.bitPattern, to: &bytes)
            case .int64: appendLittleEndian(UInt64(bitPattern: Int64(value)), to: &bytes)
            case .int32: appendLittleEndian(UInt32(bitPattern: Int32(value)), to: &bytes)
            case .int8: bytes.append(UInt8(bitPattern: Int8(value)))
            case .uint8: bytes.append(UInt8(value))
            case .bool: bytes.append(value != 0 ? 1 : 0)
            }
        }
        return bytes
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Reads a `.npy` file (one array, named by the file's base name) or a `.npz` archive (its
    /// members in archive order, named without the `.npy` suffix).
    public static func readArrays(path: String) throws -> [(name: String, tensor: Tensor)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NumPyError(source: path, reason: "cannot read file")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x50, 0x4B]) {
            return try NumPyArchive.decode(bytes, source: path)
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return [(name, try decode(bytes, source: path))]
    }

    /// Writes one tensor to `path` as `.npy`, or several to a `.npz` archive when `path` ends in
    /// `.npz` (whole, through a temporary file; an existing file only when `replacing`).
    /// - Throws: `NumPyError`, `OutputExistsError`, `FileSystemError`.
    public static func write(_ arrays: [(name: String, tensor: Tensor)], path: String, replacing: Bool = true) throws {
        let bytes: [UInt8]
        if path.hasSuffix(".npz") {
            bytes = NumPyArchive.encode(arrays)
        } else {
            guard arrays.count == 1 else {
                throw NumPyError(source: path, reason: "\(arrays.count) arrays cannot go to one .npy file; use a .npz path")
            }
            bytes = encode(arrays[0].tensor)
        }
        try FileOutput.write(Data(bytes), to: URL(fileURLWithPath: path), replacing: replacing)
    }
}
