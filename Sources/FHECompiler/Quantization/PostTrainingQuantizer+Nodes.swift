// Dispatch of one ONNX node: constant folding, linear ops, data movement, fused chains, enc×enc ops, QAT nodes.
import FHECore

extension Compiler {
    /// Every ONNX operator the quantizer maps to circuit operations (Concrete ML's `ONNX_OPS_TO_QUANTIZED_IMPL`).
    public static var quantizableOperators: [String] { PostTrainingQuantizer.supportedOperators.sorted() }
}

extension PostTrainingQuantizer {
    /// Univariate or element-wise ops that fuse into the table of their single integer producer.
    static let elementwiseOps: Set<String> = [
        "Relu", "PRelu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Softplus",
        "Softsign", "Exp", "Log", "Abs", "Neg", "Sign", "Round", "Floor", "Ceil", "Erf", "Not", "Clip", "Cast",
        "BatchNormalization", "Add", "Sub", "Mul", "Div", "Pow", "Or", "And", "Xor", "Max", "Min", "Where", "Greater",
        "GreaterOrEqual", "Less", "LessOrEqual", "Equal", "Sqrt", "Reciprocal", "ThresholdedRelu", "Mish", "Gelu",
        "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Dropout",
    ]

    /// Every ONNX operator the quantizer turns into circuit operations (constant folding aside).
    static var supportedOperators: Set<String> {
        dataMovementOps.union(linearOps).union(elementwiseOps).union(quantNodeOps)
            .union(["Concat", "Shape", "DequantizeLinear"])
    }

    mutating func quantize(_ node: Node) throws {
        guard let output = node.outputs.first else { return }
        defer {
            // Whatever an op makes of a tensor without its batch axis has none either (constants have no batch).
            if node.inputs.contains(where: unbatched.contains) {
                for name in node.outputs { if case .fused? = symbols[name] { unbatched.insert(name) } }
            }
        }
        let inputs: [Symbol?] = try node.inputs.map { $0.isEmpty ? nil : try symbol($0, of: node) }
        let allConstant = inputs.allSatisfy { if case .constant? = $0 { true } else { $0 == nil } }

        if node.opType == "Quant" || node.opType == "QuantizeLinear" || node.opType == "DequantizeLinear" {
            try quantizationNode(node, inputs: inputs)
            return
        }
        if allConstant {
            let folded = try kernels.evaluate(node: node, inputs: inputs.map { if case .constant(let t, _)? = $0 { t } else { nil } })
            for (name, t) in zip(node.outputs, folded) { symbols[name] = .constant(t, quantizer: nil) }
            return
        }
        if node.opType == "Shape" {
            let (_, producer) = try fused(node.inputs[0], of: node)
            let shape = fullShape(node.inputs[0], sample: circuit[producer].shape)
            symbols[output] = .constant(Tensor(shape: [shape.count], elementType: .int64, values: shape.map(Double.init)), quantizer: nil)
            return
        }
        if ["Conv", "AveragePool", "GlobalAveragePool", "MaxPool"].contains(node.opType), unbatched.contains(node.inputs[0]) {
            throw QuantizationError(node: node.name, op: node.opType,
                                    "input '\(node.inputs[0])' lost its batch axis in an earlier reshape; windows need [N, C, spatial...]: reshape back to a leading batch axis first")
        }
        switch node.opType {
        case "Gemm":
            try gemm(node)
        case "MatMul":
            if let w = try constant(node.inputs[1], of: node) {
                try linear(node, input: node.inputs[0], weights: w, weightQuantizer: constantQuantizer(node.inputs[1]), bias: nil)
            } else if let w = try constant(node.inputs[0], of: node) {
                try leftLinear(node, weights: w)
            } else {
                try encryptedProduct(node, matrix: true)
            }
        case "Conv": try conv(node)
        case "AveragePool", "GlobalAveragePool": try averagePool(node)
        case "ReduceSum": try reduceSum(node)
        case "MaxPool": try maxPool(node)
        case "Pad": try pad(node)
        case "Concat": try concat(node)
        case "Identity": symbols[output] = inputs[0]
        case "Gather":
            if case .constant(let table, _)? = inputs[0] { try embedding(node, table: table) } else { try move(node) }
        case _ where Self.dataMovementOps.contains(node.opType): try move(node)
        case _ where Self.elementwiseOps.contains(node.opType): try elementwise(node)
        default:
            throw QuantizationError(node: node.name, op: node.opType, "operator is not supported on encrypted values")
        }
    }

