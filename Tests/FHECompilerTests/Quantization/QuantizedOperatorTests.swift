// Per-operator tests (Concrete ML's tests/quantization/test_quantized_ops.py): every operator the quantizer
// supports, quantized at 8 bits and run in the clear, against the float graph over several input ranges.
import FHECompiler
import FHECore
import Foundation
import Testing

/// One operator under test: a small graph around it (inputs "x" and maybe "y", output "out").
struct OperatorCase: Sendable, CustomTestStringConvertible {
    /// How the quantized output is judged.
    enum Check: Sendable {
        /// R² ≥ 0.99 against the float graph on the raw inputs.
        case rSquared
        /// R² ≥ 0.99 against the float graph on the de-quantized inputs: for discontinuous ops (steps, comparisons),
        /// where one input quantized across the step flips a whole output level. The table must still be right at
        /// every input the circuit sees, and the output quantization is still judged.
        case stepwise
        /// Equal (to float rounding) to the float graph run on the de-quantized inputs: data movement,
        /// max pooling, padding, the model's own quantizers.
        case exact
    }

    /// The operator the case exists for (coverage is checked on it).
    var op: String
    var label: String
    /// Per-sample shapes of the inputs, in order "x", "y".
    var inputs: [[Int]]
    var check: Check = .rSquared
    /// The nodes and constants; `center` and `width` describe the input range.
    var build: @Sendable (_ center: Double, _ width: Double) -> (nodes: [Node], constants: [String: Tensor])

    var testDescription: String { label }

    func graph(range: ClosedRange<Double>) -> Graph {
        let (nodes, constants) = build((range.lowerBound + range.upperBound) / 2, range.upperBound - range.lowerBound)
        let names = ["x", "y"]
        return Graph(inputs: inputs.enumerated().map { ValueInfo(name: names[$0], elementType: .float64, shape: [1] + $1) },
                     outputs: [ValueInfo(name: "out", elementType: .float64, shape: [])],
                     initializers: constants, nodes: nodes, opsetVersion: 14)
    }
}

/// Node shorthand: `n("Relu", ["x"])` → a node named after its op writing "out" unless told.
private func n(_ op: String, _ inputs: [String], _ output: String = "out", domain: String = "", _ attributes: [String: Attribute] = [:]) -> Node {
    Node(name: "\(op)_\(output)", opType: op, domain: domain, inputs: inputs, outputs: [output], attributes: attributes)
}

private func scalar(_ v: Double) -> Tensor { Tensor(scalar: v, elementType: .float64) }
private func ints(_ v: [Int]) -> Tensor { Tensor(shape: [v.count], elementType: .int64, values: v.map(Double.init)) }
private func floats(_ shape: [Int], seed: UInt64, in range: ClosedRange<Double> = -1...1) -> Tensor {
    var g = SeededGenerator(state: seed)
    return Tensor(shape: shape, elementType: .float64, values: (0..<shape.reduce(1, *)).map { _ in Double.random(in: range, using: &g) })
}

/// A univariate op on x, optionally after a chain that brings x into the op's domain.
private func unary(_ op: String, _ attributes: [String: Attribute] = [:], domain prefix: [Node] = [], input: String = "x",
                   constants: [String: Tensor] = [:]) -> OperatorCase {
    OperatorCase(op: op, label: op, inputs: [[6]]) { _, _ in (prefix + [n(op, [input], "out", attributes)], constants) }
}

enum OperatorCases {
    /// x ↦ |x| + 1 (domain ≥ 1), as nodes writing "pos".
    static let positive = [n("Abs", ["x"], "abs"), n("Add", ["abs", "one"], "pos")]
    /// x ↦ tanh(x) (domain (−1, 1)), writing "unit".
    static let unit = [n("Tanh", ["x"], "unit")]
    static let one = ["one": scalar(1)]

