// Walks the float graph in order and builds the integer circuit (PTQ, or QAT import), calibrating
// every value in quantized mode: each op sees the de-quantized results of the quantized ops before it.
import FHECore

/// The quantization of one ONNX graph into a circuit (Concrete ML's `PostTrainingAffineQuantization`
/// and `PostTrainingQATImporter`, plus the TLU fusion Concrete performs afterwards).
struct PostTrainingQuantizer {
    /// What a graph tensor is while quantizing.
    enum Symbol {
        /// A constant (initializer or folded); `quantizer` when a quantization node fixed its grid (QAT weights).
        case constant(Tensor, quantizer: UniformQuantizer?)
        /// A float function of one circuit value.
        case fused(FusedExpression, producer: ValueID)
        /// Integers already quantized by a QuantizeLinear node, awaiting their DequantizeLinear.
        case integers(ValueID, UniformQuantizer)
    }

    /// One graph input's quantizer choice.
    struct InputChoice {
        var quantizer: UniformQuantizer
        var reason: String
    }

    let graph: Graph
    let options: CompileOptions
    let kernels: any FloatOperatorSet
    /// Calibration inputs, one per graph input, batch axis first.
    let calibration: [Tensor]
    let batch: Int

    var circuit = Circuit()
    /// Calibration integers of every circuit value (batched).
    var calibrationValues: [[Int64]] = []
    var symbols: [String: Symbol] = [:]
    /// Tensors whose value reaches a graph output through data movement only (no rounding there).
    var outputFeeding: Set<String> = []
    var inputQuantizers: [UniformQuantizer] = []
    var outputQuantizers: [UniformQuantizer] = []
    /// Tensors without a batch axis: a batch-1 model merged or moved it (`x.view(-1, 1)`), so their ONNX
    /// shape is the per-sample shape itself.
    var unbatched: Set<String> = []
    /// Materialized TLUs, keyed by tensor name and quantizer, so two consumers share one.
    var materialized: [String: (ValueID, UniformQuantizer)] = [:]
    /// Human-readable decisions per node, for the quantized-graph artifact.
    var log: [String] = []

    init(graph: Graph, calibration: [Tensor], options: CompileOptions, kernels: any FloatOperatorSet) throws {
        self.graph = graph
        self.options = options
        self.kernels = kernels
        self.calibration = calibration
        guard calibration.count == graph.inputs.count else {
            throw CompileOptionError(option: "--inputset", "the model has \(graph.inputs.count) input(s), the input set \(calibration.count)")
        }
        self.batch = calibration.first?.shape.first ?? 0
        guard batch > 0, calibration.allSatisfy({ $0.shape.first == batch }) else {
            throw CompileOptionError(option: "--inputset", "every calibration tensor needs the same non-zero number of rows")
        }
    }

    // MARK: - Walk

    mutating func run() throws {
        for (name, t) in graph.initializers { symbols[name] = .constant(t, quantizer: nil) }
        computeOutputFeeding()
        let encryption = options.inputsEncryption ?? Array(repeating: .encrypted, count: graph.inputs.count)
        for (index, info) in graph.inputs.enumerated() {
            let data = calibration[index]
            let sampleShape = Array(data.shape.dropFirst())
            if info.shape.count == data.shape.count, Array(info.shape.dropFirst()) != sampleShape, !info.shape.dropFirst().contains(where: { $0 <= 0 }) {
                throw CompileOptionError(option: "--inputset", "input '\(info.name)' has per-sample shape \(Array(info.shape.dropFirst())), calibration data \(sampleShape)")
            }
            let choice = try chooseInputQuantizer(info, data: data)
            let ints = choice.quantizer.quantize(data.values)
            let range = IntegerRange(min: choice.quantizer.options.minInteger, max: choice.quantizer.options.maxInteger)
            let id = circuit.addInput(index: index, shape: sampleShape, range: range, isEncrypted: encryption[index] == .encrypted, label: info.name)
            calibrationValues.append(ints)
            inputQuantizers.append(choice.quantizer)
            symbols[info.name] = .fused(.affine(choice.quantizer, source: id, shape: sampleShape, fromQuantNode: false), producer: id)
            log.append("input \(info.name): \(choice.reason); \(describe(choice.quantizer))")
        }
        for node in graph.nodes { try quantize(node) }
        for info in graph.outputs { try emitOutput(info.name) }
    }

    mutating func computeOutputFeeding() {
        var names = Set(graph.outputs.map(\.name))
        for node in graph.nodes.reversed() where Self.dataMovementOps.contains(node.opType) && node.outputs.contains(where: names.contains) {
            names.insert(node.inputs[0])
        }
        outputFeeding = names
    }

