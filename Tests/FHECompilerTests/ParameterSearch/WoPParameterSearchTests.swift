import Foundation
import Testing
@_spi(KeyHolder) import FHECore
@testable import FHECompiler

@Suite struct WoPParameterSearchTests {
    /// Precisions 9…12 get a 128-bit WoP set at p_error 2^−40 for a lookup whose input is another lookup's output
    /// (ν² = 1), and the modelled failure meets the target. (With one radix-2 block, the first decision sees the
    /// input noise times 2^(2p), so a chain of 13-bit and wider lookups, or wide dot products, needs CRT blocks:
    /// docs/LARGE-PRECISION.md#parameter-search.)
    @Test(arguments: 9...12)
    func largePrecisionsUpToTwelveBitsHaveASecureSet(bits: Int) throws {
        let solution = try #require(WoPParameterSearch.cheapest(bits: bits, squaredNorm: 1, errorProbability: 0x1p-40), "bits=\(bits)")
        try solution.parameters.base.validateSecurity()
        #expect(solution.errorProbability <= 0x1p-40, "bits=\(bits): \(solution.errorProbability)")
        #expect(solution.noise.worstDecisionVariance <= NoiseModel.maximalVariance(precision: 0, errorProbability: 0x1p-40 / Double(bits)))
    }

    /// The search's 12-bit set, run: exact lookups, and the output's measured error within the modelled variance
    /// (the model bounds it: measured variance at most twice the model's, with 24 samples).
    @Test func searchedTwelveBitSetIsExactAndWithinItsNoiseModel() throws {
        let bits = 12
        let solution = try #require(WoPParameterSearch.cheapest(bits: bits, squaredNorm: 1, errorProbability: 0x1p-40))
        let parameters = solution.parameters
        let secret = SecretKeys(parameters: parameters.base, seed: Seed(bytes: [UInt8](repeating: 5, count: 32)))
        let keys = secret.wopEvaluationKeys(parameters)
        let scratch = WoPScratch(parameters: parameters)
        let outputBits = 6
        let table = (0..<(1 << bits)).map { Torus.encode(Int64(($0 * 29 + 3) % 64), bits: outputBits) }
        var squaredErrors = 0.0
        let samples = 24
        for s in 0..<samples {
            let m = Int64((s * 1021 + 77) % (1 << bits))
            let out = Bootstrap.withoutPadding(secret.encrypt(m, bits: bits), bits: bits, tables: [table], keys: keys, scratch: scratch)[0]
            #expect(Torus.encode(Int64(secret.decrypt(out, bits: outputBits)), bits: outputBits) == table[Int(m)], "m=\(m)")
            let error = Double(Int64(bitPattern: LWEEncryption.phase(out, key: secret.bigLWEKey) &- table[Int(m)])) / 0x1p64
            squaredErrors += error * error
        }
        let measured = squaredErrors / Double(samples)
        #expect(measured <= 2 * solution.noise.outputVariance,
                "measured output variance 2^\(log2(measured)) vs model 2^\(log2(solution.noise.outputVariance)) for \(parameters)")
    }
}

extension WoPParameterSearchTests {
    /// On CRT blocks, every precision 9…16 gets a 128-bit set at p_error 2^−40, for chained lookups (ν² = 1) and
    /// for lookups fed by dot products (ν² = 2^8), which one radix-2 block cannot reach.
    @Test(arguments: 9...16)
    func crtBlocksReachEveryLargePrecision(bits: Int) throws {
        let encoding = try #require(CRTEncoding.concrete(bits: bits))
        for squaredNorm in [1.0, 256.0] {
            let solution = try #require(WoPParameterSearch.cheapest(bits: bits, squaredNorm: squaredNorm, errorProbability: 0x1p-40,
                                                                    encoding: encoding), "bits=\(bits) ν²=\(squaredNorm)")
            try solution.parameters.base.validateSecurity()
            #expect(solution.errorProbability <= 0x1p-40, "bits=\(bits) ν²=\(squaredNorm): \(solution.errorProbability)")
        }
    }

    /// The search's 12-bit CRT set at ν² = 2^8, run: 16·x on the blocks (a dot product of 2-norm 16), a lookup to CRT
    /// blocks, and a second lookup on those, exact.
    @Test func searchedTwelveBitCRTSetChainsExactly() throws {
        let encoding = try #require(CRTEncoding.concrete(bits: 12))
        let solution = try #require(WoPParameterSearch.cheapest(bits: 12, squaredNorm: 256, errorProbability: 0x1p-40, encoding: encoding))
        let parameters = solution.parameters
        let secret = SecretKeys(parameters: parameters.base, seed: Seed(bytes: [UInt8](repeating: 6, count: 32)))
        let keys = secret.wopEvaluationKeys(parameters)
        let scratch = WoPScratch(parameters: parameters)
        let m = Int64(encoding.product)
        let f = { (x: Int64) in (x * 13 + 5) % m }
        let tables = encoding.moduli.indices.map { o in
            encoding.table { CRTEncoding.plaintext(residue: encoding.residues(f($0))[o], modulus: encoding.moduli[o]) }
        }
        let decode = { (blocks: [LWECiphertext]) in
            encoding.value(residues: zip(blocks, encoding.moduli).map {
                CRTEncoding.residue(phase: LWEEncryption.phase($0, key: secret.bigLWEKey), modulus: $1)
            })
        }
        let x: Int64 = 1234
        var blocks = encoding.plaintexts(x).map { secret.encrypt(plaintext: $0) }
        for i in blocks.indices { LWE.multiply(&blocks[i], by: 16) }
        let once = Bootstrap.withoutPadding(blocks: blocks, encoding: encoding, tables: tables, keys: keys, scratch: scratch)
        #expect(decode(once) == Int(f(16 * x % m)))
        let twice = Bootstrap.withoutPadding(blocks: once, encoding: encoding, tables: tables, keys: keys, scratch: scratch)
        #expect(decode(twice) == Int(f(f(16 * x % m))), "\(parameters)")
    }
}
