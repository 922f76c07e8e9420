// The production evaluator: runs a compiled `FHEProgram` (circuit encoding "cml.fhe-program.json.v1")
// on uploaded ciphertexts with the uploaded evaluation keys.
import FHECore
import Foundation

/// Evaluates a bundle's program, sample by sample, each sample's lookups in parallel on every core
/// the other evaluations leave (`HelperThreadBudget`).
struct ProgramEvaluator: EncryptedCircuitEvaluating {
    let program: FHEProgram
    let layout: KeyLayout

    var backendName: String { "cpu" }
    var tableLookupsPerSample: Int { program.circuit.tluCount }

    /// Decodes the program from a server bundle.
    /// - Throws: `WireFormatError` when the circuit is not a program of this encoding or disagrees with the layout.
    init(bundle: ServerBundle) throws {
        do {
            program = try JSONDecoder().decode(FHEProgram.self, from: bundle.spec.circuit)
        } catch {
            throw WireFormatError(.invalidField, field: "serverSpec.circuit", offset: nil, "not a \(FHEProgram.circuitEncodingName) program: \(error)")
        }
        guard bundle.keyLayout == program.keyLayout else {
            throw WireFormatError(.invalidField, field: "serverSpec.keyLayout", offset: nil,
                                  "the key layout is not the program's (parameter sets \(program.partitions), \(program.crossKeyswitches.count) cross keyswitches)")
        }
        layout = bundle.keyLayout
    }

    func prepare(_ keys: Cml_V1_EvaluationKeys) throws -> any PreparedEvaluationKeys {
        try PreparedTFHEKeys(wire: keys, layout: layout)
    }

    func evaluate(_ inputs: Cml_V1_CiphertextBatch, keys: any PreparedEvaluationKeys) async throws -> Cml_V1_CiphertextBatch {
        guard let prepared = keys as? PreparedTFHEKeys else {
            throw WireFormatError(.invalidField, field: "keys", offset: nil, "keys were not prepared by this evaluator")
        }
        var evaluator = EncryptedEvaluator(program: program, keys: prepared.evaluationKeys)
        let batch = Int(inputs.batchSize)
        let encodings = program.inputEncodings
        // Per input: all samples' ciphertexts (decompressed) or clear words.
        var perInput: [CircuitArgument] = []
        for (index, tensor) in inputs.tensors.enumerated() {
            let field = "batch.tensors[\(index)]"
            switch tensor.values {
            case .seeded(let seeded):
                perInput.append(.encrypted(Decompression.decompress(try SeededLWECiphertextList(wire: seeded, field: "\(field).seeded"))))
            case .full(let full):
                perInput.append(.encrypted(try LWECiphertextList(wire: full, field: "\(field).full")))
            case .clear(let clear):
                perInput.append(.clear(try LittleEndianWords.signedWords(clear.words, count: Int(clear.count), field: "\(field).clear")))
            case nil:
                throw WireFormatError(.invalidField, field: "\(field).values", offset: nil, "missing")
            }
        }
        // Each output is under the big key of its own partition.
        var outputs = program.circuit.outputs.map { LWECiphertextList(lweDimension: program.parameters(of: $0).bigLWEDimension, count: 0) }
        for b in 0..<batch {
            try Task.checkCancellation()
            let arguments: [CircuitArgument] = zip(perInput, encodings).map { argument, encoding in
                let per = encoding.elementCount
                switch argument {
                case .encrypted(let list):
                    let size = list.lweDimension.lweSize
                    var sample = LWECiphertextList(lweDimension: list.lweDimension, count: 0)
                    sample.data = Array(list.data[(b * per * size)..<((b + 1) * per * size)])
                    return .encrypted(sample)
                case .clear(let values):
                    return .clear(Array(values[(b * per)..<((b + 1) * per)]))
                }
            }
            let results: [CircuitArgument]
            // Cancelled (deadline passed, client gone): stop before the next operation, freeing the slot.
            do {
                results = try HelperThreadBudget.shared.withWorkers { workers in
                    evaluator.workers = workers
                    return try evaluator.evaluate(arguments, shouldStop: { Task.isCancelled })
                }
            } catch let error as EncryptedEvaluationError {
                throw WireFormatError(.invalidField, field: "batch", offset: nil, error.description)
            }
            for (i, result) in results.enumerated() {
                guard case .encrypted(let list) = result else {
                    throw WireFormatError(.invalidField, field: "outputs[\(i)]", offset: nil, "circuit output is not encrypted")
                }
                outputs[i].data.append(contentsOf: list.data)
            }
        }
        var response = Cml_V1_CiphertextBatch()
        response.keyLayoutHash = inputs.keyLayoutHash
        response.batchSize = inputs.batchSize
        response.tensors = outputs.enumerated().map { index, list in
            var tensor = Cml_V1_BatchTensor()
            tensor.index = UInt32(index)
            tensor.parameterSetIndex = UInt32(program.valuePartitions[program.circuit.outputs[index].rawValue])
            tensor.values = .full(list.wire)
            return tensor
        }
        return response
    }
}