    static let univariate: [OperatorCase] = [
        unary("Relu"), unary("Sigmoid"), unary("Tanh"), unary("Softplus"), unary("Softsign"), unary("Exp"), unary("Abs"),
        unary("Neg"), unary("Erf"), unary("Sin"), unary("Cos"), unary("Atan"), unary("Sinh"), unary("Cosh"), unary("Asinh"),
        unary("Mish"), unary("Gelu"), unary("HardSwish"), unary("HardSigmoid", ["alpha": .float(0.2), "beta": .float(0.5)]),
        unary("Elu", ["alpha": .float(1)]), unary("Selu"), unary("Celu", ["alpha": .float(1.5)]),
        unary("LeakyRelu", ["alpha": .float(0.1)]), OperatorCase(op: "ThresholdedRelu", label: "ThresholdedRelu", inputs: [[6]], check: .stepwise) { _, _ in ([n("ThresholdedRelu", ["x"], "out", ["alpha": .float(0.5)])], [:]) }, unary("Dropout"),
        unary("Log", domain: positive, input: "pos", constants: one), unary("Sqrt", domain: positive, input: "pos", constants: one),
        unary("Reciprocal", domain: positive, input: "pos", constants: one), unary("Acosh", domain: positive, input: "pos", constants: one),
        unary("Asin", domain: unit, input: "unit"), unary("Acos", domain: unit, input: "unit"), unary("Tan", domain: unit, input: "unit"),
        unary("Atanh", domain: unit + [n("Mul", ["unit", "shrink"], "inside")], input: "inside", constants: ["shrink": scalar(0.9)]),
        // Steps around the middle of the range, so that every range has both sides.
        OperatorCase(op: "Sign", label: "Sign", inputs: [[6]], check: .stepwise) { c, _ in ([n("Sub", ["x", "c"], "d"), n("Sign", ["d"])], ["c": scalar(c)]) },
        OperatorCase(op: "Round", label: "Round", inputs: [[6]], check: .stepwise) { _, _ in ([n("Round", ["x"])], [:]) },
        OperatorCase(op: "Floor", label: "Floor", inputs: [[6]], check: .stepwise) { _, _ in ([n("Floor", ["x"])], [:]) },
        OperatorCase(op: "Ceil", label: "Ceil", inputs: [[6]], check: .stepwise) { _, _ in ([n("Ceil", ["x"])], [:]) },
        OperatorCase(op: "Clip", label: "Clip", inputs: [[6]]) { c, w in
            ([n("Clip", ["x", "lo", "hi"])], ["lo": scalar(c - w / 4), "hi": scalar(c + w / 4)])
        },
        OperatorCase(op: "PRelu", label: "PRelu", inputs: [[6]]) { c, _ in
            ([n("Sub", ["x", "c"], "d"), n("PRelu", ["d", "slope"])], ["c": scalar(c), "slope": floats([6], seed: 1, in: 0...0.5)])
        },
        OperatorCase(op: "Pow", label: "Pow", inputs: [[6]]) { _, _ in ([n("Pow", ["x", "two"])], ["two": scalar(2)]) },
        OperatorCase(op: "BatchNormalization", label: "BatchNormalization", inputs: [[3, 4]]) { c, w in
            ([n("BatchNormalization", ["x", "gamma", "beta", "mean", "var"])],
             ["gamma": floats([3], seed: 2), "beta": floats([3], seed: 3), "mean": Tensor(shape: [3], elementType: .float64, values: [c, c - w / 8, c + w / 8]),
              "var": floats([3], seed: 4, in: 0.5...2)])
        },
    ]

