// KS + PBS of several independent ciphertexts in lockstep: the keys are read once per batch, not once per
// ciphertext. A real circuit has many independent lookups per layer; at 2–4 bits the keyswitch and bootstrap
// keys (26–63 MB each) do not fit in cache, so reading them dominates unless they are shared.

extension Bootstrap {
    /// KS + PBS of `count` ciphertexts (each k·N + 1 words, contiguous at `inputs`) into `outputs` (same
    /// layout), item b through `lookupTable(b)`. The keyswitches go in groups of up to `KeySwitch.groupSize`
    /// items sharing each keyswitch-key row; each
    /// group's blind rotations then run in lockstep, as many at a time as there are `scratches` (in rounds of
    /// equal size). The keyswitch key is the larger key from 6 bits on (248 MB; 1.4 GB at 8 bits) and is read
    /// once per group, so a group longer than a lockstep round reads it fewer times.
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
            KeySwitch.keyswitchBatch(inputs + first * inputSize, count: items, key: ksk, outputs: smalls, digits: digits)
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

    /// Items per lockstep batch for `parameters`: as many as keep the batch's scratches within 6 MiB (under a
    /// quarter of this machine's 32 MiB L3, where they live between their turns), at least 1 and at most 8 (32 for
    /// small sets). Measured (`cml-bench pbs --batch`): 8 beats 2 by 10 % at 6 bits; at 8 bits (1.5 MB per
    /// scratch since the Fourier sums went over the digit transforms) 4 items beat 5 by 2 %, and 2 were within
    /// 3 % of 4, 1 25 % slower.
    public static func preferredBatchSize(_ parameters: ParameterSet) -> Int {
        let n = parameters.polynomialSize.rawValue
        let k1 = parameters.glweDimension.glweSize
        let l = parameters.pbsDecomposition.levelCount.rawValue
        // accumulator ((k+1)·N words), digit transforms (l·(k+1)·N doubles), Fourier accumulators (if any).
        let scratchBytes = 8 * n * (k1 * (1 + l) + BootstrapScratch.fourierAccumulatorPolynomials(parameters))
        // Small sets (N ≤ 2048, scratch ≤ 128 KB) gain from longer batches: 32 items beat 8 by 3–5 % at 2 and 4
        // bits (`cml-bench pbs --batch`); at 6 bits 16 and 32 items were no better than 8, within this machine's noise.
        let cap = scratchBytes <= 128 << 10 ? 32 : 8
        return max(1, min(cap, (6 << 20) / max(scratchBytes, 1)))
    }
}

extension KeySwitch {
    /// Items per keyswitch group (`Bootstrap.programmableBatch`): as many as keep their 32-bit sums within 256 KB,
    /// a quarter of this machine's 1 MB L2, where each key row is applied to all of them (69 at n = 944).
    public static func preferredBatchSize(_ key: LWEKeyswitchKey) -> Int {
        max(1, (256 << 10) / (4 * key.outputDimension.lweSize))
    }

    /// The most items `Bootstrap.programmableBatch` keyswitches together when it bootstraps `lockstep` at a time:
    /// `preferredBatchSize`, and never fewer than one lockstep round.
    public static func groupSize(_ key: LWEKeyswitchKey, lockstep: Int) -> Int { max(lockstep, preferredBatchSize(key)) }

    /// KS of `count` ciphertexts (k·N + 1 words each, contiguous at `inputs`) into `outputs` (n + 1 words each,
    /// contiguous), with `digits` (l words per item) as scratch: every keyswitch-key row is applied to the whole
    /// batch while it is in L1. The sums run mod 2^32 on the key's 32-bit words (`LWEKeyswitchKey`) from the
    /// inputs' bodies rounded to 32 bits; each output word is its sum times 2^32.
    static func keyswitchBatch(
        _ inputs: UnsafePointer<UInt64>, count: Int, key: LWEKeyswitchKey, outputs: UnsafeMutablePointer<UInt64>,
        digits: UnsafeMutablePointer<Int64>
    ) {
        let inputCount = key.inputDimension.rawValue
        let inputSize = inputCount &+ 1
        let size = key.outputDimension.lweSize
        let l = key.decomposition.levelCount.rawValue
        let decomposer = SignedDecomposer(key.decomposition)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count &* size) { buffer in
            let sums = buffer.baseAddress!
            for b in 0..<count {
                let out = sums + b &* size
                out.update(repeating: 0, count: size)
                out[size &- 1] = LWEKeyswitchKey.rounded(inputs[b &* inputSize &+ inputCount])
            }
            key.data.withUnsafeBufferPointer { kskBuffer in
                let ksk = kskBuffer.baseAddress!
                for i in 0..<inputCount {
                    for b in 0..<count { decomposer.decompose(inputs[b &* inputSize &+ i], into: digits + b &* l) }
                    let rows = ksk + i &* l &* size
                    // Each output takes all l levels of coefficient i in passes of up to 4 rows, so it is read and
                    // written once per 4 levels instead of once per level (8 outputs do not fit in L1 together).
                    for b in 0..<count {
                        let d = digits + b &* l, out = sums + b &* size
                        var j = 0
                        while j < l {
                            let rest = l &- j
                            let take = rest >= 4 ? 4 : (rest >= 2 ? 2 : 1)
                            subtractMultiples(rows + j &* size, stride: size, digits: d + j, rowCount: take, from: out, count: size)
                            j &+= take
                        }
                    }
                }
            }
            for t in 0..<count &* size { outputs[t] = UInt64(sums[t]) &<< 32 }
        }
    }

    /// output −= Σ_r digits[r]·row_r mod 2^32 over `count` words for `rowCount` (1, 2 or 4) rows `stride` apart:
    /// one stride-1 pass that vectorizes (16 lanes of vpmulld on AVX-512). All-zero digits skip the pass.
    @inline(__always)
    static func subtractMultiples(
        _ rows: UnsafePointer<UInt32>, stride: Int, digits: UnsafePointer<Int64>, rowCount: Int,
        from output: UnsafeMutablePointer<UInt32>, count: Int
    ) {
        let f0 = UInt32(truncatingIfNeeded: digits[0])
        switch rowCount {
        case 4:
            let f1 = UInt32(truncatingIfNeeded: digits[1]), f2 = UInt32(truncatingIfNeeded: digits[2])
            let f3 = UInt32(truncatingIfNeeded: digits[3])
            if f0 | f1 | f2 | f3 == 0 { return }
            let r1 = rows + stride, r2 = r1 + stride, r3 = r2 + stride
            for t in 0..<count {
                output[t] = output[t] &- (f0 &* rows[t] &+ f1 &* r1[t] &+ f2 &* r2[t] &+ f3 &* r3[t])
            }
        case 2:
            let f1 = UInt32(truncatingIfNeeded: digits[1])
            if f0 | f1 == 0 { return }
            let r1 = rows + stride
            for t in 0..<count { output[t] = output[t] &- (f0 &* rows[t] &+ f1 &* r1[t]) }
        default:
            precondition(rowCount == 1, "subtractMultiples takes 1, 2 or 4 rows, got \(rowCount)")
            if f0 == 0 { return }
            for t in 0..<count { output[t] = output[t] &- f0 &* rows[t] }
        }
    }
}
