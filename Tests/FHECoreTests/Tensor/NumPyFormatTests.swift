// .npy / .npz round trips and the errors for files we refuse.
import FHECore
import Foundation
import Testing

@Suite("NumPy files")
struct NumPyFormatTests {
    static let samples: [Tensor] = [
        Tensor(shape: [2, 3], elementType: .float32, values: [0, -1.5, 2.25, 65536.25, -0, 7]),
        Tensor(shape: [3], elementType: .float64, values: [0.1, -1e-300, .pi]),
        Tensor(shape: [2, 2], elementType: .int64, values: [-9_007_199_254_740_992, 0, 42, 1_099_511_627_776]),
        Tensor(shape: [], elementType: .float32, values: [1.5]),
        Tensor(shape: [0, 4], elementType: .float32, values: []),
        Tensor(shape: [4], elementType: .int32, values: [-2_147_483_648, 0, 1, 2_147_483_647]),
        Tensor(shape: [3], elementType: .uint8, values: [0, 128, 255]),
        Tensor(shape: [2], elementType: .bool, values: [1, 0]),
    ]

    @Test("npy round trip keeps shape, dtype and values", arguments: samples)
    func npyRoundTrip(_ tensor: Tensor) throws {
        let bytes = NumPyFormat.encode(tensor)
        // NumPy requires the data to start on a 64-byte boundary.
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(try NumPyFormat.decode(bytes, source: "t.npy") == tensor)
    }

    @Test("npy header text is what numpy writes")
    func headerText() throws {
        let bytes = NumPyFormat.encode(Tensor(shape: [5], elementType: .float64, values: [1, 2, 3, 4, 5]))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }"))
        #expect(header.hasSuffix("\n"))
    }

    @Test("npz round trip keeps member names and order")
    func npzRoundTrip() throws {
        let members = [(name: "left", tensor: Self.samples[0]), (name: "right", tensor: Self.samples[2])]
        let decoded = try NumPyArchive.decode(NumPyArchive.encode(members), source: "a.npz")
        #expect(decoded.map(\.name) == ["left", "right"])
        #expect(decoded.map(\.tensor) == members.map(\.tensor))
    }

    @Test("file read/write through readArrays and write")
    func files() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let single = directory.appendingPathComponent("x.npy").path
        try NumPyFormat.write([("x", Self.samples[1])], path: single)
        let read = try NumPyFormat.readArrays(path: single)
        #expect(read.count == 1 && read[0].name == "x" && read[0].tensor == Self.samples[1])
        let archive = directory.appendingPathComponent("xs.npz").path
        try NumPyFormat.write([("a", Self.samples[0]), ("b", Self.samples[3])], path: archive)
        #expect(try NumPyFormat.readArrays(path: archive).map(\.name) == ["a", "b"])
        #expect(throws: NumPyError.self) { try NumPyFormat.write([("a", Self.samples[0]), ("b", Self.samples[3])], path: single) }
    }

    /// A hand-written .npy with the given descriptor/fortran flag and `dataBytes` of payload.
    static func npy(descr: String, fortran: Bool = false, shape: String = "(2,)", dataBytes: Int) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (11 + header.utf8.count) % 64) % 64) + "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
            + [UInt8](repeating: 0, count: dataBytes)
    }

    static let badFiles: [(String, [UInt8], String)] = [
        ("bad magic", Array("PK not numpy at all".utf8), "not a NumPy .npy file"),
        ("float16", npy(descr: "<f2", dataBytes: 4), "unsupported dtype '<f2'"),
        ("big-endian", npy(descr: ">f4", dataBytes: 8), "unsupported dtype '>f4'"),
        ("Fortran order", npy(descr: "<f4", fortran: true, shape: "(2, 2)", dataBytes: 16), "Fortran order"),
        ("truncated data", npy(descr: "<f8", shape: "(3, 4)", dataBytes: 40), "truncated data: shape [3, 4] of <f8 needs 96 bytes, file has 40"),
        ("truncated header", Array(npy(descr: "<f4", dataBytes: 8).prefix(30)), "truncated header"),
    ]

    @Test("bad .npy files are refused with a message naming the file", arguments: 0..<badFiles.count)
    func badNpy(_ index: Int) {
        let (label, bytes, message) = Self.badFiles[index]
        do {
            _ = try NumPyFormat.decode(bytes, source: "input.npy")
            Issue.record("\(label): decoded without error")
        } catch let error as NumPyError {
            #expect(error.source == "input.npy", "\(label)")
            #expect(error.description.contains(message), "\(label): \(error)")
        } catch {
            Issue.record("\(label): unexpected \(error)")
        }
    }

    @Test("compressed and truncated .npz archives are refused")
    func badNpz() throws {
        var archive = NumPyArchive.encode([(name: "x", tensor: Self.samples[0])])
        // Mark the member deflated in the central directory (method field at offset 10).
        let central = archive.count - 22 - (46 + "x.npy".utf8.count)
        archive[central + 10] = 8
        #expect { try NumPyArchive.decode(archive, source: "in.npz") } throws: { error in
            (error as? NumPyError)?.description.contains("in.npz[x.npy]: member is compressed (np.savez_compressed)") == true
        }
        let truncated = Array(NumPyArchive.encode([(name: "x", tensor: Self.samples[0])]).prefix(40))
        #expect { try NumPyArchive.decode(truncated, source: "in.npz") } throws: { error in
            (error as? NumPyError)?.description.contains("in.npz: not a .npz archive") == true
        }
    }
}

extension Tensor: CustomTestStringConvertible {
    public var testDescription: String { "\(elementType)\(shape)" }
}
