// API tokens of a server, kept in the key store's directory (tokens/<id>.json) so that every replica
// sharing the directory knows the same tokens and sees a revocation at once. Only a token's BLAKE2b-256
// hash (libsodium's generic hash) is stored; the token itself is shown once, when it is created. A
// token carries 256 random bits, so an unsalted hash is enough: nobody can search that space.
import FHECore
import Foundation
import Logging

/// One API token as stored: its public id, its hash, its owner's name and limits.
public struct TokenRecord: Codable, Sendable, Equatable {
    /// Public name of the token (hex of the first 16 bytes of its hash): what `list` shows and `revoke`
    /// takes, what logs name, and the directory of its keys in the key store.
    public let id: String
    /// Hex BLAKE2b-256 of the token.
    public let hash: String
    /// The operator's label (who holds it).
    public let name: String
    /// When it was created.
    public let created: Date
    /// When it was revoked; a revoked token is refused with 401 `server.revoked_token`.
    public var revoked: Date?
    /// Most bytes of evaluation keys this token may keep stored (its least recently used keys go first).
    public let maxKeyStoreBytes: Int
    /// Most evaluations of this token running at once on one replica.
    public let maxConcurrentEvaluations: Int
    /// Most evaluations of this token waiting on one replica (429 `server.token_busy` beyond).
    public let maxQueuedEvaluations: Int
}

/// What a token may use; `token create`'s defaults let one client use a default server's two slots
/// without filling its queue or its disk alone.
public struct TokenLimits: Sendable {
    /// Bytes of stored keys.
    public var maxKeyStoreBytes: Int
    /// Evaluations running at once, per replica.
    public var maxConcurrentEvaluations: Int
    /// Evaluations waiting, per replica.
    public var maxQueuedEvaluations: Int

    /// Limits; the defaults are `token create`'s.
    public init(maxKeyStoreBytes: Int = 4096 << 20, maxConcurrentEvaluations: Int = 2, maxQueuedEvaluations: Int = 16) {
        self.maxKeyStoreBytes = maxKeyStoreBytes
        self.maxConcurrentEvaluations = maxConcurrentEvaluations
        self.maxQueuedEvaluations = maxQueuedEvaluations
    }
}

/// A failure of `cml-server token`: what is wrong, in words.
public struct TokenStoreError: Error, CustomStringConvertible {
    /// The message.
    public let description: String
}

/// The tokens under a key store directory.
public struct TokenStore: Sendable {
    /// tokens/ below the key store's root.
    public let directory: URL
    /// Prefix of every token, so that one found in a log or a repository is recognizable.
    public static let tokenPrefix = "cml_"

    /// The tokens of the key store rooted at `keyStoreDirectory`.
    public init(keyStoreDirectory: URL) {
        directory = keyStoreDirectory.appendingPathComponent("tokens")
    }

    /// A new token with `name` and `limits`, stored hashed.
    /// - Returns: the token (to show once; it is not stored) and its record.
    /// - Throws: `TokenStoreError` when the directory cannot be written.
    public func create(name: String, limits: TokenLimits = TokenLimits()) throws -> (token: String, record: TokenRecord) {
        let token = Self.tokenPrefix + BLAKE2b.hex(Seed.random().bytes)
        let hash = BLAKE2b.hash(Array(token.utf8))
        let record = TokenRecord(id: BLAKE2b.hex(Array(hash.prefix(16))), hash: BLAKE2b.hex(hash), name: name, created: Date(),
                                 revoked: nil, maxKeyStoreBytes: limits.maxKeyStoreBytes,
                                 maxConcurrentEvaluations: limits.maxConcurrentEvaluations,
                                 maxQueuedEvaluations: limits.maxQueuedEvaluations)
        try write(record)
        return (token, record)
    }

    /// Every token, oldest first.
    /// - Throws: `TokenStoreError` for a file that does not decode.
    public func list() throws -> [TokenRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.map { name in
            do {
                return try Self.decoder.decode(TokenRecord.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
            } catch {
                throw TokenStoreError(description: "\(directory.appendingPathComponent(name).path) is not a token record: \(error)")
            }
        }.sorted { $0.created < $1.created }
    }

    /// Revokes the token whose id (or which) is `idOrToken`; revoking twice keeps the first date.
    /// - Returns: the revoked record.
    /// - Throws: `TokenStoreError` when no token has that id.
    @discardableResult
    public func revoke(_ idOrToken: String) throws -> TokenRecord {
        let id = idOrToken.hasPrefix(Self.tokenPrefix) ? Self.id(of: idOrToken) : idOrToken
        guard Self.isID(id), var record = record(id: id) else {
            throw TokenStoreError(description: "no token with id '\(idOrToken)' in \(directory.path); `cml-server token list` shows them")
        }
        if record.revoked == nil {
            record.revoked = Date()
            try write(record)
        }
        return record
    }

    /// The record of `token` if it is one of this store's, revoked or not.
    func record(ofToken token: String) -> TokenRecord? {
        guard token.hasPrefix(Self.tokenPrefix) else { return nil }
        let hash = BLAKE2b.hex(BLAKE2b.hash(Array(token.utf8)))
        // Found by the public id, then the whole hash must match (comparing hashes leaks nothing of a token).
        guard let record = record(id: String(hash.prefix(32))), record.hash == hash else { return nil }
        return record
    }

    /// The public id of `token`.
    static func id(of token: String) -> String { String(BLAKE2b.hex(BLAKE2b.hash(Array(token.utf8))).prefix(32)) }

    /// Whether `id` is 32 lower-case hex digits (so it can never name another file).
    static func isID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private func record(id: String) -> TokenRecord? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(id + ".json")) else { return nil }
        return try? Self.decoder.decode(TokenRecord.self, from: data)
    }

    /// Writes `record` whole or not at all (temporary file, flushed, renamed), readable by the owner only.
    private func write(_ record: TokenRecord) throws {
        let logger = Logger(label: "cml-token-store")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = directory.appendingPathComponent(".\(record.id)-\(UUID().uuidString).tmp")
            defer { try? FileManager.default.removeItem(at: temporary) }
            let file = try StoreFile(creating: temporary, logger: logger)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(record).withUnsafeBytes { try file.write($0) }
            try file.synchronize()
            file.close()
            try StoreFile.rename(temporary, over: directory.appendingPathComponent(record.id + ".json"), logger: logger)
        } catch let error as ServerError {
            throw TokenStoreError(description: "cannot write the token to \(directory.path): \(error.message)")
        } catch {
            throw TokenStoreError(description: "cannot write the token to \(directory.path): \(error)")
        }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
