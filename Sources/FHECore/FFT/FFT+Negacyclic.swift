// Fold + twist + transform, and the inverse with untwist + conversion back to the torus (reference/tfhe.md §5.5).
// A Fourier polynomial is N doubles: M complex points in blocks of 8 real parts followed by their 8 imaginary
// parts (`slot` in FFT+Core.swift).

/// The 8 doubles at p[i…].
@inline(__always) @usableFromInline
func load8(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD8<Double> { UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Double>.self) }

@inline(__always) @usableFromInline
func load8(_ p: UnsafeMutablePointer<Double>, _ i: Int) -> SIMD8<Double> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Double>.self)
}

/// Stores 8 doubles at p[i…].
@inline(__always) @usableFromInline
func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Double>.self)
}

/// Coefficients block… (x) and block + M… (y) of an input polynomial, as reals.
protocol CoefficientReader { func coefficients(_ block: Int) -> (SIMD8<Double>, SIMD8<Double>) }

/// Torus coefficients read as signed reals in [−1/2, 1/2).
struct TorusCoefficients: CoefficientReader {
    let input: UnsafePointer<UInt64>, m: Int
    @inline(__always) func coefficients(_ block: Int) -> (SIMD8<Double>, SIMD8<Double>) {
        (Torus.toReal(UnsafeRawPointer(input + block).loadUnaligned(as: SIMD8<UInt64>.self)),
         Torus.toReal(UnsafeRawPointer(input + (block &+ m)).loadUnaligned(as: SIMD8<UInt64>.self)))
    }
}

/// Small signed integers (|x| < 2^51), converted exactly (`Torus.exactReal`, as the bootstrap's digit pass does).
struct IntegerCoefficients: CoefficientReader {
    let input: UnsafePointer<Int64>, m: Int
    @inline(__always) func coefficients(_ block: Int) -> (SIMD8<Double>, SIMD8<Double>) {
        (Torus.exactReal(UnsafeRawPointer(input + block).loadUnaligned(as: SIMD8<Int64>.self)),
         Torus.exactReal(UnsafeRawPointer(input + (block &+ m)).loadUnaligned(as: SIMD8<Int64>.self)))
    }
}

/// The fold and twist: point j is (x_j + i·x_{j+M})·w_j.
struct TwistedPoints<Reader: CoefficientReader>: FFTPointSource {
    let reader: Reader, twistRe: UnsafePointer<Double>, twistIm: UnsafePointer<Double>
    @inline(__always) func points(_ i: Int) -> (FFTWideVector, FFTWideVector) {
        let (x, y) = reader.coefficients(i)
        return FFTPlan.twisted(x, y, at: i, twistRe: twistRe, twistIm: twistIm)
    }
}

extension FFTPlan {
    /// Forward transform of a torus polynomial (coefficients read as signed reals in [−1/2, 1/2)).
    /// - Parameters:
    ///   - input: N coefficients.
    ///   - output: N doubles (re then im), overwritten.
    public func forwardTorus(_ input: UnsafePointer<UInt64>, into output: UnsafeMutablePointer<Double>) {
        foldTwistTransform(TorusCoefficients(input: input, m: complexCount), into: output)
    }

    /// Forward transform of a polynomial with small signed integer coefficients (|x| < 2^51: decomposition digits,
    /// key bits, 16-bit limbs), converted exactly.
    public func forwardInteger(_ input: UnsafePointer<Int64>, into output: UnsafeMutablePointer<Double>) {
        foldTwistTransform(IntegerCoefficients(input: input, m: complexCount), into: output)
    }

    /// The fold, twist and forward transform shared by the forward entry points; the first pass computes its
    /// points from `reader` (they are never stored untransformed).
    @inline(__always)
    private func foldTwistTransform<Reader: CoefficientReader>(_ reader: Reader, into output: UnsafeMutablePointer<Double>) {
        forwardInPlace(re: output, im: output + 8,
                       input: TwistedPoints(reader: reader, twistRe: twistRe.baseAddress, twistIm: twistIm.baseAddress))
    }

