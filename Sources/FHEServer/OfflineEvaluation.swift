// `cml-server run`: the same checks and evaluation as POST /v1/evaluate, on files, for batch jobs.
import FHECore
import Foundation

/// Evaluation of one batch file with one evaluation-key file.
public enum OfflineEvaluation {
    /// Evaluates the framed input batch at `input` with the framed keys at `evaluationKeys` and
    /// writes the framed output batch to `output`.
    /// - Returns: the number of samples evaluated.
    /// - Throws: `BundleError`, `ServerError` (a wire error, or keys and batch of another model), file-system errors.
    @discardableResult
    public static func run(bundleDirectory: URL, evaluationKeys: URL, input: URL, output: URL,
                           makeEvaluator: (ServerBundle) throws -> any EncryptedCircuitEvaluating) async throws -> Int {
        let bundle = try ServerBundle.load(from: bundleDirectory)
        let evaluator = try makeEvaluator(bundle)
        let keys: Cml_V1_EvaluationKeys, batch: Cml_V1_CiphertextBatch
        do {
            keys = try Cml_V1_EvaluationKeys.decodeFramed(try Data(contentsOf: evaluationKeys))
            try keys.checkConformance(to: bundle.keyLayout)
            batch = try Cml_V1_CiphertextBatch.decodeFramed(try Data(contentsOf: input))
            try batch.checkConformance(to: bundle.spec.inputs, layout: bundle.keyLayout, direction: .inputs)
        } catch let error as WireFormatError {
            throw ServerError(error, servingModel: bundle)
        }
        let outputs = try await evaluator.evaluate(batch, keys: try evaluator.prepare(keys))
        try FileOutput.write(outputs.framed(), to: output, replacing: true)
        return Int(batch.batchSize)
    }
}

/// The evaluators this build can run, by the server spec's circuit encoding.
public enum EvaluatorFactory {
    /// An evaluator for `bundle`.
    /// - Throws: `ServerError` 501 while no encrypted evaluator handles the bundle's circuit
    ///   encoding (the circuit lowering onto TFHE registers it here).
    public static func make(for bundle: ServerBundle) throws -> any EncryptedCircuitEvaluating {
        if bundle.spec.circuitEncoding == FHEProgram.circuitEncodingName { return try ProgramEvaluator(bundle: bundle) }
        throw ServerError(.notImplemented, code: "server.no_evaluator",
                          "this build has no encrypted evaluator for circuit encoding '\(bundle.spec.circuitEncoding)'")
    }
}
