// Generation of the circuit bootstrap key (CircuitBootstrapKey.swift for the layout).

extension SecretKeys {
    /// Writes GLWE (r, i, j) of the circuit bootstrap key, for every level j, to `rows` (l·(k+1)·N words).
    private func packingRows(
        key r: Int, coefficient i: Int, decomposition: DecompositionParameters, seeds: EncryptionSeeds,
        plaintext: UnsafeMutablePointer<UInt64>, into rows: UnsafeMutablePointer<UInt64>
    ) {
        let k = parameters.glweDimension.rawValue
        let n = parameters.polynomialSize.rawValue
        let big = k * n
        let beta = decomposition.baseLog.rawValue
        let generator = seeds.generator(forItem: r * (big + 1) + i)
        // κ_i = −s_i for a mask coefficient, 1 for the body; s_i is coefficient i of the flattened GLWE key.
        let kappaIsOne = i == big
        let s = kappaIsOne ? 0 : glweKey.bits[i]
        for j in 1...decomposition.levelCount.rawValue {
            let g: UInt64 = 1 &<< UInt64(64 - beta * j)
            // f_r(κ)·g: −S_r·κ·g for r < k, κ·g (a constant) for r = k.
            if r < k {
                for c in 0..<n {
                    let sr = glweKey.bits[r * n + c]
                    plaintext[c] = kappaIsOne ? 0 &- (sr &* g) : s &* sr &* g
                }
            } else {
                for c in 0..<n { plaintext[c] = 0 }
                plaintext[0] = kappaIsOne ? g : 0 &- (s &* g)
            }
            GLWEEncryption.encrypt(plaintext, key: glweKey, noise: parameters.glweNoiseStandardDeviation, generator: generator,
                                   into: rows + (j - 1) * (k + 1) * n)
        }
    }

    /// The circuit bootstrap key of `parameters` (whose base must be this key set's parameters).
    public func circuitBootstrapKey(_ parameters: WoPParameters, seeds: EncryptionSeeds = .random()) -> CircuitBootstrapKey {
        precondition(parameters.base == self.parameters, "WoP parameters over \(parameters.base), keys of \(self.parameters)")
        let big = self.parameters.bigLWEDimension
        let k1 = self.parameters.glweDimension.glweSize
        let n = self.parameters.polynomialSize.rawValue
        let decomposition = parameters.packingKeyswitch
        let perCoefficient = decomposition.levelCount.rawValue * k1 * n
        let total = CircuitBootstrapKey.wordCount(inputDimension: big, glweDimension: self.parameters.glweDimension,
                                                  polynomialSize: self.parameters.polynomialSize, decomposition: decomposition)
        let items = k1 * big.lweSize
        let data = [UInt64](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = buffer.baseAddress!
            Parallel.forEach(count: items, makeState: { WorkerBuffer<UInt64>(count: n) }) { plaintext, item in
                let r = item / big.lweSize, i = item % big.lweSize
                packingRows(key: r, coefficient: i, decomposition: decomposition, seeds: seeds, plaintext: plaintext.pointer,
                            into: base + item * perCoefficient)
            }
            initialized = total
        }
        return CircuitBootstrapKey(data: data, inputDimension: big, glweDimension: self.parameters.glweDimension,
                                   polynomialSize: self.parameters.polynomialSize, decomposition: decomposition)
    }

    /// The WoP evaluation keys: the base set's keyswitch and bootstrap keys and the circuit bootstrap key.
    public func wopEvaluationKeys(_ parameters: WoPParameters, seeds: EncryptionSeeds = .random()) -> WoPEvaluationKeys {
        WoPEvaluationKeys(parameters: parameters, base: evaluationKeys(seeds: seeds),
                          circuitBootstrapKey: circuitBootstrapKey(parameters, seeds: seeds.derived(3)))
    }
}
