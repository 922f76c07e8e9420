// Pooling: AveragePool, MaxPool (with optional Indices), GlobalAveragePool, GlobalMaxPool.
import FHECore

extension FloatKernels {
    static let poolKernels: [String: Kernel] = [
        "AveragePool": { try pool($0, maximum: false, global: false) },
        "MaxPool": { try pool($0, maximum: true, global: false) },
        "GlobalAveragePool": { try pool($0, maximum: false, global: true) },
        "GlobalMaxPool": { try pool($0, maximum: true, global: true) },
    ]

    /// Max or average pooling with ONNX attribute semantics: pads, strides, dilations,
    /// ceil_mode (a window may not start in the end padding), count_include_pad (padding inside
    /// [−pad_begin, in + pad_end) counts in the divisor; positions past it never do).
    static func pool(_ arguments: KernelArguments, maximum: Bool, global: Bool) throws -> [Tensor] {
        let x = try arguments.input(0)
        let node = arguments.node
        guard x.rank >= 3 else { throw arguments.failure("pooling needs X [N, C, spatial…], got \(x.shape)") }
        let spatial = Array(x.shape[2...])
        let geometry: WindowGeometry
        if global {
            var plain = node
            plain.attributes = [:]
            geometry = try WindowGeometry(node: plain, input: spatial, kernel: spatial, allowCeil: false, arguments: arguments)
        } else {
            guard let kernel = node.ints("kernel_shape") else { throw arguments.failure("kernel_shape attribute is required") }
            geometry = try WindowGeometry(node: node, input: spatial, kernel: kernel, allowCeil: true, arguments: arguments)
        }
        let columnMajor = node.int("storage_order", default: 0) != 0
        if columnMajor && spatial.count != 2 {
            throw arguments.failure(.unsupportedFeature, "storage_order=1 (column-major indices) is supported for 2-D pooling only")
        }
        let countPadding = node.int("count_include_pad", default: 0) != 0
        let inStrides = Tensor.strides(of: spatial)
        let inPlane = spatial.reduce(1, *)
        let taps = geometry.taps
        let positions = geometry.outputPositions
        let planes = x.shape[0] * x.shape[1]
        var out = [Double](repeating: 0, count: planes * positions.count)
        var indices = [Double](repeating: 0, count: out.count)
        // Per output position: input offsets of the taps inside the input, and the divisor.
        var inside: [[Int]] = []
        var divisors: [Double] = []
        for position in positions {
            var offsets: [Int] = []
            var padded = 0
            for tap in taps {
                var offset = 0, isInside = true, isInPadded = true
                for axis in 0..<spatial.count {
                    let coordinate = position[axis] * geometry.strides[axis] - geometry.padBegin[axis] + tap[axis]
                    if coordinate < 0 || coordinate >= spatial[axis] { isInside = false }
                    if coordinate < -geometry.padBegin[axis] || coordinate >= spatial[axis] + geometry.padEnd[axis] { isInPadded = false }
                    offset += coordinate * inStrides[axis]
                }
                if isInside { offsets.append(offset) }
                if isInPadded { padded += 1 }
            }
            inside.append(offsets)
            divisors.append(Double(countPadding ? padded : offsets.count))
        }
        for plane in 0..<planes {
            let inBase = plane * inPlane
            for (p, offsets) in inside.enumerated() {
                let target = plane * positions.count + p
                if maximum {
                    var best = -Double.infinity, bestIndex = -1
                    for offset in offsets where x.values[inBase + offset] > best || bestIndex < 0 {
                        best = x.values[inBase + offset]
                        bestIndex = inBase + offset
                    }
                    out[target] = best
                    if columnMajor {
                        // Index into the plane stored column by column: w · H + h.
                        let within = bestIndex - inBase
                        let (h, w) = (within / spatial[1], within % spatial[1])
                        indices[target] = Double(inBase + w * spatial[0] + h)
                    } else {
                        indices[target] = Double(bestIndex)
                    }
                } else {
                    var sum = 0.0
                    for offset in offsets { sum += x.values[inBase + offset] }
                    out[target] = divisors[p] > 0 ? sum / divisors[p] : 0
                }
            }
        }
        let shape = Array(x.shape[0..<2]) + geometry.outputSize
        var results = [Tensor(shape: shape, elementType: x.elementType, values: out).roundedToElementType()]
        if maximum && node.outputs.count > 1 {
            results.append(Tensor(shape: shape, elementType: .int64, values: indices))
        }
        return results
    }
}
