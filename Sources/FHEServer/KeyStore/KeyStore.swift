// The on-disk store of evaluation keys, addressed by content and owner: keys/<owner>/<id>.cml, where
// the id is the hex BLAKE2b-256 checksum of the uploaded frame and the owner the id of the token that
// uploaded it (`anonymous` without authentication), so a key of one token is simply not there for
// another. Files are written under incoming/, flushed to the disk, and renamed into place once
// complete and checked, so a crash never leaves a half key and a restart loses nothing. Every read
// checks the file against its id: one damaged on disk is removed and answered as unknown, so the
// client uploads it again. A key's last use is its file's modification time (set at upload and at
// every evaluation), so that replicas sharing the directory agree on it: keys unused for the TTL
// expire, and a full store (or a token's full quota) makes room by removing the least recently used
// keys. Several processes may share the directory: uploads in flight have per-process names, only
// stale ones are swept at start, and sizes and ages are read from the disk.
import FHECore
import Foundation
import Hummingbird
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Persistent, size-limited store of framed `EvaluationKeys`, by owner.
public actor KeyStore {
    /// Root directory (keys/ and incoming/ below it, tokens/ beside them).
    public nonisolated let directory: URL
    /// Largest total size of stored keys.
    public nonisolated let maxBytes: Int
    /// Keys unused for longer than this (seconds) expire.
    public nonisolated let keyTTL: TimeInterval
    /// Uploads under incoming/ older than this are taken for leftovers of a crashed process.
    public static let staleUploadAge: TimeInterval = 24 * 3600
    private nonisolated let logger: Logger

    private nonisolated var keysDirectory: URL { directory.appendingPathComponent("keys") }
    private nonisolated var incomingDirectory: URL { directory.appendingPathComponent("incoming") }

    /// One stored key file.
    struct StoredKey {
        let owner: String
        let id: String
        let path: String
        let bytes: Int
        /// Last upload or evaluation, seconds since 1970.
        let lastUse: Double
    }

    /// Opens (or creates) the store at `directory`, removing uploads under incoming/ older than
    /// `staleUploadAge` (younger ones may be another process's uploads in flight) and expired keys;
    /// keys of the layout before owners (keys/<id>.cml) become the anonymous owner's.
    /// - Throws: file-system errors.
    public init(directory: URL, maxBytes: Int, keyTTL: TimeInterval = 168 * 3600, logger: Logger = Logger(label: "cml-key-store")) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        self.keyTTL = keyTTL
        self.logger = logger
        let fileManager = FileManager.default
        let incoming = directory.appendingPathComponent("incoming")
        let keys = directory.appendingPathComponent("keys")
        try fileManager.createDirectory(at: incoming, withIntermediateDirectories: true)
        try fileManager.createDirectory(at: keys, withIntermediateDirectories: true)
        let now = Date()
        for name in try fileManager.contentsOfDirectory(atPath: incoming.path) {
            let path = incoming.appendingPathComponent(name).path
            guard let modified = (try? fileManager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > Self.staleUploadAge else { continue }
            try? fileManager.removeItem(atPath: path)
        }
        let legacy = try fileManager.contentsOfDirectory(atPath: keys.path).filter { $0.hasSuffix(".cml") }
        if !legacy.isEmpty {
            let anonymous = keys.appendingPathComponent(KeyOwner.anonymous.name)
            try fileManager.createDirectory(at: anonymous, withIntermediateDirectories: true)
            for name in legacy { _ = Glibc.rename(keys.appendingPathComponent(name).path, anonymous.appendingPathComponent(name).path) }
            logger.info("moved keys stored before owners to the anonymous owner", metadata: ["count": "\(legacy.count)"])
        }
        _ = removeExpired(Self.storedKeys(in: directory))
    }

    /// Every stored key file under `directory`'s keys/.
    static func storedKeys(in directory: URL) -> [StoredKey] {
        let fileManager = FileManager.default
        let keys = directory.appendingPathComponent("keys")
        var found: [StoredKey] = []
        for owner in (try? fileManager.contentsOfDirectory(atPath: keys.path)) ?? [] {
            let ownerDirectory = keys.appendingPathComponent(owner)
            for name in (try? fileManager.contentsOfDirectory(atPath: ownerDirectory.path)) ?? [] where name.hasSuffix(".cml") {
                let path = ownerDirectory.appendingPathComponent(name).path
                guard let status = StoreFile.status(path) else { continue }
                found.append(StoredKey(owner: owner, id: String(name.dropLast(4)), path: path, bytes: status.bytes, lastUse: status.modified))
            }
        }
        return found
    }

    /// Bytes of keys `owner` (a token id, or `anonymous`) has stored under `directory`.
    public static func storedBytes(in directory: URL, owner: String) -> Int {
        storedKeys(in: directory).filter { $0.owner == owner }.reduce(0) { $0 + $1.bytes }
    }

    /// Total bytes of stored keys, read from the disk (other processes may share the directory).
    public nonisolated var byteCount: Int {
        Self.storedKeys(in: directory).reduce(0) { $0 + $1.bytes }
    }

    private nonisolated func file(of owner: KeyOwner, id: String) -> URL {
        keysDirectory.appendingPathComponent(owner.name).appendingPathComponent(id + ".cml")
    }

    /// Removes the keys of `keys` unused for longer than the TTL and returns the others.
    private nonisolated func removeExpired(_ keys: [StoredKey]) -> [StoredKey] {
        let oldest = Date().timeIntervalSince1970 - keyTTL
        return keys.filter { key in
            guard key.lastUse < oldest else { return true }
            try? FileManager.default.removeItem(atPath: key.path)
            logger.info("removed expired evaluation keys", metadata: ["keyId": "\(key.id)", "owner": "\(key.owner)"])
            return false
        }
    }

    /// Streams an upload to disk while checking its frame, checks the keys against `layout`, and
    /// stores them as `owner`'s, removing least recently used keys (the owner's own first when its
    /// token's quota is full, anybody's when the store is) to make room. Uploading the same keys twice
    /// returns the same id and stores them once; an upload of keys whose stored file is damaged replaces it.
    /// - Returns: the key id and the stored size.
    /// - Throws: `ServerError` (400 malformed, 413 larger than the store or the token's quota or out of
    ///   disk space, 500 another store failure), `WireFormatError.parameterMismatch` for keys of other parameters.
    nonisolated func store(_ body: RequestBody, owner: KeyOwner, layout: KeyLayout, limits: WireLimits) async throws -> (id: String, bytes: Int) {
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
        try await commit(temporary: temporary, owner: owner, id: id, bytes: received, limits: limits)
        return (id, received)
    }

    private func commit(temporary: URL, owner: KeyOwner, id: String, bytes: Int, limits: WireLimits) throws {
        let destination = file(of: owner, id: id)
        var stored = removeExpired(Self.storedKeys(in: directory))
        if FileManager.default.fileExists(atPath: destination.path) {
            if Self.isIntact(destination, id: id, limits: limits) {
                StoreFile.touch(destination.path)
                return
            }
            logger.warning("replacing damaged stored evaluation keys", metadata: ["keyId": "\(id)", "file": "\(destination.path)"])
        } else {
            if let token = owner.token {
                guard bytes <= token.maxKeyStoreBytes else {
                    throw ServerError(.contentTooLarge, code: "server.token_quota",
                                      "these keys need \(bytes) bytes; token \(token.id) may store \(token.maxKeyStoreBytes)")
                }
                evict(&stored, owner: owner.name, toFit: bytes, within: token.maxKeyStoreBytes)
            }
            guard bytes <= maxBytes else {
                throw ServerError(.contentTooLarge, code: "server.key_store_full",
                                  "these keys need \(bytes) bytes; the key store holds at most \(maxBytes)")
            }
            evict(&stored, owner: nil, toFit: bytes, within: maxBytes)
        }
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try StoreFile.rename(temporary, over: destination, logger: logger)
        StoreFile.touch(destination.path)
    }

    /// Removes the least recently used keys of `stored` (of `owner` only, unless nil) until `bytes` more fit within `limit`.
    private func evict(_ stored: inout [StoredKey], owner: String?, toFit bytes: Int, within limit: Int) {
        var total = stored.reduce(0) { $0 + (owner == nil || $1.owner == owner ? $1.bytes : 0) }
        while total + bytes > limit,
              let oldest = stored.indices.filter({ owner == nil || stored[$0].owner == owner }).min(by: { stored[$0].lastUse < stored[$1].lastUse }) {
            let key = stored.remove(at: oldest)
            try? FileManager.default.removeItem(atPath: key.path)
            total -= key.bytes
            logger.info("evicted least recently used evaluation keys to make room", metadata: [
                "keyId": "\(key.id)", "owner": "\(key.owner)", "bytes": "\(key.bytes)", "scope": "\(owner == nil ? "store" : "token")",
            ])
        }
    }

    /// Records a use of `owner`'s keys `id` (an evaluation): 404 unless they are stored and unexpired;
    /// their last use is now.
    /// - Throws: `ServerError` 400 for a malformed id, 404 for keys that are not there or expired (removed).
    nonisolated func use(owner: KeyOwner, id: String) throws {
        try Self.checkID(id)
        let path = file(of: owner, id: id).path
        guard let status = StoreFile.status(path) else { throw Self.unknownKey(id) }
        if status.modified < Date().timeIntervalSince1970 - keyTTL {
            try? FileManager.default.removeItem(atPath: path)
            logger.info("removed expired evaluation keys", metadata: ["keyId": "\(id)", "owner": "\(owner.name)"])
            throw ServerError(.notFound, code: "server.unknown_key",
                              "the evaluation keys with id \(id) expired (unused for more than \(String(format: "%g", keyTTL / 3600)) hours); "
                              + "upload them again with POST /v1/keys",
                              field: "keyId")
        }
        guard StoreFile.touch(path) else { throw Self.unknownKey(id) }
    }

    /// Removes `owner`'s keys `id`.
    /// - Throws: `ServerError` 400 for a malformed id, 404 when `owner` has no such keys.
    nonisolated func delete(owner: KeyOwner, id: String) throws {
        try Self.checkID(id)
        let url = file(of: owner, id: id)
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw Self.unknownKey(id)
        }
        logger.info("deleted evaluation keys", metadata: ["keyId": "\(id)", "owner": "\(owner.name)"])
    }

    static func unknownKey(_ id: String) -> ServerError {
        ServerError(.notFound, code: "server.unknown_key", "no evaluation keys with id \(id); upload them with POST /v1/keys", field: "keyId")
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
    nonisolated func keys(owner: KeyOwner, id: String, limits: WireLimits) throws -> Frame {
        try Self.checkID(id)
        let url = file(of: owner, id: id)
        guard let data = try? Data(contentsOf: url) else { throw Self.unknownKey(id) }
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
