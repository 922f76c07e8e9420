// From a quantized model to a program that runs on ciphertexts: encodings, noise requirements, and the
// crypto parameters that meet them (docs/ARCHITECTURE.md#data-flow: Circuit → CompiledCircuit).
public import FHECore
import Foundation

/// Error-probability options of FHE compilation (Concrete ML's `p_error` / `global_p_error`).
public struct FHEOptions: Sendable, Codable, Equatable {
    /// Failure probability of each PBS; with neither set, 2^−40 as in Concrete ML.
    public var errorProbability: Double?
    /// Failure probability of the whole circuit; exclusive with `errorProbability`.
    public var globalErrorProbability: Double?
    /// Largest seeded evaluation keys (bytes the client sends) the parameters may need; nil: no budget.
    public var maximalSeededKeyBytes: Int?

    /// Options; see the properties.
    public init(errorProbability: Double? = nil, globalErrorProbability: Double? = nil, maximalSeededKeyBytes: Int? = nil) {
        self.errorProbability = errorProbability
        self.globalErrorProbability = globalErrorProbability
        self.maximalSeededKeyBytes = maximalSeededKeyBytes
    }
}

/// A quantized model together with its lowering onto TFHE.
public struct FHECompiledModel: Sendable, Codable {
    /// The quantized model (circuit, quantizers, bit-width report).
    public var model: CompiledModel
    /// The circuit with its encodings and parameter set.
    public var program: FHEProgram
    /// What the parameter search chose and why (per-group variances and error probabilities, key sizes).
    public var parameters: CircuitParameters
}

/// Lowers quantized circuits onto TFHE.
public enum FHELowering {
    /// Assigns encodings, collects every TLU's precision and noise weight, and searches the cheapest
    /// 128-bit parameter set that keeps every TLU within its error probability.
    /// - Throws: `CompileOptionError` for conflicting options, `ParameterSearchError` when no set fits.
    public static func lower(_ model: CompiledModel, options: FHEOptions = FHEOptions()) throws -> FHECompiledModel {
        if options.errorProbability != nil && options.globalErrorProbability != nil {
            throw CompileOptionError(option: "--p-error", "--p-error and --global-p-error are exclusive (as in Concrete ML): set one")
        }
        for p in [options.errorProbability, options.globalErrorProbability].compactMap({ $0 }) where !(p > 0 && p < 1) {
            throw CompileOptionError(option: "--p-error", "an error probability must be in (0, 1), got \(p)")
        }
        if let budget = options.maximalSeededKeyBytes, budget <= 0 {
            throw CompileOptionError(option: "--max-key-mb", "the evaluation-key budget must be positive, got \(budget) bytes")
        }
        let (program, parameters) = try lower(model.circuit, options: options)
        return FHECompiledModel(model: model, program: program, parameters: parameters)
    }

    /// Lowers a circuit: encodings, noise requirements, parameter search. The search may give parts of different
    /// precision their own parameter sets when that is cheaper (docs/PARAMETERS.md#partitions); when the circuit's keys
    /// cannot follow its answer (a circuit input feeding lookups of two partitions), it searches one set for all.
    public static func lower(_ circuit: Circuit, options: FHEOptions = FHEOptions()) throws -> (FHEProgram, CircuitParameters) {
        let precisions = CircuitEncoding.precisions(of: circuit)
        let anchored = anchoredValueGroups(circuit, precisions: precisions)
        var request = parameterRequest(circuit, anchored: anchored, options: options)
        let chosen = try CircuitParameterSelection.select(request)
        if chosen.partitions.count > 1, let valuePartitions = valuePartitions(circuit, anchors: anchored.map(\.anchor), chosen: chosen) {
            let program = FHEProgram(
                circuit: circuit, precisions: precisions, partitions: chosen.partitions.map(\.parameters), valuePartitions: valuePartitions,
                crossKeyswitches: chosen.crossKeyswitches.map {
                    KeyLayout.PartitionKeyswitch(from: $0.sourcePartition, to: $0.targetPartition, decomposition: $0.decomposition)
                })
            return (program, chosen)
        }
        guard chosen.partitions.count > 1 else {
            return (FHEProgram(circuit: circuit, precisions: precisions, parameters: chosen.partitions[0].parameters), chosen)
        }
        request.allowsSeveralParameterSets = false
        let mono = try CircuitParameterSelection.select(request)
        return (FHEProgram(circuit: circuit, precisions: precisions, parameters: mono.partitions[0].parameters), mono)
    }

