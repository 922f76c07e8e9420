// Programmable bootstrapping: modulus switch, blind rotation, sample extraction (reference/tfhe.md §5.6–5.8),
// and the KS-PBS atomic pattern (§2.5).

/// Programmable bootstrapping.
public enum Bootstrap {
    /// Blind rotation of the lookup table by the switched phase of `scratch.switched`, leaving the result in
    /// `scratch.accumulator`: ACC = X^(−b̃)·LUT, then one CMUX per non-zero ã_i.
    static func blindRotate(lut: UnsafePointer<UInt64>, key: FourierLWEBootstrapKey, scratch: BootstrapScratch) {
        let n = key.polynomialSize.rawValue
        let k = key.glweDimension.rawValue
        let k1 = k + 1
        let count = key.inputDimension.rawValue
        let switched = scratch.switched
        let acc = scratch.accumulator
        acc.update(repeating: 0, count: k * n)
        let b = switched[count]
        NegacyclicPolynomial.rotate(lut, by: (2 * n - b) % (2 * n), count: n, into: acc + k * n)
        let decomposer = SignedDecomposer(key.decomposition)
        let ggswSize = key.decomposition.levelCount.rawValue * k1 * k1 * n
        key.data.withUnsafeBufferPointer { bsk in
            let base = bsk.baseAddress!
            for i in 0..<count {
                let a = switched[i]
                if a == 0 { continue }
                ExternalProduct.cmuxRotate(ggsw: base + i &* ggswSize, power: a, glweSize: k1, decomposer: decomposer,
                                           scratch: scratch)
            }
        }
    }

    /// PBS of the small ciphertext in `scratch.small` (already keyswitched) into `output` (k·N + 1 words).
    static func programmableFromScratch(
        lookupTable: LookupTable, key: FourierLWEBootstrapKey, scratch: BootstrapScratch, into output: UnsafeMutablePointer<UInt64>
    ) {
        let n = key.polynomialSize.rawValue
        precondition(lookupTable.polynomialSize == n, "lookup table has \(lookupTable.polynomialSize) coefficients, N = \(n)")
        let count = key.inputDimension.rawValue
        if lookupTable.isSignedInput {
            // Move [−2^(p−1), 2^(p−1)) to [0, 2^p) (reference/tfhe.md §5.8).
            let p = lookupTable.inputBits
            scratch.small[count] = scratch.small[count] &+ (Torus.delta(bits: p) &<< UInt64(p - 1))
        }
        ModulusSwitch.toTwiceN(scratch.small, count: count + 1, log2TwiceN: key.polynomialSize.log2 + 1, into: scratch.switched)
        lookupTable.coefficients.withUnsafeBufferPointer { blindRotate(lut: $0.baseAddress!, key: key, scratch: scratch) }
        SampleExtraction.extractConstant(scratch.accumulator, glweDimension: key.glweDimension.rawValue, polynomialSize: n,
                                         into: output)
    }

    /// KS + PBS on raw words: `input` (k·N + 1 words, big key) → `output` (k·N + 1 words, big key), f applied.
    public static func programmable(
        _ input: UnsafePointer<UInt64>, lookupTable: LookupTable, keys: EvaluationKeys, scratch: BootstrapScratch,
        into output: UnsafeMutablePointer<UInt64>
    ) {
        precondition(scratch.parameters == keys.parameters, "scratch sized for \(scratch.parameters), keys for \(keys.parameters)")
        KeySwitch.keyswitch(input, key: keys.keyswitchKey, into: scratch.small, digits: scratch.keyswitchDigits)
        programmableFromScratch(lookupTable: lookupTable, key: keys.bootstrapKey, scratch: scratch, into: output)
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

    /// Many independent KS + PBS on all cores, one scratch per worker. `lookupTables` holds one table for all
    /// inputs or one per input.
    public static func programmableConcurrent(
        _ inputs: LWECiphertextList, lookupTables: [LookupTable], keys: EvaluationKeys, workers: Int = Parallel.workerCount
    ) -> LWECiphertextList {
        let big = keys.parameters.bigLWEDimension
        precondition(inputs.lweDimension == big, "KS+PBS works on ciphertexts of \(big), got \(inputs.lweDimension)")
        precondition(lookupTables.count == 1 || lookupTables.count == inputs.count,
                     "\(lookupTables.count) lookup tables for \(inputs.count) inputs")
        var outputs = LWECiphertextList(lweDimension: big, count: inputs.count)
        let size = big.lweSize
        inputs.data.withUnsafeBufferPointer { i in
            outputs.data.withUnsafeMutableBufferPointer { o in
                let ib = i.baseAddress!, ob = o.baseAddress!
                Parallel.forEach(count: inputs.count, workers: workers, makeState: { BootstrapScratch(parameters: keys.parameters) }) {
                    scratch, index in
                    let lut = lookupTables.count == 1 ? lookupTables[0] : lookupTables[index]
                    programmable(ib + index * size, lookupTable: lut, keys: keys, scratch: scratch, into: ob + index * size)
                }
            }
        }
        return outputs
    }
}
