import Testing
@_spi(KeyHolder) @testable import FHECore

@Suite struct LeveledAndKeySwitchTests {
    @Test func leveledOperationsAreExact() {
        let bits = 6
        let parameters = ParameterSet.insecureToy(bits: 4)
        let (secret, _) = TestKeys.shared.keys(parameters)
        let modulus = Int64(1) << bits
        for _ in 0..<50 {
            let x = Int64.random(in: 0..<modulus), y = Int64.random(in: 0..<modulus)
            let cx = secret.encrypt(x, bits: bits), cy = secret.encrypt(y, bits: bits)
            #expect(secret.decrypt(LWE.adding(cx, cy), bits: bits) == UInt64((x + y) % modulus))
            #expect(secret.decrypt(LWE.subtracting(cx, cy), bits: bits) == UInt64(((x - y) % modulus + modulus) % modulus))
            #expect(secret.decrypt(LWE.negating(cx), bits: bits) == UInt64((modulus - x) % modulus))
            var c = cx
            LWE.addPlaintext(&c, Torus.encode(y, bits: bits))
            #expect(secret.decrypt(c, bits: bits) == UInt64((x + y) % modulus))
            let w = Int64.random(in: -9...9)
            #expect(secret.decrypt(LWE.multiplying(cx, by: w), bits: bits) == UInt64(((x * w) % modulus + modulus) % modulus))
            let ws: [Int64] = [3, -2, 5]
            let dot = LWE.dotProduct([cx, cy, cx], weights: ws)
            let expected = ((3 * x - 2 * y + 5 * x) % modulus + modulus) % modulus
            #expect(secret.decrypt(dot, bits: bits) == UInt64(expected))
        }
    }

    @Test func keyswitchRoundTripKeepsTheMessage() throws {
        for parameters in [ParameterSet.insecureToy(bits: 4), try #require(ParameterSet.concrete(bits: 4))] {
            let (secret, keys) = TestKeys.shared.keys(parameters)
            for m in 0..<16 {
                let c = secret.encrypt(Int64(m), bits: 4)
                let small = KeySwitch.keyswitch(c, key: keys.keyswitchKey)
                #expect(small.lweDimension == parameters.lweDimension)
                #expect(Torus.decode(LWEEncryption.phase(small, key: secret.lweKey), bits: 4) == UInt64(m))
            }
        }
    }

    /// The keyswitch on the 32-bit evaluation form (`LWEKeyswitchKey`) against a 64-bit keyswitch on the key the
    /// seed and bodies define. Word by word, each of its Σ|d| key-row terms moves by at most 2^31 (the rounding of
    /// a word to a multiple of 2^32) and the body by 2^31 more. The phase moves by the rounding errors met by the
    /// key: unbiased rounding keeps that within 6 standard deviations of Σd²·(1 + n/2)·2^64/12 (the noise model's
    /// term); a biased one (truncation) adds up n/2 coherent errors and fails it.
    @Test func roundedKeyswitchKeyMovesEachOutputWordByItsRoundingAtMost() {
        let parameters = ParameterSet.insecureToy(bits: 4)
        let secret = SecretKeys(parameters: parameters, seed: TestKeys.seed(1))
        let seeded = secret.seededKeyswitchKey(seeds: EncryptionSeeds(maskSeed: TestKeys.seed(4), noiseSeed: TestKeys.seed(5)))
        let key = Decompression.decompress(seeded)
        let inputCount = key.inputDimension.rawValue, size = key.outputDimension.lweSize
        let l = key.decomposition.levelCount.rawValue
        let decomposer = SignedDecomposer(key.decomposition)
        var digits = [Int64](repeating: 0, count: l)
        var row = [UInt64](repeating: 0, count: size - 1)
        for m in 0..<16 {
            let c = secret.encrypt(Int64(m), bits: 4)
            var exact = [UInt64](repeating: 0, count: size)
            exact[size - 1] = c.body
            var digitSum: UInt64 = 0, digitSquares: Int64 = 0
            for i in 0..<inputCount {
                let stream = ChaCha20Stream(seed: seeded.maskSeed, streamID: UInt64(i))
                digits.withUnsafeMutableBufferPointer { decomposer.decompose(c.data[i], into: $0.baseAddress!) }
                for j in 0..<l {
                    row.withUnsafeMutableBufferPointer { stream.fill($0) }
                    let d = UInt64(bitPattern: digits[j])
                    digitSum += digits[j].magnitude
                    digitSquares += digits[j] * digits[j]
                    for t in 0..<size - 1 { exact[t] = exact[t] &- d &* row[t] }
                    exact[size - 1] = exact[size - 1] &- d &* seeded.bodies[i * l + j]
                }
            }
            let rounded = KeySwitch.keyswitch(c, key: key)
            for t in 0..<size {
                let bound = (digitSum + (t == size - 1 ? 1 : 0)) << 31
                #expect((rounded.data[t] &- exact[t]).signedMagnitude <= bound, "message \(m), word \(t)")
                #expect(rounded.data[t] & 0xFFFF_FFFF == 0)
            }
            var phaseShift = rounded.data[size - 1] &- exact[size - 1]
            for t in 0..<size - 1 { phaseShift = phaseShift &- secret.lweKey.bits[t] &* (rounded.data[t] &- exact[t]) }
            let sigma = (Double(digitSquares) * (1 + Double(size - 1) / 2) / 12).squareRoot() * 0x1p32
            #expect(Double(phaseShift.signedMagnitude) <= 6 * sigma + 0x1p31, "message \(m)")
            #expect(Torus.decode(LWEEncryption.phase(rounded, key: secret.lweKey), bits: 4) == UInt64(m))
        }
    }