    /// Points i…i+7 of the fold and twist of coefficients x (i…) and y (i + M…): (x + i·y)·w_i….
    @inline(__always)
    static func twisted(
        _ x: SIMD8<Double>, _ y: SIMD8<Double>, at i: Int, twistRe: UnsafePointer<Double>, twistIm: UnsafePointer<Double>
    ) -> (SIMD8<Double>, SIMD8<Double>) {
        let twr = load8(twistRe, i), twi = load8(twistIm, i)
        return (mulSub(x, twr, y, twi), mulAdd(x, twi, y, twr))
    }

    /// Stores points i…i+7 of the fold and twist of coefficients x (i…) and y (i + M…) into `points` (a Fourier
    /// polynomial's layout), for `forwardTwistedInPlace`.
    @inline(__always)
    func storeTwisted(_ x: SIMD8<Double>, _ y: SIMD8<Double>, at i: Int, into points: UnsafeMutablePointer<Double>) {
        let (re, im) = Self.twisted(x, y, at: i, twistRe: twistRe.baseAddress, twistIm: twistIm.baseAddress)
        store8(re, points, 2 &* i)
        store8(im, points, 2 &* i &+ 8)
    }

    /// Forward transform in place of the M folded and twisted points `storeTwisted` wrote.
    @inline(__always)
    func forwardTwistedInPlace(_ points: UnsafeMutablePointer<Double>) {
        forwardInPlace(re: points, im: points + 8, input: StoredPoints(re: points, im: points + 8))
    }

    /// Inverse transform of `fourier` (destroyed) whose product values are in torus units; the result, reduced
    /// mod 1 and rounded to a multiple of 2^−52 (`Torus.fromReal(_:gridBits:scaledDownBy:)`: an error of at most
    /// 2^−53, far below the products' f64 error, in 6 vector operations where all 64 bits took 13), is
    /// wrapping-added to `output`. With `gridBits` h, for products that lie on the grid of multiples of 2^−h (a
    /// split key's top part times integer digits), each coefficient is rounded to that grid instead, which removes
    /// the f64 error while it stays below 2^−(h+1).
    public func inverseAddTorus(_ fourier: UnsafeMutablePointer<Double>, to output: UnsafeMutablePointer<UInt64>, gridBits: Int? = nil) {
        let m = complexCount, s = log2ComplexCount
        let h = gridBits ?? 52
        inverseUntwist(fourier) { block, x, y in
            let lowHalf = UnsafeMutableRawPointer(output + block), highHalf = UnsafeMutableRawPointer(output + (block &+ m))
            let u = Torus.fromReal(x, gridBits: h, scaledDownBy: s), v = Torus.fromReal(y, gridBits: h, scaledDownBy: s)
            lowHalf.storeBytes(of: lowHalf.loadUnaligned(as: SIMD8<UInt64>.self) &+ u, as: SIMD8<UInt64>.self)
            highHalf.storeBytes(of: highHalf.loadUnaligned(as: SIMD8<UInt64>.self) &+ v, as: SIMD8<UInt64>.self)
        }
    }

    /// Inverse transform of `fourier` (destroyed) to real coefficients (`output`, N doubles), for exact
    /// integer products whose values are far below 2^52.
    public func inverseReal(_ fourier: UnsafeMutablePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        let m = complexCount
        let scale = SIMD8<Double>(repeating: 1 / Double(m))
        inverseUntwist(fourier) { block, x, y in
            store8(x * scale, output, block)
            store8(y * scale, output, block &+ m)
        }
    }

    /// The inverse transform, untwist and unfold shared by the inverse entry points: point j times conj(w_j) gives
    /// M times the reals of coefficients j (real part, x) and j + M (imaginary part, y), handed to
    /// `coefficients(block, x, y)` 8 at a time (the writers divide by M).
    @inline(__always)
    private func inverseUntwist(
        _ fourier: UnsafeMutablePointer<Double>, _ coefficients: (Int, SIMD8<Double>, SIMD8<Double>) -> Void
    ) {
        inverseInPlace(re: fourier, im: fourier + 8)
        let wr = twistRe.baseAddress, wi = twistIm.baseAddress
        var block = 0
        while block < complexCount {
            let zr = load8(fourier, 2 &* block), zi = load8(fourier, 2 &* block &+ 8)
            let twr = load8(wr, block), twi = load8(wi, block)
            coefficients(block, mulAdd(zr, twr, zi, twi), mulSub(zi, twr, zr, twi))
            block &+= 8
        }
    }

