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
                    re[j] = x * wr[j] - y * wi[j]
                    im[j] = x * wi[j] + y * wr[j]
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
                    re[j] = x * wr[j] - y * wi[j]
                    im[j] = x * wi[j] + y * wr[j]
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
                    let x = zr * ur[j] - zi * ui[j]
                    let y = zr * ui[j] + zi * ur[j]
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
                    output[j] = zr * ur[j] - zi * ui[j]
                    output[j &+ m] = zr * ui[j] + zi * ur[j]
                }
            }
        }
    }

    /// acc += a·b pointwise on Fourier polynomials (N doubles each).
    @inline(__always)
    public func multiplyAccumulate(
        _ acc: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>
    ) {
        let m = complexCount
        var j = 0
        while j < m {
            let ar = loadVector(a, j), ai = loadVector(a, j &+ m)
            let br = loadVector(b, j), bi = loadVector(b, j &+ m)
            let cr = loadVector(acc, j), ci = loadVector(acc, j &+ m)
            storeVector(cr + (ar * br - ai * bi), acc, j)
            storeVector(ci + (ar * bi + ai * br), acc, j &+ m)
            j &+= 4
        }
    }

    /// acc = a·b pointwise (first term of an accumulation).
    @inline(__always)
    public func multiply(
        _ acc: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>
    ) {
        let m = complexCount
        var j = 0
        while j < m {
            let ar = loadVector(a, j), ai = loadVector(a, j &+ m)
            let br = loadVector(b, j), bi = loadVector(b, j &+ m)
            storeVector(ar * br - ai * bi, acc, j)
            storeVector(ar * bi + ai * br, acc, j &+ m)
            j &+= 4
        }
    }
}
