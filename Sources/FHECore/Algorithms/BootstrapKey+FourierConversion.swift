// Standard → Fourier bootstrap key, once at key load (reference/tfhe.md §5.5, torus mode).

/// Conversion of bootstrap keys to the Fourier domain.
public enum BootstrapKeyConversion {
    /// Every polynomial of every GGSW forward-transformed in torus mode, same layout.
    public static func fourier(_ key: LWEBootstrapKey) -> FourierLWEBootstrapKey {
        let n = key.polynomialSize.rawValue
        let polynomials = key.data.count / n
        let plan = FFTPlan(polynomialSize: key.polynomialSize)
        let data = [Double](unsafeUninitializedCapacity: key.data.count) { buffer, count in
            let out = buffer.baseAddress!
            key.data.withUnsafeBufferPointer { input in
                let chunk = 64
                Parallel.forEach(count: (polynomials + chunk - 1) / chunk, makeState: { () }) { _, c in
                    for p in c * chunk..<min(polynomials, (c + 1) * chunk) {
                        plan.forwardTorus(input.baseAddress! + p * n, into: out + p * n)
                    }
                }
            }
            count = key.data.count
        }
        return FourierLWEBootstrapKey(data: data, inputDimension: key.inputDimension, glweDimension: key.glweDimension,
                                      polynomialSize: key.polynomialSize, decomposition: key.decomposition)
    }
}
