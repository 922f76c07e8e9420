import FHECompiler
import FHECore
import Foundation
import Testing

/// Brevitas layers whose rescale is a power of two: the accumulator is rounded by an exact shift before the
/// activation table (Concrete ML's PowerOfTwoScalingRoundPBSAdapter), and the output still equals Brevitas'.
@Suite struct PowerOfTwoRoundingTests {
    static func scalarTensor(_ v: Double) -> Tensor { Tensor(scalar: v, elementType: .float64) }

    static func roundCount(_ model: CompiledModel) -> Int {
        model.circuit.operations.filter { if case .round = $0.kind { true } else { false } }.count
    }

    static func qat() -> CompileOptions {
        var options = CompileOptions()
        options.importQAT = true
        return options
    }

    /// Fixed-point Brevitas MLP 64-24-24-10 (Scripts/make_brevitas_pot_fixture.py): two hidden layers, two shifts.
    @Test func powerOfTwoBrevitasMLPRoundsAndMatchesBrevitas() throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("brevitas/pot_mlp.onnx"))
        let x = try NumPyFormat.readArrays(path: Fixtures.path("brevitas/pot_mlp_input.npy"))[0].tensor
        let brevitas = try NumPyFormat.readArrays(path: Fixtures.path("brevitas/pot_mlp_output.npy"))[0].tensor
        let model = try Compiler.compile(graph: graph, calibration: [x], options: Self.qat())
        #expect(Self.roundCount(model) == 2)
        let y = try model.predict([x])[0]
        let worst = zip(y.values, brevitas.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "largest difference from Brevitas' own output: \(worst)")
        // Each rounded layer's table reads only the kept bits: 2^-6 and 2^-4 rescales here.
        let shifts = model.quantizationLog.filter { $0.contains("power-of-two rescale: round") }
        #expect(shifts.count == 2 && shifts[0].contains("round 6 lsbs") && shifts[1].contains("round 4 lsbs"), "\(shifts)")
        // Without the pass the tables read the whole 11- and 9-bit accumulators; the predictions are the same.
        var off = Self.qat()
        off.powerOfTwoRounding = false
        let plain = try Compiler.compile(graph: graph, calibration: [x], options: off)
        #expect(Self.roundCount(plain) == 0)
        #expect(try plain.predict([x])[0].values == y.values)
        #expect(model.circuit.maxTLUPrecision == 5 && plain.circuit.maxTLUPrecision == 11,
                "widest TLU input with the pass \(model.circuit.maxTLUPrecision), without \(plain.circuit.maxTLUPrecision)")
    }

    /// The shift reaches the FHE program (a clear constant add, then exact rounding): simulation equals clear.
    @Test func simulatedProgramEqualsClear() throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("brevitas/pot_mlp.onnx"))
        let x = try NumPyFormat.readArrays(path: Fixtures.path("brevitas/pot_mlp_input.npy"))[0].tensor
        let model = try Compiler.compile(graph: graph, calibration: [x], options: Self.qat())
        let (program, _) = try FHELowering.lower(model.circuit)
        let inputs = model.quantizeInputs([x.slice(rows: 0..<24)])
        let simulated = try SimulatedEvaluator(program: program).evaluate(model.circuit, inputs: inputs)
        #expect(simulated == (try ClearEvaluator().evaluate(model.circuit, inputs: inputs)))
    }

    /// The existing Brevitas fixtures have arbitrary float scales: no shift, outputs still Brevitas'.
    @Test(arguments: ["models/digits_brevitas_mlp", "torch/brevitas_mlp"])
    func otherScalesAreLeftAlone(_ name: String) throws {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("\(name).onnx"))
        let stem = name.hasPrefix("torch") ? "\(name)_input" : "\(name)_test_x"
        let x = try NumPyFormat.readArrays(path: Fixtures.path("\(stem).npy"))[0].tensor
        let expected = try NumPyFormat.readArrays(path: Fixtures.path(name.hasPrefix("torch") ? "\(name)_output.npy" : "\(name)_test_output.npy"))[0].tensor
        let model = try Compiler.compile(graph: graph, calibration: [x], options: Self.qat())
        #expect(Self.roundCount(model) == 0)
        let y = try model.predict([x])[0]
        let worst = zip(y.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-4, "largest difference from Brevitas' own output: \(worst)")
    }

    /// The same pattern around a Conv, judged against the float graph itself (its Quant kernels are Brevitas').
    @Test func convolutionLayerShiftsExactly() throws {
        var g = SeededGenerator(state: 23)
        func quant(_ input: String, _ output: String, scale: String, signed: Bool = true) -> Node {
            Node(name: "q_\(output)", opType: "Quant", domain: "onnx.brevitas", inputs: [input, scale, "zp0", "b4"], outputs: [output],
                 attributes: ["signed": .int(signed ? 1 : 0), "narrow": .int(0), "rounding_mode": .string("ROUND")])
        }
        func float64(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, elementType: .float64, values: t.values) }
        let graph = Graph(
            inputs: [ValueInfo(name: "x", elementType: .float64, shape: [1, 2, 5, 5])],
            outputs: [ValueInfo(name: "y", elementType: .float64, shape: [1, 4])],
            initializers: ["w": float64(Tensor.uniform([3, 2, 3, 3], in: -1...1, using: &g)), "b": float64(Tensor.uniform([3], in: -1...1, using: &g)),
                           "w2": float64(Tensor.uniform([27, 4], in: -1...1, using: &g)), "sx": Self.scalarTensor(0.25), "sw": Self.scalarTensor(0.125),
                           "sy": Self.scalarTensor(0.5), "zp0": Self.scalarTensor(0), "b4": Self.scalarTensor(4)],
            nodes: [
                quant("x", "xq", scale: "sx"), quant("w", "wq", scale: "sw"),
                Node(name: "conv", opType: "Conv", inputs: ["xq", "wq", "b"], outputs: ["h"], attributes: ["pads": .ints([0, 0, 0, 0])]),
                Node(name: "act", opType: "Relu", inputs: ["h"], outputs: ["r"]),
                quant("r", "rq", scale: "sy", signed: false),
                Node(name: "flat", opType: "Flatten", inputs: ["rq"], outputs: ["f"]),
                quant("w2", "w2q", scale: "sw"),
                Node(name: "fc", opType: "MatMul", inputs: ["f", "w2q"], outputs: ["y"]),
            ],
            opsetVersion: 14)
        let x = Tensor.uniform([40, 2, 5, 5], in: -2...2, using: &g)
        let model = try Compiler.compile(graph: graph, calibration: [x], options: Self.qat())
        #expect(Self.roundCount(model) == 1)  // 2^-2 · 2^-3 / 2^-1 = 2^-4
        let got = try model.predict([x])[0]
        let reference = try FloatInterpreter.run(graph, inputs: ["x": float64(x)])["y"]!
        let worst = zip(got.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-9, "largest difference from the float (Brevitas) graph: \(worst)")
    }

    /// Hand-built x(4 bits, s 0.25) · w(3 bits, s 0.5) + b → Relu → Quant(4 bits unsigned, s 1): rescale 2^-3.
    /// With a bias off the accumulator grid the shift applies and is exact; with a zero bias ties would round
    /// differently (half to even in Brevitas), so the layer keeps its full table.
    @Test(arguments: [true, false])
    func shiftIsExactAgainstTheBrevitasFormula(biasOffGrid: Bool) throws {
        var g = SeededGenerator(state: 21)
        let w = Tensor.uniform([6, 5], in: -1.5...1.5, using: &g)
        let b = biasOffGrid ? Tensor.uniform([5], in: -1...1, using: &g) : Tensor(shape: [5], values: [0, 0, 0, 0, 0])
        let w2 = Tensor.uniform([5, 2], in: -1...1, using: &g)
        func quant(_ name: String, _ input: String, _ output: String, scale: String, bits: String, signed: Bool = true) -> Node {
            Node(name: name, opType: "Quant", domain: "onnx.brevitas", inputs: [input, scale, "zp0", bits], outputs: [output],
                 attributes: ["signed": .int(signed ? 1 : 0), "narrow": .int(0), "rounding_mode": .string("ROUND")])
        }
        let graph = Graph(
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [1, 6])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [1, 2])],
            initializers: ["w": w, "b": b, "w2": w2, "sx": Tensor(scalar: 0.25), "sw": Tensor(scalar: 0.5), "sy": Tensor(scalar: 1),
                           "zp0": Tensor(scalar: 0), "b3": Tensor(scalar: 3), "b4": Tensor(scalar: 4)],
            nodes: [
                quant("qx", "x", "xq", scale: "sx", bits: "b4"),
                quant("qw", "w", "wq", scale: "sw", bits: "b3"),
                Node(name: "fc", opType: "Gemm", inputs: ["xq", "wq", "b"], outputs: ["h"]),
                Node(name: "act", opType: "Relu", inputs: ["h"], outputs: ["r"]),
                quant("qr", "r", "rq", scale: "sy", bits: "b4", signed: false),
                quant("qw2", "w2", "w2q", scale: "sw", bits: "b3"),
                Node(name: "fc2", opType: "MatMul", inputs: ["rq", "w2q"], outputs: ["y"]),
            ],
            opsetVersion: 14)
        let x = Tensor.uniform([300, 6], in: -2...2, using: &g)
        let model = try Compiler.compile(graph: graph, calibration: [x], options: Self.qat())
        #expect(Self.roundCount(model) == (biasOffGrid ? 1 : 0))
        let got = try model.predict([x])[0]
        func grid(_ v: Double, _ s: Double, _ lo: Double, _ hi: Double) -> Double { min(max((v / s).rounded(.toNearestOrEven), lo), hi) * s }
        for r in 0..<300 {
            let hidden = (0..<5).map { j in
                let h = (0..<6).reduce(b.values[j]) { $0 + grid(x.values[r * 6 + $1], 0.25, -8, 7) * grid(w.values[$1 * 5 + j], 0.5, -4, 3) }
                return grid(max(0, h), 1, 0, 15)
            }
            for k in 0..<2 {
                let expected = (0..<5).reduce(0.0) { $0 + hidden[$1] * grid(w2.values[$1 * 2 + k], 0.5, -4, 3) }
                #expect(abs(got.values[r * 2 + k] - expected) < 1e-9, "row \(r) output \(k)")
            }
        }
    }
}
