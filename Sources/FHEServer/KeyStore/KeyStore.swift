// The on-disk store of evaluation keys, addressed by content: the key id is the hex BLAKE2b-256
// checksum of the uploaded frame. Files are written under incoming/ and renamed into keys/ once
// complete and checked, so a crash never leaves a half key, a restart loses nothing, and replicas
// that share the directory agree on every id.
import FHECore
import Foundation
import Hummingbird

/// Persistent, size-limited store of framed `EvaluationKeys`.
public actor KeyStore {
    /// Root directory (keys/ and incoming/ below it).
    public nonisolated let directory: URL
    /// Largest total size of stored keys.
    public nonisolated let maxBytes: Int
    private var storedBytes: Int

    private nonisolated var keysDirectory: URL { directory.appendingPathComponent("keys") }
    private nonisolated var incomingDirectory: URL { directory.appendingPathComponent("incoming") }

    /// Opens (or creates) the store at `directory`; unfinished uploads from a previous run are removed.
    /// - Throws: file-system errors.
    public init(directory: URL, maxBytes: Int) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: directory.appendingPathComponent("incoming"))
        try fileManager.createDirectory(at: directory.appendingPathComponent("incoming"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: directory.appendingPathComponent("keys"), withIntermediateDirectories: true)
        var total = 0
        for name in try fileManager.contentsOfDirectory(atPath: directory.appendingPathComponent("keys").path) {
            let attributes = try fileManager.attributesOfItem(atPath: directory.appendingPathComponent("keys/\(name)").path)
            total += (attributes[.size] as? Int) ?? 0
        }
        storedBytes = total
    }

    /// Total bytes of stored keys.
    public var byteCount: Int { storedBytes }

    /// Streams an upload to disk while checking its frame, checks the keys against `layout`, and
    /// stores them. Uploading the same keys twice returns the same id and stores them once.
    /// - Returns: the key id and the stored size.
    /// - Throws: `ServerError` (400 malformed, 413 over a limit, 422 other parameters).
    public nonisolated func store(_ body: RequestBody, layout: KeyLayout, limits: WireLimits) async throws -> (id: String, bytes: Int) {
        let temporary = incomingDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw ServerError(.internalServerError, code: "server.key_store", "cannot write to the key store")
        }
        var validator = FrameValidator(expecting: .evaluationKeys, limits: limits)
        var received = 0
        do {
            for try await buffer in body {
                try buffer.withUnsafeReadableBytes { try validator.consume($0) }
                received += buffer.readableBytes
                try handle.write(contentsOf: buffer.readableBytesView)
            }
        } catch let error as WireFormatError {
            try? handle.close()
            throw ServerError(error)
        }
        try handle.close()
        let checksum: [UInt8]
        do {
            checksum = try validator.finish().checksum
        } catch let error as WireFormatError {
            throw ServerError(error)
        }
        // The frame is sound and within the limit: decode it and check it fits the circuit.
        let framed = try Data(contentsOf: temporary)
        do {
            try Cml_V1_EvaluationKeys.decodeFramed(framed, limits: limits).checkConformance(to: layout)
        } catch let error as WireFormatError {
            throw ServerError(error)
        }
        let id = BLAKE2b.hex(checksum)
        try await commit(temporary: temporary, id: id, bytes: received)
        return (id, received)
    }

    private func commit(temporary: URL, id: String, bytes: Int) throws {
        let destination = keysDirectory.appendingPathComponent(id + ".cml")
        if FileManager.default.fileExists(atPath: destination.path) { return }
        guard storedBytes + bytes <= maxBytes else {
            throw ServerError(.contentTooLarge, code: "server.key_store_full",
                              "key store holds \(storedBytes) of \(maxBytes) bytes; these keys need \(bytes)")
        }
        try FileManager.default.moveItem(at: temporary, to: destination)
        storedBytes += bytes
    }

    /// The framed keys stored under `id`.
    /// - Throws: `ServerError` 400 for a malformed id, 404 for an unknown one.
    public nonisolated func framedKeys(id: String) throws -> Data {
        try Self.checkID(id)
        guard let data = try? Data(contentsOf: keysDirectory.appendingPathComponent(id + ".cml")) else {
            throw ServerError(.notFound, code: "server.unknown_key",
                              "no evaluation keys with id \(id); upload them with POST /v1/keys", field: "keyId")
        }
        return data
    }

    /// Throws 400 unless `id` is 64 lower-case hex digits (so it can never name another file).
    static func checkID(_ id: String) throws {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ServerError(.badRequest, code: "server.bad_key_id", "a key id is 64 lower-case hex digits", field: "keyId")
        }
    }
}
