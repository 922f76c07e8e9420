// Linear (mixing) ops with clear weights: Gemm/MatMul, Conv, average pooling, ReduceSum; and MaxPool, Pad, Concat.
// Integer kernels follow Jacob et al. 2018 eq. 7 (docs/QUANTIZATION.md#integer-kernels), with the weight zero point
// folded into the clear weights: acc = q_x · (q_w − zp_w), then x·w + b = s_x·s_w·(acc − zp_x·Σ(q_w − zp_w)) + b.
import FHECore
import Foundation

extension PostTrainingQuantizer {
    func int(_ node: Node, _ name: String, default value: Int) -> Int {
        if case .int(let v)? = node.attributes[name] { return v }
        return value
    }

    func ints(_ node: Node, _ name: String) -> [Int]? {
        switch node.attributes[name] {
        case .ints(let v)?: return v
        case .int(let v)?: return [v]
        default: return nil
        }
    }

    func float(_ node: Node, _ name: String, default value: Double) -> Double {
        switch node.attributes[name] {
        case .float(let v)?: return v
        case .int(let v)?: return Double(v)
        default: return value
        }
    }

    /// Clear integer weights: the model's own grid (QAT), raw integers, or a PTQ quantizer with op_weights bits,
    /// symmetric when the 3rd and 97th percentiles straddle zero within a factor 3 (Concrete ML's heuristic).
    func quantizeWeights(_ w: Tensor, given: UniformQuantizer?, channels: Int = 1, channelOf: (Int) -> Int = { _ in 0 })
        -> (ints: [Int64], quantizer: UniformQuantizer) {
        if let given { return (given.quantize(w.values), given) }
        if options.importQAT, w.elementType.isFloatingPoint, let grid = Self.recoverGrid(w.values, channels: channels, channelOf: channelOf) {
            return (grid.quantize(w.values), grid)
        }
        if !w.elementType.isFloatingPoint {
            return (w.values.map { Int64($0) }, UniformQuantizer(options: QuantizationOptions(bits: 62, isSigned: true), scale: 1, zeroPoints: [0], noClipping: true))
        }
        let rmin = w.values.min() ?? 0, rmax = w.values.max() ?? 0
        let o: QuantizationOptions
        if options.importQAT {
            o = QuantizationOptions(bits: options.bits.opWeights, isSigned: true, isQAT: true)
        } else {
            let sorted = w.values.sorted()
            func percentile(_ p: Double) -> Double {
                let position = p / 100 * Double(sorted.count - 1)
                let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
                return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
            }
            let p3 = percentile(3), p97 = percentile(97)
            let ratio = abs(p97) < 0.001 ? 0 : abs(p3 / p97)
            let symmetric = p3 < 0 && p97 > 0 && ratio >= 1.0 / 3 && ratio <= 3
            o = QuantizationOptions(bits: options.bits.opWeights, isSigned: symmetric, isSymmetric: symmetric)
        }
        let q = UniformQuantizer(options: o, rmin: min(rmin, 0), rmax: max(rmax, 0))
        return (q.quantize(w.values), q)
    }

    /// The grid of QAT weights whose Quant nodes were folded at import: per channel, the step s such that
    /// every weight is an integer multiple of s (tried as the smallest |w| divided by 1...16).
    static func recoverGrid(_ w: [Double], channels: Int, channelOf: (Int) -> Int) -> UniformQuantizer? {
        var members = [[Int]](repeating: [], count: channels)
        for i in w.indices { members[channelOf(i)].append(i) }
        var steps = [Double](repeating: 1, count: channels)
        var maxLevel = 0.0
        for c in 0..<channels {
            let values = members[c].map { w[$0] }
            guard let smallest = values.map(abs).filter({ $0 > 1e-12 }).min() else { continue }
            guard let step = (1...16).lazy.map({ smallest / Double($0) }).first(where: { s in
                values.allSatisfy { abs($0 / s - ($0 / s).rounded()) < 1e-3 }
            }) else { return nil }
            steps[c] = step
            maxLevel = max(maxLevel, values.map { abs($0 / step).rounded() }.max() ?? 0)
        }
        let bits = max(2, Int((log2(maxLevel + 1)).rounded(.up)) + 1)
        guard bits <= 16 else { return nil }
        let perElement = w.indices.map { steps[channelOf($0)] }
        return UniformQuantizer(options: QuantizationOptions(bits: bits, isSigned: true, isQAT: true), scale: 1, zeroPoints: [0],
                                elementScales: Set(perElement).count == 1 ? nil : perElement)
            .withCommonScale(Set(perElement).count == 1 ? perElement.first ?? 1 : 1)
    }

