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