    /// Element-wise ops with a constant operand, comparisons and boolean logic (all fused into one table).
    static let withConstants: [OperatorCase] = [
        OperatorCase(op: "Add", label: "Add constant", inputs: [[6]]) { _, w in ([n("Add", ["x", "k"])], ["k": floats([6], seed: 5, in: -w...w)]) },
        OperatorCase(op: "Sub", label: "Sub constant", inputs: [[6]]) { _, w in ([n("Sub", ["k", "x"])], ["k": floats([6], seed: 6, in: -w...w)]) },
        OperatorCase(op: "Mul", label: "Mul constant", inputs: [[6]]) { _, _ in ([n("Mul", ["x", "k"])], ["k": floats([6], seed: 7, in: -3...3)]) },
        OperatorCase(op: "Div", label: "Div constant", inputs: [[6]]) { _, _ in ([n("Div", ["x", "k"])], ["k": floats([6], seed: 8, in: 0.5...3)]) },
        OperatorCase(op: "Max", label: "Max", inputs: [[6]]) { c, _ in ([n("Max", ["x", "c"])], ["c": scalar(c)]) },
        OperatorCase(op: "Min", label: "Min", inputs: [[6]]) { c, _ in ([n("Min", ["x", "c"])], ["c": scalar(c)]) },
        OperatorCase(op: "Greater", label: "Greater", inputs: [[6]], check: .stepwise) { c, _ in ([n("Greater", ["x", "c"])], ["c": scalar(c)]) },
        OperatorCase(op: "GreaterOrEqual", label: "GreaterOrEqual", inputs: [[6]], check: .stepwise) { c, _ in ([n("GreaterOrEqual", ["x", "c"])], ["c": scalar(c)]) },
        OperatorCase(op: "Less", label: "Less", inputs: [[6]], check: .stepwise) { c, _ in ([n("Less", ["x", "c"])], ["c": scalar(c)]) },
        OperatorCase(op: "LessOrEqual", label: "LessOrEqual", inputs: [[6]], check: .stepwise) { c, _ in ([n("LessOrEqual", ["x", "c"])], ["c": scalar(c)]) },
        // Equality on integers: round the input first (a fused chain).
        OperatorCase(op: "Equal", label: "Equal", inputs: [[6]], check: .stepwise) { c, w in
            ([n("Mul", ["x", "k"], "s"), n("Round", ["s"], "r"), n("Equal", ["r", "c"])], ["k": scalar(4 / w), "c": scalar((4 * c / w).rounded())])
        },
        OperatorCase(op: "Not", label: "Not", inputs: [[6]], check: .stepwise) { c, _ in ([n("Greater", ["x", "c"], "g"), n("Not", ["g"])], ["c": scalar(c)]) },
        OperatorCase(op: "And", label: "And", inputs: [[6]], check: .stepwise) { c, w in
            ([n("Greater", ["x", "lo"], "a"), n("Less", ["x", "hi"], "b"), n("And", ["a", "b"])], ["lo": scalar(c - w / 4), "hi": scalar(c + w / 4)])
        },
        OperatorCase(op: "Or", label: "Or", inputs: [[6]], check: .stepwise) { c, w in
            ([n("Less", ["x", "lo"], "a"), n("Greater", ["x", "hi"], "b"), n("Or", ["a", "b"])], ["lo": scalar(c - w / 4), "hi": scalar(c + w / 4)])
        },
        OperatorCase(op: "Xor", label: "Xor", inputs: [[6]], check: .stepwise) { c, w in
            ([n("Greater", ["x", "lo"], "a"), n("Greater", ["x", "hi"], "b"), n("Xor", ["a", "b"])], ["lo": scalar(c - w / 4), "hi": scalar(c + w / 4)])
        },
        OperatorCase(op: "Where", label: "Where", inputs: [[6]], check: .stepwise) { c, _ in
            ([n("Greater", ["x", "c"], "g"), n("Neg", ["x"], "m"), n("Where", ["g", "x", "m"])], ["c": scalar(c)])
        },
        OperatorCase(op: "Cast", label: "Cast", inputs: [[6]], check: .stepwise) { c, _ in
            ([n("Greater", ["x", "c"], "g"), n("Cast", ["g"], "out", ["to": .int(1)])], ["c": scalar(c)])
        },
    ]

    /// Operations between two encrypted tensors.
    static let encrypted: [OperatorCase] = [
        OperatorCase(op: "Add", label: "Add encrypted", inputs: [[6], [6]]) { _, _ in ([n("Add", ["x", "y"])], [:]) },
        OperatorCase(op: "Sub", label: "Sub encrypted", inputs: [[6], [6]]) { _, _ in ([n("Sub", ["x", "y"])], [:]) },
        OperatorCase(op: "Mul", label: "Mul encrypted", inputs: [[6], [6]]) { _, _ in ([n("Mul", ["x", "y"])], [:]) },
        // The divisor kept away from zero: 8 bits cannot hold 1/b near b = 0 (Concrete ML tests this at 21 bits).
        OperatorCase(op: "Div", label: "Div encrypted", inputs: [[6], [6]]) { _, w in
            ([n("Abs", ["y"], "a"), n("Add", ["a", "k"], "b"), n("Div", ["x", "b"])], ["k": scalar(w / 4)])
        },
        OperatorCase(op: "MatMul", label: "MatMul encrypted", inputs: [[2, 3], [3, 4]]) { _, _ in ([n("MatMul", ["x", "y"])], [:]) },
        OperatorCase(op: "Concat", label: "Concat", inputs: [[2, 3], [2, 2]]) { _, _ in ([n("Concat", ["x", "y"], "out", ["axis": .int(-1)])], [:]) },
    ]