    func constantQuantizer(_ name: String) -> UniformQuantizer? {
        if case .constant(_, let q)? = symbols[name] { return q }
        return nil
    }

    // MARK: Fused chains and enc×enc element-wise ops

    mutating func elementwise(_ node: Node) throws {
        var operands = [FusedExpression.Operand]()
        var producers = Set<ValueID>()
        for name in node.inputs {
            guard !name.isEmpty else { operands.append(.absent); continue }
            switch try symbol(name, of: node) {
            case .constant(let t, _): operands.append(.constant(t))
            case .fused(let e, let p): operands.append(.chain(e)); producers.insert(p)
            case .integers: _ = try fused(name, of: node)
            }
        }
        if producers.count == 1, let producer = producers.first {
            let expr = FusedExpression.node(node, operands)
            // A chain must stay element-wise over its producer: probe one row.
            let probe = try expr.evaluate(rows: 1, kernels: kernels) { _, count in [Int64](repeating: 0, count: count) }
            guard probe.shape == [1] + circuit[producer].shape else {
                throw QuantizationError(node: node.name, op: node.opType,
                                        "result shape \(Array(probe.shape.dropFirst())) differs from its input's \(circuit[producer].shape); broadcasting an encrypted tensor is not supported")
            }
            symbols[node.outputs[0]] = .fused(expr, producer: producer)
            return
        }
        switch node.opType {
        case "Add", "Sub": try encryptedSum(node)
        case "Mul": try encryptedProduct(node, matrix: false)
        case "Div": try encryptedDivision(node)
        default:
            throw QuantizationError(node: node.name, op: node.opType, "Do not support this type of operation between encrypted tensors")
        }
    }

    /// a ± b of two integer producers: both re-quantized (one TLU each) to one symmetric grid, then added.
    mutating func encryptedSum(_ node: Node) throws {
        let names = Array(node.inputs.prefix(2))
        let q = try symmetricQuantizer(names, bits: options.bits.opInputs, for: node)
        let (a, b) = try broadcastOperands(try materialize(names[0], quantizer: q, for: node),
                                           try materialize(names[1], quantizer: q, for: node), node: node)
        let sum = emit(node.opType == "Add" ? .add : .subtract, [a, b], label: node.name)
        var out = q
        out.options = QuantizationOptions(bits: circuit[sum].bitWidth, isSigned: true)
        out.noClipping = true
        define(node.outputs[0], value: sum, quantizer: out)
    }

    /// a·b (element-wise) or a @ b between two encrypted tensors: symmetric operands, integer product, rounding.
    mutating func encryptedProduct(_ node: Node, matrix: Bool) throws {
        let names = Array(node.inputs.prefix(2))
        let qa = try symmetricQuantizer([names[0]], bits: options.bits.opInputs, for: node)
        let qb = try symmetricQuantizer([names[1]], bits: options.bits.opInputs, for: node)
        var a = try materialize(names[0], quantizer: qa, for: node)
        var b = try materialize(names[1], quantizer: qb, for: node)
        if matrix {
            let (sa, sb) = (circuit[a].shape, circuit[b].shape)
            guard sa.count >= 2, sa.count == sb.count, sa.last == sb[sb.count - 2] else {
                throw QuantizationError(node: node.name, op: node.opType, "encrypted matmul of per-sample shapes \(sa) and \(sb) is not supported")
            }
        } else {
            (a, b) = try broadcastOperands(a, b, node: node)
        }
        let product = emit(matrix ? .matMulEncrypted : .multiply, [a, b], label: node.name)
        let q = UniformQuantizer(options: QuantizationOptions(bits: circuit[product].bitWidth, isSigned: true),
                                 scale: qa.scale * qb.scale, zeroPoints: [0], noClipping: true)
        let (value, rounded) = roundAccumulator(product, quantizer: q, node: node)
        define(node.outputs[0], value: value, quantizer: rounded)
    }

