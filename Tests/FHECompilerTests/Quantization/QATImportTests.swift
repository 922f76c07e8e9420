import FHECompiler
import FHECore
import Foundation
import Testing

/// Brevitas-style QAT graphs: the model's own quantizers are used, bit for bit.
@Suite struct QATImportTests {
    static func quantNode(_ name: String, _ input: String, _ output: String, scale: String, bits: String) -> Node {
        Node(name: name, opType: "Quant", domain: "onnx.brevitas", inputs: [input, scale, "zp0", bits], outputs: [output],
             attributes: ["signed": .int(1), "narrow": .int(0), "rounding_mode": .string("ROUND")])
    }

    /// QuantIdentity(x) → QuantLinear(3-bit weights) → ReLU → QuantReLU(4 bits): the output integers equal
    /// Brevitas' own computation: quant(relu(dequant(q_x) · dequant(q_w))).
    @Test func brevitasQuantizersWinAndOutputMatches() throws {
        var g = SeededGenerator(state: 9)
        let w = Tensor.uniform([5, 4], in: -1...1, using: &g)
        let graph = Graph(
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [1, 5])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [1, 4])],
            initializers: ["w": w, "sx": Tensor(scalar: 0.125), "sw": Tensor(scalar: 0.25), "sy": Tensor(scalar: 0.1),
                           "zp0": Tensor(scalar: 0), "b3": Tensor(scalar: 3), "b4": Tensor(scalar: 4)],
            nodes: [
                Self.quantNode("qx", "x", "xq", scale: "sx", bits: "b4"),
                Self.quantNode("qw", "w", "wq", scale: "sw", bits: "b3"),
                Node(name: "fc", opType: "MatMul", inputs: ["xq", "wq"], outputs: ["h"]),
                Node(name: "act", opType: "Relu", inputs: ["h"], outputs: ["r"]),
                Self.quantNode("qy", "r", "y", scale: "sy", bits: "b4"),
            ],
            opsetVersion: 14)
        let x = Tensor.uniform([64, 5], in: -1...1, using: &g)
        var options = CompileOptions()
        options.importQAT = true
        options.bits = QuantizationBits(bits: 8)  // the model's 3/4 bits must win
        let model = try Compiler.compile(graph: graph, calibration: [x], options: options, kernels: PostTrainingQuantizerTests.kernels)
        let got = try model.predict([x])[0]
        func quant(_ v: Double, _ s: Double, _ bits: Int) -> Double {
            let lo = -Double(1 << (bits - 1)), hi = Double(1 << (bits - 1)) - 1
            return min(max((v / s).rounded(.toNearestOrEven), lo), hi) * s
        }
        for r in 0..<64 {
            for j in 0..<4 {
                let h = (0..<5).reduce(0.0) { $0 + quant(x.values[r * 5 + $1], 0.125, 4) * quant(w.values[$1 * 4 + j], 0.25, 3) }
                #expect(abs(got.values[r * 4 + j] - quant(max(0, h), 0.1, 4)) < 1e-9)
            }
        }
        #expect(model.inputQuantizers[0].options.bits == 4 && model.inputQuantizers[0].scale == 0.125)
        #expect(model.circuit.operations.map(\.mnemonic) == ["input", "matmul", "tlu"])
    }

    @Test func missingQuantIdentityNamesTheTensor() throws {
        let graph = Graph(
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [1, 2])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [1, 2])],
            initializers: ["w": Tensor(shape: [2, 2], values: [1, 0, 0, 1]), "w2": Tensor(shape: [2, 2], values: [1, 2, 3, 4])],
            nodes: [Node(name: "fc", opType: "MatMul", inputs: ["x", "w"], outputs: ["h"]),
                    Node(name: "act", opType: "Relu", inputs: ["h"], outputs: ["r"]),
                    Node(name: "fc2", opType: "MatMul", inputs: ["r", "w2"], outputs: ["y"])],
            opsetVersion: 14)
        var options = CompileOptions()
        options.importQAT = true
        #expect {
            _ = try Compiler.compile(graph: graph, calibration: [Tensor(shape: [3, 2], values: [0, 1, 2, 3, 4, 5])], options: options,
                                     kernels: PostTrainingQuantizerTests.kernels)
        } throws: { error in
            "\(error)".contains("QuantIdentity") && "\(error)".contains("'x'")
        }
    }
}
