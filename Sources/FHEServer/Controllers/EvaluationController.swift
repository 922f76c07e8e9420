// POST /v1/evaluate: key id + seeded input batch -> full output batch. Every check that can refuse
// a request runs before any evaluation starts. An evaluation stops before its next operation when
// its client goes away or its deadline passes (504), and its slot is free once it has stopped.
import FHECore
import Foundation
import Hummingbird

/// Routes for evaluation.
struct EvaluationController<Context: RequestContext> {
    let state: ServerState

    func addRoutes(to router: Router<Context>) {
        router.post("/v1/evaluate", use: evaluate)
    }

    @Sendable func evaluate(_ request: Request, context: Context) async throws -> Response {
        guard !state.drain.isDraining else {
            throw ServerError(.serviceUnavailable, code: "server.draining",
                              "this replica is shutting down and takes no new evaluations; retry (another replica answers)",
                              headers: [.retryAfter: "1"])
        }
        // From the headers, before a byte of the body is held.
        let owner = try state.authenticator.owner(of: request)
        // The whole handler is cancelled when the client closes its side of the connection.
        return try await request.body.consumeWithCancellationOnInboundClose { body in
            try await evaluate(body, owner: owner, context: context)
        }
    }

    private func evaluate(_ body: RequestBody, owner: KeyOwner, context: Context) async throws -> Response {
        let body = try await body.collect(limit: state.configuration.maxEvaluateRequestBytes + 48, field: "evaluateRequest")
        let message: Cml_V1_EvaluateRequest
        do {
            message = try Cml_V1_EvaluateRequest.decodeFramed(body, limits: state.configuration.wireLimits)
            try message.inputs.checkConformance(to: state.bundle.spec.inputs, layout: state.bundle.keyLayout,
                                                direction: .inputs, maxBatchSize: state.configuration.maxBatchSize)
        } catch let error as WireFormatError {
            throw ServerError(error, servingModel: state.bundle)
        }
        let keys = try await state.preparedKeys(owner: owner, id: message.keyID)
        let evaluator = state.evaluator, executor = state.evaluationExecutor, deadline = state.configuration.maxEvaluationTime
        let limiter = state.limiter
        let outputs: Cml_V1_CiphertextBatch, duration: Duration
        do {
            // Timed inside the slot: TLUs per second must not count the time spent queued.
            // The token's slots first, then the server's: one token cannot fill the server's queue alone.
            (outputs, duration) = try await state.tokenLimiters.run(for: owner) { try await limiter.run {
                let start = ContinuousClock.now
                let outputs = try await Self.within(deadline, on: executor) {
                    try await evaluator.evaluate(message.inputs, keys: keys)
                }
                return (outputs, ContinuousClock.now - start)
            } }
        } catch let error as WireFormatError {
            throw ServerError(error)
        } catch is CancellationError {
            context.logger.info("evaluation stopped: the client went away", metadata: ["keyId": "\(message.keyID)"])
            throw CancellationError()
        }
        let lookups = evaluator.tableLookupsPerSample * Int(message.inputs.batchSize)
        state.metrics.recordEvaluation(tableLookups: lookups, duration: duration)
        context.logger.info("evaluated", metadata: [
            "keyId": "\(message.keyID)", "owner": "\(owner.name)", "samples": "\(message.inputs.batchSize)", "tableLookups": "\(lookups)",
        ])
        return .frame(outputs.framed(), headers: [ServerState.backendHeader: evaluator.backendName])
    }

    /// `work`'s result, run on `executor`, or 504 once `deadline` has passed; either way `work` has ended
    /// when this returns (cancelled, it stops at its next operation), so the caller's slot is really free.
    static func within<T: Sendable>(_ deadline: Duration, on executor: some TaskExecutor,
                                    _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask(executorPreference: executor) { try await work() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw ServerError(.gatewayTimeout, code: "server.evaluation_timeout",
                                  "the evaluation ran past the server's limit of \(deadline) and was stopped; send smaller batches")
            }
            return result
        }
    }
}