    /// Weights with the zero point folded in: q_w − zp_w.
    func centred(_ ints: [Int64], _ q: UniformQuantizer) -> [Int64] {
        let zp = Int64(q.zeroPoints[0].rounded())
        return ints.map { $0 - zp }
    }

    /// The raw accumulator quantizer: scale s_x·s_w, zero point per element.
    func accumulatorQuantizer(_ acc: ValueID, scale: Double, zeroPoints: [Double], elementScales: [Double]? = nil) -> UniformQuantizer {
        let zp = Set(zeroPoints).count == 1 ? [zeroPoints[0]] : zeroPoints
        let es = elementScales.flatMap { Set($0).count == 1 ? nil : $0 }
        let common = elementScales.flatMap { Set($0).count == 1 ? $0[0] : nil } ?? 1
        return UniformQuantizer(options: QuantizationOptions(bits: circuit[acc].bitWidth, isSigned: circuit[acc].isSigned),
                                scale: scale * common, zeroPoints: zp, noClipping: true, elementScales: es)
    }

    /// Per-output-channel weight scale factors: element `channel(i)` of a per-element weight grid, nil when per-tensor.
    func channelScales(_ wq: UniformQuantizer, channels: Int, elementOf: (Int) -> Int) -> [Double]? {
        guard wq.elementScales != nil else { return nil }
        return (0..<channels).map { wq.scale(element: elementOf($0)) / wq.scale }
    }

    /// Gemm: y = alpha · A' · B' + beta · C with B constant (A' = A, B' = B or Bᵀ per transA/transB).
    /// A carries the batch on axis 0, so transA = 1 (a contraction over the batch) cannot be per-sample.
    mutating func gemm(_ node: Node) throws {
        guard int(node, "transA", default: 0) == 0 else {
            throw QuantizationError(node: node.name, op: node.opType,
                                    "transA = 1 contracts over axis 0 of A, which is the batch axis; export x @ W (transB for the weights) instead")
        }
        guard let b = try constant(node.inputs[1], of: node) else {
            let what = try constant(node.inputs[0], of: node) != nil ? "A is constant and B encrypted" : "A and B are both encrypted"
            throw QuantizationError(node: node.name, op: node.opType,
                                    "\(what): Gemm operands are 2-D with the batch on axis 0, so only a constant B is supported (use MatMul on 3-D tensors)")
        }
        let alpha = float(node, "alpha", default: 1)
        guard alpha != 0 else {
            throw QuantizationError(node: node.name, op: node.opType, "alpha = 0 makes the output a constant; fold it before export")
        }
        var (weights, weightQuantizer) = (b, constantQuantizer(node.inputs[1]))
        if int(node, "transB", default: 0) != 0 { (weights, weightQuantizer) = transposed(b, weightQuantizer) }
        var bias: Tensor? = nil
        if node.inputs.count > 2, !node.inputs[2].isEmpty {
            let c = try requireConstant(2, of: node, "bias C")
            let beta = float(node, "beta", default: 1)
            bias = Tensor(shape: c.shape, values: c.values.map { $0 * beta })
        }
        try linear(node, input: node.inputs[0], weights: weights, weightQuantizer: weightQuantizer, bias: bias, alpha: alpha)
    }

    /// A rank-2 constant transposed, with its per-element weight scales (QAT grids) moved along.
    func transposed(_ w: Tensor, _ quantizer: UniformQuantizer?) -> (Tensor, UniformQuantizer?) {
        let (k, n) = (w.shape[1], w.shape[0])
        let source = (0..<(k * n)).map { ($0 % n) * k + $0 / n }
        var q = quantizer
        if let es = q?.elementScales { q?.elementScales = source.map { es[$0 % es.count] } }
        return (Tensor(shape: [k, n], elementType: w.elementType, values: source.map { w.values[$0] }), q)
    }

