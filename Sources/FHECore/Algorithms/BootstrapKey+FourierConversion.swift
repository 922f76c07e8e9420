// Standard → Fourier bootstrap key, once at key load (docs/ALGORITHMS.md#negacyclic-fft, torus mode).

/// Conversion of bootstrap keys to the Fourier domain.
public enum BootstrapKeyConversion {
    /// Every polynomial of every GGSW forward-transformed in torus mode, same layout; for a split key
    /// (`FourierPrecision.split`) each GGSW becomes its top parts then its rests.
    public static func fourier(_ key: LWEBootstrapKey, precision: FourierPrecision = .standard) -> FourierLWEBootstrapKey {
        let n = key.polynomialSize.rawValue
        let polynomials = key.data.count / n
        let parts = precision.keyParts
        let ggswPolynomials = polynomials / key.inputDimension.rawValue
        let plan = FFTPlan(polynomialSize: key.polynomialSize)
        let h = UInt64(FourierPrecision.splitBits)
        let storage = AlignedBuffer<Double>(count: parts * key.data.count) { out in
            key.data.withUnsafeBufferPointer { input in
                let chunk = 64
                Parallel.forEach(count: (polynomials + chunk - 1) / chunk, makeState: { () }) { _, c in
                    guard parts == 2 else {
                        for p in c * chunk..<min(polynomials, (c + 1) * chunk) {
                            plan.forwardTorus(input.baseAddress! + p * n, into: out + p * n)
                        }
                        return
                    }
                    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * n) { split in
                        let top = split.baseAddress!, rest = top + n
                        for p in c * chunk..<min(polynomials, (c + 1) * chunk) {
                            // b = top + rest: top rounded to a multiple of 2^(64−h), |rest| ≤ 2^(63−h).
                            let b = input.baseAddress! + p * n
                            for j in 0..<n {
                                top[j] = (b[j] &+ (1 &<< (63 &- h))) & ~((1 &<< (64 &- h)) &- 1)
                                rest[j] = b[j] &- top[j]
                            }
                            let ggsw = p / ggswPolynomials, within = p % ggswPolynomials
                            let topOut = out + (ggsw * 2 * ggswPolynomials + within) * n
                            plan.forwardTorus(top, into: topOut)
                            plan.forwardTorus(rest, into: topOut + ggswPolynomials * n)
                        }
                    }
                }
            }
        }
        return FourierLWEBootstrapKey(storage: storage, inputDimension: key.inputDimension, glweDimension: key.glweDimension,
                                      polynomialSize: key.polynomialSize, decomposition: key.decomposition,
                                      fourierPrecision: precision)
    }
}
