// KS + PBS of several independent ciphertexts in lockstep: the keys are read once per batch, not once per
// ciphertext. A real circuit has many independent lookups per layer, and the keyswitch and bootstrap keys are far
// larger than any cache, so reading them dominates unless they are shared.

extension Bootstrap {
    /// KS + PBS of `count` ciphertexts (each k·N + 1 words, contiguous at `inputs`) into `outputs` (same
    /// layout), item b through `lookupTable(b)`. The keyswitches go in groups of up to `KeySwitch.groupSize`
    /// items sharing each keyswitch-key row; each
    /// group's blind rotations then run in lockstep, as many at a time as there are `scratches` (in rounds of
    /// equal size). The keyswitch key is the larger key at 6 bits and more, and it is read once per group, so a
    /// group longer than a lockstep round reads it fewer times.
    /// - Precondition: `scratches` holds at least one scratch, all distinct and sized for `keys.parameters`.
    public static func programmableBatch(
        _ inputs: UnsafePointer<UInt64>, count: Int, lookupTable: (Int) -> LookupTable, keys: EvaluationKeys,
        scratches: ArraySlice<BootstrapScratch>, into outputs: UnsafeMutablePointer<UInt64>
    ) {
        precondition(!scratches.isEmpty, "a batch needs at least one scratch")
        for scratch in scratches {
            precondition(scratch.parameters == keys.parameters, "scratch sized for \(scratch.parameters), keys for \(keys.parameters)")
        }
        guard count > 0 else { return }
        let ksk = keys.keyswitchKey
        let inputSize = ksk.inputDimension.lweSize, smallSize = ksk.outputDimension.lweSize
        let outputSize = keys.parameters.bigLWEDimension.lweSize
        let group = KeySwitch.groupSize(ksk, lockstep: scratches.count)
        let groups = (count + group - 1) / group
        let largest = (count + groups - 1) / groups
        let smalls = allocateAligned(UInt64.self, count: largest * smallSize)
        let digits = allocateAligned(Int64.self, count: largest * ksk.decomposition.levelCount.rawValue)
        defer { smalls.deallocate(); digits.deallocate() }
        let key = keys.bootstrapKey
        for g in 0..<groups {
            let first = g * count / groups
            let items = (g + 1) * count / groups - first
            KeySwitch.keyswitchBatch(inputs + first * inputSize, count: items, key: ksk, outputs: smalls, digits: digits,
                                     kernels: scratches[scratches.startIndex].plan.kernels)
            let rounds = (items + scratches.count - 1) / scratches.count
            for r in 0..<rounds {
                let start = r * items / rounds
                let size = (r + 1) * items / rounds - start
                let round = scratches.prefix(size)
                for (b, scratch) in zip(start..., round) {
                    startRotation(lookupTable: lookupTable(first + b), key: key, small: smalls + b * smallSize, scratch: scratch)
                }
                blindRotate(key: key, scratches: round)
                for (b, scratch) in zip(start..., round) {
                    SampleExtraction.extractConstant(scratch.accumulator, glweDimension: key.glweDimension.rawValue,
                                                     polynomialSize: key.polynomialSize.rawValue,
                                                     into: outputs + (first + b) * outputSize)
                }
            }
        }
    }
}

extension BootstrapScratch {
    /// `count` scratches for one lockstep batch, sharing one FFT plan: the batch then keeps a single copy of the
    /// twiddle tables in cache instead of one per item.
    public static func batch(_ count: Int, parameters: ParameterSet) -> [BootstrapScratch] {
        let plan = FFTPlan(polynomialSize: parameters.polynomialSize)
        return (0..<count).map { _ in BootstrapScratch(parameters: parameters, plan: plan) }
    }

    /// Items per lockstep batch for `parameters`: as many as keep the batch's scratches within 6 MiB, so that they
    /// stay in the last-level cache between their turns, at least 1 and at most 8 (32 for small sets). The bounds
    /// come from `cml-bench pbs --batch` (docs/PERFORMANCE.md#tuning-choices-in-the-engine).
    public static func preferredBatchSize(_ parameters: ParameterSet) -> Int {
        let n = parameters.polynomialSize.rawValue
        let k1 = parameters.glweDimension.glweSize
        let l = parameters.pbsDecomposition.levelCount.rawValue
        // accumulator ((k+1)·N words), digit transforms (l·(k+1)·N doubles), Fourier accumulators (if any).
        let scratchBytes = 8 * n * (k1 * (1 + l) + BootstrapScratch.fourierAccumulatorPolynomials(parameters))
        // Small sets (scratch ≤ 128 KB) gain from longer batches, larger ones do not (`cml-bench pbs --batch`).
        let cap = scratchBytes <= 128 << 10 ? 32 : 8
        return max(1, min(cap, (6 << 20) / max(scratchBytes, 1)))
    }
}

