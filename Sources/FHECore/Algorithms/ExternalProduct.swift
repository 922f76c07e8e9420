// External product GGSW ⊡ GLWE and CMUX (reference/tfhe.md §5.4), Fourier-domain GGSW.

/// External product and CMUX on Fourier GGSWs, in two halves so that a lockstep batch shares each GGSW read:
/// `transformRotatedDifference` per item, then `accumulateBatch` for all items.
public enum ExternalProduct {
    /// First half of the CMUX ACC ← ACC + ggsw ⊡ (X^power·ACC − ACC) (reference/tfhe.md §5.6 step 3): the
    /// difference, its decomposition and the digit transforms, into `scratch.fourierDigits` (row j·(k+1) + r for
    /// level j + 1 of polynomial r, the GGSW row it multiplies). `scratch.accumulator` is the ACC.
    @inline(__always)
    static func transformRotatedDifference(power: Int, glweSize k1: Int, decomposer: SignedDecomposer, scratch: BootstrapScratch) {
        let plan = scratch.plan
        let n = plan.polynomialSize
        let l = decomposer.levelCount
        let acc = scratch.accumulator, diff = scratch.difference, digits = scratch.digits, fd = scratch.fourierDigits
        for r in 0..<k1 {
            rotateMinusSelf(acc + r &* n, by: power, count: n, into: diff + r &* n)
            decomposer.decomposePolynomial(diff + r &* n, count: n, into: digits)
            for j in 0..<l { plan.forwardInteger(digits + j &* n, into: fd + (j &* k1 &+ r) &* n) }
        }
    }

    /// Second half of the CMUX for a lockstep batch: for every item, every output polynomial c gets
    /// Σ_rows digit transform × GGSW row (into the item's `fourierAccumulator`, polynomial c at c·N), then its
    /// inverse transform is added to the item's ACC. With a split key (`precision` `.split`, the GGSW's rests follow
    /// its top parts) the rests' sums go to polynomial k + 1 + c, and the top parts' inverse is rounded to its grid.
    ///
    /// The products run chunk by chunk of frequencies, each chunk for every item before the next chunk: a GGSW
    /// (up to 2 MB at 8 bits) then comes from memory once per batch and stays in L2 for the other items, where
    /// finishing one item at a time read it from L3 or memory once per item.
    @inline(__always)
    static func accumulateBatch(
        ggsw: UnsafePointer<Double>, glweSize k1: Int, levelCount l: Int, precision: FourierPrecision,
        scratches: ArraySlice<BootstrapScratch>,
        active: UnsafePointer<Int>, activeCount: Int
    ) {
        guard activeCount > 0 else { return }
        let plan = scratches[scratches.startIndex].plan
        let n = plan.polynomialSize
        let m = plan.complexCount
        let rows = l &* k1
        let partSize = rows &* k1 &* n
        let split = precision == .split
        let chunk = accumulationChunk(complexCount: m, ggswRows: rows &* k1 &* precision.keyParts)
        var start = 0
        while start < m {
            let end = min(m, start &+ chunk)
            for a in 0..<activeCount {
                let scratch = scratches[active[a]]
                if split {
                    // Both key parts per output polynomial (pairs of outputs as well measured 15 % slower at N = 8192).
                    for c in 0..<k1 {
                        plan.sumOfProducts(scratch.fourierDigits, ggsw + c &* n, ggsw + (partSize &+ c &* n), rows: rows,
                                           rowStride: k1 &* n, outputs: 1, into: scratch.fourierAccumulator + c &* n,
                                           scratch.fourierAccumulator + (k1 &+ c) &* n, points: start..<end)
                    }
                } else {
                    // Output polynomials in pairs: each digit transform is read once per pair (4 bits: 5 % faster).
                    var c = 0
                    while c < k1 {
                        plan.sumOfProducts(scratch.fourierDigits, ggsw + c &* n, rows: rows, rowStride: k1 &* n,
                                           outputs: min(2, k1 &- c), into: scratch.fourierAccumulator + c &* n, points: start..<end)
                        c &+= 2
                    }
                }
            }
            start = end
        }
        for a in 0..<activeCount {
            let scratch = scratches[active[a]]
            for c in 0..<k1 {
                if split {
                    plan.inverseAddTorus(scratch.fourierAccumulator + c &* n, to: scratch.accumulator + c &* n,
                                         gridBits: FourierPrecision.splitBits)
                    plan.inverseAddTorus(scratch.fourierAccumulator + (k1 &+ c) &* n, to: scratch.accumulator + c &* n)
                } else {
                    plan.inverseAddTorus(scratch.fourierAccumulator + c &* n, to: scratch.accumulator + c &* n)
                }
            }
        }
    }

    /// Points per chunk of `accumulateBatch`: the GGSW's share of a chunk (`ggswRows` rows of 16 bytes per
    /// point) within 256 KB, a quarter of this machine's 1 MB L2, a multiple of 8 points.
    @inline(__always)
    static func accumulationChunk(complexCount m: Int, ggswRows: Int) -> Int {
        let points = (256 << 10) / (16 &* max(ggswRows, 1))
        return min(m, max(8, points & ~7))
    }

    /// output = X^power·input − input mod X^N + 1, for power in [0, 2N): the rotation and the subtraction of the
    /// CMUX in one pass.
    @inline(__always)
    static func rotateMinusSelf(
        _ input: UnsafePointer<UInt64>, by power: Int, count n: Int, into output: UnsafeMutablePointer<UInt64>
    ) {
        // Coefficient j of X^p·x is x[j − p] for j ≥ p and −x[j − p + N] for j < p; X^(p+N) = −X^p. A sign is
        // applied as (v ^ s) − s with s all zeros (keep) or all ones (negate).
        let negateAll: UInt64 = power >= n ? ~0 : 0
        let p = power >= n ? power &- n : power
        let wrapped = ~negateAll
        for j in 0..<p { output[j] = ((input[j &+ n &- p] ^ wrapped) &- wrapped) &- input[j] }
        for j in p..<n { output[j] = ((input[j &- p] ^ negateAll) &- negateAll) &- input[j] }
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