    /// Linear ops with clear weights, and pooling.
    static let linear: [OperatorCase] = [
        OperatorCase(op: "Gemm", label: "Gemm", inputs: [[5]]) { _, _ in
            ([n("Gemm", ["x", "w", "b"])], ["w": floats([5, 4], seed: 10), "b": floats([4], seed: 11)])
        },
        OperatorCase(op: "Gemm", label: "Gemm transB alpha beta", inputs: [[5]]) { _, _ in
            ([n("Gemm", ["x", "w", "b"], "out", ["transB": .int(1), "alpha": .float(-0.5), "beta": .float(2)])],
             ["w": floats([4, 5], seed: 12), "b": floats([4], seed: 13)])
        },
        OperatorCase(op: "MatMul", label: "MatMul constant right", inputs: [[3, 5]]) { _, _ in ([n("MatMul", ["x", "w"])], ["w": floats([5, 4], seed: 14)]) },
        OperatorCase(op: "MatMul", label: "MatMul constant left", inputs: [[4, 3]]) { _, _ in ([n("MatMul", ["w", "x"])], ["w": floats([5, 4], seed: 15)]) },
        OperatorCase(op: "Conv", label: "Conv 2-D", inputs: [[2, 6, 6]]) { _, _ in
            ([n("Conv", ["x", "w", "b"], "out", ["pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 1])])],
             ["w": floats([3, 2, 3, 3], seed: 16), "b": floats([3], seed: 17)])
        },
        OperatorCase(op: "Conv", label: "Conv 1-D grouped dilated", inputs: [[4, 9]]) { _, _ in
            ([n("Conv", ["x", "w"], "out", ["group": .int(2), "dilations": .ints([2])])], ["w": floats([4, 2, 3], seed: 18)])
        },
        OperatorCase(op: "AveragePool", label: "AveragePool", inputs: [[2, 6, 6]]) { _, _ in
            ([n("AveragePool", ["x"], "out", ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])])], [:])
        },
        OperatorCase(op: "AveragePool", label: "AveragePool pads count_include_pad", inputs: [[2, 5, 5]]) { _, _ in
            ([n("AveragePool", ["x"], "out", ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "count_include_pad": .int(1)])], [:])
        },
        OperatorCase(op: "AveragePool", label: "AveragePool pads exclude_pad", inputs: [[2, 5, 5]]) { _, _ in
            ([n("AveragePool", ["x"], "out", ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2])])], [:])
        },
        OperatorCase(op: "AveragePool", label: "AveragePool ceil_mode", inputs: [[2, 5, 5]]) { _, _ in
            ([n("AveragePool", ["x"], "out", ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "ceil_mode": .int(1)])], [:])
        },
        OperatorCase(op: "GlobalAveragePool", label: "GlobalAveragePool", inputs: [[3, 4, 4]]) { _, _ in ([n("GlobalAveragePool", ["x"])], [:]) },
        OperatorCase(op: "ReduceSum", label: "ReduceSum", inputs: [[3, 4]]) { _, _ in
            ([n("ReduceSum", ["x", "axes"], "out", ["keepdims": .int(0)])], ["axes": ints([2])])
        },
        OperatorCase(op: "MaxPool", label: "MaxPool", inputs: [[2, 6, 6]], check: .exact) { _, _ in
            ([n("MaxPool", ["x"], "out", ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])], [:])
        },
        OperatorCase(op: "MaxPool", label: "MaxPool ceil_mode", inputs: [[2, 5, 5]], check: .exact) { _, _ in
            ([n("MaxPool", ["x"], "out", ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "ceil_mode": .int(1)])], [:])
        },
        OperatorCase(op: "Pad", label: "Pad", inputs: [[2, 3]], check: .exact) { _, _ in
            ([n("Pad", ["x", "pads"])], ["pads": ints([0, 1, 0, 0, 0, 2])])
        },
    ]

    /// Data movement and the model's own quantizers: exact.
    static let exact: [OperatorCase] = [
        OperatorCase(op: "Reshape", label: "Reshape", inputs: [[2, 6]], check: .exact) { _, _ in ([n("Reshape", ["x", "s"])], ["s": ints([1, 3, 4])]) },
        OperatorCase(op: "Flatten", label: "Flatten", inputs: [[2, 3, 2]], check: .exact) { _, _ in ([n("Flatten", ["x"])], [:]) },
        OperatorCase(op: "Transpose", label: "Transpose", inputs: [[2, 3, 4]], check: .exact) { _, _ in
            ([n("Transpose", ["x"], "out", ["perm": .ints([0, 3, 1, 2])])], [:])
        },
        OperatorCase(op: "Squeeze", label: "Squeeze", inputs: [[2, 1, 3]], check: .exact) { _, _ in ([n("Squeeze", ["x", "a"])], ["a": ints([2])]) },
        OperatorCase(op: "Unsqueeze", label: "Unsqueeze", inputs: [[2, 3]], check: .exact) { _, _ in ([n("Unsqueeze", ["x", "a"])], ["a": ints([-1])]) },
        OperatorCase(op: "Slice", label: "Slice", inputs: [[4, 6]], check: .exact) { _, _ in
            ([n("Slice", ["x", "s", "e", "a", "st"])], ["s": ints([1, 5]), "e": ints([4, 0]), "a": ints([1, 2]), "st": ints([2, -2])])
        },
        OperatorCase(op: "Gather", label: "Gather", inputs: [[5, 2]], check: .exact) { _, _ in
            ([n("Gather", ["x", "i"], "out", ["axis": .int(1)])], ["i": Tensor(shape: [2, 2], elementType: .int64, values: [4, 0, -1, 2])])
        },
        OperatorCase(op: "Expand", label: "Expand", inputs: [[1, 3]], check: .exact) { _, _ in ([n("Expand", ["x", "s"])], ["s": ints([1, 4, 3])]) },
        OperatorCase(op: "Identity", label: "Identity", inputs: [[6]], check: .exact) { _, _ in ([n("Identity", ["x"])], [:]) },
        OperatorCase(op: "Shape", label: "Shape feeding Reshape", inputs: [[2, 3]], check: .exact) { _, _ in
            ([n("Shape", ["x"], "s"), n("Transpose", ["x"], "t", ["perm": .ints([0, 2, 1])]), n("Reshape", ["t", "s"])], [:])
        },
        OperatorCase(op: "Quant", label: "Brevitas Quant", inputs: [[6]], check: .exact) { _, w in
            ([n("Quant", ["x", "s", "z", "bits"], "out", domain: "onnx.brevitas", ["signed": .int(1), "narrow": .int(0), "rounding_mode": .string("ROUND")])],
             ["s": scalar(w / 20), "z": scalar(0), "bits": scalar(4)])
        },
        OperatorCase(op: "QuantizeLinear", label: "QuantizeLinear", inputs: [[6]], check: .exact) { c, w in
            ([n("QuantizeLinear", ["x", "s", "z"], "q"), n("DequantizeLinear", ["q", "s", "z"])],
             ["s": scalar(w / 200), "z": Tensor(scalar: (-c / (w / 200)).rounded(), elementType: .int8)])
        },
        OperatorCase(op: "DequantizeLinear", label: "QDQ then Reshape", inputs: [[6]], check: .exact) { c, w in
            ([n("QuantizeLinear", ["x", "s", "z"], "q"), n("DequantizeLinear", ["q", "s", "z"], "d"), n("Reshape", ["d", "shape"])],
             ["s": scalar(w / 100), "z": Tensor(scalar: 0, elementType: .uint8), "shape": ints([1, 2, 3])])
        },
    ]

    static let all = univariate + withConstants + encrypted + linear + exact
}

