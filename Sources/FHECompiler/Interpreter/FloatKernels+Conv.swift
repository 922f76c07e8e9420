// Convolution over any number of spatial axes (1-D and 2-D are what models use), with groups,
// pads, strides, dilations and auto_pad.
import FHECore

/// Window geometry of a convolution or pooling node along its spatial axes.
struct WindowGeometry {
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    /// Padding before each spatial axis.
    var padBegin: [Int]
    /// Padding after each spatial axis.
    var padEnd: [Int]
    var outputSize: [Int]

    /// Reads kernel_shape/strides/dilations/pads/auto_pad/ceil_mode of `node` for an input with
    /// spatial extent `input`.
    init(node: Node, input: [Int], kernel: [Int], allowCeil: Bool, arguments: KernelArguments) throws {
        let rank = input.count
        self.kernel = kernel
        strides = node.ints("strides") ?? [Int](repeating: 1, count: rank)
        dilations = node.ints("dilations") ?? [Int](repeating: 1, count: rank)
        let pads = node.ints("pads") ?? [Int](repeating: 0, count: 2 * rank)
        guard kernel.count == rank, strides.count == rank, dilations.count == rank, pads.count == 2 * rank else {
            throw arguments.failure("kernel_shape/strides/dilations/pads do not match \(rank) spatial axes")
        }
        guard strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), kernel.allSatisfy({ $0 > 0 }) else {
            throw arguments.failure("kernel_shape, strides and dilations must be positive")
        }
        padBegin = Array(pads[0..<rank])
        padEnd = Array(pads[rank...])
        let ceilMode = allowCeil && node.int("ceil_mode", default: 0) != 0
        let autoPad = node.string("auto_pad", default: "NOTSET")
        outputSize = []
        for axis in 0..<rank {
            let span = (kernel[axis] - 1) * dilations[axis] + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                let out = (input[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (out - 1) * strides[axis] + span - input[axis])
                padBegin[axis] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                padEnd[axis] = total - padBegin[axis]
                outputSize.append(out)
            case "VALID":
                padBegin[axis] = 0
                padEnd[axis] = 0
                outputSize.append(max(0, (input[axis] - span) / strides[axis] + 1))
            case "NOTSET":
                let room = input[axis] + padBegin[axis] + padEnd[axis] - span
                guard room >= 0 else { throw arguments.failure("kernel extent \(span) exceeds padded input \(input[axis] + padBegin[axis] + padEnd[axis]) on spatial axis \(axis)") }
                var out = (ceilMode ? (room + strides[axis] - 1) / strides[axis] : room / strides[axis]) + 1
                // A window may not start inside the end padding (PyTorch and the ONNX reference).
                if ceilMode && (out - 1) * strides[axis] >= input[axis] + padBegin[axis] { out -= 1 }
                outputSize.append(out)
            default:
                throw arguments.failure(.unsupportedFeature, "auto_pad '\(autoPad)' is not supported")
            }
        }
    }

    /// Offsets (per spatial axis) of each kernel tap, row-major over the kernel.
    var taps: [[Int]] {
        var result: [[Int]] = [[]]
        for axis in 0..<kernel.count {
            result = result.flatMap { prefix in (0..<kernel[axis]).map { prefix + [$0 * dilations[axis]] } }
        }
        return result
    }

    /// Every output position as spatial indices, row-major.
    var outputPositions: [[Int]] {
        var result: [[Int]] = [[]]
        for size in outputSize { result = result.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
        return result
    }
}

extension FloatKernels {
    static let convKernel: Kernel = { arguments in
        let x = try arguments.input(0), w = try arguments.input(1)
        let node = arguments.node
        guard x.rank >= 3, w.rank == x.rank else {
            throw arguments.failure("Conv needs X [N, C, spatial…] and W of the same rank, got \(x.shape) and \(w.shape)")
        }
        let groups = node.int("group", default: 1)
        let batch = x.shape[0], channels = x.shape[1], outChannels = w.shape[0]
        let spatial = Array(x.shape[2...])
        guard groups > 0, channels % groups == 0, outChannels % groups == 0, w.shape[1] * groups == channels else {
            throw arguments.failure("W \(w.shape) does not fit X \(x.shape) with group=\(groups)")
        }
        let kernelShape = node.ints("kernel_shape") ?? Array(w.shape[2...])
        guard kernelShape == Array(w.shape[2...]) else { throw arguments.failure("kernel_shape \(kernelShape) differs from W \(w.shape)") }
        let geometry = try WindowGeometry(node: node, input: spatial, kernel: kernelShape, allowCeil: false, arguments: arguments)
        let bias = arguments.optional(2)
        if let bias, bias.count != outChannels { throw arguments.failure("bias has \(bias.count) values for \(outChannels) output channels") }

        let inStrides = Tensor.strides(of: spatial)
        let inPlane = spatial.reduce(1, *)
        let taps = geometry.taps
        let kernelSize = taps.count
        let positions = geometry.outputPositions
        let outPlane = positions.count
        let channelsPerGroup = channels / groups, outPerGroup = outChannels / groups
        // For each output position, the input offset of each tap (or -1 in the padding).
        var tapOffsets = [Int](repeating: -1, count: outPlane * kernelSize)
        for (p, position) in positions.enumerated() {
            for (t, tap) in taps.enumerated() {
                var offset = 0
                var inside = true
                for axis in 0..<spatial.count {
                    let coordinate = position[axis] * geometry.strides[axis] - geometry.padBegin[axis] + tap[axis]
                    if coordinate < 0 || coordinate >= spatial[axis] { inside = false; break }
                    offset += coordinate * inStrides[axis]
                }
                if inside { tapOffsets[p * kernelSize + t] = offset }
            }
        }
        var out = [Double](repeating: 0, count: batch * outChannels * outPlane)
        x.values.withUnsafeBufferPointer { input in
            w.values.withUnsafeBufferPointer { weights in
                for n in 0..<batch {
                    for m in 0..<outChannels {
                        let group = m / outPerGroup
                        let outBase = (n * outChannels + m) * outPlane
                        let start = bias?.values[m] ?? 0
                        for p in 0..<outPlane { out[outBase + p] = start }
                        for c in 0..<channelsPerGroup {
                            let inBase = (n * channels + group * channelsPerGroup + c) * inPlane
                            let wBase = (m * channelsPerGroup + c) * kernelSize
                            for p in 0..<outPlane {
                                var sum = 0.0
                                let tapBase = p * kernelSize
                                for t in 0..<kernelSize {
                                    let offset = tapOffsets[tapBase + t]
                                    if offset >= 0 { sum += input[inBase + offset] * weights[wBase + t] }
                                }
                                out[outBase + p] += sum
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(shape: [batch, outChannels] + geometry.outputSize, elementType: x.elementType, values: out)
            .roundedToElementType()]
    }
}