    /// MatMul with a constant left operand W [M, K] and an encrypted x [..., K, N] per sample:
    /// W·x = (xᵀ·Wᵀ)ᵀ, the two transposes being free data movement around an ordinary right product.
    mutating func leftLinear(_ node: Node, weights w: Tensor) throws {
        let (expr, producer) = try fused(node.inputs[1], of: node)
        let shape = circuit[producer].shape
        guard w.rank == 2, shape.count >= 2 else {
            throw QuantizationError(node: node.name, op: node.opType,
                                    "a constant left operand needs rank-2 weights and an encrypted operand of per-sample rank >= 2 "
                                    + "(got weights \(w.shape) and per-sample \(shape)): a 2-D right operand would contract over the batch axis")
        }
        let swap = Array(0..<(shape.count - 2)) + [shape.count - 1, shape.count - 2]
        let inKind = OperationKind.transpose(permutation: swap)
        let xT = emit(inKind, [producer], label: node.name)
        let inputName = "\(node.outputs[0])#transposed-input", productName = "\(node.outputs[0])#transposed-product"
        symbols[inputName] = .fused(.move(inKind, expr, innerShape: shape), producer: xT)
        let (wT, wq) = transposed(w, constantQuantizer(node.inputs[0]))
        try linear(node, input: inputName, weights: wT, weightQuantizer: wq, bias: nil, output: productName)
        let (productExpr, product) = try fused(productName, of: node)
        let productShape = circuit[product].shape
        let back = emit(inKind, [product], label: node.name)
        symbols[node.outputs[0]] = .fused(.move(inKind, productExpr, innerShape: productShape), producer: back)
    }