@Suite struct QuantizedOperatorTests {
    static let ranges: [ClosedRange<Double>] = [-1...1, -2...2, -10...10, 0...20]

    /// Quantized at 8 bits, calibrated and evaluated on 64 rows per input, for each input range.
    @Test(arguments: OperatorCases.all)
    func quantizedOperatorMatchesFloat(_ testCase: OperatorCase) throws {
        for (index, range) in Self.ranges.enumerated() {
            let graph = testCase.graph(range: range)
            var g = SeededGenerator(state: 100 + UInt64(index))
            let inputs = testCase.inputs.map { Tensor.uniform([64] + $0, in: range, using: &g) }
            let model = try Compiler.compile(graph: graph, calibration: inputs, options: CompileOptions())
            let got = try model.predict(inputs)[0]
            switch testCase.check {
            case .rSquared:
                let reference = try Self.float(graph, inputs)
                #expect(got.shape == reference.shape, "\(testCase.label) on \(range): shape")
                let r2 = Agreement.rSquared(reference: reference.values, candidate: got.values)
                #expect(r2 >= 0.99, "\(testCase.label) on \(range): R² \(r2)")
            case .stepwise:
                let reference = try Self.float(graph, Self.seen(inputs, model))
                #expect(got.shape == reference.shape, "\(testCase.label) on \(range): shape")
                let r2 = Agreement.rSquared(reference: reference.values, candidate: got.values)
                #expect(r2 >= 0.99, "\(testCase.label) on \(range): R² \(r2) on the de-quantized inputs")
            case .exact:
                let reference = try Self.float(graph, Self.seen(inputs, model))
                #expect(got.shape == reference.shape, "\(testCase.label) on \(range): shape")
                let worst = zip(reference.values, got.values).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
                #expect(worst <= 1e-9, "\(testCase.label) on \(range): largest relative difference \(worst)")
            }
        }
    }

