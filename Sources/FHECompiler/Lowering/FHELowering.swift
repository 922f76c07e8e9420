// From a quantized model to a program that runs on ciphertexts: encodings, noise requirements, and the
// crypto parameters that meet them (DESIGN.md data flow: Circuit → CompiledCircuit).
public import FHECore
import Foundation

/// Error-probability options of FHE compilation (Concrete ML's `p_error` / `global_p_error`).
public struct FHEOptions: Sendable, Codable, Equatable {
    /// Failure probability of each PBS; with neither set, 2^−40 as in Concrete ML.
    public var errorProbability: Double?
    /// Failure probability of the whole circuit; exclusive with `errorProbability`.
    public var globalErrorProbability: Double?

    /// Options; see the properties.
    public init(errorProbability: Double? = nil, globalErrorProbability: Double? = nil) {
        self.errorProbability = errorProbability
        self.globalErrorProbability = globalErrorProbability
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
            throw CompileOptionError(option: "p_error", "set p_error or global_p_error, not both")
        }
        for p in [options.errorProbability, options.globalErrorProbability].compactMap({ $0 }) where !(p > 0 && p < 1) {
            throw CompileOptionError(option: "p_error", "an error probability must be in (0, 1), got \(p)")
        }
        let (program, parameters) = try lower(model.circuit, options: options)
        return FHECompiledModel(model: model, program: program, parameters: parameters)
    }

    /// Lowers a circuit: encodings, noise requirements, parameter search.
    public static func lower(_ circuit: Circuit, options: FHEOptions = FHEOptions()) throws -> (FHEProgram, CircuitParameters) {
        let precisions = CircuitEncoding.precisions(of: circuit)
        var groups = valueGroups(circuit, precisions: precisions)
        // A circuit without lookups still needs keys to encrypt under: ask for one 1-bit lookup too.
        if !groups.contains(where: { $0.role == .tluInput }) {
            groups.append(.tlus("(no lookup)", precision: 1, squaredNorm: 1, count: 1))
        }
        let request = CircuitParameterRequest(
            groups: groups, errorProbability: options.errorProbability, globalErrorProbability: options.globalErrorProbability,
            levelledOperandCount: 0, allowsSeveralParameterSets: false)
        let chosen = try CircuitParameterSelection.select(request)
        return (FHEProgram(circuit: circuit, precisions: precisions, parameters: chosen.partitions[0].parameters), chosen)
    }

    /// The TLU inputs and decrypted outputs of `circuit` as the parameter search sees them.
    static func valueGroups(_ circuit: Circuit, precisions: [Int]) -> [ValueGroup] {
        let nu = circuit.normSquared()
        var groups: [ValueGroup] = []
        for op in circuit.operations where circuit[op.result].isEncrypted {
            guard let first = op.operands.first else { continue }
            let bits = precisions[first.rawValue]
            let encryptedOperands = op.operands.filter { circuit[$0].isEncrypted }
            switch op.kind {
            case .tableLookup:
                groups.append(.tlus(op.label, precision: bits, squaredNorm: max(1, nu[first.rawValue]), count: circuit[first].elementCount))
            case .multiply where encryptedOperands.count == 2, .matMulEncrypted where encryptedOperands.count == 2:
                let pairs: Int
                if case .multiply = op.kind { pairs = circuit[first].elementCount } else {
                    pairs = circuit[op.result].elementCount * circuit[first].shape.last!
                }
                groups.append(.tlus(op.label + "/square", precision: bits,
                                    squaredNorm: max(1, nu[op.operands[0].rawValue] + nu[op.operands[1].rawValue]), count: 2 * pairs))
            case .maxPool(let g, _):
                let taps = g.kernelShape.reduce(1, *)
                let depth = Double(Int(ceil(log2(Double(max(taps, 2))))))
                // b − a where a and b are partial maxima: each adds one relu output per tree level.
                groups.append(.tlus(op.label + "/max", precision: precisions[op.result.rawValue],
                                    squaredNorm: 2 * (nu[first.rawValue] + depth), count: circuit[op.result].elementCount * (taps - 1)))
            case .round(let lsbs, .exact) where lsbs > 0:
                // Bit i is moved to the top by a clear multiplication by 2^(p−i), which scales the noise
                // accumulated so far (input plus i extracted bits) (reference/tfhe.md §5.10).
                for i in 0..<lsbs {
                    groups.append(.tlus("\(op.label)/round-bit\(i)", precision: 0,
                                        squaredNorm: (max(1, nu[first.rawValue]) + Double(i)) * exp2(2 * Double(bits - i)),
                                        count: circuit[first].elementCount))
                }
            default:
                continue
            }
        }
        for output in circuit.outputs where circuit[output].isEncrypted {
            groups.append(.decryptedOutputs("output \(circuit.producer(of: output).label)", precision: precisions[output.rawValue],
                                            squaredNorm: max(1, nu[output.rawValue]), count: circuit[output].elementCount))
        }
        return groups
    }
}