    /// y = alpha · x · W (+ bias) with W [K, N] constant, into `output` (the node's first output by default).
    mutating func linear(_ node: Node, input: String, weights w: Tensor, weightQuantizer: UniformQuantizer?, bias: Tensor?,
                         alpha: Double = 1, output: String? = nil) throws {
        guard w.rank == 2 else {
            throw QuantizationError(node: node.name, op: node.opType, "constant weights of rank \(w.rank) are not supported (rank 2 only)")
        }
        let columns = w.shape.count == 2 ? w.shape[1] : 1
        let (ints, wq) = quantizeWeights(w, given: weightQuantizer, channels: columns) { $0 % columns }
        // A negative alpha flips the weights' sign; its magnitude scales the accumulator.
        let weights = IntTensor(shape: w.shape, values: centred(ints, wq).map { alpha < 0 ? -$0 : $0 })
        let (x, xq) = try linearInput(input, for: node)
        guard circuit[x].shape.last == w.shape[0] else {
            throw QuantizationError(node: node.name, op: node.opType, "input \(circuit[x].shape) does not match weights \(w.shape)")
        }
        let acc = emit(.matMul(weights: weights), [x], label: node.name)
        let (k, n) = (w.shape[0], w.shape[1])
        let scale = xq.scale * wq.scale * abs(alpha)
        let columnScales = channelScales(wq, channels: n) { $0 }  // element (0, j) of the [K, N] grid
        let biasValues = bias.map { b in Broadcast.sourceIndices(from: b.shape, to: [n]).map { b.values[$0] } } ?? [Double](repeating: 0, count: n)
        var zp = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var columnSum: Int64 = 0
            for r in 0..<k { columnSum += weights.values[r * n + j] }
            let columnScale = scale * (columnScales?[j] ?? 1)
            zp[j] = xq.zeroPoints[0] * Double(columnSum) - biasValues[j] / columnScale
        }
        let accQuantizer = accumulatorQuantizer(acc, scale: scale, zeroPoints: zp, elementScales: columnScales)
        let (value, q) = powerOfTwoRounding(acc, quantizer: accQuantizer, node: node)
            ?? roundAccumulator(acc, quantizer: accQuantizer, node: node)
        define(output ?? node.outputs[0], value: value, quantizer: q)
    }

    /// Window attributes of Conv / pooling: kernel, strides, pads (begin..., end...), dilations.
    /// With `ceilModeInput` (pooling), ceil_mode = 1 becomes extra end padding, which never wins a max and
    /// which average pooling leaves out of its divisor; without it ceil_mode is ignored (Conv has none).
    func geometry(_ node: Node, spatialRank: Int, kernel: [Int], ceilModeInput: [Int]? = nil) throws -> FHECore.WindowGeometry {
        let autoPad: String = if case .string(let s)? = node.attributes["auto_pad"] { s } else { "NOTSET" }
        guard autoPad == "NOTSET" || autoPad == "VALID" else {
            throw QuantizationError(node: node.name, op: node.opType, "auto_pad \(autoPad) is not supported; export explicit pads")
        }
        let ceilMode = int(node, "ceil_mode", default: 0) != 0
        var pads = ints(node, "pads") ?? [Int](repeating: 0, count: 2 * spatialRank)
        let strides = ints(node, "strides") ?? [Int](repeating: 1, count: spatialRank)
        let dilations = ints(node, "dilations") ?? [Int](repeating: 1, count: spatialRank)
        guard pads.count == 2 * spatialRank, strides.count == spatialRank, dilations.count == spatialRank else {
            throw QuantizationError(node: node.name, op: node.opType, "pads/strides/dilations do not match \(spatialRank) spatial axes")
        }
        if ceilMode, let input = ceilModeInput {
            for a in 0..<spatialRank {
                let span = dilations[a] * (kernel[a] - 1) + 1
                let padded = input[a] + pads[a] + pads[a + spatialRank]
                var out = (padded - span + strides[a] - 1) / strides[a] + 1
                if (out - 1) * strides[a] >= input[a] + pads[a] { out -= 1 }  // the last window must start inside
                pads[a + spatialRank] += max(0, (out - 1) * strides[a] + span - padded)
            }
        }
        return FHECore.WindowGeometry(kernelShape: kernel, strides: strides, pads: pads, dilations: dilations)
    }

    mutating func conv(_ node: Node) throws {
        let w = try requireConstant(1, of: node, "weights")
        let perOutput = w.count / max(1, w.shape[0])
        let (ints, wq) = quantizeWeights(w, given: constantQuantizer(node.inputs[1]), channels: w.shape[0]) { $0 / perOutput }
        let weights = IntTensor(shape: w.shape, values: centred(ints, wq))
        let (x, xq) = try linearInput(node.inputs[0], for: node)
        let shape = circuit[x].shape
        let groups = int(node, "group", default: 1)
        guard shape.count == w.rank - 1, shape.count >= 2, shape[0] == w.shape[1] * groups else {
            throw QuantizationError(node: node.name, op: node.opType, "input \(shape) does not match weights \(w.shape) with \(groups) group(s)")
        }
        let g = try geometry(node, spatialRank: shape.count - 1, kernel: Array(w.shape.dropFirst(2)))
        let padValue = Int64(xq.zeroPoints[0].rounded())
        let acc = emit(.conv(weights: weights, geometry: g, groups: groups, padValue: padValue), [x], label: node.name)
        let outChannels = w.shape[0], perChannel = w.count / outChannels
        let plane = circuit[acc].elementCount / outChannels
        let scale = xq.scale * wq.scale
        let outScales = channelScales(wq, channels: outChannels) { $0 * perChannel }
        let bias = node.inputs.count > 2 && !node.inputs[2].isEmpty ? try requireConstant(2, of: node, "bias").values : [Double](repeating: 0, count: outChannels)
        let perChannelZP = (0..<outChannels).map { o in
            xq.zeroPoints[0] * Double(weights.values[(o * perChannel)..<((o + 1) * perChannel)].reduce(0, +)) - bias[o] / (scale * (outScales?[o] ?? 1))
        }
        let zp = (0..<(outChannels * plane)).map { perChannelZP[$0 / plane] }
        let es = outScales.map { s in (0..<(outChannels * plane)).map { s[$0 / plane] } }
        let accQuantizer = accumulatorQuantizer(acc, scale: scale, zeroPoints: zp, elementScales: es)
        let (value, q) = powerOfTwoRounding(acc, quantizer: accQuantizer, node: node)
            ?? roundAccumulator(acc, quantizer: accQuantizer, node: node)
        define(node.outputs[0], value: value, quantizer: q)
    }

    /// Average pooling as a per-channel sum (a grouped conv with an all-ones kernel) padded with the input
    /// zero point, then ×1/count in the next table. The count is per output position: the window's taps inside
    /// the input (count_include_pad = 0) or inside the explicitly padded input (= 1); the extra end padding of
    /// ceil_mode = 1 never counts. Padded taps hold the zero point, so they add nothing once it is removed.
    mutating func averagePool(_ node: Node) throws {
        let (x, xq) = try linearInput(node.inputs[0], for: node)
        let shape = circuit[x].shape
        let channels = shape[0]
        let global = node.opType == "GlobalAveragePool"
        let kernel = global ? Array(shape.dropFirst()) : (ints(node, "kernel_shape") ?? [])
        guard kernel.count == shape.count - 1, kernel.allSatisfy({ $0 > 0 }) else {
            throw QuantizationError(node: node.name, op: node.opType, "kernel_shape \(kernel) does not match input \(shape)")
        }
        let spatial = Array(shape.dropFirst())
        let plain = global ? Node(name: node.name, opType: node.opType, inputs: node.inputs, outputs: node.outputs) : node
        let explicit = try geometry(plain, spatialRank: kernel.count, kernel: kernel)
        let g = try geometry(plain, spatialRank: kernel.count, kernel: kernel, ceilModeInput: spatial)
        let k = kernel.reduce(1, *)
        let ones = IntTensor(shape: [channels, 1] + kernel, repeating: 1)
        let acc = emit(.conv(weights: ones, geometry: g, groups: channels, padValue: Int64(xq.zeroPoints[0].rounded())), [x], label: node.name)
        let counts = Self.windowCounts(explicit: explicit, input: spatial, output: Array(circuit[acc].shape.dropFirst()),
                                       includePadding: int(plain, "count_include_pad", default: 0) != 0)
        let plane = counts.count
        let inverse = (0..<(channels * plane)).map { 1 / Double(counts[$0 % plane]) }
        let q = accumulatorQuantizer(acc, scale: xq.scale, zeroPoints: [Double(k) * xq.zeroPoints[0]], elementScales: inverse)
        let (value, rounded) = roundAccumulator(acc, quantizer: q, node: node)
        define(node.outputs[0], value: value, quantizer: rounded)
    }

    /// The divisor of every output position of an average pooling (row-major over the output's spatial axes).
    static func windowCounts(explicit g: FHECore.WindowGeometry, input: [Int], output: [Int], includePadding: Bool) -> [Int] {
        let rank = input.count
        // Per axis and output coordinate: how many taps count.
        let perAxis: [[Int]] = (0..<rank).map { a in
            let lower = includePadding ? -g.pads[a] : 0, upper = includePadding ? input[a] + g.pads[a + rank] : input[a]
            return (0..<output[a]).map { o in
                (0..<g.kernelShape[a]).filter { t in
                    let c = o * g.strides[a] - g.pads[a] + t * g.dilations[a]
                    return c >= lower && c < upper
                }.count
            }
        }
        let total = output.reduce(1, *)
        return (0..<total).map { flat in
            var rest = flat, count = 1
            for a in (0..<rank).reversed() {
                count *= perAxis[a][rest % output[a]]
                rest /= output[a]
            }
            return count
        }
    }

    mutating func reduceSum(_ node: Node) throws {
        let (x, xq) = try linearInput(node.inputs[0], for: node)
        let batch = batchAxes(node.inputs[0])
        let rank = circuit[x].shape.count + batch
        var axes = ints(node, "axes") ?? []
        if node.inputs.count > 1, !node.inputs[1].isEmpty { axes = try requireConstant(1, of: node, "axes").values.map { Int($0) } }
        if axes.isEmpty {
            guard int(node, "noop_with_empty_axes", default: 0) == 0 else { symbols[node.outputs[0]] = symbols[node.inputs[0]]; return }
            axes = Array(batch..<rank)
        }
        axes = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard batch == 0 || !axes.contains(0) else {
            throw QuantizationError(node: node.name, op: node.opType, "axis 0 is the batch axis and cannot be reduced")
        }
        let sampleAxes = axes.map { $0 - batch }
        let count = sampleAxes.reduce(1) { $0 * circuit[x].shape[$1] }
        let acc = emit(.reduceSum(axes: sampleAxes, keepDims: int(node, "keepdims", default: 1) != 0), [x], label: node.name)
        let q = accumulatorQuantizer(acc, scale: xq.scale, zeroPoints: [Double(count) * xq.zeroPoints[0]])
        let (value, rounded) = roundAccumulator(acc, quantizer: q, node: node)
        define(node.outputs[0], value: value, quantizer: rounded)
    }

    /// Max commutes with an increasing affine map: pool the integers, keep the quantizer.
    mutating func maxPool(_ node: Node) throws {
        let (x, xq) = try linearInput(node.inputs[0], for: node)
        let kernel = ints(node, "kernel_shape") ?? []
        let g = try geometry(node, spatialRank: circuit[x].shape.count - 1, kernel: kernel, ceilModeInput: Array(circuit[x].shape.dropFirst()))
        let pooled = emit(.maxPool(geometry: g, padValue: circuit[x].range.min), [x], label: node.name)
        define(node.outputs[0], value: pooled, quantizer: xq, fromQuantNode: options.importQAT)
    }

    /// Constant padding, filled with the quantized pad value (the zero point for 0).
    mutating func pad(_ node: Node) throws {
        let mode: String = if case .string(let s)? = node.attributes["mode"] { s } else { "constant" }
        guard mode == "constant" else { throw QuantizationError(node: node.name, op: node.opType, "only constant padding is supported") }
        let pads = node.inputs.count > 1 ? try requireConstant(1, of: node, "pads").values.map { Int($0) } : (ints(node, "pads") ?? [])
        let value = node.inputs.count > 2 && !node.inputs[2].isEmpty ? try requireConstant(2, of: node, "constant_value").values[0] : float(node, "value", default: 0)
        let (x, xq) = try linearInput(node.inputs[0], for: node)
        let batch = batchAxes(node.inputs[0])
        let rank = circuit[x].shape.count + batch
        guard pads.count == 2 * rank, batch == 0 || (pads[0] == 0 && pads[rank] == 0), pads.allSatisfy({ $0 >= 0 }) else {
            throw QuantizationError(node: node.name, op: node.opType, "pads \(pads) must be non-negative and leave the batch axis alone")
        }
        let samplePads = Array(pads[batch..<rank]) + Array(pads[(rank + batch)...])
        // Unclipped: a pad value outside the calibrated range (0 for positive inputs) must still de-quantize to itself.
        var unclipped = xq
        unclipped.noClipping = true
        let padded = emit(.pad(pads: samplePads, value: unclipped.quantize(value)), [x], label: node.name)
        // Padding moves the model's integers: in a QAT model they stay on its quantizer's grid for the next op.
        define(node.outputs[0], value: padded, quantizer: xq, fromQuantNode: options.importQAT)
    }

    /// Concatenation on one grid: every operand re-quantized (model_outputs bits) unless already on it.
    mutating func concat(_ node: Node) throws {
        var rmin = Double.infinity, rmax = -Double.infinity
        for name in node.inputs {
            let floats = try calibrationFloats(try fused(name, of: node).0)
            rmin = min(rmin, floats.values.min() ?? 0)
            rmax = max(rmax, floats.values.max() ?? 0)
        }
        // The grid the operands are already on: their integers, or the model's quantizer ending their chains.
        func grid(_ name: String) throws -> UniformQuantizer? {
            let expr = try fused(name, of: node).0
            return expr.pureQuantizer()?.0 ?? expr.modelQuantizer
        }
        let q: UniformQuantizer
        var onModelGrid = false
        if let shared = try grid(node.inputs[0]), shared.hasIntegerScalarZeroPoint, try node.inputs.allSatisfy({ try grid($0) == shared }) {
            q = shared
            onModelGrid = options.importQAT
        } else {
            q = UniformQuantizer(options: QuantizationOptions(bits: options.bits.modelOutputs, isSigned: rmin < 0), rmin: rmin, rmax: rmax)
        }
        let operands = try node.inputs.map { try materialize($0, quantizer: q, for: node) }
        let batch = batchAxes(node.inputs[0])
        let rank = circuit[operands[0]].shape.count + batch
        var axis = int(node, "axis", default: 0)
        if axis < 0 { axis += rank }
        guard axis >= batch else { throw QuantizationError(node: node.name, op: node.opType, "concatenation along the batch axis") }
        let out = emit(.concat(axis: axis - batch), operands, label: node.name)
        define(node.outputs[0], value: out, quantizer: q, fromQuantNode: onModelGrid)
    }
}
