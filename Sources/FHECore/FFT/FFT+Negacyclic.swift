// Fold + twist + transform, and the inverse with untwist + conversion back to the torus (reference/tfhe.md §5.5).
// A Fourier polynomial is N doubles: M real parts, then M imaginary parts.

extension FFTPlan {
    /// Forward transform of a torus polynomial (coefficients read as signed reals in [−1/2, 1/2)).
    /// - Parameters:
    ///   - input: N coefficients.
    ///   - output: N doubles (re then im), overwritten.
    public func forwardTorus(_ input: UnsafePointer<UInt64>, into output: UnsafeMutablePointer<Double>) {
        let m = complexCount
        let re = output, im = output + m
        twistRe.withUnsafeBufferPointer { wrB in
            twistIm.withUnsafeBufferPointer { wiB in
                let wr = wrB.baseAddress!, wi = wiB.baseAddress!
                for j in 0..<m {
                    let x = Torus.toReal(input[j])
                    let y = Torus.toReal(input[j &+ m])
                    re[j] = mulSub(x, wr[j], y, wi[j])
                    im[j] = mulAdd(x, wi[j], y, wr[j])
                }
            }
        }
        forwardInPlace(re: re, im: im)
    }

    /// Forward transform of a polynomial with small signed integer coefficients (decomposition digits),
    /// converted exactly.
    public func forwardInteger(_ input: UnsafePointer<Int64>, into output: UnsafeMutablePointer<Double>) {
        let m = complexCount
        let re = output, im = output + m
        twistRe.withUnsafeBufferPointer { wrB in
            twistIm.withUnsafeBufferPointer { wiB in
                let wr = wrB.baseAddress!, wi = wiB.baseAddress!
                for j in 0..<m {
                    let x = Double(input[j])
                    let y = Double(input[j &+ m])
                    re[j] = mulSub(x, wr[j], y, wi[j])
                    im[j] = mulAdd(x, wi[j], y, wr[j])
                }
            }
        }
        forwardInPlace(re: re, im: im)
    }

    /// Inverse transform of `fourier` (destroyed) whose product values are in torus units; the result,
    /// reduced mod 1 and rounded to 64 bits, is wrapping-added to `output`.
    public func inverseAddTorus(_ fourier: UnsafeMutablePointer<Double>, to output: UnsafeMutablePointer<UInt64>) {
        let m = complexCount
        let re = fourier, im = fourier + m
        inverseInPlace(re: re, im: im)
        untwistRe.withUnsafeBufferPointer { urB in
            untwistIm.withUnsafeBufferPointer { uiB in
                let ur = urB.baseAddress!, ui = uiB.baseAddress!
                for j in 0..<m {
                    let zr = re[j], zi = im[j]
                    let x = mulSub(zr, ur[j], zi, ui[j])
                    let y = mulAdd(zr, ui[j], zi, ur[j])
                    output[j] = output[j] &+ Torus.fromReal(x)
                    output[j &+ m] = output[j &+ m] &+ Torus.fromReal(y)
                }
            }
        }
    }

    /// Inverse transform of `fourier` (destroyed) to real coefficients (`output`, N doubles), for exact
    /// integer products whose values are far below 2^52.
    public func inverseReal(_ fourier: UnsafeMutablePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        let m = complexCount
        let re = fourier, im = fourier + m
        inverseInPlace(re: re, im: im)
        untwistRe.withUnsafeBufferPointer { urB in
            untwistIm.withUnsafeBufferPointer { uiB in
                let ur = urB.baseAddress!, ui = uiB.baseAddress!
                for j in 0..<m {
                    let zr = re[j], zi = im[j]
                    output[j] = mulSub(zr, ur[j], zi, ui[j])
                    output[j &+ m] = mulAdd(zr, ui[j], zi, ur[j])
                }
            }
        }
    }

    /// out = Σ_r a_r·b_r pointwise over `rows` pairs of Fourier polynomials (N doubles each): a_r at
    /// `a + r·N`, b_r at `b + r·rowStride`. One pass with the sum in registers, so `out` is written once
    /// and every input is read once.
    @inline(__always)
    public func sumOfProducts(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, rowStride: Int,
        into out: UnsafeMutablePointer<Double>
    ) {
        typealias V = SIMD8<Double>
        let m = complexCount
        let n = polynomialSize
        var j = 0
        while j < m {
            var cr = V(repeating: 0), ci = V(repeating: 0)
            var ap = a, bp = b
            for _ in 0..<rows {
                let ar = UnsafeRawPointer(ap + j).loadUnaligned(as: V.self)
                let ai = UnsafeRawPointer(ap + (j &+ m)).loadUnaligned(as: V.self)
                let br = UnsafeRawPointer(bp + j).loadUnaligned(as: V.self)
                let bi = UnsafeRawPointer(bp + (j &+ m)).loadUnaligned(as: V.self)
                cr = cr.addingProduct(ar, br).addingProduct(-ai, bi)
                ci = ci.addingProduct(ar, bi).addingProduct(ai, br)
                ap += n
                bp += rowStride
            }
            UnsafeMutableRawPointer(out + j).storeBytes(of: cr, as: V.self)
            UnsafeMutableRawPointer(out + (j &+ m)).storeBytes(of: ci, as: V.self)
            j &+= 8
        }
    }

    /// out = a·b pointwise (`out` may be `a`).
    @inline(__always)
    public func multiply(_ out: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) {
        sumOfProducts(a, b, rows: 1, rowStride: 0, into: out)
    }
}