    /// out = Σ_r a_r·b_r pointwise over `rows` pairs of Fourier polynomials (N doubles each): a_r at
    /// `a + r·N`, b_r at `b + r·rowStride`; only the points in `points` (bounds multiples of 8), all by default.
    @inline(__always)
    public func sumOfProducts(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, rows: Int, rowStride: Int,
        into out: UnsafeMutablePointer<Double>, points: Range<Int>? = nil
    ) {
        sumOfProducts(a, b, rows: rows, rowStride: rowStride, outputs: 1, into: out, points: points ?? 0..<complexCount)
    }

    /// The Fourier products of an external product, for two output polynomials or for two key parts:
    /// out_c = Σ_r a_r·b_{r,c} for c < `outputs` (1 or 2), with a_r at `a + r·N`, b_{r,c} at `b + r·rowStride + c·N`
    /// and out_c at `out + c·N`; or, with a second key part `b2` (a split key's rests, same layout) and one output,
    /// also out2 = Σ_r a_r·b2_r. Each digit transform is read once for everything it multiplies (two outputs of
    /// two parts at once measured slower). Only the points in `points` (bounds multiples of 8) are computed.
    @inline(__always)
    public func sumOfProducts(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ b2: UnsafePointer<Double>? = nil, rows: Int, rowStride: Int,
        outputs: Int, into out: UnsafeMutablePointer<Double>, _ out2: UnsafeMutablePointer<Double>? = nil, points: Range<Int>
    ) {
        typealias V = SIMD8<Double>
        let n = polynomialSize
        precondition(outputs == 1 || outputs == 2, "sumOfProducts takes 1 or 2 outputs, got \(outputs)")
        precondition((b2 == nil) == (out2 == nil), "a second key part needs its own output")
        precondition(b2 == nil || outputs == 1, "a second key part goes with one output")
        let two = outputs == 2
        let second = b2 ?? b
        let zero = V(repeating: 0)
        var j = points.lowerBound
        while j < points.upperBound {
            // Accumulators: outputs 0 and 1 of the first part, output 0 of the second.
            var r0 = zero, i0 = zero, r1 = zero, i1 = zero, s0 = zero, t0 = zero
            var ap = a, bp = b, bp2 = second
            for _ in 0..<rows {
                let ar = UnsafeRawPointer(ap + 2 &* j).loadUnaligned(as: V.self)
                let ai = UnsafeRawPointer(ap + (2 &* j &+ 8)).loadUnaligned(as: V.self)
                @inline(__always) func mac(_ p: UnsafePointer<Double>, _ re: inout V, _ im: inout V) {
                    let br = UnsafeRawPointer(p + 2 &* j).loadUnaligned(as: V.self)
                    let bi = UnsafeRawPointer(p + (2 &* j &+ 8)).loadUnaligned(as: V.self)
                    re = multiplyAdd(multiplyAdd(re, ar, br), negated(ai), bi)
                    im = multiplyAdd(multiplyAdd(im, ar, bi), ai, br)
                }
                mac(bp, &r0, &i0)
                if two { mac(bp + n, &r1, &i1) }
                if b2 != nil { mac(bp2, &s0, &t0) }
                ap += n
                bp += rowStride
                bp2 += rowStride
            }
            @inline(__always) func store(_ p: UnsafeMutablePointer<Double>, _ re: V, _ im: V) {
                UnsafeMutableRawPointer(p + 2 &* j).storeBytes(of: re, as: V.self)
                UnsafeMutableRawPointer(p + (2 &* j &+ 8)).storeBytes(of: im, as: V.self)
            }
            store(out, r0, i0)
            if two { store(out + n, r1, i1) }
            if let out2 { store(out2, s0, t0) }
            j &+= 8
        }
    }

    /// out = a·b pointwise (`out` may be `a`).
    @inline(__always)
    public func multiply(_ out: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) {
        sumOfProducts(a, b, rows: 1, rowStride: 0, into: out)
    }
}
