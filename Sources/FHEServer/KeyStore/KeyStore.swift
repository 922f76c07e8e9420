// The on-disk store of evaluation keys, addressed by content: the key id is the hex BLAKE2b-256
// checksum of the uploaded frame. Files are written under incoming/, flushed to the disk, and renamed
// into keys/ once complete and checked, so a crash never leaves a half key and a restart loses nothing.
// Every read checks the file against its id: one damaged on disk is removed and answered as unknown,
// so the client uploads it again. Several processes may share the directory: uploads in flight have
// per-process names, only stale ones are swept at start, and the stored size is read from the disk.
import FHECore
import Foundation
import Hummingbird
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Persistent, size-limited store of framed `EvaluationKeys`.
public actor KeyStore {
    /// Root directory (keys/ and incoming/ below it).
    public nonisolated let directory: URL
    /// Largest total size of stored keys.
    public nonisolated let maxBytes: Int
    /// Uploads under incoming/ older than this are taken for leftovers of a crashed process.
    public static let staleUploadAge: TimeInterval = 24 * 3600
    private nonisolated let logger: Logger

    private nonisolated var keysDirectory: URL { directory.appendingPathComponent("keys") }
    private nonisolated var incomingDirectory: URL { directory.appendingPathComponent("incoming") }

    /// Opens (or creates) the store at `directory`, removing uploads under incoming/ older than
    /// `staleUploadAge` (younger ones may be another process's uploads in flight).
    /// - Throws: file-system errors.
    public init(directory: URL, maxBytes: Int, logger: Logger = Logger(label: "cml-key-store")) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        self.logger = logger
        let fileManager = FileManager.default
        let incoming = directory.appendingPathComponent("incoming")
        try fileManager.createDirectory(at: incoming, withIntermediateDirectories: true)
        try fileManager.createDirectory(at: directory.appendingPathComponent("keys"), withIntermediateDirectories: true)
        let now = Date()
        for name in try fileManager.contentsOfDirectory(atPath: incoming.path) {
            let path = incoming.appendingPathComponent(name).path
            guard let modified = (try? fileManager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > Self.staleUploadAge else { continue }
            try? fileManager.removeItem(atPath: path)
        }
    }

    /// Total bytes of stored keys, read from the disk (other processes may share the directory).
    public nonisolated var byteCount: Int {
        let fileManager = FileManager.default
        let names = (try? fileManager.contentsOfDirectory(atPath: keysDirectory.path)) ?? []
        return names.reduce(0) { total, name in
            total + (((try? fileManager.attributesOfItem(atPath: keysDirectory.appendingPathComponent(name).path))?[.size] as? Int) ?? 0)
        }
    }

    /// Streams an upload to disk while checking its frame, checks the keys against `layout`, and
    /// stores them. Uploading the same keys twice returns the same id and stores them once; an upload
    /// of keys whose stored file is damaged replaces it.
    /// - Returns: the key id and the stored size.
    /// - Throws: `ServerError` (400 malformed, 413 over a limit or out of disk space, 500 another store failure),
    ///   `WireFormatError.parameterMismatch` for keys of other parameters.
    public nonisolated func store(_ body: RequestBody, layout: KeyLayout, limits: WireLimits) async throws -> (id: String, bytes: Int) {
        let temporary = incomingDirectory.appendingPathComponent("\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).part")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let file = try StoreFile(creating: temporary, logger: logger)
        var validator = FrameValidator(expecting: .evaluationKeys, limits: limits)
        var received = 0
        do {
            for try await buffer in body {
                try buffer.withUnsafeReadableBytes {
                    try validator.consume($0)
                    try file.write($0)
                }
                received += buffer.readableBytes
            }
            try file.synchronize()
        } catch let error as WireFormatError {
            file.close()
            throw ServerError(error)
        } catch {
            file.close()
            throw error
        }
        file.close()
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
        } catch let error as WireFormatError where error.code == .parameterMismatch {
            throw error  // the caller knows which model it serves, and says so
        } catch let error as WireFormatError {
            throw ServerError(error)
        }
        let id = BLAKE2b.hex(checksum)
        try await commit(temporary: temporary, id: id, bytes: received, limits: limits)
        return (id, received)
    }

    private func commit(temporary: URL, id: String, bytes: Int, limits: WireLimits) throws {
        let destination = keysDirectory.appendingPathComponent(id + ".cml")
        if FileManager.default.fileExists(atPath: destination.path) {
            if Self.isIntact(destination, id: id, limits: limits) { return }
            logger.warning("replacing damaged stored evaluation keys", metadata: ["keyId": "\(id)", "file": "\(destination.path)"])
        } else {
            let stored = byteCount
            guard stored + bytes <= maxBytes else {
                throw ServerError(.contentTooLarge, code: "server.key_store_full",
                                  "key store holds \(stored) of \(maxBytes) bytes; these keys need \(bytes)")
            }
        }
        try StoreFile.rename(temporary, over: destination, logger: logger)
    }

    /// Whether the file at `url` is a whole frame whose checksum is `id`, read in bounded chunks.
    private static func isIntact(_ url: URL, id: String, limits: WireLimits) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        var validator = FrameValidator(expecting: .evaluationKeys, limits: limits)
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { try validator.consume($0) }
            }
            return BLAKE2b.hex(try validator.finish().checksum) == id
        } catch {
            return false
        }
    }

    /// The checked frame of the keys stored under `id`. A stored file that fails the check (damaged
    /// on disk) is removed and logged, and answered as unknown so that the client uploads it again.
    /// - Throws: `ServerError` 400 for a malformed id, 404 for an unknown or damaged one.
    public nonisolated func keys(id: String, limits: WireLimits) throws -> Frame {
        try Self.checkID(id)
        let url = keysDirectory.appendingPathComponent(id + ".cml")
        guard let data = try? Data(contentsOf: url) else {
            throw ServerError(.notFound, code: "server.unknown_key",
                              "no evaluation keys with id \(id); upload them with POST /v1/keys", field: "keyId")
        }
        do {
            let frame = try Frame.decode(data, expecting: .evaluationKeys, limits: limits)
            guard BLAKE2b.hex(frame.checksum) == id else {
                throw WireFormatError(.badChecksum, field: "checksum", offset: data.count - FrameHeader.checksumByteCount,
                                      "the frame's checksum is not the key id")
            }
            return frame
        } catch let error as WireFormatError {
            logger.error("removed damaged stored evaluation keys", metadata: [
                "keyId": "\(id)", "file": "\(url.path)", "problem": "\(error)",
            ])
            try? FileManager.default.removeItem(at: url)
            throw ServerError(.notFound, code: "server.unknown_key",
                              "the stored evaluation keys with id \(id) were damaged and are removed; upload them again with POST /v1/keys",
                              field: "keyId")
        }
    }

    /// Throws 400 unless `id` is 64 lower-case hex digits (so it can never name another file).
    static func checkID(_ id: String) throws {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ServerError(.badRequest, code: "server.bad_key_id", "a key id is 64 lower-case hex digits", field: "keyId")
        }
    }
}
