// A test double of the encrypted evaluator: it does no cryptography. It answers each input batch
// with full output ciphertexts whose words are derived from the input bodies, so tests can check
// the plumbing (routing, limits, keys, framing) end to end without the TFHE engine.
import FHECore
@testable import FHEServer
import Foundation
import Testing

final class PreparedKeysDoubleForTests: PreparedEvaluationKeys {
    let byteCount: Int
    init(byteCount: Int) { self.byteCount = byteCount }
}

struct EvaluatorDoubleForTests: EncryptedCircuitEvaluating {
    let spec: Cml_V1_ServerSpec
    let layout: KeyLayout
    var backendName: String { "test-double" }
    var tableLookupsPerSample: Int { 3 }

    func prepare(_ keys: Cml_V1_EvaluationKeys) throws -> any PreparedEvaluationKeys {
        PreparedKeysDoubleForTests(byteCount: keys.parameterSetKeys.reduce(0) { $0 + $1.bootstrapKey.bodies.count })
    }

    func evaluate(_ inputs: Cml_V1_CiphertextBatch, keys: any PreparedEvaluationKeys) async throws -> Cml_V1_CiphertextBatch {
        var outputs = Cml_V1_CiphertextBatch()
        outputs.keyLayoutHash = inputs.keyLayoutHash
        outputs.batchSize = inputs.batchSize
        let firstBody: UInt64 = if case .seeded(let list) = inputs.tensors[0].values {
            try LittleEndianWords.words(list.bodies, count: Int(list.count), field: "bodies")[0]
        } else { 0 }
        for (index, output) in spec.outputs.enumerated() {
            let dimension = layout.parameterSets[Int(output.parameterSetIndex)].bigLWEDimension.rawValue
            let count = Int(inputs.batchSize) * output.elementCount
            var list = Cml_V1_LweCiphertextList()
            list.lweDimension = UInt32(dimension)
            list.count = UInt32(count)
            list.words = LittleEndianWords.bytes(of: (0..<UInt64(count * (dimension + 1))).map { $0 &+ firstBody })
            var tensor = Cml_V1_BatchTensor()
            tensor.index = UInt32(index)
            tensor.parameterSetIndex = output.parameterSetIndex
            tensor.values = .full(list)
            outputs.tensors.append(tensor)
        }
        return outputs
    }
}

/// The test double's answers after `work`, with what happened counted under a lock: evaluations
/// started, finished, stopped by cancellation, and layers (units of `work`) run; `release()` is the
/// test's signal to a `work` that waits for it.
final class ControlledEvaluatorForTests: EncryptedCircuitEvaluating, @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (started: 0, finished: 0, stopped: 0, layers: 0, released: false)
    private let inner: EvaluatorDoubleForTests
    private let work: @Sendable (ControlledEvaluatorForTests) throws -> Void

    init(bundle: ServerBundle, work: @escaping @Sendable (ControlledEvaluatorForTests) throws -> Void) {
        inner = EvaluatorDoubleForTests(spec: bundle.spec, layout: bundle.keyLayout)
        self.work = work
    }

    var backendName: String { "test-controlled" }
    var tableLookupsPerSample: Int { inner.tableLookupsPerSample }
    var started: Int { lock.withLock { counts.started } }
    var finished: Int { lock.withLock { counts.finished } }
    var stopped: Int { lock.withLock { counts.stopped } }
    var layers: Int { lock.withLock { counts.layers } }
    var released: Bool { lock.withLock { counts.released } }
    func release() { lock.withLock { counts.released = true } }
    func ranLayer() { lock.withLock { counts.layers += 1 } }

    func prepare(_ keys: Cml_V1_EvaluationKeys) throws -> any PreparedEvaluationKeys { try inner.prepare(keys) }

    func evaluate(_ inputs: Cml_V1_CiphertextBatch, keys: any PreparedEvaluationKeys) async throws -> Cml_V1_CiphertextBatch {
        lock.withLock { counts.started += 1 }
        do {
            try work(self)
        } catch {
            lock.withLock { counts.stopped += 1 }
            throw error
        }
        lock.withLock { counts.finished += 1 }
        return try await inner.evaluate(inputs, keys: keys)
    }
}

extension RunningServer {
    /// A server whose evaluations each wait, without using the CPU, until the test releases the evaluator
    /// (at most 20 s, so that a test that forgets fails instead of hanging).
    static func startHeld(keyStore: URL, configure: (inout ServerConfiguration) -> Void) async throws
        -> (RunningServer, ControlledEvaluatorForTests) {
        let box = LockedBox<ControlledEvaluatorForTests?>(nil)
        let server = try await start(keyStore: keyStore, evaluator: { bundle in
            let evaluator = ControlledEvaluatorForTests(bundle: bundle) { evaluator in
                let end = ContinuousClock.now + .seconds(20)
                while !evaluator.released && ContinuousClock.now < end { usleep(5000) }
            }
            box.value = evaluator
            return evaluator
        }, configure: configure)
        return (server, try #require(box.value))
    }
}
