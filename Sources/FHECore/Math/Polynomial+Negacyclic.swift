// Polynomial arithmetic in Z_q[X]/(X^N + 1), q = 2^64, on flat UInt64 coefficient buffers.

/// Negacyclic polynomial helpers (docs/ALGORITHMS.md#negacyclic-fft: rotations for the PBS, exact products for tests).
public enum NegacyclicPolynomial {
    /// output = X^power · input mod X^N + 1, for any power in [0, 2N).
    @inlinable
    public static func rotate(
        _ input: UnsafePointer<UInt64>, by power: Int, count n: Int, into output: UnsafeMutablePointer<UInt64>
    ) {
        precondition(power >= 0 && power < 2 * n, "rotation power \(power) outside [0, 2N)")
        let negateAll = power >= n
        let p = negateAll ? power - n : power
        // Coefficient j of X^p·x is x[j − p] for j ≥ p and −x[j − p + N] for j < p.
        for j in 0..<p {
            let v = input[j &+ n &- p]
            output[j] = negateAll ? v : 0 &- v
        }
        for j in p..<n {
            let v = input[j &- p]
            output[j] = negateAll ? 0 &- v : v
        }
    }

    /// The exact product a·b mod (X^N + 1, 2^64) by the schoolbook method (O(N²); for tests and checks).
    public static func schoolbookProduct(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let n = a.count
        precondition(b.count == n, "polynomial sizes differ: \(a.count) vs \(b.count)")
        var out = [UInt64](repeating: 0, count: n)
        for i in 0..<n where a[i] != 0 {
            for j in 0..<n {
                let p = a[i] &* b[j]
                let k = i + j
                if k < n { out[k] = out[k] &+ p } else { out[k - n] = out[k - n] &- p }
            }
        }
        return out
    }

    /// output += a·s mod (X^N + 1, 2^64), exactly, for a torus polynomial `a` and a binary polynomial `s`.
    ///
    /// `a` is split into four 16-bit limbs; each limb product has coefficients below 2^16·N, exact through the
    /// f64 FFT, and the limbs are recombined with wrapping arithmetic. Used by encryption and decryption.
    public static func addBinaryProduct(
        _ a: UnsafePointer<UInt64>, binary sFourier: UnsafePointer<Double>, plan: FFTPlan,
        to output: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<Double>
    ) {
        let n = plan.polynomialSize
        precondition(n <= 1 << 20, "exact product supports N ≤ 2^20, got \(n)")
        let limbs = UnsafeMutablePointer<Int64>.allocate(capacity: n)
        let fourier = scratch, real = scratch + n
        defer { limbs.deallocate() }
        for limb in 0..<4 {
            let shift = UInt64(16 * limb)
            for j in 0..<n { limbs[j] = Int64((a[j] >> shift) & 0xFFFF) }
            plan.forwardInteger(limbs, into: fourier)
            plan.multiply(fourier, fourier, sFourier)
            plan.inverseReal(fourier, into: real)
            for j in 0..<n {
                let v = UInt64(bitPattern: Int64(real[j].rounded()))
                output[j] = output[j] &+ (v &<< shift)
            }
        }
    }

    /// The Fourier transform of a binary (or small integer) polynomial, for `addBinaryProduct`.
    public static func fourierOfSmall(_ s: UnsafePointer<UInt64>, plan: FFTPlan) -> [Double] {
        let n = plan.polynomialSize
        var ints = [Int64](repeating: 0, count: n)
        for j in 0..<n { ints[j] = Int64(bitPattern: s[j]) }
        var out = [Double](repeating: 0, count: n)
        ints.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { plan.forwardInteger(i.baseAddress!, into: $0.baseAddress!) } }
        return out
    }
}
