// The compiler entry point: float graph + calibration set → CompiledModel (Concrete ML's build_quantized_module).
public import FHECore

/// Quantizes a float graph into an integer circuit.
public enum Compiler {
    /// Builds the quantized model: PTQ or QAT import, TLU fusion, rounding, the bit-width report and the
    /// compile-time checks (TLU inputs within `options.maxTLUBits`).
    /// - Parameters:
    ///   - calibration: one tensor per graph input, batch axis first (the input set).
    ///   - kernels: the float behaviour of ONNX ops.
    public static func compile(graph: Graph, calibration: [Tensor], options: CompileOptions,
                               kernels: any FloatOperatorSet = ReferenceFloatOperators()) throws -> CompiledModel {
        if let statuses = options.inputsEncryption {
            _ = try InputEncryption.validate(statuses.map(\.rawValue), inputCount: graph.inputs.count)
        }
        // Before any calibration: the operators no input set makes quantizable.
        if let first = unsupportedNodes(graph).first { throw first }
        guard case .auto(let tolerance, let method)? = options.rounding else {
            return try build(graph: graph, calibration: calibration, options: options, kernels: kernels)
        }
        // Automatic rounding: the fewest kept bits whose calibration predictions stay within tolerance.
        var plain = options
        plain.rounding = nil
        let reference = try build(graph: graph, calibration: calibration, options: plain, kernels: kernels)
        let expected = try reference.predict(calibration)
        for bits in RoundingThreshold.allowedBits {
            var trial = options
            trial.rounding = .bits(bits, method: method)
            let model = try build(graph: graph, calibration: calibration, options: trial, kernels: kernels)
            guard let got = try? model.predict(calibration, evaluator: ClearEvaluator()) else { continue }
            if zip(expected, got).allSatisfy({ Agreement.loss(reference: $0, candidate: $1) <= tolerance }) {
                var chosen = model
                chosen.quantizationLog.append("auto rounding: \(bits) bits (\(method.rawValue)) within tolerance \(tolerance)")
                return chosen
            }
        }
        var chosen = reference
        chosen.quantizationLog.append("auto rounding: no rounding kept the calibration predictions within \(tolerance)")
        return chosen
    }

    /// The nodes the quantizer refuses whatever the input set: an operator it has no mapping for, on a value that
    /// depends on a model input (constant subgraphs fold). `compile` stops at the first before calibrating;
    /// `cml-dev inspect MODEL` lists them all, so that it never calls fine a model that `compile` refuses.
    public static func unsupportedNodes(_ graph: Graph) -> [QuantizationError] {
        var variable = Set(graph.inputs.map(\.name))
        var refused: [QuantizationError] = []
        for node in graph.nodes where node.inputs.contains(where: variable.contains) {
            // Shape gives the (constant) shape of its input.
            if node.opType != "Shape" { variable.formUnion(node.outputs) }
            guard !PostTrainingQuantizer.supportedOperators.contains(node.opType) else { continue }
            let isLast = node.outputs.allSatisfy { output in graph.outputs.contains { $0.name == output } }
            let hint = isLast && ["Softmax", "LogSoftmax", "ArgMax"].contains(node.opType)
                ? "; it is the model's last op: export the model without it and apply it to the decrypted outputs (the class order does not change)"
                : "; supported on encrypted values: \(quantizableOperators.joined(separator: ", "))"
            refused.append(QuantizationError(node: node.name, op: node.opType, "operator is not supported on encrypted values" + hint))
        }
        return refused
    }

    static func build(graph: Graph, calibration: [Tensor], options: CompileOptions, kernels: any FloatOperatorSet) throws -> CompiledModel {
        var quantizer = try PostTrainingQuantizer(graph: graph, calibration: calibration, options: options, kernels: kernels)
        try quantizer.run()
        let circuit = quantizer.circuit
        var report = BitWidthAnalysis.report(circuit)
        report.calibrationEdge = .measure(circuit, values: quantizer.calibrationValues, samples: quantizer.batch)
        for op in circuit.operations {
            guard case .tableLookup = op.kind, let limit = options.maxTLUBits else { continue }
            let input = circuit[op.operands[0]]
            if input.bitWidth > limit {
                throw QuantizationError(node: circuit.producer(of: op.operands[0]).label, op: circuit.producer(of: op.operands[0]).mnemonic,
                                        "this \(input.bitWidth)-bit value is used as an input to a table lookup (\(op.label)); at most "
                                        + "\(limit) bits are supported: lower --n-bits or set --rounding-threshold-bits")
            }
        }
        return CompiledModel(circuit: circuit, inputNames: graph.inputs.map(\.name), inputQuantizers: quantizer.inputQuantizers,
                             outputNames: graph.outputs.map(\.name), outputQuantizers: quantizer.outputQuantizers, report: report,
                             rounding: options.rounding, quantizationLog: quantizer.log)
    }
}

/// How far a candidate's predictions are from a reference's.
public enum Agreement {
    /// Top-1 disagreement rate when the last axis has several classes, else 1 − R².
    public static func loss(reference: Tensor, candidate: Tensor) -> Double {
        precondition(reference.shape == candidate.shape, "prediction shapes differ")
        let classes = reference.shape.last ?? 1
        if classes > 1 {
            let rows = reference.count / classes
            var disagree = 0
            for r in 0..<rows where argmax(reference.values, r, classes) != argmax(candidate.values, r, classes) { disagree += 1 }
            return Double(disagree) / Double(max(1, rows))
        }
        return 1 - rSquared(reference: reference.values, candidate: candidate.values)
    }

    /// Coefficient of determination of `candidate` against `reference`.
    public static func rSquared(reference: [Double], candidate: [Double]) -> Double {
        let mean = reference.reduce(0, +) / Double(max(1, reference.count))
        let total = reference.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let residual = zip(reference, candidate).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total
    }

    static func argmax(_ v: [Double], _ row: Int, _ n: Int) -> Int {
        var best = 0
        for j in 1..<n where v[row * n + j] > v[row * n + best] { best = j }
        return best
    }
}