    /// a / b between two encrypted tensors (Concrete ML's QuantizedDiv): 1/b in one table over b's producer,
    /// with b's zeros replaced by its smallest non-zero calibration magnitude (sign kept), then a · (1/b).
    mutating func encryptedDivision(_ node: Node) throws {
        let (divisor, producer) = try fused(node.inputs[1], of: node)
        let floats = try calibrationFloats(divisor)
        guard let smallest = floats.values.filter({ $0 != 0 && $0.isFinite }).min(by: { abs($0) < abs($1) }) else {
            throw QuantizationError(node: node.name, op: node.opType, "the divisor '\(node.inputs[1])' is zero on every calibration sample")
        }
        func step(_ op: String, _ operands: [FusedExpression.Operand]) -> FusedExpression {
            .node(Node(name: "\(node.name)/reciprocal/\(op)", opType: op, inputs: operands.map { _ in "" }, outputs: [""]), operands)
        }
        let isZero = step("Equal", [.chain(divisor), .constant(Tensor(scalar: 0, elementType: .float64))])
        let safe = step("Where", [.chain(isZero), .constant(Tensor(scalar: smallest, elementType: .float64)), .chain(divisor)])
        let reciprocalName = "\(node.outputs[0])#reciprocal"
        symbols[reciprocalName] = .fused(step("Reciprocal", [.chain(safe)]), producer: producer)
        var product = node
        product.inputs = [node.inputs[0], reciprocalName]
        try encryptedProduct(product, matrix: false)
        log.append("  \(node.name): encrypted division as \(node.inputs[0]) · 1/\(node.inputs[1]) (zeros of the divisor → \(smallest))")
    }

    /// NumPy broadcasting of two encrypted operands, by `expand` in the circuit.
    mutating func broadcastOperands(_ a: ValueID, _ b: ValueID, node: Node) throws -> (ValueID, ValueID) {
        let (sa, sb) = (circuit[a].shape, circuit[b].shape)
        if sa == sb { return (a, b) }
        guard Tensor.broadcastShape(sa, sb) != nil else {
            throw QuantizationError(node: node.name, op: node.opType, "encrypted operands of shapes \(sa) and \(sb) do not broadcast")
        }
        let target = Broadcast.shape(sa, sb)
        let ea = sa == target ? a : emit(.expand(shape: target), [a], label: node.name)
        let eb = sb == target ? b : emit(.expand(shape: target), [b], label: node.name)
        return (ea, eb)
    }

    // MARK: QAT: Brevitas Quant, QuantizeLinear / DequantizeLinear

