// The inverse complementary error function, needed for κ(p_error) = √2·erfc⁻¹(p_error)
// (docs/NOISE.md#failure-probability). Foundation has erfc but no inverse.
import Foundation

/// Error-function helpers missing from Foundation.
public enum ErrorFunction {
    /// erfc⁻¹(y) for y in (0, 2): the x with erfc(x) = y.
    ///
    /// A rational approximation of the normal quantile (Abramowitz & Stegun 26.2.23, error < 4.5e−4)
    /// gives the start; Newton steps on ln erfc(x) − ln y, whose derivative is −(2/√π)·e^(−x²)/erfc(x),
    /// then converge quadratically and keep full relative accuracy down to y ≈ 1e−300 (working on the
    /// logarithm avoids the underflow of erfc's tail).
    public static func inverseComplementary(_ y: Double) -> Double {
        precondition(y > 0 && y < 2, "erfc⁻¹ is defined on (0, 2), got \(y)")
        if y == 1 { return 0 }
        if y > 1 { return -inverseComplementary(2 - y) }
        // erfc(x) = 2·Q(x·√2) with Q the standard normal tail, so x = Q⁻¹(y/2)/√2.
        let t = (-2 * log(y / 2)).squareRoot()
        let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
        var x = max(z, 0) / 2.0.squareRoot()
        let logY = log(y)
        let twoOverRootPi = 2 / Double.pi.squareRoot()
        for _ in 0..<50 {
            let value = erfc(x)
            let g = log(value) - logY
            let derivative = -twoOverRootPi * exp(-x * x) / value
            let step = g / derivative
            x -= step
            if abs(step) <= 1e-16 * max(abs(x), 1e-300) { break }
        }
        return x
    }
}
