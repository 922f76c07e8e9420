// External product GGSW ⊡ GLWE and CMUX (reference/tfhe.md §5.4), Fourier-domain GGSW.

/// External product and CMUX on Fourier GGSWs, in parts so that a lockstep batch shares each GGSW read:
/// `transformRotatedDifference` per item, `accumulateBatch` for all items, then `finish` per item. They stay out
/// of line: inlined into the blind rotation they measured no faster, and forcing the FFT kernel in as well made the PBS 1.6 times
/// slower (register pressure); apart, a profile also names each part.
public enum ExternalProduct {
    /// First half of the CMUX ACC ← ACC + ggsw ⊡ (X^power·ACC − ACC) (reference/tfhe.md §5.6 step 3): the
    /// difference, its decomposition and the digit transforms, into `scratch.fourierDigits` (row j·(k+1) + r for
    /// level j + 1 of polynomial r, the GGSW row it multiplies). `scratch.accumulator` is the ACC.
    ///
    /// One pass per polynomial computes, 8 coefficients at a time, the rotated difference, its digits and their
    /// folded and twisted points, stored straight into the transforms' rows, which then run in place: the
    /// difference and the digits never go through memory (the buffers they took were a third of an item's
    /// working set), and the transforms' first pass reads only points.
    @inline(never)
    static func transformRotatedDifference(power: Int, glweSize k1: Int, decomposer: SignedDecomposer, scratch: BootstrapScratch) {
        let plan = scratch.plan
        let n = plan.polynomialSize
        let m = plan.complexCount
        let l = decomposer.levelCount
        let acc = scratch.accumulator, fd = scratch.fourierDigits
        withUnsafeTemporaryAllocation(of: SIMD8<Int64>.self, capacity: l) { lowDigits in
            let low = lowDigits.baseAddress!
            for r in 0..<k1 {
                let difference = RotatedDifference(input: acc + r &* n, power: power, count: n)
                let rows = fd + r &* n
                let rowStride = k1 &* n
                var c = 0
                while c < m {
                    // Point c… folds coefficients c… (real parts) and c + M… (imaginary parts).
                    let x = difference.coefficients(c), y = difference.coefficients(c &+ m)
                    if l == 1 {
                        plan.storeTwisted(Torus.exactReal(decomposer.digits(x)), Torus.exactReal(decomposer.digits(y)), at: c, into: rows)
                    } else {
                        decomposer.forEachDigitVector(x) { j, d in low[j] = d }
                        decomposer.forEachDigitVector(y) { j, d in
                            plan.storeTwisted(Torus.exactReal(low[j]), Torus.exactReal(d), at: c, into: rows + j &* rowStride)
                        }
                    }
                    c &+= 8
                }
                for j in 0..<l { plan.forwardTwistedInPlace(rows + j &* rowStride) }
            }
        }
    }

    /// The Fourier products of the CMUX for a lockstep batch: for every item, every output polynomial c gets
    /// Σ_rows digit transform × GGSW row (at the item's `fourierSums`, polynomial c at c·N), which `finish`
    /// then transforms back and adds to the item's ACC. With a split key (`precision` `.split`, the GGSW's rests
    /// follow its top parts) the rests' sums go to polynomial k + 1 + c.
    ///
    /// The products run chunk by chunk of frequencies, each chunk for every item before the next chunk: a GGSW
    /// (up to 2 MB at 8 bits) then comes from memory once per batch and stays in L2 for the other items, where
    /// finishing one item at a time read it from L3 or memory once per item.
    @inline(never)
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
                                           rowStride: k1 &* n, outputs: 1, into: scratch.fourierSums + c &* n,
                                           scratch.fourierSums + (k1 &+ c) &* n, points: start..<end)
                    }
                } else {
                    // Output polynomials in pairs: each digit transform is read once per pair (4 bits: 5 % faster).
                    var c = 0
                    while c < k1 {
                        plan.sumOfProducts(scratch.fourierDigits, ggsw + c &* n, rows: rows, rowStride: k1 &* n,
                                           outputs: min(2, k1 &- c), into: scratch.fourierSums + c &* n, points: start..<end)
                        c &+= 2
                    }
                }
            }
            start = end
        }
    }

    /// The end of the CMUX for one item after `accumulateBatch`: the inverse transforms of its Fourier sums,
    /// added to its ACC (a split key's top parts rounded to their grid). The blind rotation runs the item's next
    /// `transformRotatedDifference` right after it, while the ACC is still in cache.
    @inline(never)
    static func finish(glweSize k1: Int, precision: FourierPrecision, scratch: BootstrapScratch) {
        let plan = scratch.plan
        let n = plan.polynomialSize
        let split = precision == .split
        for c in 0..<k1 {
            plan.inverseAddTorus(scratch.fourierSums + c &* n, to: scratch.accumulator + c &* n,
                                 gridBits: split ? FourierPrecision.splitBits : nil)
            if split { plan.inverseAddTorus(scratch.fourierSums + (k1 &+ c) &* n, to: scratch.accumulator + c &* n) }
        }
    }

    /// Points per chunk of `accumulateBatch`: the GGSW's share of a chunk (`ggswRows` rows of 16 bytes per
    /// point) within 256 KB, a quarter of this machine's 1 MB L2, a multiple of 8 points.
    @inline(__always)
    static func accumulationChunk(complexCount m: Int, ggswRows: Int) -> Int {
        let points = (256 << 10) / (16 &* max(ggswRows, 1))
        return min(m, max(8, points & ~7))
    }
}

