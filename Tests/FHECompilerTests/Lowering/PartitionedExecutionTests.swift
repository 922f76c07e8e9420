@_spi(KeyHolder) import FHECore
import FHECompiler
import Foundation
import Testing

/// Circuits whose lookups have clearly different precisions get several parameter sets when that is cheaper
/// (docs/PARAMETERS.md#partitions), and still run bit for bit like the clear circuit, on real 128-bit parameters.
@Suite struct PartitionedExecutionTests {
    /// x (2 bits, 8 values) → 2-bit table ×8 → sum (6 bits) → 6-bit table ×1: eight cheap lookups feed one wide one.
    static func mixedPrecisionCircuit() -> Circuit {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [8], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "x")
        let small = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [[0, 2, 5, 7]])), operands: [x],
                             range: IntegerRange(min: 0, max: 7), label: "small")
        let w = IntTensor(shape: [8, 1], values: [Int64](repeating: 1, count: 8))
        let sum = c.append(.matMul(weights: w), operands: [small], range: IntegerRange(min: 0, max: 56), label: "sum")
        let wide = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [(0...56).map { ($0 * 7) % 13 }])), operands: [sum],
                            range: IntegerRange(min: 0, max: 12), label: "wide")
        c.outputs = [wide]
        return c
    }

    @Test func mixedPrecisionsSplitIntoPartitionsAndExecuteEqualsDisable() throws {
        let circuit = Self.mixedPrecisionCircuit()
        let inputs = [IntTensor(shape: [2, 8], values: [0, 1, 2, 3, 3, 2, 1, 0, 3, 3, 3, 3, 3, 3, 3, 2])]
        let (clear, encrypted, program) = try EncryptedExecutionTests.run(circuit, inputs)
        #expect(program.partitions.count == 2)
        // The 2-bit lookups bootstrap with a smaller polynomial than the 6-bit one, which reads across partitions.
        let small = circuit.operations.first { $0.label == "small" }!.result, wide = circuit.outputs[0]
        let smallSet = program.parameters(of: small), wideSet = program.parameters(of: wide)
        #expect(smallSet.polynomialSize.rawValue < wideSet.polynomialSize.rawValue)
        #expect(program.crossKeyswitches.count == 1)
        // Only the 2-bit partition reads its own outputs' key (x is under it); the 6-bit one needs no own keyswitch key.
        #expect(program.keyLayout.setsWithoutOwnKeyswitch == [program.valuePartitions[wide.rawValue]])
        #expect(encrypted == clear)
    }

    /// The simulator charges each lookup the noise the search bounded: its source partition's PBS noise, the cross
    /// (or own) keyswitch into its partition and that partition's modulus switch.
    @Test func simulatedNoiseIsTheSearchedNoisePerPartition() throws {
        let circuit = Self.mixedPrecisionCircuit()
        let (program, chosen) = try FHELowering.lower(circuit)
        #expect(program.partitions.count == 2)
        let simulator = SimulatedEvaluator(program: program)
        for label in ["small", "wide"] {
            let op = circuit.operations.first { $0.label == label }!
            let report = try #require(chosen.report(for: label))
            let simulated = simulator.lookupInputVariance(producing: op.result)
            #expect(abs(simulated - report.variance) <= 1e-9 * report.variance, "\(label): \(simulated) vs \(report.variance)")
            #expect(simulated < report.maximalVariance)
        }
    }
}

/// When the keys cannot follow the search's partitions, lowering takes one set for all.
@Suite struct PartitionFallbackTests {
    /// x (7 bits) is read by 2-bit lookups after an approximate rounding and by a 7-bit lookup: the search would
    /// give each its own set, both fed by x alone, so x would have to be under two keys at once.
    @Test func anInputFeedingTwoPartitionsGetsOneSet() throws {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [8], range: IntegerRange(min: 0, max: 127), isEncrypted: true, label: "x")
        let roundedRange = IntegerRange(min: IntegerKernels.round(0, lsbs: 5, method: .approximate),
                                        max: IntegerKernels.round(127, lsbs: 5, method: .approximate))
        let r = c.append(.round(lsbs: 5, method: .approximate), operands: [x], range: roundedRange, label: "round")
        let small = c.append(.tableLookup(TableLookup(inputMin: roundedRange.min, tables: [(roundedRange.min...roundedRange.max).map { $0 & 1 }])),
                             operands: [r], range: IntegerRange(min: 0, max: 1), label: "small")
        let w = IntTensor(shape: [8, 1], values: [1, 0, 0, 0, 0, 0, 0, 0])
        let first = c.append(.matMul(weights: w), operands: [x], range: IntegerRange(min: 0, max: 127), label: "first")
        let wide = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [(0...127).map { $0 % 3 }])), operands: [first],
                            range: IntegerRange(min: 0, max: 2), label: "wide")
        c.outputs = [small, wide]
        let searched = try CircuitParameterSelection.select(FHELowering.parameterRequest(c))
        #expect(searched.partitions.count == 2)
        let (program, chosen) = try FHELowering.lower(c)
        #expect(program.partitions.count == 1 && chosen.partitions.count == 1)
        #expect(program.partitionProblem == nil)
    }
}
