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
