import Foundation
// How much noise each value carries, in the two units the noise model needs (reference/tfhe.md §2.1):
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
            switch op.kind {
            case .input:
                fresh[r] = 1
            case .tableLookup:
                boot[r] = 1
            case .multiply, .matMulEncrypted:
                let encrypted = op.operands.filter { circuit[$0].isEncrypted }
                if encrypted.count == 2 {
                    boot[r] = 2 * Double(op.kind == .multiply ? 1 : circuit[op.operands[0]].shape.last!)
                } else {
                    // Encrypted × clear: the clear factor is bounded by its range.
                    let clear = circuit[op.operands.first { !circuit[$0].isEncrypted }!].range
                    let bound = Double(max(abs(clear.min), abs(clear.max)))
                    let terms = op.kind == .multiply ? 1.0 : Double(circuit[op.operands[0]].shape.last!)
                    scaled(bound * bound * terms, encrypted[0].rawValue)
                }
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
            case .maxPool(let g, _):
                // a + relu(b − a) per tree level.
                let taps = g.kernelShape.reduce(1, *)
                scaled(1, ins[0])
                boot[r] += Double(Int(ceil(log2(Double(max(taps, 2))))))
            case .round(let lsbs, let method):
                scaled(1, ins[0])
                if method == .exact { boot[r] += Double(lsbs) }  // the subtracted bit-extraction outputs
            case .concat:
                fresh[r] = ins.map { fresh[$0] }.max() ?? 0
                boot[r] = ins.map { boot[$0] }.max() ?? 0
            case .addConstant, .reshape, .transpose, .slice, .pad, .gather, .expand:
                scaled(1, ins[0])
            }
        }
        self.fresh = fresh
        self.bootstrapped = boot
    }

    /// The variance of value `index` before any keyswitch: ν²_boot·V_BR + ν²_fresh·Var_min(k·N).
    public func variance(of index: Int, parameters: ParameterSet) -> Double {
        bootstrapped[index] * NoiseModel.pbsOutputVariance(for: parameters)
            + fresh[index] * parameters.glweNoiseStandardDeviation * parameters.glweNoiseStandardDeviation
    }
}
