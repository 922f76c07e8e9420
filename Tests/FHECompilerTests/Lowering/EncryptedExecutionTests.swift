@_spi(KeyHolder) import FHECore
import FHECompiler
import Foundation
import Testing

/// `execute` must equal `disable` bit for bit (docs/ARCHITECTURE.md#three-evaluators), on real 128-bit parameters
/// chosen by the parameter search at the default p_error 2^−40.
@Suite struct EncryptedExecutionTests {
    /// Lowers `circuit`, generates keys, and runs every sample encrypted; returns (clear, encrypted) outputs,
    /// the clear ones from `reference`.
    static func run(_ circuit: Circuit, _ inputs: [IntTensor], options: FHEOptions = FHEOptions(),
                    reference: any CircuitEvaluator<IntTensor> = ClearEvaluator()) throws
        -> (clear: [IntTensor], encrypted: [IntTensor], program: FHEProgram)
    {
        let (program, _) = try FHELowering.lower(circuit, options: options)
        for set in program.partitions { try set.validateSecurity() }
        let clear = try reference.evaluate(circuit, inputs: inputs)
        let keys = PartitionedSecretKeys(layout: program.keyLayout)
        let evaluator = EncryptedEvaluator(program: program, keys: keys.evaluationKeys())
        let batch = inputs[0].shape[0]
        var outputs = program.outputEncodings.map { _ in [Int64]() }
        for b in 0..<batch {
            let arguments: [CircuitArgument] = zip(inputs, program.inputEncodings).enumerated().map { index, pair in
                let (t, e) = pair
                let sample = Array(t.values[b * e.elementCount..<(b + 1) * e.elementCount])
                return e.isEncrypted ? .encrypted(keys.encrypt(sample, input: index, of: program)) : .clear(sample)
            }
            for (i, result) in try evaluator.evaluate(arguments).enumerated() {
                guard case .encrypted(let list) = result else { Issue.record("output \(i) came back clear"); continue }
                outputs[i] += keys.decrypt(list, output: i, of: program)
            }
        }
        let encrypted = zip(outputs, program.outputEncodings).map { IntTensor(shape: [batch] + $1.shape, values: $0) }
        return (clear, encrypted, program)
    }

    static func range(_ values: [Int64]) -> IntegerRange { IntegerRange(of: values) }

    /// Worst-case range of x·W for x in `input`.
    static func matMulRange(_ w: IntTensor, input: IntegerRange) -> IntegerRange {
        let k = w.shape[0], n = w.shape[1]
        var lo = Int64.max, hi = Int64.min
        for j in 0..<n {
            var a: Int64 = 0, b: Int64 = 0
            for l in 0..<k {
                let v = w.values[l * n + j]
                a += min(v * input.min, v * input.max)
                b += max(v * input.min, v * input.max)
            }
            lo = min(lo, a); hi = max(hi, b)
        }
        return IntegerRange(min: lo, max: hi)
    }

    static func table(over r: IntegerRange, _ f: (Int64) -> Int64) -> TableLookup {
        TableLookup(inputMin: r.min, tables: [(r.min...r.max).map(f)])
    }