    static let dataMovementOps: Set<String> = ["Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Gather", "Expand", "Identity"]
    static let linearOps: Set<String> = ["Gemm", "MatMul", "Conv", "AveragePool", "GlobalAveragePool", "ReduceSum", "MaxPool", "Pad"]
    static let quantNodeOps: Set<String> = ["Quant", "QuantizeLinear"]

    /// Concrete ML's `_process_input_quantizers`: the first consumer (through data movement) decides.
    func chooseInputQuantizer(_ info: ValueInfo, data: Tensor) throws -> InputChoice {
        let name = info.name
        if !info.elementType.isFloatingPoint { return integerInputChoice(name, data: data) }
        var frontier = [name], consumers = [Node]()
        while let value = frontier.popLast() {
            for node in graph.nodes where node.inputs.contains(value) {
                if Self.dataMovementOps.contains(node.opType) { frontier.append(contentsOf: node.outputs) } else { consumers.append(node) }
            }
        }
        let rmin = data.values.min() ?? 0, rmax = data.values.max() ?? 0
        if let quant = consumers.first, consumers.count == 1, Self.quantNodeOps.contains(quant.opType),
           let q = try? quantNodeQuantizer(quant) {
            return InputChoice(quantizer: q, reason: "quantized by the model's \(quant.opType) node '\(quant.name)'")
        }
        if !consumers.isEmpty, consumers.allSatisfy({ Self.linearOps.contains($0.opType) }) {
            let o = QuantizationOptions(bits: options.bits.opInputs, isSigned: rmin < 0, isQAT: options.importQAT)
            return InputChoice(quantizer: UniformQuantizer(options: o, rmin: rmin, rmax: rmax),
                               reason: "feeds linear op '\(consumers[0].name)' directly: its op_inputs quantizer, no input TLU")
        }
        let o = QuantizationOptions(bits: options.bits.modelInputs, isSigned: true)
        return InputChoice(quantizer: UniformQuantizer(options: o, rmin: rmin, rmax: rmax), reason: "consumed by a univariate op: model_inputs bits")
    }

    /// An integer input (token ids, indices) keeps its exact values, scale 1 and zero point 0, on the bits of
    /// its calibration range widened to every row of the constant tables it indexes (an id the input set
    /// missed is still a valid id).
    func integerInputChoice(_ name: String, data: Tensor) -> InputChoice {
        let low = min(0, data.values.min() ?? 0)
        var high = max(0, data.values.max() ?? 0)
        for node in graph.nodes where node.opType == "Gather" && node.inputs.count > 1 && node.inputs[1] == name {
            if let rows = graph.initializers[node.inputs[0]]?.shape.first { high = max(high, Double(rows - 1)) }
        }
        let range = IntegerRange(min: Int64(low.rounded(.down)), max: Int64(high.rounded(.up)))
        let q = UniformQuantizer(options: QuantizationOptions(bits: max(1, range.bitWidth), isSigned: range.isSigned), scale: 1, zeroPoints: [0])
        return InputChoice(quantizer: q, reason: "integer input: its exact values, \(q.options.bits) bits")
    }

    /// True when the model was exported with batch size 1 (no dynamic batch): it runs one sample at a time, so
    /// its batch axis may be merged or moved like any other axis of size 1.
    var isBatchOne: Bool { !graph.dynamicBatch && graph.inputs.allSatisfy { $0.shape.first == 1 } }

    /// The ONNX shape of tensor `name` whose circuit value has per-sample shape `sample`.
    func fullShape(_ name: String, sample: [Int]) -> [Int] { unbatched.contains(name) ? sample : [1] + sample }

    /// 1 when `name` has its batch axis first (ONNX axis a is per-sample axis a − 1), 0 when it has none.
    func batchAxes(_ name: String) -> Int { unbatched.contains(name) ? 0 : 1 }

    // MARK: - Symbols

    func symbol(_ name: String, of node: Node) throws -> Symbol {
        guard let s = symbols[name] else {
            throw QuantizationError(node: node.name, op: node.opType, "input '\(name)' is not produced by any earlier node")
        }
        return s
    }

    func constant(_ name: String, of node: Node) throws -> Tensor? {
        if name.isEmpty { return nil }
        if case .constant(let t, _) = try symbol(name, of: node) { return t }
        return nil
    }

    func requireConstant(_ index: Int, of node: Node, _ what: String) throws -> Tensor {
        guard index < node.inputs.count, let t = try constant(node.inputs[index], of: node) else {
            throw QuantizationError(node: node.name, op: node.opType, "\(what) (input \(index)) must be a constant")
        }
        return t
    }

