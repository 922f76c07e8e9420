import Testing
import FHECore

/// `fhe: .disable` beyond the calibrated ranges: the encodings' wrap-around, and where it happened.
@Suite struct WrappingClearEvaluatorTests {
    /// x (2 bits) → x0 + x1 (calibrated 2 bits) → table v + 4 → output.
    static func sumThenTable() -> Circuit {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [2], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "x")
        let acc = c.append(.matMul(weights: IntTensor(shape: [2, 1], values: [1, 1])), operands: [x], range: IntegerRange(min: 0, max: 3), label: "fc")
        let y = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [[4, 5, 6, 7]])), operands: [acc], range: IntegerRange(min: 4, max: 7), label: "act")
        c.outputs = [y]
        return c
    }

    @Test func inRangeInputsGiveTheClearEvaluatorsResults() throws {
        let c = ClearEvaluatorTests().smallCircuit()
        let x = IntTensor(shape: [2, 3], values: [1, 2, 3, -4, 0, 3])
        let (outputs, overflows) = try WrappingClearEvaluator().evaluateReporting(c, inputs: [x])
        #expect(outputs == (try ClearEvaluator().evaluate(c, inputs: [x])))
        #expect(overflows.isEmpty)
    }

    /// The sum's encoding holds 2 bits and a padding bit: 6 and 5 wrap to −2 and −3, whose set padding bit
    /// makes the lookup return −table[2] = −6 and −table[1] = −5; decryption keeps 3 bits: 2 and 3.
    @Test func overflowWrapsAsTheEncodingsDo() throws {
        let c = Self.sumThenTable()
        let x = IntTensor(shape: [3, 2], values: [1, 1, 3, 3, 2, 3])
        let (outputs, overflows) = try WrappingClearEvaluator().evaluateReporting(c, inputs: [x])
        #expect(outputs == [IntTensor(shape: [3, 1], values: [6, 2, 3])])
        #expect(overflows.first?.report.label == "fc" && overflows.first?.samples == [1, 2])
        #expect(overflows.first?.report.observed == IntegerRange(min: 2, max: 6))
        #expect(Set(overflows.flatMap(\.samples)) == [1, 2])
        // The strict evaluator stops at the same place.
        #expect(throws: CircuitEvaluationError.self) { try ClearEvaluator().evaluate(c, inputs: [x]) }
    }

    /// Signed, 2 bits: 2 is pattern 2 (the value −2) with the padding bit set after the offset 2, so −table[0];
    /// −4 is pattern 0 (the value 0), padding bit set, so −table[2]. Decryption keeps 4 unsigned bits.
    @Test func signedLookupsNegateOnThePaddingBit() throws {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [2], range: IntegerRange(min: -2, max: 1), isEncrypted: true, label: "x")
        let acc = c.append(.matMul(weights: IntTensor(shape: [2, 1], values: [1, 1])), operands: [x], range: IntegerRange(min: -2, max: 1), label: "fc")
        let y = c.append(.tableLookup(TableLookup(inputMin: -2, tables: [[10, 11, 12, 13]])), operands: [acc], range: IntegerRange(min: 10, max: 13), label: "act")
        c.outputs = [y]
        let (outputs, overflows) = try WrappingClearEvaluator().evaluateReporting(c, inputs: [IntTensor(shape: [3, 2], values: [1, 1, -2, -2, 0, 1])])
        #expect(outputs == [IntTensor(shape: [3, 1], values: [6, 4, 13])])
        #expect(overflows.first?.samples == [0, 1])
    }
}
