// Fold + twist + transform, and the inverse with untwist + conversion back to the torus (docs/ARCHITECTURE.md,
// "The negacyclic FFT"). A Fourier polynomial is N doubles: M complex points in blocks of 8 real parts followed by
// their 8 imaginary parts (`slot`). The work is done by the plan's kernels (CMLKernels).

extension FFTPlan {
    /// Forward transform of a torus polynomial (coefficients read as signed reals in [−1/2, 1/2)).
    /// - Parameters:
    ///   - input: N coefficients.
    ///   - output: N doubles (re then im), overwritten.
    public func forwardTorus(_ input: UnsafePointer<UInt64>, into output: UnsafeMutablePointer<Double>) {
        kernels.functions.fft_forward_torus(descriptor, input, output)
    }

    /// Forward transform of a polynomial with small signed integer coefficients (|x| < 2^51: decomposition digits,
    /// key bits, 16-bit limbs), converted exactly.
    public func forwardInteger(_ input: UnsafePointer<Int64>, into output: UnsafeMutablePointer<Double>) {
        kernels.functions.fft_forward_integer(descriptor, input, output)
    }

    /// Inverse transform of `fourier` (destroyed) whose product values are in torus units; the result, reduced
    /// mod 1 and rounded to a multiple of 2^−52 (an error of at most 2^−53, far below the products' f64 error), is
    /// wrapping-added to `output`. With `gridBits` h, for products that lie on the grid of multiples of 2^−h (a
    /// split key's top part times integer digits), each coefficient is rounded to that grid instead, which removes
    /// the f64 error while it stays below 2^−(h+1).
    public func inverseAddTorus(_ fourier: UnsafeMutablePointer<Double>, to output: UnsafeMutablePointer<UInt64>, gridBits: Int? = nil) {
        let h = gridBits ?? 52
        precondition(h >= 1 && h <= 52, "inverseAddTorus rounds to 1…52 bits, got \(h)")
        kernels.functions.fft_inverse_add_torus(descriptor, fourier, output, Int64(h))
    }

    /// Inverse transform of `fourier` (destroyed) to real coefficients (`output`, N doubles), for exact
    /// integer products whose values are far below 2^52.
    public func inverseReal(_ fourier: UnsafeMutablePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        kernels.functions.fft_inverse_real(descriptor, fourier, output)
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
    /// also out2 = Σ_r a_r·b2_r. Each digit transform is read once for everything it multiplies. Only the points in
    /// `points` (bounds multiples of 8) are computed; `out` may be `a`.
    @inline(__always)
    public func sumOfProducts(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ b2: UnsafePointer<Double>? = nil, rows: Int, rowStride: Int,
        outputs: Int, into out: UnsafeMutablePointer<Double>, _ out2: UnsafeMutablePointer<Double>? = nil, points: Range<Int>
    ) {
        precondition(outputs == 1 || outputs == 2, "sumOfProducts takes 1 or 2 outputs, got \(outputs)")
        precondition((b2 == nil) == (out2 == nil), "a second key part needs its own output")
        precondition(b2 == nil || outputs == 1, "a second key part goes with one output")
        precondition(points.lowerBound % 8 == 0 && points.upperBound % 8 == 0 && points.upperBound <= complexCount,
                     "sumOfProducts takes points in multiples of 8 within M = \(complexCount), got \(points)")
        kernels.functions.fourier_sum_of_products(descriptor, a, b, b2, Int64(rows), Int64(rowStride), Int64(outputs), out, out2,
                                                  Int64(points.lowerBound), Int64(points.upperBound))
    }

    /// out = a·b pointwise (`out` may be `a`).
    @inline(__always)
    public func multiply(_ out: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) {
        sumOfProducts(a, b, rows: 1, rowStride: 0, into: out)
    }
}