    /// The fused chain of a non-constant tensor.
    func fused(_ name: String, of node: Node) throws -> (FusedExpression, ValueID) {
        switch try symbol(name, of: node) {
        case .fused(let e, let p): return (e, p)
        case .constant: throw QuantizationError(node: node.name, op: node.opType, "input '\(name)' is a constant where an encrypted tensor is needed")
        case .integers: throw QuantizationError(node: node.name, op: node.opType, "input '\(name)' comes from a QuantizeLinear without its DequantizeLinear")
        }
    }

    /// Float calibration values of a chain (rows = calibration batch).
    func calibrationFloats(_ e: FusedExpression) throws -> Tensor {
        try e.evaluate(rows: batch, kernels: kernels) { id, _ in calibrationValues[id.rawValue] }
    }

    // MARK: - Circuit helpers

    /// Appends an op, computing its calibration values; its range is the calibration range unless given.
    mutating func emit(_ kind: OperationKind, _ operands: [ValueID], label: String, range: IntegerRange? = nil) -> ValueID {
        let ints = IntegerKernels.evaluate(kind, operands: operands.map { calibrationValues[$0.rawValue] },
                                           operandShapes: operands.map { circuit[$0].shape }, batch: batch)
        let id = circuit.append(kind, operands: operands, range: range ?? headroom(IntegerRange(of: ints.isEmpty ? [0] : ints), kind, operands),
                                label: label)
        calibrationValues.append(ints)
        return id
    }

    /// A calibrated range with `rangeMargin` bits of headroom: accumulators (and roundings of them) are widened
    /// 2^margin times; moved or pooled values keep the range of what they move, so a table after a reshape
    /// still covers the widened accumulator.
    func headroom(_ calibrated: IntegerRange, _ kind: OperationKind, _ operands: [ValueID]) -> IntegerRange {
        guard options.rangeMargin > 0 else { return calibrated }
        switch kind {
        case .matMul, .conv, .reduceSum, .add, .subtract, .addConstant, .mulConstant, .multiply, .matMulEncrypted, .round:
            let factor = Int64(1) << options.rangeMargin
            return IntegerRange(min: calibrated.min < 0 ? calibrated.min * factor : calibrated.min,
                                max: calibrated.max > 0 ? calibrated.max * factor : calibrated.max)
        case .maxPool, .reshape, .transpose, .slice, .concat, .pad, .gather, .expand:
            return operands.reduce(calibrated) { hull, id in
                IntegerRange(min: Swift.min(hull.min, circuit[id].range.min), max: Swift.max(hull.max, circuit[id].range.max))
            }
        default:
            return calibrated
        }
    }

    /// The integers of `name` in `quantizer`'s grid: the producer itself when the chain is already that
    /// quantization, else a table lookup over the producer's whole encoding domain.
    mutating func materialize(_ name: String, quantizer: UniformQuantizer, for node: Node, forceTLU: Bool = false) throws -> ValueID {
        let (expr, producer) = try fused(name, of: node)
        if !forceTLU, let (q, _) = expr.pureQuantizer(), q == quantizer { return producer }
        let key = "\(name)|\(quantizer)|\(forceTLU)"
        if let (id, _) = materialized[key] { return id }
        let domain = circuit[producer].representableRange
        let table = try Tabulation.tables(of: expr, elements: circuit[producer].elementCount, domain: domain, quantizer: quantizer,
                                          kernels: kernels)
        let range = IntegerRange(of: table.tables.joined())
        let id = emit(.tableLookup(table), [producer], label: node.name, range: range)
        materialized[key] = (id, quantizer)
        return id
    }

