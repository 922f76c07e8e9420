// Importer rewrites (fusion, no-op removal, folding, batch handling) and every bad-model error.
import FHECompiler
import FHECore
import Foundation
import Testing

@Suite("ONNX importer")
struct ONNXImporterTests {
    static func graphPath(_ name: String) -> String { Fixtures.path("onnx-graphs/\(name).onnx") }

    @Test("MatMul+Add becomes Gemm; Identity, Dropout and Constant disappear; values unchanged")
    func fusionAndCleanup() throws {
        let raw = try ONNXImporter.decode(data: try Data(contentsOf: URL(fileURLWithPath: Self.graphPath("fusion"))))
        #expect(raw.nodes.map(\.opType) == ["Identity", "MatMul", "Add", "Dropout", "Mul"])
        let graph = try ONNXImporter.importModel(path: Self.graphPath("fusion"))
        #expect(graph.nodes.map(\.opType) == ["Gemm", "Mul"])
        let gemm = graph.nodes[0]
        #expect(gemm.inputs == ["x", "W", "B"])
        #expect(gemm.attributes["alpha"] == .float(1) && gemm.attributes["beta"] == .float(1))
        #expect(graph.dynamicBatch)
        #expect(graph.inputs == [ValueInfo(name: "x", elementType: .float32, shape: [1, 4])])
        #expect(graph.outputs.map(\.shape) == [[1, 3]])
        // The Constant's typed float_data became an initializer read by Mul.
        #expect(graph.initializers["two"] == Tensor(shape: [1], values: [2]))

        let x = try NumPyFormat.readArrays(path: Fixtures.path("onnx-graphs/fusion_input.npy"))[0].tensor
        let expected = try NumPyFormat.readArrays(path: Fixtures.path("onnx-graphs/fusion_output.npy"))[0].tensor
        let y = try FloatInterpreter.run(graph, inputs: ["x": x])["y"]!
        expectClose(y, expected, "fusion output")
        // The unfused graph computes the same.
        let unfused = try FloatInterpreter.run(try ShapeInference.foldingConstants(raw), inputs: ["x": x])["y"]!
        expectClose(unfused, expected, "unfused output")
    }

    @Test("Shape→Gather→Concat→Reshape folds to a constant reshape that works for any batch")
    func shapeChainFolds() throws {
        let graph = try ONNXImporter.importModel(path: Self.graphPath("shape_chain"))
        #expect(graph.nodes.map(\.opType) == ["Reshape"])
        #expect(graph.valueShapes["y"] == [1, 6])
        let x = Tensor(shape: [3, 2, 3], values: (0..<18).map(Double.init))
        let y = try FloatInterpreter.run(graph, inputs: ["x": x])["y"]!
        #expect(y.shape == [3, 6])
        #expect(y.values == x.values)
    }

    /// (fixture, kind, fragments the message must contain)
    static let badModels: [(String, CompilerError.Kind, [String])] = [
        ("truncated", .invalidModel, ["truncated.onnx", "not a valid ONNX model"]),
        ("not_onnx", .invalidModel, ["not_onnx.onnx"]),
        ("unsupported_op", .unsupportedOperator, ["node 'lpnorm' (LpNormalization)", "operator is not supported", "also unsupported: Hardmax", "Gemm"]),
        ("unsupported_opset", .unsupportedOpset, ["opset 11", "13…22"]),
        ("cycle", .cycle, ["node 'add_a' (Add)", "cycle"]),
        ("missing_input", .missingInput, ["node 'add_ghost' (Add)", "input 'ghost'"]),
        ("dynamic_feature", .dynamicShape, ["input 'x'", "symbolic 'features'", "axis 1"]),
        ("dynamic_reshape", .dynamicShape, ["node 'reshape_from_values' (Reshape)", "input 1 ('s')", "cannot be resolved statically"]),
        ("external_data", .unsupportedFeature, ["initializer 'W'", "external data"]),
        ("bad_shapes", .invalidNode, ["node 'mm_bad' (MatMul)", "inner dimensions differ"]),
    ]

    @Test("bad models throw a CompilerError naming node, op and reason", arguments: 0..<badModels.count)
    func badModel(_ index: Int) {
        let (name, kind, fragments) = Self.badModels[index]
        do {
            _ = try ONNXImporter.importModel(path: Self.graphPath(name))
            Issue.record("\(name): imported without error")
        } catch let error as CompilerError {
            #expect(error.kind == kind, "\(name): \(error)")
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(name): '\(error)' lacks '\(fragment)'")
            }
        } catch {
            Issue.record("\(name): not a CompilerError: \(error)")
        }
    }

    @Test("an unreadable path is a CompilerError, not a crash")
    func missingFile() {
        #expect { try ONNXImporter.importModel(path: "/nonexistent/model.onnx") } throws: { error in
            (error as? CompilerError)?.description.contains("/nonexistent/model.onnx") == true
        }
    }
}

@Suite("ONNX importer robustness")
struct ONNXImporterRobustnessTests {
    @Test("every truncation of a real model is refused or imported, never a crash")
    func truncations() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("torch/cnn.onnx")))
        var refused = 0
        for cut in stride(from: 0, to: data.count, by: 7) {
            do {
                _ = try ONNXImporter.importModel(data: data.prefix(cut), source: "cut")
            } catch is CompilerError {
                refused += 1
            }
        }
        // A prefix almost never stops on a complete message; most cuts must be refused.
        #expect(refused > data.count / 7 * 9 / 10)
    }

    @Test("flipped bytes in a real model are refused or imported, never a crash", arguments: ["two_inputs", "cnn"])
    func corruptions(_ model: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("torch/\(model).onnx")))
        // Seeded so a failure reproduces; CML_FUZZ_ROUNDS raises the count for local soak runs.
        var generator = SplitMix64(seed: 0x0DDC_0FFE)
        let rounds = Int(ProcessInfo.processInfo.environment["CML_FUZZ_ROUNDS"] ?? "") ?? 300
        for _ in 0..<rounds {
            var bytes = [UInt8](data)
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            do {
                let graph = try ONNXImporter.importModel(data: Data(bytes), source: "corrupt")
                _ = graph.nodes.count
            } catch is CompilerError {
                continue
            }
        }
    }
}

/// SplitMix64: a tiny seeded generator for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
