// Programmable bootstrapping: modulus switch, blind rotation, sample extraction
// (docs/ALGORITHMS.md#pbs, #lookup-table, #signed-inputs), and the KS-PBS atomic pattern (docs/NOISE.md#atomic-pattern).

/// Programmable bootstrapping.
public enum Bootstrap {
    /// Blind rotation of a batch: `scratches[b].switched` holds the switched phase of item b and
    /// `scratches[b].accumulator` its rotated lookup table (`startRotation`); one CMUX per non-zero ã_i.
    /// GGSW i is applied to every item before GGSW i + 1 is touched, so each key row comes from memory once
    /// per batch instead of once per item (the key is far larger than any cache; one GGSW fits in L2).
    static func blindRotate(key: FourierLWEBootstrapKey, scratches: ArraySlice<BootstrapScratch>) {
        let n = key.polynomialSize.rawValue
        let k1 = key.glweDimension.rawValue + 1
        let count = key.inputDimension.rawValue
        let decomposer = SignedDecomposer(key.decomposition)
        let l = key.decomposition.levelCount.rawValue
        let ggswSize = key.fourierPrecision.keyParts * l * k1 * k1 * n
        // Items whose ã_i is non-zero (the others skip CMUX i), as indices into `scratches`.
        let active = UnsafeMutablePointer<Int>.allocate(capacity: scratches.count)
        defer { active.deallocate() }
        withExtendedLifetime(key.storage) {
            let base = key.storage.baseAddress
            // Each item's first half of CMUX i + 1 follows its end of CMUX i, while its ACC is still in cache.
            for scratch in scratches where scratch.switched[0] != 0 {
                ExternalProduct.transformRotatedDifference(power: scratch.switched[0], glweSize: k1, decomposer: decomposer, scratch: scratch)
            }
            for i in 0..<count {
                var activeCount = 0
                for index in scratches.indices where scratches[index].switched[i] != 0 {
                    active[activeCount] = index
                    activeCount &+= 1
                }
                ExternalProduct.accumulateBatch(ggsw: base + i &* ggswSize, glweSize: k1, levelCount: l, precision: key.fourierPrecision,
                                                scratches: scratches, active: active, activeCount: activeCount)
                for scratch in scratches {
                    if scratch.switched[i] != 0 { ExternalProduct.finish(glweSize: k1, precision: key.fourierPrecision, scratch: scratch) }
                    if i &+ 1 < count, scratch.switched[i &+ 1] != 0 {
                        ExternalProduct.transformRotatedDifference(power: scratch.switched[i &+ 1], glweSize: k1, decomposer: decomposer,
                                                                   scratch: scratch)
                    }
                }
            }
        }
    }

    /// Modulus-switches the small ciphertext `small` (n + 1 words, already keyswitched; a signed table's offset is
    /// added to its body in place) into `scratch.switched` and sets the accumulator to X^(−b̃)·LUT.
    static func startRotation(
        lookupTable: LookupTable, key: FourierLWEBootstrapKey, small: UnsafeMutablePointer<UInt64>, scratch: BootstrapScratch
    ) {
        let n = key.polynomialSize.rawValue
        precondition(lookupTable.polynomialSize == n, "lookup table has \(lookupTable.polynomialSize) coefficients, N = \(n)")
        let k = key.glweDimension.rawValue
        let count = key.inputDimension.rawValue
        if lookupTable.isSignedInput {
            // Move [−2^(p−1), 2^(p−1)) to [0, 2^p) (docs/ALGORITHMS.md#signed-inputs).
            let p = lookupTable.inputBits
            small[count] = small[count] &+ (Torus.delta(bits: p) &<< UInt64(p - 1))
        }
        ModulusSwitch.toTwiceN(small, count: count + 1, log2TwiceN: key.polynomialSize.log2 + 1, into: scratch.switched)
        let acc = scratch.accumulator
        acc.update(repeating: 0, count: k * n)
        let b = scratch.switched[count]
        lookupTable.coefficients.withUnsafeBufferPointer {
            NegacyclicPolynomial.rotate($0.baseAddress!, by: (2 * n - b) % (2 * n), count: n, into: acc + k * n)
        }
    }

    /// PBS of the small ciphertext in `scratch.small` (already keyswitched) into `output` (k·N + 1 words).
    static func programmableFromScratch(
        lookupTable: LookupTable, key: FourierLWEBootstrapKey, scratch: BootstrapScratch, into output: UnsafeMutablePointer<UInt64>
    ) {
        startRotation(lookupTable: lookupTable, key: key, small: scratch.small, scratch: scratch)
        blindRotate(key: key, scratches: [scratch])
        SampleExtraction.extractConstant(scratch.accumulator, glweDimension: key.glweDimension.rawValue,
                                         polynomialSize: key.polynomialSize.rawValue, into: output)
    }

    /// KS + PBS on raw words: `input` (k·N + 1 words, big key) → `output` (k·N + 1 words, big key), f applied.
    public static func programmable(
        _ input: UnsafePointer<UInt64>, lookupTable: LookupTable, keys: EvaluationKeys, scratch: BootstrapScratch,
        into output: UnsafeMutablePointer<UInt64>
    ) {
        programmableBatch(input, count: 1, lookupTable: { _ in lookupTable }, keys: keys, scratches: [scratch][...], into: output)
    }