    /// x (3-bit) → matmul → relu table clipped to 3 bits → matmul: the shape of every dense layer.
    @Test func denseLayers() throws {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [4], range: IntegerRange(min: 0, max: 7), isEncrypted: true, label: "x")
        let w1 = IntTensor(shape: [4, 3], values: [1, -2, 0, 2, 1, -1, -1, 0, 2, 0, 1, 1])
        let r1 = Self.matMulRange(w1, input: c[x].range)
        let h = c.append(.matMul(weights: w1), operands: [x], range: r1, label: "fc1")
        let a = c.append(.tableLookup(Self.table(over: r1) { min(max($0, 0), 7) }), operands: [h], range: IntegerRange(min: 0, max: 7), label: "relu")
        let w2 = IntTensor(shape: [3, 2], values: [1, -1, 2, 1, -1, 1])
        let y = c.append(.matMul(weights: w2), operands: [a], range: Self.matMulRange(w2, input: IntegerRange(min: 0, max: 7)), label: "fc2")
        c.outputs = [y]
        let inputs = [IntTensor(shape: [3, 4], values: [0, 7, 3, 5, 7, 7, 7, 7, 1, 0, 6, 2])]
        let (clear, encrypted, program) = try Self.run(c, inputs)
        #expect(encrypted == clear)
        #expect(program.precisions[h.rawValue] >= c[h].bitWidth)
    }

    /// A heavy last layer (14-bit outputs decrypted directly, ν² ≈ 2^14 over PBS outputs) needs PBS outputs with
    /// little noise: the search takes split-key Fourier products (fewer levels than whole keys need) and the
    /// encrypted outputs still equal the clear ones bit for bit.
    @Test func splitFourierKeysExecuteExactly() throws {
        var c = Circuit()
        var seed: UInt64 = 0x5EED
        func next(_ range: ClosedRange<Int64>) -> Int64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Int64((seed >> 33) % UInt64(range.upperBound - range.lowerBound + 1))
        }
        let x = c.addInput(index: 0, shape: [4], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "x")
        let w1 = IntTensor(shape: [4, 16], values: (0..<64).map { _ in next(-1...1) })
        let r1 = Self.matMulRange(w1, input: c[x].range)
        let h = c.append(.matMul(weights: w1), operands: [x], range: r1, label: "fc1")
        let a = c.append(.tableLookup(Self.table(over: r1) { min(max($0, 0), 7) }), operands: [h], range: IntegerRange(min: 0, max: 7), label: "relu")
        let w2 = IntTensor(shape: [16, 4], values: (0..<64).map { _ in next(-63...63) })
        let y = c.append(.matMul(weights: w2), operands: [a], range: Self.matMulRange(w2, input: IntegerRange(min: 0, max: 7)), label: "fc2")
        c.outputs = [y]
        let inputs = [IntTensor(shape: [2, 4], values: (0..<8).map { _ in next(0...3) })]
        let (clear, encrypted, program) = try Self.run(c, inputs)
        #expect(program.partitions.allSatisfy { $0.fourierPrecision == .split }, "\(program.partitions.listDescription)")
        #expect(encrypted == clear)
        print("split-key circuit: \(program.partitions.listDescription)")
    }

    /// Values beyond their calibrated ranges (unsigned and signed sums into tables, a sum decrypted directly, an
    /// exact rounding, an encrypted product): what the encrypted circuit computes is what `WrappingClearEvaluator`
    /// says it computes.
    @Test func overflowingValuesWrapAsTheClearEmulationSays() throws {
        var c = Circuit()
        let sum = IntTensor(shape: [2, 1], values: [1, 1])
        let u = c.addInput(index: 0, shape: [2], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "u")
        let s = c.addInput(index: 1, shape: [2], range: IntegerRange(min: -2, max: 1), isEncrypted: true, label: "s")
        let uSum = c.append(.matMul(weights: sum), operands: [u], range: IntegerRange(min: 0, max: 3), label: "u-sum")
        let sSum = c.append(.matMul(weights: sum), operands: [s], range: IntegerRange(min: -2, max: 1), label: "s-sum")
        let sTriple = c.append(.matMul(weights: IntTensor(shape: [2, 1], values: [3, 3])), operands: [s], range: IntegerRange(min: -6, max: 3), label: "s-triple")
        let rounded = c.append(.round(lsbs: 1, method: .exact), operands: [sTriple], range: IntegerRange(min: -3, max: 2), label: "round")
        c.outputs = [
            c.append(.tableLookup(Self.table(over: IntegerRange(min: 0, max: 3)) { $0 + 4 }), operands: [uSum], range: IntegerRange(min: 4, max: 7), label: "u-act"),
            c.append(.tableLookup(Self.table(over: IntegerRange(min: -2, max: 1)) { $0 + 12 }), operands: [sSum], range: IntegerRange(min: 10, max: 13), label: "s-act"),
            c.append(.matMul(weights: IntTensor(shape: [2, 1], values: [2, 1])), operands: [u], range: IntegerRange(min: 0, max: 3), label: "u-out"),
            c.append(.tableLookup(Self.table(over: IntegerRange(min: -4, max: 3)) { $0 + 8 }), operands: [rounded], range: IntegerRange(min: 4, max: 11), label: "r-act"),
            c.append(.multiply, operands: [uSum, uSum], range: IntegerRange(min: 0, max: 9), label: "square"),
        ]
        let inputs = [IntTensor(shape: [3, 2], values: [1, 1, 3, 3, 2, 3]), IntTensor(shape: [3, 2], values: [1, 1, -2, -2, 0, 1])]
        let (_, overflows) = try WrappingClearEvaluator().evaluateReporting(c, inputs: inputs)
        #expect(Set(overflows.flatMap(\.samples)) == [0, 1, 2])
        let (clear, encrypted, _) = try Self.run(c, inputs, reference: WrappingClearEvaluator())
        #expect(encrypted == clear)
    }

    /// Convolution with padding, a table, then 2×2 max-pooling.
    @Test func convolutionAndMaxPool() throws {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [1, 3, 3], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "x")
        let w = IntTensor(shape: [2, 1, 2, 2], values: [1, -1, 1, 0, 0, 1, 1, 1])
        let geometry = WindowGeometry(kernelShape: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1], dilations: [1, 1])
        let conv = c.append(.conv(weights: w, geometry: geometry, groups: 1, padValue: 1), operands: [x],
                            range: IntegerRange(min: -6, max: 9), label: "conv")
        let act = c.append(.tableLookup(Self.table(over: IntegerRange(min: -6, max: 9)) { max($0, 0) / 2 }), operands: [conv],
                           range: IntegerRange(min: 0, max: 4), label: "act")
        let pool = WindowGeometry(kernelShape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1])
        let y = c.append(.maxPool(geometry: pool, padValue: 0), operands: [act], range: IntegerRange(min: 0, max: 4), label: "pool")
        c.outputs = [y]
        let inputs = [IntTensor(shape: [2, 1, 3, 3], values: [0, 1, 2, 3, 3, 2, 1, 0, 1, 3, 3, 3, 0, 0, 0, 2, 1, 3])]
        let (clear, encrypted, _) = try Self.run(c, inputs)
        #expect(encrypted == clear)
    }

    /// Encrypted × encrypted element-wise product (two squaring tables) and a clear input.
    @Test func encryptedProductAndClearInput() throws {
        var c = Circuit()
        let a = c.addInput(index: 0, shape: [3], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "a")
        let b = c.addInput(index: 1, shape: [3], range: IntegerRange(min: -2, max: 3), isEncrypted: true, label: "b")
        let k = c.addInput(index: 2, shape: [3], range: IntegerRange(min: 0, max: 2), isEncrypted: false, label: "k")
        let p = c.append(.multiply, operands: [a, b], range: IntegerRange(min: -6, max: 9), label: "mul")
        let q = c.append(.add, operands: [p, k], range: IntegerRange(min: -6, max: 11), label: "add_clear")
        c.outputs = [q]
        let inputs = [IntTensor(shape: [2, 3], values: [0, 1, 3, 2, 3, 1]),
                      IntTensor(shape: [2, 3], values: [-2, 3, 2, 0, -1, 3]),
                      IntTensor(shape: [2, 3], values: [0, 1, 2, 2, 2, 0])]
        let (clear, encrypted, program) = try Self.run(c, inputs)
        #expect(encrypted == clear)
        #expect(program.inputEncodings.map(\.isEncrypted) == [true, true, false])
    }

    /// Exact rounding clears low bits with bit-extraction PBS before the table: bit-exact with the clear path.
    @Test func exactRounding() throws {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [4], range: IntegerRange(min: 0, max: 7), isEncrypted: true, label: "x")
        let w = IntTensor(shape: [4, 2], values: [3, -2, 2, 3, -1, 1, 2, 2])
        let accRange = Self.matMulRange(w, input: c[x].range)
        let acc = c.append(.matMul(weights: w), operands: [x], range: accRange, label: "fc")
        let roundedRange = IntegerRange(min: IntegerKernels.round(accRange.min, lsbs: 2, method: .exact),
                                        max: IntegerKernels.round(accRange.max, lsbs: 2, method: .exact))
        let r = c.append(.round(lsbs: 2, method: .exact), operands: [acc], range: roundedRange, label: "round")
        let y = c.append(.tableLookup(Self.table(over: roundedRange) { $0 }), operands: [r], range: roundedRange, label: "identity")
        c.outputs = [y]
        let inputs = [IntTensor(shape: [3, 4], values: [7, 0, 3, 1, 2, 5, 7, 7, 0, 0, 0, 0])]
        let (clear, encrypted, _) = try Self.run(c, inputs)
        #expect(encrypted == clear)
    }

    /// Approximate rounding reinterprets the ciphertext: the lookup reads the rounded value, at most one off.
    @Test func approximateRoundingIsAtMostOneOff() throws {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [8], range: IntegerRange(min: -32, max: 31), isEncrypted: true, label: "x")
        let roundedRange = IntegerRange(min: -8, max: 8)
        let r = c.append(.round(lsbs: 2, method: .approximate), operands: [x], range: roundedRange, label: "round")
        let y = c.append(.tableLookup(Self.table(over: roundedRange) { $0 }), operands: [r], range: roundedRange, label: "identity")
        c.outputs = [y]
        let inputs = [IntTensor(shape: [2, 8], values: [-32, -17, -3, 0, 1, 5, 22, 31, 2, 3, 4, 6, -5, -6, 14, 15])]
        let (clear, encrypted, _) = try Self.run(c, inputs)
        #expect(zip(clear[0].values, encrypted[0].values).allSatisfy { abs($0 - $1) <= 1 })
    }
}

