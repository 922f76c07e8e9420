import Foundation
import Testing
@_spi(KeyHolder) @testable import FHECore

/// Bootstrap-key bodies rounded to fewer bits (`ParameterSet.bootstrapKeyBodyBits`): the seeded key still
/// decompresses to the full one, travels in bits/8 bytes per body, adds the noise the model counts, and the
/// PBS stays exact where the bounds allow it.
@Suite struct RoundedBootstrapKeyBodyTests {
    static func toy(bodyBits: Int, n: Int = 64, k: Int = 1, bigN: Int = 1024, pbs: (Int, Int) = (1, 23)) -> ParameterSet {
        ParameterSet(lweDimension: n, glweDimension: k, polynomialSize: bigN, pbs: pbs, ks: (5, 4),
                     lweNoiseStandardDeviation: 0x1p-40, glweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: k * bigN),
                     isInsecureTestSet: true, bootstrapKeyBodyBits: bodyBits)
    }

    @Test func roundedBodiesDecompressToTheFullKeyAndTravelPacked() throws {
        let parameters = Self.toy(bodyBits: 48)
        let secret = SecretKeys(parameters: parameters, seed: TestKeys.seed(21))
        let seeds = EncryptionSeeds(maskSeed: TestKeys.seed(22), noiseSeed: TestKeys.seed(23))
        let seeded = secret.seededBootstrapKey(seeds: seeds)
        #expect(seeded.bodyBits == 48)
        #expect(seeded.bodies.allSatisfy { $0 & 0xFFFF == 0 })
        #expect(Decompression.decompress(seeded) == secret.bootstrapKey(seeds: seeds))
        let wire = seeded.wire
        #expect(wire.bodies.count == seeded.bodies.count * 6)
        #expect(try SeededLWEBootstrapKey(wire: wire, parameters: parameters, field: "bsk") == seeded)
        #expect(seeded.byteCount == seeded.bodies.count * 6 + Seed.byteCount)
        // A 64-bit body field does not conform to a 48-bit set, nor a 48-bit one to a 64-bit set.
        #expect(throws: WireFormatError.self) {
            try SeededLWEBootstrapKey(wire: secret.seededBootstrapKey(seeds: seeds).wire.with64BitBodies(), parameters: parameters, field: "bsk")
        }
        #expect(throws: WireFormatError.self) {
            try SeededLWEBootstrapKey(wire: wire, parameters: parameters.with(bootstrapKeyBodyBits: 64), field: "bsk")
        }
        // The set keeps the field through wire and JSON; 64 bits is the default and stays out of both.
        #expect(try ParameterSet(wire: parameters.wire, field: "p") == parameters)
        #expect(try JSONDecoder().decode(ParameterSet.self, from: JSONEncoder().encode(parameters)) == parameters)
        #expect(!String(decoding: try JSONEncoder().encode(parameters.with(bootstrapKeyBodyBits: 64)), as: UTF8.self)
            .contains("bootstrapKeyBodyBits"))
        #expect(parameters.description.contains("bsk-bodies=48b"))
    }

    /// Where the key noise dominates (N = 2048, (2, 15), bodies at 32 bits: 2^−28.2 per CMUX against 2^−54 for
    /// everything else), the measured blind-rotation noise is the model's (within the estimate's ±15 %, see
    /// SplitFourierKeyTests) and far above the same set's with whole bodies.
    @Test func roundedBodiesAddTheModelledNoise() {
        var measured: [Int: Double] = [:]
        for bits in [32, 64] {
            let (secret, keys) = TestKeys.shared.keys(Self.toy(bodyBits: bits, n: 256, bigN: 2048, pbs: (2, 15)))
            measured[bits] = NoiseMeasurement.blindRotationVariance(secret: secret, keys: keys, bootstraps: 16)
        }
        let ratio = measured[32]! / NoiseModel.pbsOutputVariance(for: Self.toy(bodyBits: 32, n: 256, bigN: 2048, pbs: (2, 15)))
        #expect(ratio > 0.6 && ratio < 1.5, "rounded-body measured/model = \(ratio)")
        #expect(measured[32]! > 1000 * measured[64]!)
    }
}

extension Cml_V1_SeededBootstrapKey {
    /// The same key with its bodies re-encoded as whole 64-bit words (what a 64-bit set carries).
    func with64BitBodies() throws -> Cml_V1_SeededBootstrapKey {
        var copy = self
        let words = try LittleEndianWords.words(bodies, count: bodies.count / 6, topBits: 48, field: "bodies")
        copy.bodies = LittleEndianWords.bytes(of: words)
        return copy
    }
}
