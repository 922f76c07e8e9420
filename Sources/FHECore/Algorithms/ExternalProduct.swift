// External product GGSW ⊡ GLWE and CMUX (reference/tfhe.md §5.4), Fourier-domain GGSW.

/// External product and CMUX on Fourier GGSWs.
public enum ExternalProduct {
    /// output += ggsw ⊡ input: decompose every input polynomial and forward-FFT each digit polynomial, then per
    /// output polynomial one pass that sums digit × GGSW-row over all rows, and one inverse FFT.
    /// - Parameters:
    ///   - ggsw: Fourier GGSW, l·(k+1)·(k+1)·N doubles, level 1 first.
    ///   - input: (k+1)·N words.
    ///   - output: (k+1)·N words, added to.
    ///   - scratch: provides digits, the digit transforms and the Fourier accumulator.
    @inline(__always)
    static func addExternalProduct(
        ggsw: UnsafePointer<Double>, input: UnsafePointer<UInt64>, output: UnsafeMutablePointer<UInt64>,
        glweSize k1: Int, decomposer: SignedDecomposer, scratch: BootstrapScratch
    ) {
        let plan = scratch.plan
        let n = plan.polynomialSize
        let l = decomposer.levelCount
        let digits = scratch.digits
        let fd = scratch.fourierDigits
        let acc = scratch.fourierAccumulator
        // Digit transform of (level j, input polynomial r) sits at row j·(k+1) + r, the GGSW row it multiplies.
        for r in 0..<k1 {
            decomposer.decomposePolynomial(input + r &* n, count: n, into: digits)
            for j in 0..<l { plan.forwardInteger(digits + j &* n, into: fd + (j &* k1 &+ r) &* n) }
        }
        for c in 0..<k1 {
            plan.sumOfProducts(fd, ggsw + c &* n, rows: l &* k1, rowStride: k1 &* n, into: acc)
            plan.inverseAddTorus(acc, to: output + c &* n)
        }
    }

    /// ACC ← ACC + ggsw ⊡ (X^power·ACC − ACC): the CMUX of the blind rotation with the subtraction fused
    /// into the rotation (reference/tfhe.md §5.6 step 3). `scratch.accumulator` is the ACC.
    @inline(__always)
    static func cmuxRotate(
        ggsw: UnsafePointer<Double>, power: Int, glweSize k1: Int, decomposer: SignedDecomposer, scratch: BootstrapScratch
    ) {
        let n = scratch.plan.polynomialSize
        let acc = scratch.accumulator
        let diff = scratch.difference
        for c in 0..<k1 {
            let src = acc + c &* n
            let dst = diff + c &* n
            NegacyclicPolynomial.rotate(src, by: power, count: n, into: dst)
            for j in 0..<n { dst[j] = dst[j] &- src[j] }
        }
        addExternalProduct(ggsw: ggsw, input: diff, output: acc, glweSize: k1, decomposer: decomposer, scratch: scratch)
    }
}

extension SignedDecomposer {
    /// Decomposes `count` coefficients; digit of level j + 1 of coefficient c goes to `digits[j·count + c]`.
    @inline(__always)
    public func decomposePolynomial(_ input: UnsafePointer<UInt64>, count: Int, into digits: UnsafeMutablePointer<Int64>) {
        if levelCount == 1 {
            // One level: the balanced digit is the top β bits rounded, centred; vectorizable.
            let beta = UInt64(baseLog)
            let shift = 63 &- beta
            let half = 1 &<< (beta &- 1)
            let base = 1 &<< beta
            for c in 0..<count {
                let x = input[c]
                let rounding = (x >> shift) & 1
                let r = (((x >> shift) &+ 1) >> 1) & (base &- 1)
                // r > half, or r == half with the rounding bit set (branch-free, as below).
                let negate = ((half &- (r &+ rounding)) >> 63) &* base
                digits[c] = Int64(bitPattern: r &- negate)
            }
            return
        }
        // Several levels: level by level over the whole polynomial, so that each pass is a branch-free loop over
        // coefficients that vectorizes (a per-coefficient level loop does not). The balanced state lives in the
        // level-1 row, which is written last.
        let beta = UInt64(baseLog)
        let totalBits = UInt64(baseLog &* levelCount)
        let shift = 63 &- totalBits
        let mask: UInt64 = (1 &<< totalBits) &- 1
        let half: UInt64 = 1 &<< (totalBits &- 1)
        for c in 0..<count {
            let x = input[c]
            let r = (((x >> shift) &+ 1) >> 1) & mask
            let rounding = (x >> shift) & 1
            // r > half, or r == half with the rounding bit set: r + rounding > half (no branch, so it vectorizes).
            let negate = (half &- (r &+ rounding)) >> 63
            digits[c] = Int64(bitPattern: r &- (negate &<< totalBits))
        }
        let b = Int64(beta)
        let base = Int64(1) &<< b
        let digitMask = base &- 1
        let halfBase = base >> 1
        var level = levelCount
        while level > 0 {
            level &-= 1
            let row = digits + level &* count
            for c in 0..<count {
                let state = digits[c]
                let d = state & digitMask
                let next = state >> b
                // Carry when d > B/2, or d == B/2 and the next digit is ≥ B/2; as d ≤ B − 1 this is
                // (d > B/2) | (d ≥ B/2 & next ≥ B/2), computed with sign bits, without a branch, so it vectorizes.
                let above = ((halfBase &- d) >> 63) & 1
                let atLeast = ((halfBase &- 1 &- d) >> 63) & 1
                let nextAtLeast = ((halfBase &- 1 &- (next & digitMask)) >> 63) & 1
                let carry = above | (atLeast & nextAtLeast)
                digits[c] = next &+ carry
                row[c] = d &- (carry &<< b)
            }
        }
    }
}
