import Testing
import Foundation
import FHECore

@Suite struct ClearEvaluatorTests {
    /// A small circuit: matmul → round → per-element table, checked against hand computation.
    func smallCircuit() -> Circuit {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [3], range: IntegerRange(min: -4, max: 3), isEncrypted: true, label: "x")
        let w = IntTensor(shape: [3, 2], values: [1, -2, 3, 0, -1, 4])
        let acc = c.append(.matMul(weights: w), operands: [x], range: IntegerRange(min: -40, max: 40), label: "fc")
        let r = c.append(.round(lsbs: 2, method: .exact), operands: [acc], range: IntegerRange(min: -10, max: 10), label: "fc")
        let table = TableLookup(inputMin: -16, tables: [(-16...15).map { max(0, Int64($0)) }, (-16...15).map { Int64($0) * 2 }],
                                selector: [0, 1])
        let y = c.append(.tableLookup(table), operands: [r], range: IntegerRange(min: -32, max: 30), label: "act")
        c.outputs = [y]
        return c
    }

    @Test func evaluatesMatMulRoundAndTables() throws {
        let c = smallCircuit()
        let x = IntTensor(shape: [2, 3], values: [1, 2, 3, -4, 0, 3])
        let y = try ClearEvaluator().evaluate(c, inputs: [x])[0]
        // Sample 0: acc = [1+6-3, -2+0+12] = [4, 10] → round/4 ties up → [1, 3] → [relu 1, 2·3].
        // Sample 1: acc = [-4-3, 8+12] = [-7, 20] → [-2 (−1.75), 5] → [0, 10].
        #expect(y == IntTensor(shape: [2, 2], values: [1, 6, 0, 10]))
        // 2 tables + 2 elements × 2 bits extracted by exact rounding.
        #expect(c.tluCount == 6)
        let act = c.tluGroups().first { $0.label == "act" }
        #expect(act?.precision == 5 && act?.count == 2)
        // Column 2: 4 + 0 + 16, plus one PBS output per bit that exact rounding extracts and subtracts.
        #expect(act?.maxNormSquared == 22)
    }

    @Test func roundingMethods() {
        // 6 = 1.5·4: exact rounds ties up, approximate down; 5 → 1, 7 → 2 in both.
        #expect([5, 6, 7, -6, -2].map { IntegerKernels.round($0, lsbs: 2, method: .exact) } == [1, 2, 2, -1, 0])
        #expect([5, 6, 7, -6, -2].map { IntegerKernels.round($0, lsbs: 2, method: .approximate) } == [1, 1, 2, -2, -1])
    }

    @Test func reportsOverflowNamingTheOperation() {
        let c = smallCircuit()
        // acc of [3,3,3] = [9, 6], fine; [-4,-4,-4]·col2 = -8 ... push the input outside its 3-bit range.
        let x = IntTensor(shape: [1, 3], values: [9, 0, 0])
        #expect {
            try ClearEvaluator().evaluate(c, inputs: [x])
        } throws: { error in
            guard case .overflow(let r) = error as? CircuitEvaluationError else { return false }
            return r.label == "x" && r.operation == "input" && r.allowed == IntegerRange(min: -4, max: 3) && r.elementCount == 1
        }
    }

    @Test func circuitRoundTripsThroughJSONAndPrints() throws {
        let c = smallCircuit()
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(Circuit.self, from: data) == c)
        #expect(c.description.contains("%1: enc i7[2] in [-40, 40] = matmul(%0)"))
    }

    @Test func convolutionAndPoolingWithPadValue() {
        // 1 channel 3x3, kernel 2x2 of ones, pad 1 begin on both axes with value 10, stride 2.
        let g = WindowGeometry(kernelShape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0], dilations: [1, 1])
        let x: [Int64] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let y = IntegerKernels.evaluate(.conv(weights: IntTensor(shape: [1, 1, 2, 2], repeating: 1), geometry: g, groups: 1, padValue: 10),
                                        operands: [x], operandShapes: [[1, 3, 3]], batch: 1)
        #expect(y == [31, 25, 31, 28] as [Int64])  // pads 10 fill the first row and column
        let m = IntegerKernels.evaluate(.maxPool(geometry: g, padValue: -100), operands: [x], operandShapes: [[1, 3, 3]], batch: 1)
        #expect(m == [1, 3, 7, 9])
    }

    @Test func dataMovement() {
        let x: [Int64] = Array(0..<6)
        #expect(IntegerKernels.evaluate(.transpose(permutation: [1, 0]), operands: [x], operandShapes: [[2, 3]], batch: 1) == [0, 3, 1, 4, 2, 5])
        #expect(IntegerKernels.evaluate(.slice(starts: [0, 2], ends: [2, -1], steps: [1, -2]), operands: [x], operandShapes: [[2, 3]], batch: 1)
                == [2, 0, 5, 3])
        #expect(IntegerKernels.evaluate(.concat(axis: 1), operands: [x, [9, 9]], operandShapes: [[2, 3], [2, 1]], batch: 1)
                == [0, 1, 2, 9, 3, 4, 5, 9])
        #expect(IntegerKernels.evaluate(.gather(axis: 1, indices: [2, 0], indicesShape: [2]), operands: [x], operandShapes: [[2, 3]], batch: 1)
                == [2, 0, 5, 3])
        #expect(IntegerKernels.evaluate(.expand(shape: [2, 3]), operands: [[0, 1, 2]], operandShapes: [[1, 3]], batch: 1)
                == [0, 1, 2, 0, 1, 2])
        #expect(IntegerKernels.evaluate(.pad(pads: [0, 1, 0, 0], value: 7), operands: [[1, 2, 3, 4]], operandShapes: [[1, 2]], batch: 2) == [7, 1, 2, 7, 3, 4])
        #expect(IntegerKernels.evaluate(.reduceSum(axes: [1], keepDims: false), operands: [x], operandShapes: [[2, 3]], batch: 1) == [3, 12])
    }
}