/// X^power·input − input mod X^N + 1, for power in [0, 2N), read 8 coefficients at a time: the CMUX's rotation and
/// subtraction without storing the difference.
struct RotatedDifference {
    let input: UnsafePointer<UInt64>
    let count: Int
    /// power mod N.
    let shift: Int
    /// All ones when coefficients j ≥ shift come negated (power ≥ N: X^(p+N) = −X^p), else zero; the wrapped
    /// coefficients j < shift take the other sign.
    let negateShifted: UInt64

    init(input: UnsafePointer<UInt64>, power: Int, count n: Int) {
        self.input = input
        self.count = n
        self.negateShifted = power >= n ? ~0 : 0
        self.shift = power >= n ? power &- n : power
    }

    /// Coefficients c…c+7 (c a multiple of 8): coefficient j of X^p·x is x[j − p] for j ≥ p and −x[j − p + N] for
    /// j < p. A sign is applied as (v ^ s) − s with s all zeros (keep) or all ones (negate).
    @inline(__always)
    func coefficients(_ c: Int) -> SIMD8<UInt64> {
        typealias U = SIMD8<UInt64>
        let own = UnsafeRawPointer(input + c).loadUnaligned(as: U.self)
        if c >= shift {
            let s = U(repeating: negateShifted)
            return ((UnsafeRawPointer(input + (c &- shift)).loadUnaligned(as: U.self) ^ s) &- s) &- own
        }
        if c &+ 8 <= shift {
            let s = U(repeating: ~negateShifted)
            return ((UnsafeRawPointer(input + (c &- shift &+ count)).loadUnaligned(as: U.self) ^ s) &- s) &- own
        }
        // The one block that straddles the wrap.
        var v = U()
        for t in 0..<8 {
            let j = c &+ t
            let (x, s) = j >= shift ? (input[j &- shift], negateShifted) : (input[j &- shift &+ count], ~negateShifted)
            v[t] = ((x ^ s) &- s) &- input[j]
        }
        return v
    }
}

extension SignedDecomposer {
    /// The digit of 8 values when l = 1: the top β bits rounded, balanced into [−B/2, B/2].
    @inline(__always)
    func digits(_ x: SIMD8<UInt64>) -> SIMD8<Int64> {
        var result = SIMD8<Int64>()
        forEachDigitVector(x) { _, d in result = d }
        return result
    }

    /// The digits of 8 values, branch-free on vectors: `body(j, d)` gets the digits of level j + 1, for j from l − 1
    /// down to 0. The value rounded to its top β·l bits is balanced as a whole, then split from the lowest level
    /// up, each digit above B/2 (or at B/2 with the next digit at least B/2) carried into the next.
    @inline(__always)
    func forEachDigitVector(_ x: SIMD8<UInt64>, _ body: (Int, SIMD8<Int64>) -> Void) {
        typealias U = SIMD8<UInt64>
        typealias I = SIMD8<Int64>
        let totalBits = UInt64(baseLog &* levelCount)
        let top = x &>> U(repeating: 63 &- totalBits)
        let r = ((top &+ 1) &>> 1) & U(repeating: (1 &<< totalBits) &- 1)
        // r > half, or r == half with the rounding bit set: r + rounding > half.
        let negate = (U(repeating: 1 &<< (totalBits &- 1)) &- (r &+ (top & 1))) &>> 63
        var state = I(truncatingIfNeeded: r &- (negate &<< U(repeating: totalBits)))
        if levelCount == 1 {
            body(0, state)
            return
        }
        let b = I(repeating: Int64(baseLog))
        let digitMask = I(repeating: (Int64(1) &<< Int64(baseLog)) &- 1)
        let one = I(repeating: 1)
        let topBit = I(repeating: Int64(baseLog &- 1))
        var level = levelCount
        while level > 0 {
            level &-= 1
            let d = state & digitMask
            let next = state &>> b
            // Carry when d > B/2, or d == B/2 and the next digit is ≥ B/2: bit β − 1 of ((d − 1) | next) & d
            // (d has it when d ≥ B/2; d − 1 has it when d > B/2; next has it when the next digit is ≥ B/2), as
            // TFHE-rs computes it: 6 vector operations where comparisons from sign bits took 12.
            let carry = (((d &- one) | next) & d) &>> topBit
            body(level, d &- (carry &<< b))
            state = next &+ carry
        }
    }

    /// Decomposes `count` coefficients; digit of level j + 1 of coefficient c goes to `digits[j·count + c]`.
    public func decomposePolynomial(_ input: UnsafePointer<UInt64>, count: Int, into digits: UnsafeMutablePointer<Int64>) {
        let vectorCount = count & ~7
        var c = 0
        while c < vectorCount {
            forEachDigitVector(UnsafeRawPointer(input + c).loadUnaligned(as: SIMD8<UInt64>.self)) { j, d in
                UnsafeMutableRawPointer(digits + (j &* count &+ c)).storeBytes(of: d, as: SIMD8<Int64>.self)
            }
            c &+= 8
        }
        // A tail of count mod 8 coefficients (never in the bootstrap, where N ≥ 16) goes value by value.
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
