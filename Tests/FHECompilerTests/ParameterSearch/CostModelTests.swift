import Foundation
import Testing
import FHECore
import FHECompiler

/// The cost model's golden values (docs/PARAMETERS.md#cost-model) and key sizes (docs/PARAMETERS.md#key-sizes).
@Suite struct CostModelTests {
    @Test func goldenValues() {
        #expect(CostModel.pbs(lweDimension: 1024, glweDimension: 1024, polynomialSize: 1 << 12, levelCount: 56) == 249_957_554_585_600)
        #expect(CostModel.keyswitch(inputDimension: 1024, outputDimension: 2048, levelCount: 32) == 134_313_984)
        // C_fft(100) of Concrete's fft.rs test (664.3856…) plus N.
        #expect(abs(CostModel.fft(polynomialSize: 100) - (664.3856189774724 + 100)) < 1e-9)
        // The cmux golden of cmux.rs: k = 1, N = 1, l = 1 → 8.
        #expect(CostModel.cmux(glweDimension: 1, polynomialSize: 1, levelCount: 1) == 8)
        #expect(CostModel.levelled(operandCount: 4096, lweDimension: 2048) == 8_388_608)
    }

    @Test func tluCostIsKeyswitchPlusBootstrap() {
        // Concrete v0 4-bit row: cost/2^20 = 76 with 4096 levelled operands (`v0_last_128`).
        let set = ParameterSet(lweDimension: 801, glweDimension: 2, polynomialSize: 1024, pbs: (1, 23), ks: (3, 4))
        let cost = CostModel.levelled(operandCount: 4096, lweDimension: 2048) + CostModel.tlu(for: set)
        #expect(Int(cost / 1_048_576) == 76)
    }

    @Test func keySizes() {
        // docs/PARAMETERS.md#key-sizes: 64-bit words.
        let mib = 1_048_576.0
        let v0 = EvaluationKeySizes(for: ParameterSet(lweDimension: 801, glweDimension: 2, polynomialSize: 1024, pbs: (1, 23), ks: (3, 4)))
        #expect(abs(Double(v0.bootstrapKeyBytes) / mib - 56.32) < 0.005)
        #expect(abs(Double(v0.seededBootstrapKeyBytes) / mib - 18.77) < 0.005)
        // A 64-bit keyswitch key counts 8 bytes a word; the evaluation form (`LWEKeyswitchKey`) keeps 4.
        #expect(abs(Double(v0.keyswitchKeyBytes) / mib - 37.59 / 2) < 0.005)
        #expect(v0.seededKeyswitchKeyBytes == 48 * 1024 + 16)
        let tfhers = EvaluationKeySizes(for: ParameterSet(lweDimension: 918, glweDimension: 1, polynomialSize: 2048, pbs: (1, 23), ks: (4, 4)))
        #expect(tfhers.bootstrapKeyBytes == 60_162_048)
        #expect(tfhers.keyswitchKeyBytes == 60_227_584 / 2)
        #expect(tfhers.totalBytes == 60_162_048 + 60_227_584 / 2)
    }

    @Test func paretoFrontsAreOrdered() {
        // Costs strictly increase and noises strictly decrease along each front (docs/PARAMETERS.md#search).
        for front in [DecompositionPareto.cmux(glweDimension: 1, log2PolynomialSize: 11),
                      DecompositionPareto.cmux(glweDimension: 4, log2PolynomialSize: 9)] {
            #expect(front.count > 3)
            for (a, b) in zip(front, front.dropFirst()) {
                #expect(a.cost < b.cost && a.variance > b.variance && a.levelCount < b.levelCount)
            }
            #expect(front.first?.levelCount == 1)
        }
        let ks = DecompositionPareto.keyswitch(lweDimension: 771)
        for (a, b) in zip(ks, ks.dropFirst()) {
            #expect(a.costSlope < b.costSlope && a.variancePerInputCoefficient > b.variancePerInputCoefficient)
        }
        // The keyswitch decomposition of the 4-bit 2^-40 row is on the front.
        #expect(ks.contains { $0.levelCount == 5 && $0.baseLog == 3 })
    }
}
