// What every request handler shares: the circuit, the evaluator, the key store and its cache,
// the tokens, the limits (the server's and each token's) and the metrics.
import FHECore
import Foundation
import HTTPTypes
import Logging

/// Shared state of one server.
final class ServerState: Sendable {
    /// Response header naming the backend that executed an evaluation.
    static let backendHeader = HTTPField.Name("X-CML-Backend")!

    let bundle: ServerBundle
    let clientSpec: Data?
    let configuration: ServerConfiguration
    let evaluator: any EncryptedCircuitEvaluating
    let keyStore: KeyStore
    let cache: PreparedKeyCache
    let limiter: EvaluationLimiter
    /// Each token's evaluation slots on this replica.
    let tokenLimiters = TokenLimiters()
    let authenticator: Authenticator
    /// Set on SIGTERM: new evaluations get 503 while the taken ones finish.
    let drain = DrainState()
    let metrics: ServerMetrics
    /// Where evaluations and key preparation (Fourier conversion) run, off the request threads.
    let evaluationExecutor: EvaluationExecutor

    init(bundle: ServerBundle, clientSpec: Data?, configuration: ServerConfiguration,
         evaluator: any EncryptedCircuitEvaluating, logger: Logger) throws {
        self.bundle = bundle
        self.clientSpec = clientSpec
        self.configuration = configuration
        self.evaluator = evaluator
        keyStore = try KeyStore(directory: configuration.keyStoreDirectory, maxBytes: configuration.maxKeyStoreBytes,
                                keyTTL: configuration.keyTTL, logger: logger)
        authenticator = Authenticator(requiresTokens: configuration.requiresTokens,
                                      tokens: TokenStore(keyStoreDirectory: configuration.keyStoreDirectory))
        cache = PreparedKeyCache(capacity: configuration.preparedKeyCacheEntries)
        let metrics = ServerMetrics()
        self.metrics = metrics
        limiter = EvaluationLimiter(limit: configuration.maxConcurrentEvaluations,
                                    queueLimit: configuration.maxQueuedEvaluations, onChange: metrics.recordEvaluationSlots)
        evaluationExecutor = EvaluationExecutor(name: "cml-evaluation")
    }

    /// The prepared keys of `owner`'s keys `id`, from the cache or prepared from the store; a use of the keys.
    /// - Throws: `ServerError` 400/404 for a bad, unknown (another owner's, deleted, evicted, expired) or damaged
    ///   id, 422 for keys of another circuit.
    func preparedKeys(owner: KeyOwner, id: String) async throws -> any PreparedEvaluationKeys {
        // The cache is by content (id); whether this owner still has the keys is asked of the disk every time,
        // so a deletion, eviction or expiry by any replica counts at once.
        do {
            try keyStore.use(owner: owner, id: id)
        } catch let error as ServerError where error.status == .notFound {
            await cache.remove(id: id)
            throw error
        }
        let store = keyStore, evaluator = evaluator, bundle = bundle, layout = bundle.keyLayout, limits = configuration.wireLimits
        let executor = evaluationExecutor
        return try await cache.keys(id: id) { try await withTaskExecutorPreference(executor) {
            do {
                let keys = try Cml_V1_EvaluationKeys.decodePayload(try store.keys(owner: owner, id: id, limits: limits).payload)
                try keys.checkConformance(to: layout)
                return try evaluator.prepare(keys)
            } catch let error as WireFormatError {
                throw ServerError(error, servingModel: bundle)
            }
        } }
    }

    /// Updates the size gauges.
    func recordSizes() async {
        metrics.recordSizes(keyStore: keyStore.byteCount, preparedKeys: await cache.byteCount)
    }
}
