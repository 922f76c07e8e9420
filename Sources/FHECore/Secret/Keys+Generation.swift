// Generation of the evaluation keys (docs/ALGORITHMS.md: #keyswitch, #external-product, #seeded-objects).
// Full and seeded keys come from the same routine and the same streams, so decompressing a seeded key
// reproduces the full key exactly.

extension SecretKeys {
    /// Writes the keyswitch rows of coefficient `i` of `input` (l LWE ciphertexts under the small key) to `rows`.
    private func keyswitchRows(_ i: Int, input: LWESecretKey, seeds: EncryptionSeeds, into rows: UnsafeMutablePointer<UInt64>) {
        let decomposition = parameters.ksDecomposition
        let beta = decomposition.baseLog.rawValue
        let size = parameters.lweDimension.lweSize
        let generator = seeds.generator(forItem: i)
        let bit = input.bits[i]
        for j in 1...decomposition.levelCount.rawValue {
            let plaintext = bit &* (1 &<< UInt64(64 - beta * j))
            LWEEncryption.encrypt(plaintext, key: lweKey, noise: parameters.lweNoiseStandardDeviation,
                                  generator: generator,
                                  into: UnsafeMutableBufferPointer(start: rows + (j - 1) * size, count: size))
        }
    }

    /// Writes GGSW `i` (the encryption of small-key bit i) to `output`.
    private func bootstrapGGSW(
        _ i: Int, seeds: EncryptionSeeds, plaintext: UnsafeMutablePointer<UInt64>, into output: UnsafeMutablePointer<UInt64>
    ) {
        let k = parameters.glweDimension.rawValue
        let n = parameters.polynomialSize.rawValue
        let beta = parameters.pbsDecomposition.baseLog.rawValue
        let generator = seeds.generator(forItem: i)
        let bit = lweKey.bits[i]
        for j in 1...parameters.pbsDecomposition.levelCount.rawValue {
            let g = bit &* (1 &<< UInt64(64 - beta * j))
            for r in 0...k {
                // Row r: phase s·g added to component r, written on the body so seeded keys can regenerate the
                // mask: −s·g·S_r for a mask row, +s·g (constant) for the body row (docs/ALGORITHMS.md#external-product).
                if r < k {
                    for c in 0..<n { plaintext[c] = 0 &- (glweKey.bits[r * n + c] &* g) }
                } else {
                    for c in 0..<n { plaintext[c] = 0 }
                    plaintext[0] = g
                }
                let row = output + ((j - 1) * (k + 1) + r) * (k + 1) * n
                GLWEEncryption.encrypt(plaintext, key: glweKey, noise: parameters.glweNoiseStandardDeviation,
                                       generator: generator, into: row)
                if parameters.bootstrapKeyBodyBits < 64 {
                    // Round the body to a multiple of 2^(64 − bits): uniform noise the set's bootstrapKeyVariance counts.
                    let drop = UInt64(64 - parameters.bootstrapKeyBodyBits)
                    let body = row + k * n
                    for c in 0..<n { body[c] = (body[c] &+ (1 &<< (drop &- 1))) & ~((1 &<< drop) &- 1) }
                }
            }
        }
    }

    /// The keyswitch key (big key → small key).
    public func keyswitchKey(seeds: EncryptionSeeds = .random()) -> LWEKeyswitchKey {
        keyswitchKey(from: bigLWEKey, seeds: seeds)
    }

    /// The keyswitch key with bodies only.
    public func seededKeyswitchKey(seeds: EncryptionSeeds = .random()) -> SeededLWEKeyswitchKey {
        seededKeyswitchKey(from: bigLWEKey, seeds: seeds)
    }

    /// The cross keyswitch key from `source`'s big key to this set's small key, with this set's gadget: lookups
    /// of this partition fed by PBS outputs of `source`'s partition (docs/PARAMETERS.md#partitions).
    public func crossKeyswitchKey(from source: SecretKeys, seeds: EncryptionSeeds = .random()) -> LWEKeyswitchKey {
        keyswitchKey(from: source.bigLWEKey, seeds: seeds)
    }

    /// The cross keyswitch key with bodies only.
    public func seededCrossKeyswitchKey(from source: SecretKeys, seeds: EncryptionSeeds = .random()) -> SeededLWEKeyswitchKey {
        seededKeyswitchKey(from: source.bigLWEKey, seeds: seeds)
    }

    /// The keyswitch key from `input` to the small key.
    private func keyswitchKey(from input: LWESecretKey, seeds: EncryptionSeeds) -> LWEKeyswitchKey {
        LWEKeyswitchKey(inputDimension: input.lweDimension, outputDimension: parameters.lweDimension,
                        decomposition: parameters.ksDecomposition) { i, rows in
            keyswitchRows(i, input: input, seeds: seeds, into: rows)
        }
    }

