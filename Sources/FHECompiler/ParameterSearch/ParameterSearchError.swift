// Why no parameters fit, in terms a model owner can act on (docs/PARAMETERS.md#search: which
// constraint, which layer).
import Foundation
import FHECore

/// The parameter search found nothing, or was asked something it cannot answer.
public struct ParameterSearchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Which constraint failed.
    public enum Reason: Hashable, Sendable {
        /// The TLU input has more bits than programmable bootstrapping supports (16, as Concrete).
        case precisionAboveMaximum(maximum: Int)
        /// A negative precision.
        case precisionBelowMinimum
        /// ν² is negative or not finite.
        case invalidSquaredNorm
        /// p_error or global_p_error outside (0, 1).
        case invalidErrorProbability(name: String)
        /// Both p_error and global_p_error were given.
        case bothErrorTargets
        /// The request has no TLU and no decrypted output: nothing bounds the noise.
        case noValues
        /// Even the smallest n with the largest N has a modulus-switch noise above V_max.
        case modulusSwitch(maximalLog2PolynomialSize: Int)
        /// For every (k, N, n) whose modulus switch fits, even the least noisy bootstrap gives
        /// ν²·V_BR + V_MS (or ν²·V_BR for a decrypted output) above V_max.
        case blindRotation
        /// Bootstrap and modulus switch fit, but no keyswitch decomposition keeps the sum below V_max.
        case keyswitch
        /// Every group fits alone, but no single set fits them all.
        case jointConstraints
        /// The global p_error target was not reached (after the optimizer calls allowed).
        case globalErrorNotReached(reached: Double)
        /// Sets fit, but none within the seeded evaluation-key budget; the cheapest needs `cheapestNeeds` bytes.
        case keyBudget(budget: Int, cheapestNeeds: Int)
    }

    /// The layer, group or output concerned (nil when the error is about the whole request).
    public let layer: String?
    /// Its precision in bits (nil when not about one value).
    public let precision: Int?
    /// Its ν².
    public let squaredNorm: Double?
    /// The per-TLU p_error the search ran at (or the global target for `.globalErrorNotReached`).
    public let errorProbability: Double?
    /// Which constraint failed.
    public let reason: Reason

    public var description: String {
        let name = layer.map { "'\($0)'" } ?? "the circuit"
        let p = errorProbability.map { Self.format(probability: $0) } ?? "?"
        let bits = precision.map { "\($0)-bit" } ?? "?-bit"
        let norm = squaredNorm.map { String(format: "ν² = %.6g", $0) } ?? "ν² = ?"
        switch reason {
        case .precisionAboveMaximum(let maximum):
            return "\(name): \(bits) TLU input is above the \(maximum)-bit maximum of programmable bootstrapping; "
                + "lower --n-bits or --rounding-threshold-bits for this layer"
        case .precisionBelowMinimum:
            return "\(name): a precision is at least 0 bits, got \(bits)"
        case .invalidSquaredNorm:
            return "\(name): the squared 2-norm must be finite and ≥ 0, got \(norm)"
        case .invalidErrorProbability(let field):
            return "\(field) must be in (0, 1), got \(p)"
        case .bothErrorTargets:
            return "--p-error and --global-p-error are both set; set only one of them"
        case .noValues:
            return "the circuit has no TLU and no decrypted output, so nothing fixes its parameters"
        case .modulusSwitch(let maximalLog2N):
            return "\(name): no (k, N) with log2 N ≤ \(maximalLog2N) keeps the modulus-switch noise below V_max "
                + "for \(bits) TLUs at --p-error \(p); lower the precision (--rounding-threshold-bits) or raise --p-error"
        case .blindRotation:
            return "\(name): the dot product feeding its \(bits) values has \(norm); even the least noisy bootstrap "
                + "leaves ν²·V_BR above V_max at --p-error \(p); lower the weights' bit width or the 2-norm, lower the "
                + "precision (--rounding-threshold-bits), or raise --p-error"
        case .keyswitch:
            return "\(name): no keyswitch decomposition keeps ν²·V_BR + V_KS + V_MS below V_max for \(bits) TLUs "
                + "with \(norm) at --p-error \(p); lower the precision or the 2-norm, or raise --p-error"
        case .jointConstraints:
            return "no single parameter set satisfies every TLU group at --p-error \(p) (tightest: \(name), \(bits), \(norm)); "
                + "lower the largest precisions or raise --p-error"
        case .globalErrorNotReached(let reached):
            return "--global-p-error \(p) not reached: the best parameters give \(Self.format(probability: reached))"
        case .keyBudget(let budget, let needs):
            return String(format: "no parameter set keeps the seeded evaluation keys within %.1f MB at --p-error %@ "
                          + "(the cheapest set needs %.1f MB); raise --max-key-mb, lower the precision "
                          + "(--rounding-threshold-bits) or the weights' bit width, or raise --p-error",
                          Double(budget) / 1e6, p, Double(needs) / 1e6)
        }
    }

    /// A probability as 2^x when it is a power of two (2^-40), else in scientific notation.
    static func format(probability: Double) -> String {
        let exponent = log2(probability)
        if exponent == exponent.rounded() && abs(exponent) < 1100 { return "2^\(Int(exponent))" }
        return String(format: "%.3g", probability)
    }

    /// The largest TLU input precision, as Concrete.
    public static let maximalPrecision = 16

    /// Refuses precisions, norms and p_error values the search cannot take, naming the layer.
    static func checkInputs(groups: [ValueGroup], errorProbability: Double) throws {
        guard errorProbability > 0 && errorProbability < 1 else {
            throw ParameterSearchError(layer: nil, precision: nil, squaredNorm: nil, errorProbability: errorProbability,
                                       reason: .invalidErrorProbability(name: "--p-error"))
        }
        for group in groups {
            let (name, precision, norm) = (group.name, group.precision, group.squaredNorm)
            if precision > maximalPrecision {
                throw ParameterSearchError(layer: name, precision: precision, squaredNorm: norm, errorProbability: errorProbability,
                                           reason: .precisionAboveMaximum(maximum: maximalPrecision))
            }
            if precision < 0 {
                throw ParameterSearchError(layer: name, precision: precision, squaredNorm: norm, errorProbability: errorProbability,
                                           reason: .precisionBelowMinimum)
            }
            if !(norm >= 0 && norm.isFinite) {
                throw ParameterSearchError(layer: name, precision: precision, squaredNorm: norm, errorProbability: errorProbability,
                                           reason: .invalidSquaredNorm)
            }
        }
    }

    /// Explains a failed search: the first group or output that cannot be satisfied alone, and the
    /// first constraint it breaks (modulus switch, then bootstrap, then keyswitch); otherwise the
    /// groups only conflict together.
    static func diagnose(
        groups: [ValueGroup], errorProbability: Double,
        searchSpace: ParameterSearchSpace, cache: inout DecompositionParetoCache
    ) -> ParameterSearchError {
        let smallestN = searchSpace.lweDimensions.lowerBound
        var tightest: (name: String, precision: Int, norm: Double, slack: Double)?
        for group in groups {
            let (name, precision, norm) = (group.name, group.precision, group.squaredNorm)
            let constraint = group.ownConstraint(errorProbability: errorProbability)
            let vMax = constraint.maximalVariance
            func failure(_ reason: Reason) -> ParameterSearchError {
                ParameterSearchError(layer: name, precision: precision, squaredNorm: norm, errorProbability: errorProbability, reason: reason)
            }
            let throughKeyswitch = group.role == .tluInput
            // The modulus switch alone.
            let switchFits = searchSpace.log2PolynomialSizes.contains {
                NoiseModel.modulusSwitchVariance(lweDimension: smallestN, log2PolynomialSize: $0) <= vMax
            }
            if throughKeyswitch && !switchFits {
                return failure(.modulusSwitch(maximalLog2PolynomialSize: searchSpace.log2PolynomialSizes.upperBound))
            }
            // The least noisy bootstrap plus the modulus switch.
            var rotationFits = false
            for k in searchSpace.glweDimensions where !rotationFits {
                for log2N in searchSpace.log2PolynomialSizes where !rotationFits {
                    guard let leastNoisy = cache.cmux(glweDimension: k, log2PolynomialSize: log2N,
                                                            precisions: searchSpace.fourierPrecisions).last else { continue }
                    for n in searchSpace.lweDimensions {
                        let ms = throughKeyswitch ? NoiseModel.modulusSwitchVariance(lweDimension: n, log2PolynomialSize: log2N) : 0
                        if ms > vMax { break }
                        if Double(n) * leastNoisy.variance * norm + ms <= vMax { rotationFits = true; break }
                    }
                }
            }
            if !rotationFits { return failure(.blindRotation) }
            if ParameterOptimizer.cheapest(constraints: [constraint], objective: CostObjective(levelledOperandCount: 0, tluCount: 1),
                                           searchSpace: searchSpace, cache: &cache) == nil {
                return failure(.keyswitch)
            }
            let slack = vMax / max(norm, 1)
            if tightest == nil || slack < tightest!.slack { tightest = (name, precision, norm, slack) }
        }
        return ParameterSearchError(layer: tightest?.name, precision: tightest?.precision, squaredNorm: tightest?.norm,
                                    errorProbability: errorProbability, reason: .jointConstraints)
    }
}
