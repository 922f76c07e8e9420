import Testing
@_spi(KeyHolder) @testable import FHECore

@Suite struct WithoutPaddingBootstrapTests {
    /// An insecure toy WoP set: n = 64, k = 1, N = 512, tiny key noise, so every one-bit decision and every
    /// CMUX is far from its error bound and a wrong entry can only be a wrong algorithm. The PBS gadget keeps 45
    /// bits so that the GGSWs' noise (the PBS's rounding error, summed over n CMUXes) stays small against the
    /// vertical packing's digits (base 2^7): with 30 bits and base 2^10, 8-bit outputs were off by one.
    static let toy = WoPParameters(
        base: ParameterSet(lweDimension: 64, glweDimension: 1, polynomialSize: 512, pbs: (3, 15), ks: (5, 4),
                           lweNoiseStandardDeviation: 0x1p-40, glweNoiseStandardDeviation: 0x1p-50, isInsecureTestSet: true),
        circuitBootstrap: (3, 7), packingKeyswitch: (2, 16))

    static let keys: (secret: SecretKeys, evaluation: WoPEvaluationKeys) = {
        let secret = SecretKeys(parameters: toy.base, seed: TestKeys.seed(3))
        return (secret, secret.wopEvaluationKeys(toy, seeds: TestKeys.seeds))
    }()

    /// The packing keyswitch turns an LWE of m into GLWEs whose phases are −S_r·m (r < k) and m (r = k): the rows
    /// of a GGSW level.
    @Test func packingKeyswitchAppliesEachRowFunction() {
        let (secret, keys) = Self.keys
        let n = Self.toy.base.polynomialSize.rawValue
        let k = Self.toy.base.glweDimension.rawValue
        let m: UInt64 = 0x1234_5000_0000_0000
        let lwe = LWEEncryption.encrypt(m, key: secret.bigLWEKey, noise: 0x1p-50, generator: TestKeys.seeds.generator(forItem: 5))
        for r in 0...k {
            var glwe = GLWECiphertext(glweDimension: Self.toy.base.glweDimension, polynomialSize: Self.toy.base.polynomialSize)
            lwe.data.withUnsafeBufferPointer { i in
                glwe.data.withUnsafeMutableBufferPointer {
                    PackingKeyswitch.apply(key: keys.circuitBootstrapKey, function: r, inputs: i.baseAddress!, count: 1,
                                           outputs: $0.baseAddress!)
                }
            }
            let phase = GLWEEncryption.phase(glwe, key: secret.glweKey)
            for c in 0..<n {
                let expected: UInt64 = r < k ? 0 &- (secret.glweKey.bits[r * n + c] &* m) : (c == 0 ? m : 0)
                let error = Int64(bitPattern: phase[c] &- expected)
                #expect(abs(error) < 1 << 40, "r=\(r) c=\(c) error \(error)")
            }
        }
    }

    /// decrypt(WoP-PBS(encrypt(m))) == table[m] at every precision 9…16, for edge and random inputs, signed ones
    /// included (their two's-complement pattern indexes the table), two tables at once.
    @Test(arguments: 9...16)
    func lookupIsExactAtEveryLargePrecision(bits: Int) {
        let (secret, keys) = Self.keys
        let scratch = WoPScratch(parameters: Self.toy)
        let size = 1 << bits
        let outputBits = 8
        // Two tables with nothing in common, entries spread over the whole output range.
        let first = (0..<size).map { Int64(($0 &* 2_654_435_761) >> 7 & 0xff) }
        let second = (0..<size).map { Int64(($0 * 37 + 11) % 256) }
        let encode = { (t: [Int64]) in t.map { Torus.encode($0, bits: outputBits) } }
        var inputs: [Int64] = [0, 1, Int64(size / 2 - 1), Int64(size / 2), Int64(size - 1), -1, -Int64(size / 2)]
        for _ in 0..<3 { inputs.append(Int64.random(in: 0..<Int64(size))) }
        for m in inputs {
            let c = secret.encrypt(m, bits: bits)
            let outputs = Bootstrap.withoutPadding(c, bits: bits, tables: [encode(first), encode(second)], keys: keys, scratch: scratch)
            let index = Int(UInt64(bitPattern: m) & UInt64(size - 1))
            #expect(secret.decrypt(outputs[0], bits: outputBits) == UInt64(first[index]), "bits=\(bits) m=\(m)")
            #expect(secret.decrypt(outputs[1], bits: outputBits) == UInt64(second[index]), "bits=\(bits) m=\(m)")
        }
    }
}

extension WithoutPaddingBootstrapTests {
    /// CRT blocks (Concrete's 12- and 16-bit bases): a levelled 3·x + 5 blockwise, a lookup whose tables give the
    /// result as CRT blocks again, and a second lookup on those blocks: every step decodes to the clear value, so
    /// lookups chain.
    @Test(arguments: [12, 16])
    func crtLookupsChainExactly(bits: Int) throws {
        let (secret, keys) = Self.keys
        let scratch = WoPScratch(parameters: Self.toy)
        let encoding = try #require(CRTEncoding.concrete(bits: bits))
        let m = Int64(encoding.product)
        let f = { (x: Int64) in (x * x + 7) % m }
        let g = { (x: Int64) in (x / 3) ^ 0x55 }
        let blockTables = { (h: @escaping (Int64) -> Int64) in
            encoding.moduli.indices.map { o in
                encoding.table { CRTEncoding.plaintext(residue: encoding.residues(h($0))[o], modulus: encoding.moduli[o]) }
            }
        }
        let fTables = blockTables(f), gTables = blockTables { g($0) % m }
        let decode = { (blocks: [LWECiphertext]) in
            encoding.value(residues: zip(blocks, encoding.moduli).map {
                CRTEncoding.residue(phase: LWEEncryption.phase($0, key: secret.bigLWEKey), modulus: $1)
            })
        }
        for x in [Int64(0), 1, m - 1, Int64.random(in: 0..<m)] {
            var blocks = encoding.plaintexts(x).enumerated().map { i, plaintext in
                LWEEncryption.encrypt(plaintext, key: secret.bigLWEKey, noise: 0x1p-50, generator: TestKeys.seeds.generator(forItem: i))
            }
            // 3·x + 5 on each block: the torus wraps at q, so each block's arithmetic is mod m_i.
            for i in blocks.indices {
                LWE.multiply(&blocks[i], by: 3)
                LWE.addPlaintext(&blocks[i], CRTEncoding.plaintext(residue: 5 % encoding.moduli[i], modulus: encoding.moduli[i]))
            }
            let y = (3 * x + 5) % m
            #expect(decode(blocks) == Int(y), "bits=\(bits) x=\(x)")
            let fBlocks = Bootstrap.withoutPadding(blocks: blocks, encoding: encoding, tables: fTables, keys: keys, scratch: scratch)
            #expect(decode(fBlocks) == Int(f(y)), "bits=\(bits) x=\(x)")
            let gBlocks = Bootstrap.withoutPadding(blocks: fBlocks, encoding: encoding, tables: gTables, keys: keys, scratch: scratch)
            #expect(decode(gBlocks) == Int(g(f(y)) % m), "bits=\(bits) x=\(x)")
        }
    }
}
