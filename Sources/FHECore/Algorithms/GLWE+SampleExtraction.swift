// Sample extraction of coefficient 0 (docs/ALGORITHMS.md#pbs, step 4).

/// Sample extraction.
public enum SampleExtraction {
    /// output (k·N + 1 words) = the LWE under the big key of coefficient 0 of the GLWE at `glwe`:
    /// body B_0; mask block of polynomial p is (a_0, −a_{N−1}, …, −a_1).
    @inlinable
    public static func extractConstant(
        _ glwe: UnsafePointer<UInt64>, glweDimension k: Int, polynomialSize n: Int, into output: UnsafeMutablePointer<UInt64>
    ) {
        for p in 0..<k {
            let a = glwe + p &* n
            let o = output + p &* n
            o[0] = a[0]
            for j in 1..<n { o[j] = 0 &- a[n &- j] }
        }
        output[k &* n] = glwe[k &* n]
    }

    /// The extracted LWE of coefficient 0 of `glwe`.
    public static func extractConstant(_ glwe: GLWECiphertext) -> LWECiphertext {
        let k = glwe.glweDimension.rawValue, n = glwe.polynomialSize.rawValue
        var out = LWECiphertext(lweDimension: LWEDimension(k * n))
        glwe.data.withUnsafeBufferPointer { g in
            out.data.withUnsafeMutableBufferPointer { extractConstant(g.baseAddress!, glweDimension: k, polynomialSize: n, into: $0.baseAddress!) }
        }
        return out
    }
}
