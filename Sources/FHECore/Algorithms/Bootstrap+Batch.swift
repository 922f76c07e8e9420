// KS + PBS of several independent ciphertexts in lockstep: the keys are read once per batch, not once per
// ciphertext. A real circuit has many independent lookups per layer; at 2–4 bits the keyswitch and bootstrap
// keys (26–63 MB each) do not fit in cache, so reading them dominates unless they are shared.

extension Bootstrap {
    /// KS + PBS of `count` ciphertexts (each k·N + 1 words, contiguous at `inputs`) into `outputs` (same
    /// layout), item b through `lookupTable(b)` with `scratches[b]`.
    /// - Precondition: `scratches` has `count` distinct scratches sized for `keys.parameters`.
    public static func programmableBatch(
        _ inputs: UnsafePointer<UInt64>, count: Int, lookupTable: (Int) -> LookupTable, keys: EvaluationKeys,
        scratches: ArraySlice<BootstrapScratch>, into outputs: UnsafeMutablePointer<UInt64>
    ) {
        precondition(scratches.count == count, "\(scratches.count) scratches for a batch of \(count)")
        let size = keys.parameters.bigLWEDimension.lweSize
        for scratch in scratches {
            precondition(scratch.parameters == keys.parameters, "scratch sized for \(scratch.parameters), keys for \(keys.parameters)")
        }
        KeySwitch.keyswitchBatch(inputs, count: count, key: keys.keyswitchKey, outputs: scratches.map(\.small),
                                 digits: scratches.map(\.keyswitchDigits))
        let key = keys.bootstrapKey
        for (b, scratch) in scratches.enumerated() {
            startRotation(lookupTable: lookupTable(b), key: key, scratch: scratch)
        }
        blindRotate(key: key, scratches: scratches)
        for (b, scratch) in scratches.enumerated() {
            SampleExtraction.extractConstant(scratch.accumulator, glweDimension: key.glweDimension.rawValue,
                                             polynomialSize: key.polynomialSize.rawValue, into: outputs + b &* size)
        }
    }
}

extension BootstrapScratch {
    /// Items per lockstep batch for `parameters`: as many as keep the batch's working memory (its scratches
    /// plus one GGSW) within about 1.5 MiB of the 2 MiB L2, at least 2 and at most 8.
    public static func preferredBatchSize(_ parameters: ParameterSet) -> Int {
        let n = parameters.polynomialSize.rawValue
        let k1 = parameters.glweDimension.glweSize
        let l = parameters.pbsDecomposition.levelCount.rawValue
        let scratchBytes = 8 * n * (2 * k1 + l + l * k1 + 1)
        let ggswBytes = 8 * l * k1 * k1 * n
        let budget = 3 << 19
        return max(2, min(8, (budget - ggswBytes) / max(scratchBytes, 1)))
    }
}

extension KeySwitch {
    /// KS of `count` ciphertexts (k·N + 1 words each, contiguous at `inputs`) into `outputs[b]` (n + 1 words),
    /// with `digits[b]` (l words) as scratch: every keyswitch-key row is applied to the whole batch while it is
    /// in L1.
    static func keyswitchBatch(
        _ inputs: UnsafePointer<UInt64>, count: Int, key: LWEKeyswitchKey, outputs: [UnsafeMutablePointer<UInt64>],
        digits: [UnsafeMutablePointer<Int64>]
    ) {
        let inputCount = key.inputDimension.rawValue
        let inputSize = inputCount &+ 1
        let size = key.outputDimension.lweSize
        let l = key.decomposition.levelCount.rawValue
        let decomposer = SignedDecomposer(key.decomposition)
        for b in 0..<count {
            outputs[b].update(repeating: 0, count: size)
            outputs[b][size &- 1] = inputs[b &* inputSize &+ inputCount]
        }
        key.data.withUnsafeBufferPointer { kskBuffer in
            let ksk = kskBuffer.baseAddress!
            for i in 0..<inputCount {
                for b in 0..<count { decomposer.decompose(inputs[b &* inputSize &+ i], into: digits[b]) }
                let rows = ksk + i &* l &* size
                for j in 0..<l {
                    let row = rows + j &* size
                    for b in 0..<count {
                        let d = digits[b][j]
                        if d == 0 { continue }
                        subtractMultiple(row, UInt64(bitPattern: d), from: outputs[b], count: size)
                    }
                }
            }
        }
    }

    /// output −= factor·row over `count` words (a stride-1 loop that vectorizes; vpmullq on AVX-512).
    @inline(__always)
    static func subtractMultiple(
        _ row: UnsafePointer<UInt64>, _ factor: UInt64, from output: UnsafeMutablePointer<UInt64>, count: Int
    ) {
        for t in 0..<count { output[t] = output[t] &- factor &* row[t] }
    }
}
