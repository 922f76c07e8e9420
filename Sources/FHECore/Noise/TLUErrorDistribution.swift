// How often, and by how much, a TLU returns a wrong entry (docs/NOISE.md#tlu-error-distribution): the
// blind rotation reads the box of m·Δ + e, so a noise e in [(j − ½)Δ, (j + ½)Δ) returns the entry
// j boxes away. The simulator draws its injected errors from this.
import Foundation

/// The distribution of the box offset a TLU reads, for a Gaussian input noise.
public struct TLUErrorDistribution: Hashable, Sendable {
    /// Bits of the TLU input (message bits, padding excluded).
    public let precision: Int
    /// The input variance (torus) the offsets come from.
    public let inputVariance: Double
    /// P(offset ≠ 0): the probability that the TLU returns a wrong entry.
    public let failureProbability: Double
    /// `positiveOffsetProbabilities[j − 1]` = P(offset = +j) = P(offset = −j), for j = 1, 2, …, up to
    /// the last offset whose probability is not negligible (below 1e−300, or 2^precision boxes).
    public let positiveOffsetProbabilities: [Double]

    /// The distribution for a p-bit TLU whose input has Gaussian noise of variance `inputVariance`.
    public init(precision: Int, inputVariance: Double) {
        precondition(precision >= 0 && precision <= 16, "TLU precision must be in 0...16 bits, got \(precision)")
        precondition(inputVariance > 0, "input variance must be positive, got \(inputVariance)")
        self.precision = precision
        self.inputVariance = inputVariance
        self.failureProbability = NoiseModel.errorProbability(precision: precision, variance: inputVariance)
        let box = exp2(Double(-precision - 1))  // Δ on the torus
        let scale = 1 / (2.0.squareRoot() * inputVariance.squareRoot())
        var offsets: [Double] = []
        var j = 1
        while j <= 1 << precision {
            // ½·[erfc((j − ½)Δ/(σ√2)) − erfc((j + ½)Δ/(σ√2))], one side of the Gaussian.
            let p = 0.5 * (erfc((Double(j) - 0.5) * box * scale) - erfc((Double(j) + 0.5) * box * scale))
            if p < 1e-300 { break }
            offsets.append(p)
            j += 1
        }
        self.positiveOffsetProbabilities = offsets
    }

    /// P(offset = `offset`) in boxes; offset 0 is the correct entry. Offsets are in the encoded index
    /// space: one that leaves [0, 2^p) wraps through the padding bit (negacyclic, docs/ALGORITHMS.md#lookup-table).
    public func probability(ofOffset offset: Int) -> Double {
        if offset == 0 { return 1 - failureProbability }
        let j = abs(offset)
        return j <= positiveOffsetProbabilities.count ? positiveOffsetProbabilities[j - 1] : 0
    }

    /// The distribution for a TLU of `precision` bits fed by a dot product of squared 2-norm
    /// `squaredNorm` over PBS outputs, under `parameters` (V_in of docs/NOISE.md#atomic-pattern with the set's own noises).
    public static func forTLU(parameters: ParameterSet, precision: Int, squaredNorm: Double) -> TLUErrorDistribution {
        TLUErrorDistribution(
            precision: precision,
            inputVariance: NoiseModel.tluInputVariance(for: parameters, squaredNorm: squaredNorm).total)
    }
}
