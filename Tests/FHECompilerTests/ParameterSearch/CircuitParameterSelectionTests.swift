import Foundation
import Testing
import FHECore
@testable import FHECompiler

/// Circuit-level selection: targets, global p_error, several parameter sets, errors that name the layer.
@Suite struct CircuitParameterSelectionTests {
    @Test func singleGroupMatchesTheV0Search() throws {
        // One 4-bit TLU with 4096 levelled operands is exactly the V0TableTests table (b) row.
        let result = try CircuitParameterSelection.select(CircuitParameterRequest(
            groups: [.tlus("fc1", precision: 4, squaredNorm: 1, count: 1)], levelledOperandCount: 4096))
        let p = result.partitions[0].parameters
        #expect(result.partitions.count == 1)
        // The same set, its bootstrap-key bodies rounded afterwards (next test).
        #expect(p.with(bootstrapKeyBodyBits: 64) == ParameterSet(lweDimension: 771, glweDimension: 1, polynomialSize: 2048,
                                                                 pbs: (1, 23), ks: (5, 3)))
        // Default target: 2^-40 per PBS.
        #expect(result.errorProbabilityTarget == exp2(-40))
        #expect(result.maximalErrorProbability <= exp2(-40) * (1 + 1e-9))
        #expect(Int(result.totalCost / 1_048_576) == 101)
        #expect(result.keySizes == EvaluationKeySizes(for: p))
    }

    /// The chosen set's bootstrap-key bodies are rounded to the fewest bits (multiples of 8) its bounds allow:
    /// every group stays within its bound, 8 bits fewer would break one, and the seeded key shrinks accordingly.
    @Test func bootstrapKeyBodiesAreRoundedAsFarAsTheNoiseAllows() throws {
        let request = CircuitParameterRequest(groups: [.tlus("fc1", precision: 4, squaredNorm: 1, count: 1)], levelledOperandCount: 4096)
        let result = try CircuitParameterSelection.select(request)
        let p = result.partitions[0].parameters
        #expect(p.bootstrapKeyBodyBits == 48)
        #expect(p.bootstrapKeyVariance > p.glweNoiseStandardDeviation * p.glweNoiseStandardDeviation)
        for report in result.groups { #expect(report.variance <= report.maximalVariance * (1 + 1e-9)) }
        let fewer = PartitionAssignment(sets: [p.with(bootstrapKeyBodyBits: 40)], partitionOfGroup: [0], sourceOfGroup: [0])
        #expect(fewer.evaluate(request, errorProbability: result.errorProbabilityTarget) == nil)
        let bodies = 771 * 1 * 2 * 2048
        #expect(result.keySizes.seededBootstrapKeyBytes == bodies * 6 + 16)
        #expect(result.keySizes.bootstrapKeyBytes == 771 * 4 * 2048 * 8)
    }

    @Test func monoParameterSatisfiesEveryGroup() throws {
        let groups: [ValueGroup] = [
            .tlus("conv1/relu", precision: 6, squaredNorm: 300, count: 512),
            .tlus("conv2/relu", precision: 5, squaredNorm: 4000, count: 256),
            .tlus("fc/relu", precision: 7, squaredNorm: 20, count: 32),
            .decryptedOutputs("logits", precision: 8, squaredNorm: 100, count: 10),
        ]
        let result = try CircuitParameterSelection.select(CircuitParameterRequest(
            groups: groups, errorProbability: exp2(-32), allowsSeveralParameterSets: false))
        let set = result.partitions[0].parameters
        try set.validateSecurity()
        var failures: [(errorProbability: Double, count: Int)] = []
        for group in groups {
            // Recompute each bound with the noise model directly.
            let variance = group.role == .tluInput
                ? NoiseModel.tluInputVariance(for: set, squaredNorm: group.squaredNorm).total
                : group.squaredNorm * NoiseModel.pbsOutputVariance(for: set)
            #expect(variance <= NoiseModel.maximalVariance(precision: group.precision, errorProbability: exp2(-32)) * (1 + 1e-9), "\(group.name)")
            let report = try #require(result.report(for: group.name))
            let expectedP = NoiseModel.errorProbability(precision: group.precision, variance: variance)
            #expect(abs(report.errorProbability - expectedP) <= 1e-9 * expectedP)
            failures.append((report.errorProbability, group.count))
        }
        #expect(abs(result.globalErrorProbability / NoiseModel.globalErrorProbability(failures) - 1) < 1e-12)
        #expect(result.partitions[0].tluCount == 800)
        let expectedCost = 800 * CostModel.tlu(for: set)
        #expect(abs(result.totalCost / expectedCost - 1) < 1e-12)
        // Any cheaper set on the (b) table path would break a bound: the 7-bit group needs at least N = 2^14.
        #expect(set.polynomialSize.rawValue >= 1 << 13)
    }

    /// The per-shape report: the chosen set leads it, every shape appears once, costs ascend, each answer
    /// keeps every group within its bound, and the key sizes are its own.
    @Test func alternativeShapesStartWithTheChoice() throws {
        let groups: [ValueGroup] = [
            .tlus("fc1/relu", precision: 5, squaredNorm: 0, count: 32, freshSquaredNorm: 900),
            .tlus("fc2/relu", precision: 5, squaredNorm: 1891, count: 16),
            .decryptedOutputs("logits", precision: 14, squaredNorm: 4053, count: 2),
        ]
        let request = CircuitParameterRequest(groups: groups, allowsSeveralParameterSets: false)
        let chosen = try CircuitParameterSelection.select(request)
        let shapes = CircuitParameterSelection.alternativeShapes(request, errorProbability: chosen.errorProbabilityTarget)
        #expect(shapes.count >= 3)
        #expect(shapes.first?.partitions[0].parameters == chosen.partitions[0].parameters)
        #expect(shapes.first?.totalCost == chosen.totalCost)
        let keys = shapes.map { "\($0.partitions[0].parameters.glweDimension) \($0.partitions[0].parameters.polynomialSize)" }
        #expect(Set(keys).count == keys.count)
        for (a, b) in zip(shapes, shapes.dropFirst()) { #expect(a.totalCost <= b.totalCost) }
        for shape in shapes {
            let set = shape.partitions[0].parameters
            try set.validateSecurity()
            #expect(shape.keySizes == EvaluationKeySizes(for: set))
            for report in shape.groups { #expect(report.variance <= report.maximalVariance * (1 + 1e-9), "\(set) \(report.group.name)") }
        }
    }

    @Test func globalErrorProbabilityIsReached() throws {
        let groups: [ValueGroup] = [
            .tlus("a", precision: 4, squaredNorm: 16, count: 2000),
            .tlus("b", precision: 3, squaredNorm: 64, count: 500),
        ]
        let result = try CircuitParameterSelection.select(CircuitParameterRequest(groups: groups, globalErrorProbability: 1e-5))
        #expect(result.globalErrorProbability <= 1e-5)
        #expect(result.globalErrorProbabilityTarget == 1e-5)
        #expect(result.optimizerCalls >= 2 && result.optimizerCalls <= CircuitParameterSelection.maximalOptimizerCalls)
        // The per-PBS target ends near global/N_eff, far below the global target.
        #expect(result.errorProbabilityTarget < 1e-5 / 100)
        // A generous global target is met by the first call.
        let easy = try CircuitParameterSelection.select(CircuitParameterRequest(groups: [.tlus("a", precision: 2, squaredNorm: 1, count: 1)],
                                                                                globalErrorProbability: 1e-3))
        #expect(easy.optimizerCalls == 1 && easy.globalErrorProbability <= 1e-3)
    }

    @Test func severalParameterSetsWhenCheaper() throws {
        // Many cheap 3-bit TLUs feed a few 8-bit ones: one set for all would pay 8-bit keys for every TLU.
        let groups: [ValueGroup] = [
            .tlus("conv/relu", precision: 3, squaredNorm: 50, count: 5000, sources: []),
            .tlus("head/relu", precision: 8, squaredNorm: 200, count: 10, sources: ["conv/relu"]),
            .decryptedOutputs("logits", precision: 8, squaredNorm: 30, count: 10, sources: ["head/relu"]),
        ]
        let multi = try CircuitParameterSelection.select(CircuitParameterRequest(groups: groups))
        let mono = try CircuitParameterSelection.select(CircuitParameterRequest(groups: groups, allowsSeveralParameterSets: false))
        #expect(multi.partitions.count == 2)
        #expect(multi.totalCost < mono.totalCost)
        #expect(multi.crossKeyswitches.count == 1)
        let low = multi.partitions[multi.report(for: "conv/relu")!.partition].parameters
        let high = multi.partitions[multi.report(for: "head/relu")!.partition].parameters
        #expect(low.polynomialSize.rawValue < high.polynomialSize.rawValue)
        // The cross-fed 8-bit TLU: ν²·V_BR of the 3-bit set, keyswitched from its big key into the 8-bit small key.
        let crossVariance = 200 * NoiseModel.pbsOutputVariance(for: low)
            + NoiseModel.keyswitchVariance(inputDimension: low.bigLWEDimension, decomposition: high.ksDecomposition,
                                           keyswitchKeyVariance: NoiseModel.keyswitchKeyVariance(
                                               noiseVariance: high.lweNoiseStandardDeviation * high.lweNoiseStandardDeviation,
                                               outputDimension: high.lweDimension.rawValue))
            + NoiseModel.modulusSwitchVariance(for: high)
        #expect(crossVariance <= NoiseModel.maximalVariance(precision: 8, errorProbability: exp2(-40)) * (1 + 1e-9))
        #expect(abs(multi.report(for: "head/relu")!.variance / crossVariance - 1) < 1e-12)
        for report in multi.groups { #expect(report.errorProbability <= exp2(-40) * (1 + 1e-9), "\(report.group.name)") }
        // The cross keyswitch key is counted in the key sizes; the 8-bit set's own keyswitch key is not
        // (none of its TLUs reads its own outputs).
        let expectedKeys = EvaluationKeySizes(for: low) + .bootstrapKey(for: high)
            + .keyswitchKey(inputDimension: low.bigLWEDimension.rawValue, outputDimension: high.lweDimension.rawValue,
                            levelCount: high.ksDecomposition.levelCount.rawValue)
        #expect(multi.keySizes == expectedKeys)
        #expect(multi.description.contains("keyswitch key partition 0 → 1"))
        #expect(multi.description.contains("TLU head/relu: 8 bits"))
    }

    @Test func roundingStepsAreZeroBitTLUs() throws {
        // Exact rounding of a 6-bit value: one-bit extractions fed with weight 2^6 (docs/ALGORITHMS.md#rounding), then the TLU.
        let result = try CircuitParameterSelection.select(CircuitParameterRequest(groups: [
            .tlus("round", precision: 0, squaredNorm: exp2(12), count: 64),
            .tlus("relu", precision: 4, squaredNorm: 1, count: 32),
        ]))
        let round = try #require(result.report(for: "round"))
        #expect(round.maximalVariance == NoiseModel.maximalVariance(precision: 0, errorProbability: exp2(-40)))
        #expect(round.errorProbability <= exp2(-40) * (1 + 1e-9))
    }

    @Test func unknownSourcesKeepOneSet() throws {
        let groups: [ValueGroup] = [
            .tlus("a", precision: 3, squaredNorm: 50, count: 5000),
            .tlus("b", precision: 8, squaredNorm: 200, count: 10),
        ]
        let result = try CircuitParameterSelection.select(CircuitParameterRequest(groups: groups))
        #expect(result.partitions.count == 1)
    }

    // MARK: - Errors

    static func error(_ request: CircuitParameterRequest) -> ParameterSearchError? {
        do { _ = try CircuitParameterSelection.select(request); return nil } catch let e as ParameterSearchError { return e } catch { return nil }
    }

    @Test func bothTargetsRefused() throws {
        let e = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("a", precision: 4, squaredNorm: 1, count: 1)],
                                                                errorProbability: 1e-5, globalErrorProbability: 1e-3)))
        #expect(e.reason == .bothErrorTargets)
        #expect(e.description == "--p-error and --global-p-error are both set; set only one of them")
    }

    @Test func precisionAboveSixteenBitsRefused() throws {
        let e = try #require(Self.error(CircuitParameterRequest(groups: [
            .tlus("conv1", precision: 4, squaredNorm: 1, count: 1), .tlus("gemm_3", precision: 17, squaredNorm: 1, count: 8)])))
        #expect(e.reason == .precisionAboveMaximum(maximum: 16))
        #expect(e.layer == "gemm_3")
        #expect(e.description.contains("'gemm_3': 17-bit TLU input is above the 16-bit maximum"))
    }

    @Test func modulusSwitchFailureNamesTheLayer() throws {
        // 12-bit TLUs at 2^-40: V_MS(512, N = 2^17) ≈ 2^-31.6 > V_max ≈ 2^-33.7.
        let e = try #require(Self.error(CircuitParameterRequest(groups: [
            .tlus("relu_1", precision: 4, squaredNorm: 1, count: 10), .tlus("relu_2", precision: 12, squaredNorm: 1, count: 10)])))
        #expect(e.reason == .modulusSwitch(maximalLog2PolynomialSize: 17))
        #expect(e.layer == "relu_2" && e.precision == 12 && e.errorProbability == exp2(-40))
        #expect(e.description == "'relu_2': no (k, N) with log2 N ≤ 17 keeps the modulus-switch noise below V_max for 12-bit TLUs "
            + "at --p-error 2^-40; lower the precision (--rounding-threshold-bits) or raise --p-error")
        // With a smaller search space the same happens at 9 bits.
        let restricted = ParameterSearchSpace(glweDimensions: 1...6, log2PolynomialSizes: 8...14, lweDimensions: 512...2047)
        let e9 = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("relu_9", precision: 9, squaredNorm: 1, count: 1)],
                                                                 searchSpace: restricted)))
        #expect(e9.description.hasPrefix("'relu_9': no (k, N) with log2 N ≤ 14 keeps the modulus-switch noise below V_max for 9-bit TLUs"))
    }

    @Test func blindRotationFailureNamesTheNorm() throws {
        // ν² = 2^60 still fits with split-key Fourier products (no FFT error: 60 levels of base 2 reach V_BR ≈ 2^−92);
        // 2^100 fits nothing.
        let e = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("dense", precision: 4, squaredNorm: exp2(100), count: 3)])))
        #expect(e.reason == .blindRotation)
        #expect(e.layer == "dense" && e.squaredNorm == exp2(100))
        #expect(e.description.contains("'dense': the dot product feeding its 4-bit values has ν² = 1.26765e+30"))
        // Whole keys alone stop earlier, at 2^60.
        let whole = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("dense", precision: 4, squaredNorm: exp2(60), count: 3)],
                                                                    searchSpace: .cpu)))
        #expect(whole.reason == .blindRotation)
        // The v0 reference says: no solution for 8 bits from ln2 ν = 19 on (at p_error 6.3e-5).
        let v0 = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("x", precision: 8, squaredNorm: exp2(38), count: 1)],
                                                                  errorProbability: 1 - 0.999936657516, searchSpace: .cpu)))
        #expect(v0.reason == .blindRotation || v0.reason == .keyswitch)
    }

    @Test func badProbabilitiesRefused() throws {
        let e = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("a", precision: 4, squaredNorm: 1, count: 1)], errorProbability: 0)))
        #expect(e.reason == .invalidErrorProbability(name: "--p-error"))
        let g = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("a", precision: 4, squaredNorm: 1, count: 1)], globalErrorProbability: 1.5)))
        #expect(g.reason == .invalidErrorProbability(name: "--global-p-error"))
        let n = try #require(Self.error(CircuitParameterRequest(groups: [.tlus("a", precision: 4, squaredNorm: -1, count: 1)])))
        #expect(n.reason == .invalidSquaredNorm && n.layer == "a")
        let empty = try #require(Self.error(CircuitParameterRequest(groups: [])))
        #expect(empty.reason == .noValues)
    }
}