    /// The inputs as the circuit sees them: quantized then de-quantized by the model's input quantizers.
    static func seen(_ inputs: [Tensor], _ model: CompiledModel) -> [Tensor] {
        zip(inputs, model.inputQuantizers).map { x, q in Tensor(shape: x.shape, elementType: .float64, values: q.dequantize(q.quantize(x.values))) }
    }

    static func float(_ graph: Graph, _ inputs: [Tensor]) throws -> Tensor {
        var feeds: [String: Tensor] = [:]
        for (info, x) in zip(graph.inputs, inputs) { feeds[info.name] = x }
        return try FloatInterpreter.run(graph, inputs: feeds)["out"]!
    }

    /// A divisor that is zero on part of the calibration set (a ReLU): its zeros become the smallest non-zero
    /// calibration magnitude, so the circuit stays finite and matches a / b wherever b is not small.
    @Test func encryptedDivisionReplacesZeroDivisors() throws {
        let graph = Graph(inputs: [ValueInfo(name: "x", elementType: .float64, shape: [1, 6]), ValueInfo(name: "y", elementType: .float64, shape: [1, 6])],
                          outputs: [ValueInfo(name: "out", elementType: .float64, shape: [])], initializers: [:],
                          nodes: [n("Relu", ["y"], "r"), n("Div", ["x", "r"])], opsetVersion: 14)
        var g = SeededGenerator(state: 41)
        let x = Tensor.uniform([64, 6], in: -1...1, using: &g), y = Tensor.uniform([64, 6], in: -1...3, using: &g)
        // 1/b spans up to 1/smallest, so one uniform grid needs more than 8 bits (Concrete ML tests Div at ≥ 21).
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 16)
        let model = try Compiler.compile(graph: graph, calibration: [x, y], options: options)
        let got = try model.predict([x, y])[0]
        #expect(got.values.allSatisfy { $0.isFinite })
        let kept = y.values.indices.filter { y.values[$0] >= 1 }
        let r2 = Agreement.rSquared(reference: kept.map { x.values[$0] / y.values[$0] }, candidate: kept.map { got.values[$0] })
        #expect(r2 >= 0.99, "R² \(r2) where the divisor is at least 1")
        #expect(model.quantizationLog.contains { $0.contains("encrypted division") })
    }

    /// Forms that cannot run per sample fail with an error naming the node and saying why.
    @Test func impossibleFormsNameTheNode() throws {
        var g = SeededGenerator(state: 99)
        let x = Tensor.uniform([8, 4], in: -1...1, using: &g)
        let cases: [(Node, [String: Tensor], String)] = [
            (Node(name: "gemm_ta", opType: "Gemm", inputs: ["x", "w"], outputs: ["out"], attributes: ["transA": .int(1)]),
             ["w": floats([1, 3], seed: 30)], "transA"),
            (Node(name: "gemm_left", opType: "Gemm", inputs: ["w", "x"], outputs: ["out"]), ["w": floats([3, 1], seed: 31)], "constant B"),
            (Node(name: "matmul_left", opType: "MatMul", inputs: ["w", "x"], outputs: ["out"]), ["w": floats([3, 1], seed: 32)], "rank"),
        ]
        for (node, constants, phrase) in cases {
            let graph = Graph(inputs: [ValueInfo(name: "x", elementType: .float64, shape: [1, 4])],
                              outputs: [ValueInfo(name: "out", elementType: .float64, shape: [])],
                              initializers: constants, nodes: [node], opsetVersion: 14)
            #expect {
                _ = try Compiler.compile(graph: graph, calibration: [x], options: CompileOptions())
            } throws: { error in
                guard let e = error as? QuantizationError else { return false }
                return e.node == node.name && e.reason.contains(phrase)
            }
        }
    }

    /// Every operator the quantizer supports has a per-op case (Concrete ML asserts the same of its QuantizedOps).
    @Test func everySupportedOperatorIsTested() {
        let tested = Set(OperatorCases.all.map(\.op))
        let supported = Set(Compiler.quantizableOperators)
        #expect(supported.subtracting(tested).sorted() == [], "supported operators without a per-op test")
        #expect(tested.subtracting(supported).sorted() == [], "tested operators the quantizer does not claim")
    }
}