    /// The quantizer a Brevitas `Quant` or ONNX QuantizeLinear/DequantizeLinear node stands for.
    /// With `perElementOf` (a constant's shape), a per-channel scale becomes per-element scale factors.
    func quantNodeQuantizer(_ node: Node, perElementOf shape: [Int]? = nil) throws -> UniformQuantizer {
        func scalar(_ index: Int, _ what: String, default value: Double? = nil) throws -> Double {
            if index >= node.inputs.count || node.inputs[index].isEmpty, let value { return value }
            let t = try requireConstant(index, of: node, what)
            guard Set(t.values).count == 1 else {
                throw QuantizationError(node: node.name, op: node.opType, "per-channel \(what) is only supported on constant weights")
            }
            return t.values[0]
        }
        var elementScales: [Double]? = nil
        var scale: Double
        if let shape, let s = try constant(node.inputs[1], of: node), Set(s.values).count > 1 {
            elementScales = Broadcast.sourceIndices(from: s.shape, to: shape).map { s.values[$0] }
            scale = 1
        } else {
            scale = try scalar(1, "scale")
        }
        let zeroPoint = try scalar(2, "zero point", default: 0)
        if node.opType == "Quant" {
            let bits = Int(try scalar(3, "bit width"))
            var signed = node.attributes["signed"].map { if case .int(let v) = $0 { v != 0 } else { true } } ?? true
            var narrow = node.attributes["narrow"].map { if case .int(let v) = $0 { v != 0 } else { false } } ?? false
            if !signed && narrow { (signed, narrow) = (true, false) }  // Brevitas export workaround (docs/QUANTIZATION.md#qat-import)
            return UniformQuantizer(options: QuantizationOptions(bits: bits, isSigned: signed, isQAT: true, isNarrow: narrow),
                                    scale: scale, zeroPoints: [zeroPoint], elementScales: elementScales)
        }
        let zpType = node.inputs.count > 2 && !node.inputs[2].isEmpty ? (try constant(node.inputs[2], of: node))?.elementType : nil
        return UniformQuantizer(options: QuantizationOptions(bits: 8, isSigned: zpType == .int8, isQAT: true), scale: scale,
                                zeroPoints: [zeroPoint], elementScales: elementScales)
    }

    mutating func quantizationNode(_ node: Node, inputs: [Symbol?]) throws {
        let output = node.outputs[0]
        switch (node.opType, inputs.first ?? nil) {
        case ("Quant", .constant(let t, _)?), ("QuantizeLinear", .constant(let t, _)?):
            if let q = try? quantNodeQuantizer(node, perElementOf: t.shape) {
                let ints = q.quantize(t.values)
                symbols[output] = node.opType == "Quant"
                    ? .constant(Tensor(shape: t.shape, elementType: t.elementType, values: q.dequantize(ints)), quantizer: q)
                    : .constant(Tensor(shape: t.shape, elementType: q.options.isSigned ? .int8 : .uint8, values: ints.map(Double.init)), quantizer: q)
            } else {
                // Per-channel weight grids: fold in float; the weights keep a per-tensor QAT quantizer.
                let folded = try kernels.evaluate(node: node, inputs: inputs.map { if case .constant(let c, _)? = $0 { c } else { nil } })
                symbols[output] = .constant(folded[0], quantizer: nil)
            }
        case ("DequantizeLinear", .constant(let t, _)?):
            let q = try quantNodeQuantizer(node, perElementOf: t.shape)
            symbols[output] = .constant(Tensor(shape: t.shape, values: q.dequantize(t.values.map { Int64($0) })), quantizer: q)
        case ("DequantizeLinear", .integers(let id, _)?):
            define(output, value: id, quantizer: try quantNodeQuantizer(node), fromQuantNode: true)
        case (_, .fused?):
            guard node.opType != "DequantizeLinear" else {
                throw QuantizationError(node: node.name, op: node.opType, "input must come from a QuantizeLinear node")
            }
            let q = try quantNodeQuantizer(node)
            let (expr, producer) = try fused(node.inputs[0], of: node)
            if node.opType == "Quant" {
                if let (pure, _) = expr.pureQuantizer(), pure == q {
                    define(output, value: producer, quantizer: q, fromQuantNode: true)
                } else {
                    // Stays in the chain: the next linear op (or the output) reads it as one table on q's grid.
                    symbols[output] = .fused(.requantize(q, expr), producer: producer)
                }
            } else {
                symbols[output] = .integers(try materialize(node.inputs[0], quantizer: q, for: node), q)
            }
        default:
            throw QuantizationError(node: node.name, op: node.opType, "unexpected input")
        }
    }
}
