// Combining independent failures, docs/NOISE.md#global-failure-probability (Concrete `noise_estimator/p_error.rs`).
import Foundation

extension NoiseModel {
    /// P(at least one fails) for two independent events: 1 − (1 − p1)(1 − p2) (docs/NOISE.md#global-failure-probability).
    public static func combineErrorProbabilities(_ p1: Double, _ p2: Double) -> Double {
        p1 + p2 - p1 * p2
    }

    /// 1 − (1 − p)^count for `count` independent TLUs of failure probability p (docs/NOISE.md#global-failure-probability): a binomial
    /// series when count·p ≤ 1 (no cancellation for tiny p), repeated combination otherwise.
    public static func repeatedErrorProbability(_ p: Double, count: Int) -> Double {
        precondition(count >= 0, "a TLU count is never negative, got \(count)")
        precondition(p >= 0 && p <= 1, "a probability is in [0, 1], got \(p)")
        if p * Double(count) > 1 {
            // Here (1 − p)^count is far from 1, so the power loses nothing.
            var total = 0.0
            var remaining = count
            var power = p
            // Square-and-multiply on the combination keeps this O(log count).
            while remaining > 0 {
                if remaining & 1 == 1 { total = combineErrorProbabilities(total, power) }
                power = combineErrorProbabilities(power, power)
                remaining >>= 1
            }
            return total
        }
        var total = 0.0
        var term = -1.0
        var i = 1
        while i <= count {
            term *= -p * Double(count - i + 1) / Double(i)
            let next = total + term
            if next == total { break }
            total = next
            i += 1
        }
        return total
    }

    /// The global error of a circuit whose TLU instances fail independently: 1 − Π(1 − p_i)^count_i
    /// over (p_i, count_i) pairs (docs/NOISE.md#global-failure-probability, Concrete's DAG estimate).
    public static func globalErrorProbability(_ failures: [(errorProbability: Double, count: Int)]) -> Double {
        var total = 0.0
        for failure in failures {
            total = combineErrorProbabilities(total, repeatedErrorProbability(failure.errorProbability, count: failure.count))
        }
        return total
    }

    /// The per-TLU failure probability p that gives `count` independent TLUs a global failure
    /// probability `global`: 1 − (1 − global)^(1/count), computed without cancellation.
    public static func localErrorProbability(global: Double, count: Double) -> Double {
        precondition(global > 0 && global < 1 && count >= 1, "need 0 < global < 1 and count ≥ 1, got \(global), \(count)")
        return -expm1(log1p(-global) / count)
    }
}