    /// Materializes a linear op's input with op_inputs bits, asymmetric, signed iff a calibration value is
    /// negative; an input already quantized on ≤ op_inputs bits with an integer zero point is used as is.
    mutating func linearInput(_ name: String, for node: Node) throws -> (ValueID, UniformQuantizer) {
        let (expr, producer) = try fused(name, of: node)
        if let (q, fromQuant) = expr.pureQuantizer() {
            if options.importQAT && fromQuant { return (producer, q) }
            if !options.importQAT, q.hasIntegerScalarZeroPoint, circuit[producer].bitWidth <= options.bits.opInputs {
                if options.reduceSumCopy && node.opType == "ReduceSum" {
                    return (try materialize(name, quantizer: q, for: node, forceTLU: true), q)
                }
                return (producer, q)
            }
        }
        if let q = expr.modelQuantizer, options.importQAT || (q.hasIntegerScalarZeroPoint && q.options.bits <= options.bits.opInputs) {
            return (try materialize(name, quantizer: q, for: node), q)
        }
        if options.importQAT {
            throw QuantizationError(node: node.name, op: node.opType,
                                    "Error occurred during quantization aware training (QAT) import: tensor '\(name)' is not quantized by the model. "
                                    + "Are you missing a QuantIdentity layer in your Brevitas model (or a QuantizeLinear/DequantizeLinear pair)?")
        }
        let floats = try calibrationFloats(expr)
        let rmin = floats.values.min() ?? 0, rmax = floats.values.max() ?? 0
        let q = UniformQuantizer(options: QuantizationOptions(bits: options.bits.opInputs, isSigned: rmin < 0), rmin: rmin, rmax: rmax)
        return (try materialize(name, quantizer: q, for: node, forceTLU: options.reduceSumCopy && node.opType == "ReduceSum"), q)
    }

    /// A symmetric signed quantizer over the calibration values of several tensors (enc×enc operands).
    func symmetricQuantizer(_ names: [String], bits: Int, for node: Node) throws -> UniformQuantizer {
        var maxAbs = 0.0
        for name in names {
            let floats = try calibrationFloats(try fused(name, of: node).0)
            maxAbs = max(maxAbs, floats.values.map(abs).max() ?? 0)
        }
        return UniformQuantizer(options: QuantizationOptions(bits: bits, isSigned: true, isSymmetric: true), rmin: -maxAbs, rmax: maxAbs)
    }

    /// Rounds an accumulator before its next TLU unless the op feeds a graph output (docs/QUANTIZATION.md#rounding).
    mutating func roundAccumulator(_ acc: ValueID, quantizer: UniformQuantizer, node: Node) -> (ValueID, UniformQuantizer) {
        guard case .bits(let keep, let method)? = options.rounding, !node.outputs.contains(where: outputFeeding.contains) else {
            return (acc, quantizer)
        }
        let lsbs = circuit[acc].bitWidth - keep
        guard lsbs > 0 else { return (acc, quantizer) }
        let rounded = emit(.round(lsbs: lsbs, method: method), [acc], label: node.name)
        var q = quantizer
        let factor = Double(Int64(1) << lsbs)
        q.scale *= factor
        q.zeroPoints = q.zeroPoints.map { $0 / factor }
        log.append("  \(node.name): round \(lsbs) lsbs of a \(circuit[acc].bitWidth)-bit accumulator (\(method.rawValue))")
        return (rounded, q)
    }

    /// Records an integer result whose float value is `quantizer`'s de-quantization.
    mutating func define(_ name: String, value: ValueID, quantizer: UniformQuantizer, fromQuantNode: Bool = false) {
        symbols[name] = .fused(.affine(quantizer, source: value, shape: circuit[value].shape, fromQuantNode: fromQuantNode), producer: value)
    }

    // MARK: - Outputs

    mutating func emitOutput(_ name: String) throws {
        let pseudo = Node(name: "output:\(name)", opType: "Output", inputs: [name], outputs: [])
        let (expr, producer) = try fused(name, of: pseudo)
        if let (q, _) = expr.pureQuantizer() {
            // A linear op at the end returns its raw accumulator, with an analytic (possibly per-neuron) zero point.
            circuit.outputs.append(producer)
            outputQuantizers.append(q)
            return
        }
        if let q = expr.modelQuantizer {
            // The model's last quantizer is the output's grid (Brevitas' QuantReLU or QuantIdentity at the end).
            circuit.outputs.append(try materialize(name, quantizer: q, for: pseudo))
            outputQuantizers.append(q)
            log.append("output \(name): output TLU on the model's quantizer, \(describe(q))")
            return
        }
        let floats = try calibrationFloats(expr)
        let q = UniformQuantizer(options: QuantizationOptions(bits: options.bits.modelOutputs),
                                 rmin: floats.values.min() ?? 0, rmax: floats.values.max() ?? 0)
        let id = try materialize(name, quantizer: q, for: pseudo)
        circuit.outputs.append(id)
        outputQuantizers.append(q)
        log.append("output \(name): output TLU, \(describe(q))")
    }

    func describe(_ q: UniformQuantizer) -> String {
        let zp = q.zeroPoints.count == 1 ? "\(q.zeroPoints[0])" : "per-element[\(q.zeroPoints.count)]"
        return "\(q.options.bits) bits \(q.options.isSigned ? "signed" : "unsigned")\(q.options.isSymmetric ? " symmetric" : ""), scale \(q.scale), zero point \(zp)"
    }
}
