import FHECompiler
import FHECore
import Foundation
import Testing

/// Hand-built graphs (batch axis 1) quantized at 8 bits against their float computation.
@Suite struct PostTrainingQuantizerTests {
    static let kernels = TestFloatOperators()

    /// x[1,4] → Gemm(4→6) → Relu → Gemm(6→3): two linear ops, one fused activation.
    static func mlp(_ g: inout SeededGenerator) -> (Graph, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) {
        let w1 = Tensor.uniform([4, 6], in: -1...1, using: &g), b1 = Tensor.uniform([6], in: -0.5...0.5, using: &g)
        let w2 = Tensor.uniform([6, 3], in: -1...1, using: &g), b2 = Tensor.uniform([3], in: -0.5...0.5, using: &g)
        let graph = Graph(
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [1, 4])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [1, 3])],
            initializers: ["w1": w1, "b1": b1, "w2": w2, "b2": b2],
            nodes: [
                Node(name: "fc1", opType: "Gemm", inputs: ["x", "w1", "b1"], outputs: ["h"]),
                Node(name: "act", opType: "Relu", inputs: ["h"], outputs: ["a"]),
                Node(name: "fc2", opType: "Gemm", inputs: ["a", "w2", "b2"], outputs: ["y"]),
            ],
            opsetVersion: 14)
        return (graph, w1, b1, w2, b2)
    }

    static func dense(_ x: [Double], rows: Int, _ w: Tensor, _ b: Tensor) -> [Double] {
        let (k, n) = (w.shape[0], w.shape[1])
        return (0..<(rows * n)).map { i in
            let (r, j) = (i / n, i % n)
            return (0..<k).reduce(b.values[j]) { $0 + x[r * k + $1] * w.values[$1 * n + j] }
        }
    }

    @Test(arguments: [(-1.0, 1.0), (-2, 2), (-10, 10), (0, 20)])
    func mlpMatchesFloatAt8Bits(range: (Double, Double)) throws {
        var g = SeededGenerator(state: 7)
        let (graph, w1, b1, w2, b2) = Self.mlp(&g)
        let x = Tensor.uniform([200, 4], in: range.0...range.1, using: &g)
        let model = try Compiler.compile(graph: graph, calibration: [x], options: CompileOptions(), kernels: Self.kernels)
        let y = try model.predict([x])[0]
        let reference = Self.dense(Self.dense(x.values, rows: 200, w1, b1).map { max(0, $0) }, rows: 200, w2, b2)
        #expect(Agreement.rSquared(reference: reference, candidate: y.values) >= 0.99)
        // No TLU on the input (it feeds a Gemm), one per hidden neuron, none on the output (raw accumulator).
        let kinds = model.circuit.operations.map(\.mnemonic)
        #expect(kinds == ["input", "matmul", "tlu", "matmul"])
        #expect(model.circuit.tluCount == 6)
        #expect(model.outputQuantizers[0].zeroPoints.count == 3)  // per-neuron zero points carry the bias
    }

    @Test func roundingKeepsAccuracyAndSkipsOutputOps() throws {
        var g = SeededGenerator(state: 11)
        let (graph, w1, b1, w2, b2) = Self.mlp(&g)
        let x = Tensor.uniform([200, 4], in: -2...2, using: &g)
        var options = CompileOptions()
        options.rounding = try RoundingThreshold.make(bits: 5)
        let model = try Compiler.compile(graph: graph, calibration: [x], options: options, kernels: Self.kernels)
        #expect(model.circuit.operations.map(\.mnemonic) == ["input", "matmul", "round", "tlu", "matmul"])
        #expect(model.circuit.maxTLUPrecision <= 6)  // 5 kept bits, + 1 when rounding up the maximum
        let y = try model.predict([x])[0]
        let reference = Self.dense(Self.dense(x.values, rows: 200, w1, b1).map { max(0, $0) }, rows: 200, w2, b2)
        #expect(Agreement.rSquared(reference: reference, candidate: y.values) >= 0.95)
    }

    @Test func autoRoundingPicksTheFewestBitsWithinTolerance() throws {
        var g = SeededGenerator(state: 3)
        let (graph, _, _, _, _) = Self.mlp(&g)
        let x = Tensor.uniform([100, 4], in: -1...1, using: &g)
        var options = CompileOptions()
        options.rounding = .auto(tolerance: 0.02, method: .exact)
        let model = try Compiler.compile(graph: graph, calibration: [x], options: options, kernels: Self.kernels)
        var plainOptions = CompileOptions()
        plainOptions.rounding = nil
        let plain = try Compiler.compile(graph: graph, calibration: [x], options: plainOptions, kernels: Self.kernels)
        let loss = Agreement.loss(reference: try plain.predict([x])[0], candidate: try model.predict([x])[0])
        #expect(loss <= 0.02)
        #expect(model.quantizationLog.last?.hasPrefix("auto rounding") == true)
        #expect(model.circuit.operations.contains { if case .round = $0.kind { true } else { false } })
    }

    /// Two encrypted inputs: (a + b) and a·b, each re-quantized once.
    @Test func encryptedAddAndMul() throws {
        var g = SeededGenerator(state: 5)
        let graph = Graph(
            inputs: [ValueInfo(name: "a", elementType: .float32, shape: [1, 8]), ValueInfo(name: "b", elementType: .float32, shape: [1, 8])],
            outputs: [ValueInfo(name: "s", elementType: .float32, shape: [1, 8]), ValueInfo(name: "p", elementType: .float32, shape: [1, 8])],
            initializers: [:],
            nodes: [
                Node(name: "ta", opType: "Tanh", inputs: ["a"], outputs: ["ta"]),
                Node(name: "add", opType: "Add", inputs: ["ta", "b"], outputs: ["s"]),
                Node(name: "mul", opType: "Mul", inputs: ["ta", "b"], outputs: ["p"]),
            ],
            opsetVersion: 14)
        let a = Tensor.uniform([300, 8], in: -2...2, using: &g), b = Tensor.uniform([300, 8], in: -1...3, using: &g)
        let model = try Compiler.compile(graph: graph, calibration: [a, b], options: CompileOptions(), kernels: Self.kernels)
        let out = try model.predict([a, b])
        let ta = a.values.map(tanh)
        #expect(Agreement.rSquared(reference: zip(ta, b.values).map(+), candidate: out[0].values) >= 0.99)
        #expect(Agreement.rSquared(reference: zip(ta, b.values).map(*), candidate: out[1].values) >= 0.99)
        #expect(model.circuit.operations.contains { $0.kind == .multiply })
    }

    @Test func clearInputAndValidation() throws {
        var g = SeededGenerator(state: 1)
        let (graph, _, _, _, _) = Self.mlp(&g)
        let x = Tensor.uniform([20, 4], in: -1...1, using: &g)
        #expect(throws: CompileOptionError.self) { _ = try InputEncryption.validate(["clear"], inputCount: 1) }
        #expect(throws: CompileOptionError.self) { _ = try InputEncryption.validate(["encrypted", "clear"], inputCount: 1) }
        #expect(throws: CompileOptionError.self) { _ = try InputEncryption.validate([], inputCount: 1) }
        #expect(throws: CompileOptionError.self) { _ = try InputEncryption.validate(["secret"], inputCount: 1) }
        let parsed = try InputEncryption.validate(["ENCRYPTED"], inputCount: 1)
        #expect(parsed == [.encrypted])
        var options = CompileOptions()
        options.inputsEncryption = [.encrypted]
        let model = try Compiler.compile(graph: graph, calibration: [x], options: options, kernels: Self.kernels)
        let allEncrypted = model.circuit.values.allSatisfy { $0.isEncrypted }
        #expect(allEncrypted)
    }

    @Test func optionValidation() throws {
        #expect(throws: CompileOptionError.self) { try QuantizationBits(dictionary: ["op_inputs": 4]) }
        #expect(throws: CompileOptionError.self) { try QuantizationBits(dictionary: ["op_inputs": 4, "op_weights": 4, "bogus": 2]) }
        #expect(throws: CompileOptionError.self) { try QuantizationBits(dictionary: ["op_inputs": 6, "op_weights": 4, "model_outputs": 5]) }
        let d = try QuantizationBits(parsing: "op_inputs=6,op_weights=4")
        #expect(d == QuantizationBits(opInputs: 6, opWeights: 4, modelInputs: 5, modelOutputs: 6))
        #expect(QuantizationBits(bits: 3) == QuantizationBits(opInputs: 3, opWeights: 3, modelInputs: 5, modelOutputs: 5))
        #expect(throws: CompileOptionError.self) { try RoundingThreshold.make(bits: 9) }
        #expect(throws: CompileOptionError.self) { try RoundingThreshold.make(bits: 1) }
        #expect(throws: CompileOptionError.self) { try RoundingThreshold.parse("6", method: "truncate") }
        let approximate = try RoundingThreshold.parse("6", method: "APPROXIMATE")
        #expect(approximate == .bits(6, method: .approximate))
        let auto = try RoundingThreshold.parse("auto")
        #expect(auto == .auto(tolerance: 0.01, method: .exact))
        #expect(throws: CompileOptionError.self) { try QuantizationBits(brevitasDictionary: ["op_inputs": 3, "model_outputs": 3]) }
    }

    /// Calibrated on inputs whose sum cancels; a test input that adds up overflows the accumulator's bit-width.
    @Test func overflowIsReportedNotReturned() throws {
        let graph = Graph(
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [1, 2])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [1, 1])],
            initializers: ["w": Tensor(shape: [2, 1], values: [1, 1])],
            nodes: [Node(name: "sum", opType: "MatMul", inputs: ["x", "w"], outputs: ["h"]),
                    Node(name: "act", opType: "Sigmoid", inputs: ["h"], outputs: ["y"])],
            opsetVersion: 14)
        let calibration = Tensor(shape: [50, 2], values: (0..<50).flatMap { i -> [Double] in let v = Double(i) / 49 * 2 - 1; return [v, -v * 0.98] })
        let model = try Compiler.compile(graph: graph, calibration: [calibration], options: CompileOptions(), kernels: Self.kernels)
        #expect(throws: CircuitEvaluationError.self) { _ = try model.predict([Tensor(shape: [1, 2], values: [1, 1])]) }
        do {
            _ = try model.predict([Tensor(shape: [1, 2], values: [1, 1])])
        } catch let CircuitEvaluationError.overflow(report) {
            #expect(report.label == "sum" && report.operation == "matmul")
        }
        _ = try model.predict([Tensor(shape: [1, 2], values: [0.5, -0.5])])
    }
}
