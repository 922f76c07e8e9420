import Foundation
// How much noise each value carries, in the two units the noise model needs (docs/NOISE.md#linear-operations):
// ν² over fresh encryptions (circuit inputs, variance Var_min(k·N)) and ν² over PBS outputs (V_BR).
// Concrete's optimizer keeps the same split (`input_coeff·V_fresh + lut_coeff·V_BR`); lumping both
// into V_BR would charge a first layer's weights against the bootstrap noise they never see.

/// The squared 2-norms of every value of a circuit, split by noise source.
public struct NoiseWeights: Sendable, Equatable {
    /// ν² over fresh input encryptions, per value.
    public var fresh: [Double]
    /// ν² over PBS outputs, per value.
    public var bootstrapped: [Double]

    /// Propagates the weights through the circuit's leveled operations.
    public init(_ circuit: Circuit) {
        var fresh = [Double](repeating: 0, count: circuit.values.count)
        var boot = fresh
        for op in circuit.operations {
            let r = op.result.rawValue
            guard circuit[op.result].isEncrypted else { continue }
            let ins = op.operands.map(\.rawValue)
            func scaled(_ factor: Double, _ i: Int) { fresh[r] = factor * fresh[i]; boot[r] = factor * boot[i] }
            let pattern = circuit.bootstrapPattern(of: op)
            // What the result keeps of its operands' noise; the PBS outputs it adds are counted below.
            switch op.kind {
            case .input:
                fresh[r] = 1
            case .tableLookup:
                break
            case .multiply, .matMulEncrypted:
                // Encrypted × encrypted: PBS outputs only.
                guard !pattern.bootstraps else { break }
                // Encrypted × clear: the clear factor is bounded by its range.
                let encrypted = op.operands.filter { circuit[$0].isEncrypted }
                let clear = circuit[op.operands.first { !circuit[$0].isEncrypted }!].range
                let bound = Double(max(abs(clear.min), abs(clear.max)))
                let terms = op.kind == .multiply ? 1.0 : Double(circuit[op.operands[0]].shape.last!)
                scaled(bound * bound * terms, encrypted[0].rawValue)
            case .matMul(let w):
                let n = w.shape[1]
                var worst = 0.0
                for j in 0..<n {
                    var s = 0.0
                    for k in 0..<w.shape[0] { let x = Double(w.values[k * n + j]); s += x * x }
                    worst = max(worst, s)
                }
                scaled(worst, ins[0])
            case .conv(let w, _, _, _):
                let per = w.count / max(1, w.shape[0])
                var worst = 0.0
                for o in 0..<w.shape[0] {
                    var s = 0.0
                    for i in (o * per)..<((o + 1) * per) { let x = Double(w.values[i]); s += x * x }
                    worst = max(worst, s)
                }
                scaled(worst, ins[0])
            case .reduceSum(let axes, _):
                scaled(Double(axes.reduce(1) { $0 * circuit[op.operands[0]].shape[$1] }), ins[0])
            case .mulConstant(let c):
                scaled(c.values.map { Double($0) * Double($0) }.max() ?? 0, ins[0])
            case .add, .subtract:
                fresh[r] = ins.map { fresh[$0] }.reduce(0, +)
                boot[r] = ins.map { boot[$0] }.reduce(0, +)
            case .concat:
                fresh[r] = ins.map { fresh[$0] }.max() ?? 0
                boot[r] = ins.map { boot[$0] }.max() ?? 0
            case .maxPool, .round, .addConstant, .reshape, .transpose, .slice, .pad, .gather, .expand:
                scaled(1, ins[0])
            }
            boot[r] += Double(pattern.outputsPerResultElement)
        }
        self.fresh = fresh
        self.bootstrapped = boot
    }

    /// The variance of value `index` before any keyswitch: ν²_boot·V_BR + ν²_fresh·Var_min(k·N).
    public func variance(of index: Int, parameters: ParameterSet) -> Double {
        Self.variance(fresh: fresh[index], bootstrapped: bootstrapped[index], parameters: parameters)
    }

    /// The weights of each PBS input of `group` of `op`, whose first operand is encoded on `operandPrecision` bits.
    public func pbsInput(_ group: BootstrapGroup, of op: CircuitOperation, operandPrecision: Int) -> (fresh: Double, bootstrapped: Double) {
        // Only a product's PBS read both operands; the others read the first.
        let read = group.input == .sumAndDifference ? op.operands : [op.operands[0]]
        return (group.inputSquaredNorm(operands: read.map { fresh[$0.rawValue] }, operandPrecision: operandPrecision, countsAddedOutputs: false),
                group.inputSquaredNorm(operands: read.map { bootstrapped[$0.rawValue] }, operandPrecision: operandPrecision,
                                       countsAddedOutputs: true))
    }

    /// The variance of each PBS input of `group` of `op` before its keyswitch, under `parameters` (the operand's partition).
    public func pbsInputVariance(_ group: BootstrapGroup, of op: CircuitOperation, operandPrecision: Int, parameters: ParameterSet) -> Double {
        let weights = pbsInput(group, of: op, operandPrecision: operandPrecision)
        return Self.variance(fresh: weights.fresh, bootstrapped: weights.bootstrapped, parameters: parameters)
    }

    /// ν²_boot·V_BR + ν²_fresh·Var_min(k·N) under `parameters`.
    static func variance(fresh: Double, bootstrapped: Double, parameters: ParameterSet) -> Double {
        bootstrapped * NoiseModel.pbsOutputVariance(for: parameters)
            + fresh * parameters.glweNoiseStandardDeviation * parameters.glweNoiseStandardDeviation
    }
}