    /// The keyswitch key from `input` to the small key, bodies only.
    private func seededKeyswitchKey(from input: LWESecretKey, seeds: EncryptionSeeds) -> SeededLWEKeyswitchKey {
        let inputCount = input.lweDimension.rawValue
        let l = parameters.ksDecomposition.levelCount.rawValue
        let size = parameters.lweDimension.lweSize
        let bodies = [UInt64](unsafeUninitializedCapacity: inputCount * l) { buffer, count in
            let base = buffer.baseAddress!
            Parallel.forEach(count: inputCount, makeState: { WorkerBuffer<UInt64>(count: l * size) }) { rows, i in
                keyswitchRows(i, input: input, seeds: seeds, into: rows.pointer)
                for j in 0..<l { base[i * l + j] = rows.pointer[j * size + size - 1] }
            }
            count = inputCount * l
        }
        return SeededLWEKeyswitchKey(maskSeed: seeds.maskSeed, bodies: bodies, inputDimension: input.lweDimension,
                                     outputDimension: parameters.lweDimension, decomposition: parameters.ksDecomposition)
    }

    /// The bootstrap key in the standard domain.
    public func bootstrapKey(seeds: EncryptionSeeds = .random()) -> LWEBootstrapKey {
        let count = parameters.lweDimension.rawValue
        let g = GGSWCiphertext.wordCount(glweDimension: parameters.glweDimension, polynomialSize: parameters.polynomialSize,
                                         decomposition: parameters.pbsDecomposition)
        let n = parameters.polynomialSize.rawValue
        let data = [UInt64](unsafeUninitializedCapacity: count * g) { buffer, initialized in
            let base = buffer.baseAddress!
            Parallel.forEach(count: count, makeState: { WorkerBuffer<UInt64>(count: n) }) { plaintext, i in
                bootstrapGGSW(i, seeds: seeds, plaintext: plaintext.pointer, into: base + i * g)
            }
            initialized = count * g
        }
        return LWEBootstrapKey(data: data, inputDimension: parameters.lweDimension, glweDimension: parameters.glweDimension,
                               polynomialSize: parameters.polynomialSize, decomposition: parameters.pbsDecomposition)
    }

    /// The bootstrap key with GLWE bodies only.
    public func seededBootstrapKey(seeds: EncryptionSeeds = .random()) -> SeededLWEBootstrapKey {
        let count = parameters.lweDimension.rawValue
        let k1 = parameters.glweDimension.glweSize
        let n = parameters.polynomialSize.rawValue
        let l = parameters.pbsDecomposition.levelCount.rawValue
        let g = l * k1 * k1 * n
        let bodyWords = l * k1 * n
        let bodies = [UInt64](unsafeUninitializedCapacity: count * bodyWords) { buffer, initialized in
            let base = buffer.baseAddress!
            Parallel.forEach(count: count, makeState: {
                (WorkerBuffer<UInt64>(count: n), WorkerBuffer<UInt64>(count: g))
            }) { state, i in
                bootstrapGGSW(i, seeds: seeds, plaintext: state.0.pointer, into: state.1.pointer)
                for row in 0..<(l * k1) {
                    (base + i * bodyWords + row * n).update(from: state.1.pointer + (row * k1 + k1 - 1) * n, count: n)
                }
            }
            initialized = count * bodyWords
        }
        return SeededLWEBootstrapKey(maskSeed: seeds.maskSeed, bodies: bodies, inputDimension: parameters.lweDimension,
                                     glweDimension: parameters.glweDimension, polynomialSize: parameters.polynomialSize,
                                     decomposition: parameters.pbsDecomposition, bodyBits: parameters.bootstrapKeyBodyBits)
    }

    /// Evaluation keys for the server: keyswitch key and Fourier bootstrap key.
    public func evaluationKeys(seeds: EncryptionSeeds = .random()) -> EvaluationKeys {
        let ksk = keyswitchKey(seeds: seeds.derived(1))
        let bsk = BootstrapKeyConversion.fourier(bootstrapKey(seeds: seeds.derived(2)), precision: parameters.fourierPrecision)
        return EvaluationKeys(parameters: parameters, keyswitchKey: ksk, bootstrapKey: bsk)
    }

    /// Seeded evaluation keys (the upload form); `SeededEvaluationKeys.decompressed()` gives what
    /// `evaluationKeys(seeds:)` gives for the same seeds.
    public func seededEvaluationKeys(seeds: EncryptionSeeds = .random()) -> SeededEvaluationKeys {
        SeededEvaluationKeys(parameters: parameters, keyswitchKey: seededKeyswitchKey(seeds: seeds.derived(1)),
                             bootstrapKey: seededBootstrapKey(seeds: seeds.derived(2)))
    }
}

extension EncryptionSeeds {
    /// Independent seeds for sub-object `index` (the keyswitch key and the bootstrap key of one key set must not
    /// share streams): each seed re-keyed by `Seed.derived(_:)`.
    public func derived(_ index: UInt64) -> EncryptionSeeds {
        EncryptionSeeds(maskSeed: maskSeed.derived(index), noiseSeed: noiseSeed.derived(index))
    }
}

extension Seed {
    /// An independent seed for sub-object `index`: this seed's bytes re-keyed through ChaCha20 stream 2^63 + index.
    public func derived(_ index: UInt64) -> Seed {
        let stream = ChaCha20Stream(seed: self, streamID: (1 << 63) | index)
        var words = [UInt64](repeating: 0, count: 4)
        words.withUnsafeMutableBufferPointer { stream.fill($0) }
        return Seed(bytes: words.withUnsafeBytes { Array($0) })
    }
}