    /// The cheapest single set of each GLWE shape (k, N) that fits `circuit`, cheapest first (at most `limit`),
    /// with costs relative to `chosen`: the trade-off `compile --verbose` and `inspect` show.
    public static func alternativeShapes(_ circuit: Circuit, chosen: CircuitParameters, options: FHEOptions = FHEOptions(),
                                         limit: Int = 6) -> [CircuitParameters.ShapeAlternative] {
        guard chosen.totalCost > 0 else { return [] }
        // The trade-off is shown without the key budget, so that the user sees what the budget excluded.
        var request = parameterRequest(circuit, options: options)
        request.maximalSeededKeyBytes = nil
        return CircuitParameterSelection.alternativeShapes(request, errorProbability: chosen.errorProbabilityTarget).prefix(limit).map {
            CircuitParameters.ShapeAlternative(parameters: $0.partitions[0].parameters, relativeCost: $0.totalCost / chosen.totalCost,
                                               keySizes: $0.keySizes)
        }
    }

    /// What the parameter search is asked for `circuit`: its TLU and output groups, with the groups feeding each,
    /// so that the search may split them into partitions of their own parameter sets.
    public static func parameterRequest(_ circuit: Circuit, precisions: [Int]? = nil, options: FHEOptions = FHEOptions())
        -> CircuitParameterRequest {
        parameterRequest(circuit, anchored: anchoredValueGroups(circuit, precisions: precisions ?? CircuitEncoding.precisions(of: circuit)),
                         options: options)
    }

    static func parameterRequest(_ circuit: Circuit, anchored: [(group: ValueGroup, anchor: GroupAnchor)],
                                 options: FHEOptions) -> CircuitParameterRequest {
        var groups = anchored.map(\.group)
        // A circuit without lookups still needs keys to encrypt under: ask for one 1-bit lookup too.
        if !groups.contains(where: { $0.role == .tluInput }) {
            groups.append(.tlus("(no lookup)", precision: 1, squaredNorm: 1, count: 1))
        }
        return CircuitParameterRequest(
            groups: groups, errorProbability: options.errorProbability, globalErrorProbability: options.globalErrorProbability,
            levelledOperandCount: 0, allowsSeveralParameterSets: true, maximalSeededKeyBytes: options.maximalSeededKeyBytes)
    }

    /// The TLU inputs and decrypted outputs of `circuit` as the parameter search sees them, with their sources
    /// (the groups whose PBS outputs feed them) and where each sits in the circuit. Group names are made unique (a repeated label gets " #2", …) so sources name one group each.
    /// A group whose PBS outputs are added back to its own input (exact rounding's bits, max-pooling's relus) lists
    /// itself among its sources: the search then keeps it in its input's partition, as the evaluator needs.
    static func anchoredValueGroups(_ circuit: Circuit, precisions: [Int]) -> [(group: ValueGroup, anchor: GroupAnchor)] {
        let weights = NoiseWeights(circuit)
        let boot = weights.bootstrapped, fresh = weights.fresh
        var sources = [Set<String>](repeating: [], count: circuit.values.count)
        var used: [String: Int] = [:]
        func unique(_ name: String) -> String {
            used[name, default: 0] += 1
            return used[name]! == 1 ? name : "\(name) #\(used[name]!)"
        }
        var groups: [(group: ValueGroup, anchor: GroupAnchor)] = []
        for op in circuit.operations where circuit[op.result].isEncrypted {
            let r = op.result.rawValue
            // PBS outputs reaching this value through levelled operations (refined below for bootstrapped results).
            sources[r] = op.operands.filter { circuit[$0].isEncrypted }.reduce(into: Set<String>()) { $0.formUnion(sources[$1.rawValue]) }
            let pattern = circuit.bootstrapPattern(of: op)
            guard pattern.bootstraps else { continue }
            let first = op.operands[0]
            var outputs = Set<String>()
            for group in pattern.groups {
                let name = unique(op.label + group.suffix)
                let input = weights.pbsInput(group, of: op, operandPrecision: precisions[first.rawValue])
                let anchor: GroupAnchor
                if pattern.crossesPartitions {
                    anchor = .lookup(input: first, result: op.result)
                    outputs.insert(name)
                } else {
                    // PBS outputs added back to the input (exact rounding's bits, max-pooling's relus) feed the
                    // group itself: the search then keeps it in its input's partition.
                    anchor = .inPlace(result: op.result)
                    sources[r].insert(name)
                }
                groups.append((.tlus(name, precision: group.messageBits(operandPrecision: precisions[first.rawValue]),
                                     squaredNorm: input.bootstrapped, count: group.perResultElement * circuit[op.result].elementCount,
                                     sources: sources[r].sorted(), freshSquaredNorm: input.fresh),
                               anchor))
            }
            if pattern.crossesPartitions { sources[r] = outputs }
        }
        for output in circuit.outputs where circuit[output].isEncrypted {
            let i = output.rawValue
            groups.append((.decryptedOutputs(unique("output \(circuit.producer(of: output).label)"), precision: precisions[i],
                                             squaredNorm: boot[i], count: circuit[output].elementCount, sources: sources[i].sorted(),
                                             freshSquaredNorm: fresh[i]),
                           .inPlace(result: output)))
        }
        return groups
    }
}
