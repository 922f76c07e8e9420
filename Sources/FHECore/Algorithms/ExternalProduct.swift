// External product GGSW ⊡ GLWE and CMUX (docs/ALGORITHMS.md#external-product), Fourier-domain GGSW.

/// External product and CMUX on Fourier GGSWs, in parts so that a lockstep batch shares each GGSW read:
/// `transformRotatedDifference` per item, `accumulateBatch` for all items, then `finish` per item. They stay out
/// of line: inlining them into the blind rotation gains nothing, and inlining the FFT kernel too costs registers
/// (docs/PERFORMANCE.md#tuning-choices-in-the-engine); apart, a profile also names each part.
public enum ExternalProduct {
    /// First half of the CMUX ACC ← ACC + ggsw ⊡ (X^power·ACC − ACC) (docs/ALGORITHMS.md#pbs, step 3): the
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
        plan.kernels.functions.rotated_difference_transforms(
            plan.descriptor, scratch.accumulator, Int64(k1), Int64(power), Int64(decomposer.baseLog),
            Int64(decomposer.levelCount), scratch.fourierDigits)
    }

    /// The Fourier products of the CMUX for a lockstep batch: for every item, every output polynomial c gets
    /// Σ_rows digit transform × GGSW row (at the item's `fourierSums`, polynomial c at c·N), which `finish`
    /// then transforms back and adds to the item's ACC. With a split key (`precision` `.split`, the GGSW's rests
    /// follow its top parts) the rests' sums go to polynomial k + 1 + c.
    ///
    /// The products run chunk by chunk of frequencies, each chunk for every item before the next chunk: a GGSW
    /// then comes from memory once per batch and its chunk stays in L2 for the other items, where finishing one
    /// item at a time would read it from memory once per item.
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
                    // Both key parts per output polynomial; pairs of outputs as well were slower
                    // (docs/PERFORMANCE.md#tuning-choices-in-the-engine).
                    for c in 0..<k1 {
                        plan.sumOfProducts(scratch.fourierDigits, ggsw + c &* n, ggsw + (partSize &+ c &* n), rows: rows,
                                           rowStride: k1 &* n, outputs: 1, into: scratch.fourierSums + c &* n,
                                           scratch.fourierSums + (k1 &+ c) &* n, points: start..<end)
                    }
                } else {
                    // Output polynomials in pairs: each digit transform is read once per pair.
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
    /// point) within 256 KB, a fraction of a core's L2 that leaves room for the items' own data, a multiple of 8
    /// points.
    @inline(__always)
    static func accumulationChunk(complexCount m: Int, ggswRows: Int) -> Int {
        let points = (256 << 10) / (16 &* max(ggswRows, 1))
        return min(m, max(8, points & ~7))
    }
}

/// X^power·input − input mod X^N + 1 for power in [0, 2N) (the rotated difference the CMUX's first half decomposes;
/// `transformRotatedDifference` computes it on the fly, this form is for tests), on `plan`'s kernels.
func rotatedDifference(_ input: UnsafePointer<UInt64>, power: Int, into output: UnsafeMutablePointer<UInt64>, plan: FFTPlan) {
    precondition(power >= 0 && power < 2 * plan.polynomialSize, "power \(power) outside [0, 2N)")
    plan.kernels.functions.rotated_difference(input, Int64(plan.polynomialSize), Int64(power), output)
}

extension SignedDecomposer {
    /// Decomposes `count` coefficients; digit of level j + 1 of coefficient c goes to `digits[j·count + c]`
    /// (the kernels' vector digits, checked against `decompose(_:into:)` by the tests).
    public func decomposePolynomial(_ input: UnsafePointer<UInt64>, count: Int, into digits: UnsafeMutablePointer<Int64>) {
        precondition(levelCount <= 64, "at most 64 levels, got \(levelCount)")
        EngineKernels.active.functions.decompose_polynomial(input, Int64(count), Int64(baseLog), Int64(levelCount), digits)
    }
}
