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
        // Several levels: level by level over the whole polynomial on explicit 8-lane vectors, branch-free (the
        // compiler does not vectorize the scalar form because the state row is also the level-1 output). The
        // balanced state lives in the level-1 row, which is written last. A tail of count mod 8 coefficients
        // (never in the bootstrap, where N ≥ 16) goes through the per-value decomposition.
        typealias U = SIMD8<UInt64>
        typealias I = SIMD8<Int64>
        let beta = UInt64(baseLog)
        let totalBits = UInt64(baseLog &* levelCount)
        let shift = U(repeating: 63 &- totalBits)
        let mask = U(repeating: (1 &<< totalBits) &- 1)
        let half = U(repeating: 1 &<< (totalBits &- 1))
        let one = U(repeating: 1)
        let top = U(repeating: 63)
        let wrap = U(repeating: totalBits)
        let vectorCount = count & ~7
        var c = 0
        while c < vectorCount {
            let x = UnsafeRawPointer(input + c).loadUnaligned(as: U.self)
            let r = (((x &>> shift) &+ one) &>> one) & mask
            let rounding = (x &>> shift) & one
            // r > half, or r == half with the rounding bit set: r + rounding > half.
            let negate = (half &- (r &+ rounding)) &>> top
            UnsafeMutableRawPointer(digits + c).storeBytes(of: r &- (negate &<< wrap), as: U.self)
            c &+= 8
        }
        let b = I(repeating: Int64(beta))
        let digitMask = I(repeating: (Int64(1) &<< Int64(beta)) &- 1)
        let halfBase = I(repeating: Int64(1) &<< Int64(beta &- 1))
        let halfBaseMinusOne = halfBase &- I(repeating: 1)
        let oneI = I(repeating: 1)
        let signShift = I(repeating: 63)
        var level = levelCount
        while level > 0 {
            level &-= 1
            let row = digits + level &* count
            c = 0
            while c < vectorCount {
                let state = UnsafeRawPointer(digits + c).loadUnaligned(as: I.self)
                let d = state & digitMask
                let next = state &>> b
                // Carry when d > B/2, or d == B/2 and the next digit is ≥ B/2; as d ≤ B − 1 this is
                // (d > B/2) | (d ≥ B/2 & next ≥ B/2), from sign bits.
                let above = ((halfBase &- d) &>> signShift) & oneI
                let atLeast = ((halfBaseMinusOne &- d) &>> signShift) & oneI
                let nextAtLeast = ((halfBaseMinusOne &- (next & digitMask)) &>> signShift) & oneI
                let carry = above | (atLeast & nextAtLeast)
                UnsafeMutableRawPointer(digits + c).storeBytes(of: next &+ carry, as: I.self)
                UnsafeMutableRawPointer(row + c).storeBytes(of: d &- (carry &<< b), as: I.self)
                c &+= 8
            }
        }
        if vectorCount < count {
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: levelCount) { one in
                for c in vectorCount..<count {
                    decompose(input[c], into: one.baseAddress!)
                    for j in 0..<levelCount { digits[j &* count &+ c] = one[j] }
                }
            }
        }
    }
}