/// A PyTorch model through the whole compiler: quantize (3 bits, exact rounding to 3 bits), lower, execute.
@Suite struct ModelExecutionTests {
    /// The torch MLP fixture at 3 bits with exact rounding to 3 bits (the main job's model), and its inputs.
    static func torchMLP() throws -> (CompiledModel, [Tensor]) {
        let graph = try ONNXImporter.importModel(path: Fixtures.path("torch/mlp.onnx"))
        let x = try NumPyFormat.readArrays(path: Fixtures.path("torch/mlp_input.npy")).map { $0.tensor.asFloat64() }
        var options = CompileOptions()
        options.bits = QuantizationBits(bits: 3)
        options.rounding = try RoundingThreshold.make(bits: 3)
        let model = try Compiler.compile(graph: graph, calibration: x, options: options)
        return (model, x)
    }

    @Test func torchMLPExecuteEqualsDisable() throws {
        let (model, x) = try Self.torchMLP()
        let lowered = try FHELowering.lower(model)
        try lowered.program.parameters.validateSecurity()
        let two = [x[0].slice(rows: 0..<2)]
        let clear = try ModelCompilation.predictFHE(model, program: lowered.program, inputs: two, mode: .disable)
        let executed = try ModelCompilation.predictFHE(model, program: lowered.program, inputs: two, mode: .execute)
        #expect(executed == clear)
    }

