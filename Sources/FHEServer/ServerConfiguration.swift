// What an operator sets when starting a server: address, key store, and the limits that keep a
// hostile or mistaken client from exhausting memory, disk or cores.
import FHECore
import Foundation

/// Settings of `cml-server serve`.
public struct ServerConfiguration: Sendable {
    /// Address to bind; 127.0.0.1 unless the operator opens it deliberately.
    public var host: String
    /// Port; 0 picks an ephemeral port (tests).
    public var port: Int
    /// Directory of the on-disk key store.
    public var keyStoreDirectory: URL
    /// Largest evaluation-key upload, in bytes (413 beyond).
    public var maxKeyUploadBytes: Int
    /// Largest evaluate request, in bytes (413 beyond).
    public var maxEvaluateRequestBytes: Int
    /// Largest total size of stored keys, in bytes (413 for an upload that would exceed it).
    public var maxKeyStoreBytes: Int
    /// Evaluations running at once; more wait in the queue.
    public var maxConcurrentEvaluations: Int
    /// Evaluations waiting for a slot; more get 429.
    public var maxQueuedEvaluations: Int
    /// Largest number of samples in one batch (413 beyond).
    public var maxBatchSize: Int
    /// Prepared (Fourier-domain) key sets kept in memory.
    public var preparedKeyCacheEntries: Int
    /// Longest an evaluation may run once it has a slot (504 beyond, and the slot is freed).
    public var maxEvaluationTime: Duration
    /// Whether uploads, evaluations and deletions need a bearer token (false: `--no-auth`, one anonymous owner).
    public var requiresTokens: Bool
    /// Keys unused (neither uploaded nor evaluated with) for this long, in seconds, expire.
    public var keyTTL: TimeInterval
    /// A connection closes when it has not sent a whole request head, or its request body has stalled, or
    /// it has sat idle between requests, for this long (never while its response is being computed).
    public var idleTimeout: Duration

    /// Defaults sized for one model of a few hundred MB of keys.
    public init(host: String = "127.0.0.1", port: Int = 8080, keyStoreDirectory: URL,
                maxKeyUploadBytes: Int = 2 << 30, maxEvaluateRequestBytes: Int = 256 << 20,
                maxKeyStoreBytes: Int = 32 << 30, maxConcurrentEvaluations: Int = 2, maxQueuedEvaluations: Int = 64,
                maxBatchSize: Int = 1024, preparedKeyCacheEntries: Int = 4, maxEvaluationTime: Duration = .seconds(3600),
                requiresTokens: Bool = true, keyTTL: TimeInterval = 168 * 3600, idleTimeout: Duration = .seconds(30)) {
        precondition(maxConcurrentEvaluations >= 1 && maxQueuedEvaluations >= 0 && preparedKeyCacheEntries >= 1 && maxBatchSize >= 1
                     && maxEvaluationTime > .zero && keyTTL > 0 && idleTimeout > .zero,
                     "server limits must be positive")
        self.host = host
        self.port = port
        self.keyStoreDirectory = keyStoreDirectory
        self.maxKeyUploadBytes = maxKeyUploadBytes
        self.maxEvaluateRequestBytes = maxEvaluateRequestBytes
        self.maxKeyStoreBytes = maxKeyStoreBytes
        self.maxConcurrentEvaluations = maxConcurrentEvaluations
        self.maxQueuedEvaluations = maxQueuedEvaluations
        self.maxBatchSize = maxBatchSize
        self.preparedKeyCacheEntries = preparedKeyCacheEntries
        self.maxEvaluationTime = maxEvaluationTime
        self.requiresTokens = requiresTokens
        self.keyTTL = keyTTL
        self.idleTimeout = idleTimeout
    }

    /// Frame limits for request bodies.
    var wireLimits: WireLimits {
        WireLimits(payloadLimits: [.evaluationKeys: maxKeyUploadBytes, .evaluateRequest: maxEvaluateRequestBytes],
                   defaultPayloadLimit: 0)
    }
}

/// An option of `cml-server serve` outside its range; the message names the option and the range.
public struct ServerOptionError: Error, CustomStringConvertible {
    /// What is wrong and what would be accepted.
    public let description: String
}

extension ServerConfiguration {
    /// Largest size option in MiB whose byte count still fits in an `Int`.
    public static let maxMebibytes = Int.max >> 20
    /// Most evaluation slots: each one is a thread of its own.
    public static let maxEvaluationSlots = 1024
    /// Longest evaluation deadline an operator may set, in seconds (a week).
    public static let maxEvaluationSeconds: Double = 7 * 86400
    /// Longest idle timeout an operator may set, in seconds.
    public static let maxIdleTimeoutSeconds: Double = 3600
    /// Longest key TTL an operator may set, in hours (ten years).
    public static let maxKeyTTLHours: Double = 87600

    /// Checks the operator's options before a configuration is built from them (the initializer
    /// traps on values a caller should never pass).
    /// - Parameter mebibytes: (option name, value) of every size given in MiB.
    /// - Throws: `ServerOptionError` naming the first option out of range.
    public static func checkOptions(port: Int, host: String, keyStore: String, mebibytes: [(String, Int)],
                                    maxConcurrentEvaluations: Int, maxQueuedEvaluations: Int, maxEvaluationSeconds: Double,
                                    keyTTLHours: Double = 168, idleTimeoutSeconds: Double = 30) throws {
        func refuse(_ message: String) -> ServerOptionError { ServerOptionError(description: message) }
        guard (0...65535).contains(port) else { throw refuse("--port \(port) is not a TCP port: give 0 (any free port) to 65535") }
        guard !host.isEmpty else { throw refuse("--host is empty: give an address to bind, e.g. 127.0.0.1") }
        guard !keyStore.isEmpty else { throw refuse("--key-store is empty: give the directory of the key store") }
        for (name, value) in mebibytes where !(1...maxMebibytes).contains(value) {
            throw refuse("\(name) \(value) is out of range: give 1 to \(maxMebibytes) MiB")
        }
        guard (1...maxEvaluationSlots).contains(maxConcurrentEvaluations) else {
            throw refuse("--max-concurrent-evaluations \(maxConcurrentEvaluations) is out of range: give 1 to \(maxEvaluationSlots)")
        }
        guard maxQueuedEvaluations >= 0 else {
            throw refuse("--max-queued-evaluations \(maxQueuedEvaluations) is negative: give 0 (refuse when every slot is busy) or more")
        }
        guard maxEvaluationSeconds > 0 && maxEvaluationSeconds <= self.maxEvaluationSeconds else {
            throw refuse("--max-evaluation-seconds \(maxEvaluationSeconds) is out of range: give more than 0, at most \(Int(self.maxEvaluationSeconds))")
        }
        guard idleTimeoutSeconds >= 0.1 && idleTimeoutSeconds <= maxIdleTimeoutSeconds else {
            throw refuse("--idle-timeout-seconds \(idleTimeoutSeconds) is out of range: give 0.1 to \(Int(maxIdleTimeoutSeconds))")
        }
        guard keyTTLHours > 0 && keyTTLHours <= maxKeyTTLHours else {
            throw refuse("--key-ttl-hours \(keyTTLHours) is out of range: give more than 0, at most \(Int(maxKeyTTLHours))")
        }
    }
}