    /// KS + PBS: an encryption of f(m) under the big key from an encryption of m under the big key.
    public static func programmable(
        _ input: LWECiphertext, lookupTable: LookupTable, keys: EvaluationKeys, scratch: BootstrapScratch,
        into output: inout LWECiphertext
    ) {
        let big = keys.parameters.bigLWEDimension
        precondition(input.lweDimension == big && output.lweDimension == big,
                     "KS+PBS works on ciphertexts of \(big), got \(input.lweDimension) → \(output.lweDimension)")
        input.data.withUnsafeBufferPointer { i in
            output.data.withUnsafeMutableBufferPointer { o in
                programmable(i.baseAddress!, lookupTable: lookupTable, keys: keys, scratch: scratch, into: o.baseAddress!)
            }
        }
    }

    /// KS + PBS with its own scratch (convenience; allocate a `BootstrapScratch` for loops).
    public static func programmable(_ input: LWECiphertext, lookupTable: LookupTable, keys: EvaluationKeys) -> LWECiphertext {
        var out = LWECiphertext(lweDimension: keys.parameters.bigLWEDimension)
        programmable(input, lookupTable: lookupTable, keys: keys, scratch: BootstrapScratch(parameters: keys.parameters), into: &out)
        return out
    }

    /// PBS only, from a ciphertext under the small key (dimension n) to the big key.
    public static func programmable(
        small input: LWECiphertext, lookupTable: LookupTable, bootstrapKey: FourierLWEBootstrapKey, scratch: BootstrapScratch
    ) -> LWECiphertext {
        precondition(input.lweDimension == bootstrapKey.inputDimension,
                     "PBS input has \(input.lweDimension), bootstrap key expects \(bootstrapKey.inputDimension)")
        input.data.withUnsafeBufferPointer { scratch.small.update(from: $0.baseAddress!, count: $0.count) }
        var out = LWECiphertext(lweDimension: LWEDimension(bootstrapKey.glweDimension.rawValue * bootstrapKey.polynomialSize.rawValue))
        out.data.withUnsafeMutableBufferPointer {
            programmableFromScratch(lookupTable: lookupTable, key: bootstrapKey, scratch: scratch, into: $0.baseAddress!)
        }
        return out
    }

    /// Many independent KS + PBS on all cores. Each worker takes contiguous chunks of up to one keyswitch group
    /// (`KeySwitch.groupSize`) and runs each through `programmableBatch` with
    /// `batchSize` scratches. `lookupTables` holds one table for all inputs or one per input. The inputs are under
    /// the keyswitch key's input key: the set's own big key, or another partition's for a cross keyswitch key
    /// (docs/PARAMETERS.md#partitions); the outputs are under the set's big key.
    public static func programmableConcurrent(
        _ inputs: LWECiphertextList, lookupTables: [LookupTable], keys: EvaluationKeys, workers: Int = Parallel.workerCount,
        batchSize: Int? = nil
    ) -> LWECiphertextList {
        let source = keys.keyswitchKey.inputDimension, target = keys.parameters.bigLWEDimension
        precondition(inputs.lweDimension == source, "KS+PBS reads ciphertexts of \(source), got \(inputs.lweDimension)")
        precondition(lookupTables.count == 1 || lookupTables.count == inputs.count,
                     "\(lookupTables.count) lookup tables for \(inputs.count) inputs")
        let count = inputs.count
        var outputs = LWECiphertextList(lweDimension: target, count: count)
        if count == 0 { return outputs }
        let batch = max(1, batchSize ?? BootstrapScratch.preferredBatchSize(keys.parameters))
        let group = KeySwitch.groupSize(keys.keyswitchKey, lockstep: batch)
        // No chunk larger than a group, and a multiple of the workers of chunks whose sizes differ by at most one,
        // so that every worker gets the same work (32 lookups in chunks of at most 7 on 2 workers were once 5
        // chunks of 7: one worker did 21 lookups while the other did 14; now they would be 6 chunks of 5 or 6).
        let workerCount = max(1, workers)
        let groups = (count + group - 1) / group
        let chunkCount = min(count, (groups + workerCount - 1) / workerCount * workerCount)
        let largest = (count + chunkCount - 1) / chunkCount
        let inputSize = source.lweSize, outputSize = target.lweSize
        inputs.data.withUnsafeBufferPointer { i in
            outputs.data.withUnsafeMutableBufferPointer { o in
                let ib = i.baseAddress!, ob = o.baseAddress!
                Parallel.forEach(count: chunkCount, workers: workers, makeState: {
                    BootstrapScratch.batch(min(batch, largest), parameters: keys.parameters)
                }) { scratches, c in
                    let first = c * count / chunkCount
                    let items = (c + 1) * count / chunkCount - first
                    programmableBatch(ib + first * inputSize, count: items, lookupTable: {
                        lookupTables.count == 1 ? lookupTables[0] : lookupTables[first + $0]
                    }, keys: keys, scratches: scratches[...], into: ob + first * outputSize)
                }
            }
        }
        return outputs
    }
}