    /// `--max-key-mb`: a budget below the cheapest set's seeded keys gets the cheapest set within it (dearer,
    /// smaller keys, still secure and within every bound); a budget nothing meets names the size needed.
    @Test func keyBudgetTradesCostForSmallerKeys() throws {
        let (model, _) = try Self.torchMLP()
        let free = try FHELowering.lower(model).parameters
        let needed = free.keySizes.seededTotalBytes
        let budget = needed - 1_000_000
        let bounded = try FHELowering.lower(model, options: FHEOptions(maximalSeededKeyBytes: budget)).parameters
        #expect(bounded.keySizes.seededTotalBytes <= budget)
        #expect(bounded.totalCost > free.totalCost)
        for partition in bounded.partitions { try partition.parameters.validateSecurity() }
        for report in bounded.groups { #expect(report.variance <= report.maximalVariance * (1 + 1e-9), "\(report.group.name)") }

        let tooSmall = 1_000_000
        #expect {
            try FHELowering.lower(model, options: FHEOptions(maximalSeededKeyBytes: tooSmall))
        } throws: { error in
            guard let error = error as? ParameterSearchError, case .keyBudget(let b, let n) = error.reason else { return false }
            return b == tooSmall && n == needed && error.description.contains("1.0 MB")
        }
    }
}
