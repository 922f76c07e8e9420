// Kernel semantics the node tests do not pin down, and the interpreter's input checks.
import FHECompiler
import FHECore
import Foundation
import Testing

@Suite("Float kernels and interpreter")
struct FloatInterpreterTests {
    static func run(_ node: Node, _ inputs: [Tensor?]) throws -> Tensor {
        try FloatKernels.evaluate(node: node, inputs: inputs)[0]
    }

    @Test("AveragePool: ceil_mode windows and count_include_pad divisors")
    func averagePool() throws {
        // 1×1×3×3 input 1…9, kernel 2, stride 2, pad 1 at the end, ceil mode.
        let x = Tensor(shape: [1, 1, 3, 3], values: (1...9).map(Double.init))
        var node = Node(name: "pool", opType: "AveragePool", inputs: ["x"], outputs: ["y"],
                        attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "pads": .ints([0, 0, 1, 1])])
        let excluded = try Self.run(node, [x])
        #expect(excluded.shape == [1, 1, 2, 2])
        #expect(excluded.values == [3, 4.5, 7.5, 9])
        node.attributes["count_include_pad"] = .int(1)
        #expect(try Self.run(node, [x]).values == [3, 2.25, 3.75, 2.25])
        // ceil_mode without padding: the last window is partial and divides by what it covers.
        node.attributes = ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "ceil_mode": .int(1)]
        #expect(try Self.run(node, [x]).values == [3, 4.5, 7.5, 9])
    }

    @Test("Brevitas Quant: clip, round half to even, de-quantize; signed=0 narrow=1 read as signed")
    func brevitasQuant() throws {
        let x = Tensor(shape: [6], values: [-3, -0.25, 0.25, 0.75, 1.1, 9])
        let scale = Tensor(scalar: 0.5), zero = Tensor(scalar: 0), bits = Tensor(scalar: 3)
        var node = Node(name: "q", opType: "Quant", domain: "onnx.brevitas", inputs: ["x", "s", "z", "b"], outputs: ["y"],
                        attributes: ["signed": .int(1), "narrow": .int(0), "rounding_mode": .string("ROUND")])
        // 3-bit signed: integers −4…3, x/s = −6, −0.5, 0.5, 1.5, 2.2, 18.
        #expect(try Self.run(node, [x, scale, zero, bits]).values == [-2, -0, 0, 1, 1, 1.5])
        node.attributes["narrow"] = .int(1)
        #expect(try Self.run(node, [x, scale, zero, bits]).values.first == -1.5)
        node.attributes["signed"] = .int(0)
        // Unsigned narrow would clip negatives to 0; Concrete ML's workaround reads it as signed.
        #expect(try Self.run(node, [x, scale, zero, bits]).values.first == -2)
        node.attributes["narrow"] = .int(0)
        #expect(try Self.run(node, [x, scale, zero, bits]).values == [0, 0, 0, 1, 1, 3.5])
    }

    @Test("QuantizeLinear saturates and rounds half to even; DequantizeLinear inverts")
    func quantizeLinear() throws {
        let x = Tensor(shape: [5], values: [-300, -1, 0.5, 1.5, 300])
        let q = try Self.run(Node(name: "q", opType: "QuantizeLinear", inputs: ["x", "s", "z"], outputs: ["y"]),
                             [x, Tensor(scalar: 1), Tensor(scalar: 0, elementType: .int8)])
        #expect(q.elementType == .int8 && q.values == [-128, -1, 0, 2, 127])
        let back = try Self.run(Node(name: "d", opType: "DequantizeLinear", inputs: ["q", "s", "z"], outputs: ["x"]),
                                [q, Tensor(scalar: 0.5), Tensor(scalar: 1, elementType: .int8)])
        #expect(back.values == [-64.5, -1, -0.5, 0.5, 63])
    }

    @Test("logic ops, Celu and Mish (their ONNX node tests predate opset 13)")
    func logicAndActivations() throws {
        let a = Tensor(shape: [4], elementType: .bool, values: [0, 0, 1, 1])
        let b = Tensor(shape: [4], elementType: .bool, values: [0, 1, 0, 1])
        func binary(_ op: String) throws -> [Double] {
            try Self.run(Node(name: op, opType: op, inputs: ["a", "b"], outputs: ["y"]), [a, b]).values
        }
        #expect(try binary("And") == [0, 0, 0, 1])
        #expect(try binary("Or") == [0, 1, 1, 1])
        #expect(try binary("Xor") == [0, 1, 1, 0])
        #expect(try Self.run(Node(name: "n", opType: "Not", inputs: ["a"], outputs: ["y"]), [a]).values == [1, 1, 0, 0])
        let x = Tensor(shape: [3], elementType: .float64, values: [-2, 0, 1.5])
        let celu = try Self.run(Node(name: "c", opType: "Celu", inputs: ["x"], outputs: ["y"], attributes: ["alpha": .float(2)]), [x])
        #expect(celu.values == [2 * (exp(-1.0) - 1), 0, 1.5])
        let mish = try Self.run(Node(name: "m", opType: "Mish", inputs: ["x"], outputs: ["y"]), [x])
        for (value, input) in zip(mish.values, x.values) {
            #expect(abs(value - input * tanh(log(1 + exp(input)))) < 1e-12)
        }
    }

    @Test("a kernel error names the node and op")
    func kernelError() {
        let node = Node(name: "gemm_1", opType: "Gemm", inputs: ["a", "b"], outputs: ["y"])
        #expect { try Self.run(node, [Tensor.zeros([2, 3]), Tensor.zeros([4, 5])]) } throws: { error in
            (error as? CompilerError)?.description.hasPrefix("node 'gemm_1' (Gemm): MatMul inner dimensions differ") == true
        }
        #expect { try Self.run(node, [Tensor.zeros([2, 3])]) } throws: { error in
            (error as? CompilerError)?.description == "node 'gemm_1' (Gemm): required input 1 is missing"
        }
    }

    static let graph = Graph(
        inputs: [ValueInfo(name: "x", elementType: .float32, shape: [1, 3])],
        outputs: [ValueInfo(name: "y", elementType: .float32, shape: [1, 3])],
        initializers: [:], nodes: [Node(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["y"])], opsetVersion: 14)

    static let badInputs: [(String, [String: Tensor], String)] = [
        ("missing", [:], "model input 'x' was not supplied"),
        ("dtype", ["x": Tensor.zeros([2, 3], elementType: .int64)], "input 'x' has dtype int64, the model expects float32"),
        ("rank", ["x": Tensor.zeros([3])], "input 'x' has rank 1 (shape [3]), the model expects rank 2"),
        ("shape", ["x": Tensor.zeros([2, 4])], "input 'x' has shape [2, 4], the model expects [\"N\", \"3\"]"),
        ("extra", ["x": Tensor.zeros([1, 3]), "z": Tensor.zeros([1])], "'z' is not an input of the model"),
    ]

    @Test("wrong inputs are refused naming the input", arguments: 0..<badInputs.count)
    func badInput(_ index: Int) {
        let (label, inputs, message) = Self.badInputs[index]
        #expect(throws: CompilerError.self, "\(label)") { try FloatInterpreter.run(Self.graph, inputs: inputs) }
        do { _ = try FloatInterpreter.run(Self.graph, inputs: inputs) } catch {
            #expect("\(error)".contains(message), "\(label): \(error)")
        }
    }

    @Test("float64 inputs feed a float32 model, batch of any size")
    func float64Batch() throws {
        let x = Tensor(shape: [4, 3], elementType: .float64, values: [-1, 0.1, 2, -3, 4, -5, 6, -7, 8, 9, -10, 11])
        let y = try FloatInterpreter.run(Self.graph, inputs: ["x": x])["y"]!
        #expect(y.shape == [4, 3] && y.elementType == .float32)
        #expect(y.values == x.values.map { max(Double(Float($0)), 0) })
    }
}
