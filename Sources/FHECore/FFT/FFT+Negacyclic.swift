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
        if m < 16 {
            // Too small for the fused radix-4 first pass: twist, then transform.
            for j in 0..<m {
                let x = Double(input[j])
                let y = Double(input[j &+ m])
                re[j] = x * twistRe[j] - y * twistIm[j]
                im[j] = x * twistIm[j] + y * twistRe[j]
            }
            forwardInPlace(re: re, im: im)
            return
        }
        // The fold and twist are fused into the first radix-4 pass (half-sizes M/2 and M/4, one block), which
        // saves a pass over memory; the remaining stages run as usual.
        let half = m >> 1, q = m >> 2
        twistRe.withUnsafeBufferPointer { wrB in
            twistIm.withUnsafeBufferPointer { wiB in
                twiddleRe.withUnsafeBufferPointer { twrB in
                    twiddleIm.withUnsafeBufferPointer { twiB in
                        let wr = wrB.baseAddress!, wi = wiB.baseAddress!
                        let twr = twrB.baseAddress!, twi = twiB.baseAddress!
                        var j = 0
                        while j < q {
                            let i0 = j, i1 = j &+ q, i2 = j &+ half, i3 = i2 &+ q
                            let (x0r, x0i) = Self.twisted(input, i0, m, wr, wi)
                            let (x1r, x1i) = Self.twisted(input, i1, m, wr, wi)
                            let (x2r, x2i) = Self.twisted(input, i2, m, wr, wi)
                            let (x3r, x3i) = Self.twisted(input, i3, m, wr, wi)
                            Self.difButterfly4(x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i, re: re, im: im,
                                               i0: i0, i1: i1, i2: i2, i3: i3, wA: i2, v: i1, twr: twr, twi: twi)
                            j &+= 4
                        }
                    }
                }
            }
        }
        forwardStages(re: re, im: im, firstHalf: m >> 3)
    }

    /// z_i = (x_i + i·x_{i+M})·w_i for four consecutive i, from integer coefficients.
    @inline(__always)
    static func twisted(
        _ input: UnsafePointer<Int64>, _ i: Int, _ m: Int, _ wr: UnsafePointer<Double>, _ wi: UnsafePointer<Double>
    ) -> (FFTVector, FFTVector) {
        let x = FFTVector(UnsafeRawPointer(input + i).loadUnaligned(as: SIMD4<Int64>.self))
        let y = FFTVector(UnsafeRawPointer(input + (i &+ m)).loadUnaligned(as: SIMD4<Int64>.self))
        let cr = loadVector(wr, i), ci = loadVector(wi, i)
        return (x * cr - y * ci, x * ci + y * cr)
    }

    /// Inverse transform of `fourier` (destroyed) whose product values are in torus units; the result,
    /// reduced mod 1 and rounded to 64 bits, is wrapping-added to `output`.
    public func inverseAddTorus(_ fourier: UnsafeMutablePointer<Double>, to output: UnsafeMutablePointer<UInt64>) {
        let m = complexCount
        let re = fourier, im = fourier + m
        if m < 16 {
            inverseInPlace(re: re, im: im)
            for j in 0..<m {
                let zr = re[j], zi = im[j]
                let x = zr * untwistRe[j] - zi * untwistIm[j]
                let y = zr * untwistIm[j] + zi * untwistRe[j]
                output[j] = output[j] &+ Torus.fromReal(x)
                output[j &+ m] = output[j &+ m] &+ Torus.fromReal(y)
            }
            return
        }
        // The last radix-4 pass (half-sizes M/4 and M/2, one block) is fused with the untwist, the unfold and
        // the conversion to the torus, which saves a pass over memory.
        let q = m >> 2, h = m >> 1
        inverseStages(re: re, im: im, upTo: q)
        untwistRe.withUnsafeBufferPointer { urB in
            untwistIm.withUnsafeBufferPointer { uiB in
                twiddleRe.withUnsafeBufferPointer { twrB in
                    twiddleIm.withUnsafeBufferPointer { twiB in
                        let ur = urB.baseAddress!, ui = uiB.baseAddress!
                        let twr = twrB.baseAddress!, twi = twiB.baseAddress!
                        var j = 0
                        while j < q {
                            let i0 = j, i1 = j &+ q, i2 = j &+ h, i3 = i2 &+ q
                            let z = Self.ditButterfly4(re: re, im: im, i0: i0, i1: i1, i2: i2, i3: i3, v: i1, wA: i2,
                                                       twr: twr, twi: twi)
                            Self.untwistAdd(z.0, z.1, i0, m, ur, ui, output)
                            Self.untwistAdd(z.2, z.3, i1, m, ur, ui, output)
                            Self.untwistAdd(z.4, z.5, i2, m, ur, ui, output)
                            Self.untwistAdd(z.6, z.7, i3, m, ur, ui, output)
                            j &+= 4
                        }
                    }
                }
            }
        }
    }

    /// output[i…i+3] += torus(Re(z·u)), output[i+M…] += torus(Im(z·u)) for the untwist u.
    @inline(__always)
    static func untwistAdd(
        _ zr: FFTVector, _ zi: FFTVector, _ i: Int, _ m: Int,
        _ ur: UnsafePointer<Double>, _ ui: UnsafePointer<Double>, _ output: UnsafeMutablePointer<UInt64>
    ) {
        let cr = loadVector(ur, i), ci = loadVector(ui, i)
        let x = zr * cr - zi * ci, y = zr * ci + zi * cr
        let px = UnsafeMutableRawPointer(output + i), py = UnsafeMutableRawPointer(output + (i &+ m))
        px.storeBytes(of: px.loadUnaligned(as: SIMD4<UInt64>.self) &+ torusVector(x), as: SIMD4<UInt64>.self)
        py.storeBytes(of: py.loadUnaligned(as: SIMD4<UInt64>.self) &+ torusVector(y), as: SIMD4<UInt64>.self)
    }

    /// `Torus.fromReal` lane-wise (same split into two rounded 32-bit halves, no trapping conversion).
    @inline(__always)
    static func torusVector(_ y: FFTVector) -> SIMD4<UInt64> {
        let magic = FFTVector(repeating: 6755399441055744.0)
        let magicBits = SIMD4<Int64>(repeating: Int64(bitPattern: 6755399441055744.0.bitPattern))
        let f = y - ((y + magic) - magic)
        let t = f * 4294967296.0
        let hiD = t + magic
        let hi = unsafeBitCast(hiD, to: SIMD4<Int64>.self) &- magicBits
        let lo = (t - (hiD - magic)) * 4294967296.0
        let loI = unsafeBitCast(lo + magic, to: SIMD4<Int64>.self) &- magicBits
        return unsafeBitCast((hi &<< 32) &+ loI, to: SIMD4<UInt64>.self)
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