    @Test func seededObjectsDecompressToTheFullObjectsBitForBit() {
        let parameters = ParameterSet.insecureToy(bits: 2)
        let secret = SecretKeys(parameters: parameters, seed: TestKeys.seed(1))
        let seeds = EncryptionSeeds(maskSeed: TestKeys.seed(4), noiseSeed: TestKeys.seed(5))
        #expect(Decompression.decompress(secret.seededKeyswitchKey(seeds: seeds)) == secret.keyswitchKey(seeds: seeds))
        #expect(Decompression.decompress(secret.seededBootstrapKey(seeds: seeds)) == secret.bootstrapKey(seeds: seeds))
        let seeded = secret.seededEvaluationKeys(seeds: seeds).decompressed()
        let full = secret.evaluationKeys(seeds: seeds)
        #expect(seeded.keyswitchKey == full.keyswitchKey)
        #expect(seeded.bootstrapKey.data == full.bootstrapKey.data)
        // Ciphertexts: single and list.
        let p = Torus.encode(3, bits: 4)
        let one = LWEEncryption.encryptSeeded(p, key: secret.bigLWEKey, noise: 0x1p-40, seeds: seeds)
        #expect(Decompression.decompress(one) == LWEEncryption.encrypt(p, key: secret.bigLWEKey, noise: 0x1p-40, generator: seeds.generator(forItem: 0)))
        let list = LWEEncryption.encryptSeeded([p, p &+ 5, 0], key: secret.bigLWEKey, noise: 0x1p-40, seeds: seeds)
        let full3 = Decompression.decompress(list)
        for i in 0..<3 {
            #expect(full3[i] == LWEEncryption.encrypt([p, p &+ 5, 0][i], key: secret.bigLWEKey, noise: 0x1p-40, generator: seeds.generator(forItem: i)))
            #expect(secret.decrypt(full3[i], bits: 4) == [3, 3, 0][i])
        }
        // Seeded sizes: bodies only.
        #expect(secret.seededBootstrapKey(seeds: seeds).byteCount * parameters.glweDimension.glweSize
                < secret.bootstrapKey(seeds: seeds).byteCount + 64 * parameters.glweDimension.glweSize)
    }
}

private extension UInt64 {
    /// |x| for x read as a signed 64-bit value.
    var signedMagnitude: UInt64 { Int64(bitPattern: self).magnitude }
}
