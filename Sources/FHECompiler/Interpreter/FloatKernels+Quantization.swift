// Quantizers in float: ONNX QuantizeLinear/DequantizeLinear and the Brevitas/QONNX `Quant` node
// (docs/QUANTIZATION.md#qat-import).
import FHECore

extension FloatKernels {
    static let quantizationKernels: [String: Kernel] = [
        "QuantizeLinear": quantizeLinearKernel,
        "DequantizeLinear": dequantizeLinearKernel,
        "onnx.brevitas.Quant": brevitasQuantKernel,
        "qonnx.custom_op.general.Quant": brevitasQuantKernel,
    ]

    /// A per-tensor (scalar) or per-axis (1-D along `axis`) parameter, broadcast to `x`'s shape.
    static func perAxis(_ parameter: Tensor, like x: Tensor, axisAttribute: Int, _ arguments: KernelArguments) throws -> [Double] {
        if parameter.count == 1 { return [Double](repeating: parameter.values[0], count: x.count) }
        guard parameter.rank == 1 else {
            throw arguments.failure(.unsupportedFeature, "blocked quantization (scale of shape \(parameter.shape)) is not supported")
        }
        let axis = try arguments.axis(axisAttribute, rank: x.rank)
        guard x.shape[axis] == parameter.count else {
            throw arguments.failure("scale/zero point of \(parameter.count) values does not fit axis \(axis) of \(x.shape)")
        }
        var shape = [Int](repeating: 1, count: x.rank)
        shape[axis] = parameter.count
        return parameter.reshaped(shape).broadcast(to: x.shape).values
    }

    /// Integer range of a QuantizeLinear output type.
    static func integerRange(of type: ElementType, _ arguments: KernelArguments) throws -> ClosedRange<Double> {
        switch type {
        case .uint8: return 0...255
        case .int8: return -128...127
        case .int32: return -2_147_483_648...2_147_483_647
        default: throw arguments.failure(.unsupportedFeature, "quantizing to \(type) is not supported (uint8, int8, int32 are)")
        }
    }

    /// y = saturate(round_half_even(x / scale) + zero_point).
    static let quantizeLinearKernel: Kernel = { arguments in
        let x = try arguments.input(0), scale = try arguments.input(1)
        let zeroPoint = arguments.optional(2)
        let type = zeroPoint?.elementType ?? .uint8
        let range = try integerRange(of: type, arguments)
        let axis = arguments.node.int("axis", default: 1)
        let scales = try perAxis(scale, like: x, axisAttribute: axis, arguments)
        let zeros = try zeroPoint.map { try perAxis($0, like: x, axisAttribute: axis, arguments) }
        var values = [Double](repeating: 0, count: x.count)
        for index in values.indices {
            // Divide in the input's precision as the reference does.
            let ratio = ElementType.represent(x.values[index] / scales[index], as: x.elementType)
            let shifted = ratio.rounded(.toNearestOrEven) + (zeros?[index] ?? 0)
            values[index] = min(max(shifted, range.lowerBound), range.upperBound)
        }
        return [Tensor(shape: x.shape, elementType: type, values: values)]
    }

    /// y = (x − zero_point) · scale, in the scale's float type.
    static let dequantizeLinearKernel: Kernel = { arguments in
        let x = try arguments.input(0), scale = try arguments.input(1)
        let axis = arguments.node.int("axis", default: 1)
        let scales = try perAxis(scale, like: x, axisAttribute: axis, arguments)
        let zeros = try arguments.optional(2).map { try perAxis($0, like: x, axisAttribute: axis, arguments) }
        let values = x.values.indices.map { (x.values[$0] - (zeros?[$0] ?? 0)) * scales[$0] }
        return [Tensor(shape: x.shape, elementType: scale.elementType, values: values).roundedToElementType()]
    }

    /// Brevitas `Quant(x, scale, zero_point, bit_width)`: q = round(clip(x / s + zp, min, max)),
    /// y = (q − zp) · s, with min/max from bit_width, `signed` and `narrow`. signed=0 & narrow=1 is
    /// read as signed=1 & narrow=0, as Concrete ML does for Brevitas exports.
    static let brevitasQuantKernel: Kernel = { arguments in
        let x = try arguments.input(0), scale = try arguments.input(1)
        let zeroPoint = try arguments.input(2), bitWidth = try arguments.input(3)
        var signed = arguments.node.int("signed", default: 1) != 0
        var narrow = arguments.node.int("narrow", default: 0) != 0
        if !signed && narrow { signed = true; narrow = false }
        guard bitWidth.count == 1, let bits = bitWidth.values.first, bits >= 1, bits <= 32, bits == bits.rounded() else {
            throw arguments.failure(.unsupportedFeature, "bit_width must be one integer in 1…32, got \(bitWidth.values.prefix(4))")
        }
        let mode = arguments.node.string("rounding_mode", default: "ROUND")
        let rule: FloatingPointRoundingRule
        switch mode {
        case "ROUND", "HALF_EVEN": rule = .toNearestOrEven
        case "ROUND_TO_ZERO": rule = .towardZero
        case "FLOOR": rule = .down
        case "CEIL": rule = .up
        case "HALF_UP": rule = .toNearestOrAwayFromZero
        default: throw arguments.failure(.unsupportedFeature, "rounding_mode '\(mode)' is not supported")
        }
        let levels = Double(1 << Int(bits))
        let low = signed ? -levels / 2 + (narrow ? 1 : 0) : 0
        let high = signed ? levels / 2 - 1 : levels - 1 - (narrow ? 1 : 0)
        guard let shape = Tensor.broadcastShape(x.shape, scale.shape).flatMap({ Tensor.broadcastShape($0, zeroPoint.shape) }) else {
            throw arguments.failure("scale \(scale.shape) and zero point \(zeroPoint.shape) do not broadcast with x \(x.shape)")
        }
        let xs = x.broadcast(to: shape).values, scales = scale.broadcast(to: shape).values
        let zeros = zeroPoint.broadcast(to: shape).values
        var values = [Double](repeating: 0, count: xs.count)
        for index in values.indices {
            let integer = min(max(xs[index] / scales[index] + zeros[index], low), high).rounded(rule)
            values[index] = (integer - zeros[index]) * scales[index]
        }
        return [Tensor(shape: shape, elementType: x.elementType, values: values).roundedToElementType()]
    }
}
