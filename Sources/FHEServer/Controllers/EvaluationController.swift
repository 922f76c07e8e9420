// POST /v1/evaluate: key id + seeded input batch -> full output batch. Every check that can refuse
// a request runs before any evaluation starts.
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
        let body = try await request.body.collect(limit: state.configuration.maxEvaluateRequestBytes + 48,
                                                  field: "evaluateRequest")
        let message: Cml_V1_EvaluateRequest
        do {
            message = try Cml_V1_EvaluateRequest.decodeFramed(body, limits: state.configuration.wireLimits)
            try message.inputs.checkConformance(to: state.bundle.spec.inputs, layout: state.bundle.keyLayout,
                                                direction: .inputs, maxBatchSize: state.configuration.maxBatchSize)
        } catch let error as WireFormatError {
            throw ServerError(error)
        }
        let keys = try await state.preparedKeys(id: message.keyID)
        let evaluator = state.evaluator, executor = state.evaluationExecutor
        let outputs: Cml_V1_CiphertextBatch, duration: Duration
        do {
            // Timed inside the slot: TLUs per second must not count the time spent queued.
            (outputs, duration) = try await state.limiter.run {
                let start = ContinuousClock.now
                let outputs = try await withTaskExecutorPreference(executor) {
                    try await evaluator.evaluate(message.inputs, keys: keys)
                }
                return (outputs, ContinuousClock.now - start)
            }
        } catch let error as WireFormatError {
            throw ServerError(error)
        }
        let lookups = evaluator.tableLookupsPerSample * Int(message.inputs.batchSize)
        state.metrics.recordEvaluation(tableLookups: lookups, duration: duration)
        context.logger.info("evaluated", metadata: [
            "keyId": "\(message.keyID)", "samples": "\(message.inputs.batchSize)", "tableLookups": "\(lookups)",
        ])
        return .frame(outputs.framed(), headers: [ServerState.backendHeader: evaluator.backendName])
    }
}
