// Shape and data-movement ops: Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Expand, Concat,
// Gather, Slice, Pad, Tile, Split, Shape, Size, ConstantOfShape.
import FHECore

extension FloatKernels {
    static let shapeKernels: [String: Kernel] = [
        "Reshape": reshapeKernel,
        "Flatten": { arguments in
            let x = try arguments.input(0)
            // Flatten's axis lies in [-rank, rank]; rank puts everything in the rows.
            let raw = arguments.node.int("axis", default: 1)
            guard raw >= -x.rank && raw <= x.rank else { throw arguments.failure("axis \(raw) is out of range for rank \(x.rank)") }
            let axis = raw < 0 ? raw + x.rank : raw
            let rows = x.shape[..<axis].reduce(1, *)
            return [x.reshaped([rows, x.count / max(rows, 1)])]
        },
        "Transpose": { arguments in
            let x = try arguments.input(0)
            let perm = arguments.node.ints("perm") ?? Array((0..<x.rank).reversed())
            return [try permute(x, perm, arguments)]
        },
        "Squeeze": { arguments in
            let x = try arguments.input(0)
            let axes = try (arguments.integers(1) ?? arguments.node.ints("axes"))
                .map { try Set($0.map { try arguments.axis($0, rank: x.rank) }) }
            if let axes, let bad = axes.first(where: { x.shape[$0] != 1 }) {
                throw arguments.failure("cannot squeeze axis \(bad) of size \(x.shape[bad])")
            }
            let shape = x.shape.enumerated().filter { entry in axes.map { !$0.contains(entry.offset) } ?? (entry.element != 1) }
            return [x.reshaped(shape.map(\.element))]
        },
        "Unsqueeze": { arguments in
            let x = try arguments.input(0)
            guard let raw = try arguments.integers(1) ?? arguments.node.ints("axes") else { throw arguments.failure("axes are required") }
            let rank = x.rank + raw.count
            let axes = Set(try raw.map { try arguments.axis($0, rank: rank) })
            guard axes.count == raw.count else { throw arguments.failure("axes \(raw) repeat an axis") }
            var source = x.shape.makeIterator()
            return [x.reshaped((0..<rank).map { axes.contains($0) ? 1 : source.next()! })]
        },
        "Expand": { arguments in
            let x = try arguments.input(0)
            guard let target = try arguments.integers(1), let shape = Tensor.broadcastShape(x.shape, target) else {
                throw arguments.failure("shape does not broadcast with \(try arguments.input(0).shape)")
            }
            try arguments.checkSize(shape)
            return [x.broadcast(to: shape)]
        },
        "Concat": { arguments in
            let parts = arguments.inputs.compactMap { $0 }
            guard let first = parts.first else { throw arguments.failure(.missingInput, "needs at least one input") }
            let axis = try arguments.axis(arguments.node.int("axis", default: 0), rank: first.rank)
            for part in parts where part.rank != first.rank
                || part.shape.enumerated().contains(where: { $0.offset != axis && $0.element != first.shape[$0.offset] }) {
                throw arguments.failure("cannot concatenate shapes \(parts.map(\.shape)) on axis \(axis)")
            }
            let outer = first.shape[..<axis].reduce(1, *)
            var values: [Double] = []
            values.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for o in 0..<outer {
                for part in parts {
                    let block = part.count / max(outer, 1)
                    values += part.values[(o * block)..<((o + 1) * block)]
                }
            }
            var shape = first.shape
            shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
            return [Tensor(shape: shape, elementType: first.elementType, values: values)]
        },
        "Gather": { arguments in
            let data = try arguments.input(0), indices = try arguments.input(1)
            let axis = try arguments.axis(arguments.node.int("axis", default: 0), rank: data.rank)
            let size = data.shape[axis]
            let picks = try indices.values.map { value -> Int in
                let index = integer(value)
                guard index >= -size && index < size else { throw arguments.failure("index \(index) is out of range for axis \(axis) of size \(size)") }
                return index < 0 ? index + size : index
            }
            var maps = data.shape.map { Array(0..<$0) }
            maps[axis] = picks
            var flatShape = data.shape
            flatShape[axis] = picks.count
            let gathered = remap(data, shape: flatShape, axisMaps: maps, fill: 0)
            return [gathered.reshaped(Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...]))]
        },
        "Slice": sliceKernel,
        "Pad": padKernel,
        "Tile": { arguments in
            let x = try arguments.input(0)
            guard let repeats = try arguments.integers(1), repeats.count == x.rank, repeats.allSatisfy({ $0 >= 0 }) else {
                throw arguments.failure("repeats must hold one non-negative count per axis of \(try arguments.input(0).shape)")
            }
            let shape = zip(x.shape, repeats).map { $0 * $1 }
            try arguments.checkSize(shape)
            return [remap(x, shape: shape, axisMaps: zip(x.shape, shape).map { size, total in (0..<total).map { $0 % size } }, fill: 0)]
        },
        "Split": { arguments in
            let x = try arguments.input(0)
            let axis = try arguments.axis(arguments.node.int("axis", default: 0), rank: x.rank)
            let count = arguments.node.outputs.count
            var sizes = try arguments.integers(1) ?? arguments.node.ints("split") ?? []
            if sizes.isEmpty {
                let parts = arguments.node.int("num_outputs", default: count)
                let chunk = (x.shape[axis] + parts - 1) / parts
                sizes = (0..<parts).map { min(chunk, max(0, x.shape[axis] - $0 * chunk)) }
            }
            guard sizes.reduce(0, +) == x.shape[axis], sizes.count == count else {
                throw arguments.failure("split sizes \(sizes) do not add up to axis \(axis) of \(x.shape) over \(count) outputs")
            }
            var start = 0
            return sizes.map { size in
                var maps = x.shape.map { Array(0..<$0) }
                maps[axis] = Array(start..<(start + size))
                start += size
                var shape = x.shape
                shape[axis] = size
                return remap(x, shape: shape, axisMaps: maps, fill: 0)
            }
        },
        "Shape": { arguments in
            let x = try arguments.input(0)
            let rank = x.rank
            func clampAxis(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
            let start = clampAxis(arguments.node.int("start", default: 0))
            let end = clampAxis(arguments.node.int("end", default: rank))
            let dims = start < end ? Array(x.shape[start..<end]) : []
            return [Tensor(shape: [dims.count], elementType: .int64, values: dims.map(Double.init))]
        },
        "Size": { arguments in [Tensor(scalar: Double(try arguments.input(0).count), elementType: .int64)] },
        "ConstantOfShape": { arguments in
            guard let shape = try arguments.integers(0), shape.allSatisfy({ $0 >= 0 }) else {
                throw arguments.failure("shape input must hold non-negative dimensions")
            }
            try arguments.checkSize(shape)
            var fill = Tensor(scalar: 0)
            if case .tensor(let value)? = arguments.node.attributes["value"] { fill = value }
            return [Tensor(shape: shape, elementType: fill.elementType,
                           values: [Double](repeating: fill.values.first ?? 0, count: shape.reduce(1, *)))]
        },
    ]

    /// A Double holding an index or dimension as Int, saturating far outside the Int range
    /// (ONNX uses ±2^63 to mean "to the end").
    static func integer(_ value: Double) -> Int {
        if value >= 4.0e18 { return Int(4.0e18) }
        if value <= -4.0e18 { return Int(-4.0e18) }
        return Int(value)
    }

    /// A tensor of `shape` whose element at coordinates (i₀, i₁, …) is x's element at
    /// (axisMaps[0][i₀], axisMaps[1][i₁], …); a −1 coordinate reads `fill`.
    static func remap(_ x: Tensor, shape: [Int], axisMaps: [[Int]], fill: Double) -> Tensor {
        let strides = Tensor.strides(of: x.shape)
        let total = shape.reduce(1, *)
        var values = [Double](repeating: fill, count: total)
        guard total > 0 else { return Tensor(shape: shape, elementType: x.elementType, values: values) }
        var coordinate = [Int](repeating: 0, count: shape.count)
        for position in 0..<total {
            var offset = 0, inside = true
            for axis in 0..<shape.count {
                let source = axisMaps[axis][coordinate[axis]]
                if source < 0 { inside = false; break }
                offset += source * strides[axis]
            }
            if inside { values[position] = x.values[offset] }
            var axis = shape.count - 1
            while axis >= 0 {
                coordinate[axis] += 1
                if coordinate[axis] < shape[axis] { break }
                coordinate[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: shape, elementType: x.elementType, values: values)
    }

    /// Axes of `x` reordered by `perm` (output axis i is input axis perm[i]).
    static func permute(_ x: Tensor, _ perm: [Int], _ arguments: KernelArguments) throws -> Tensor {
        guard perm.sorted() == Array(0..<x.rank) else { throw arguments.failure("perm \(perm) is not a permutation of \(x.rank) axes") }
        let shape = perm.map { x.shape[$0] }
        let inStrides = Tensor.strides(of: x.shape)
        let strides = perm.map { inStrides[$0] }
        let values = Tensor.stridedOffsets(shape: shape, strides: strides).map { x.values[$0] }
        return Tensor(shape: shape, elementType: x.elementType, values: values)
    }

    static let reshapeKernel: Kernel = { arguments in
        let x = try arguments.input(0)
        guard var shape = try arguments.integers(1) else { throw arguments.failure(.missingInput, "shape input is required") }
        let allowZero = arguments.node.int("allowzero", default: 0) != 0
        for (axis, dimension) in shape.enumerated() where dimension == 0 && !allowZero {
            guard axis < x.rank else { throw arguments.failure("shape \(shape) copies axis \(axis), which \(x.shape) lacks") }
            shape[axis] = x.shape[axis]
        }
        let inferred = shape.indices.filter { shape[$0] == -1 }
        guard inferred.count <= 1, shape.allSatisfy({ $0 >= -1 }) else { throw arguments.failure("invalid target shape \(shape)") }
        if let axis = inferred.first {
            let known = shape.enumerated().filter { $0.offset != axis }.reduce(1) { $0 * $1.element }
            guard known > 0, x.count % known == 0 else { throw arguments.failure("cannot reshape \(x.shape) to \(shape)") }
            shape[axis] = x.count / known
        }
        guard Tensor.checkedElementCount(shape) == x.count else { throw arguments.failure("cannot reshape \(x.shape) (\(x.count) elements) to \(shape)") }
        return [x.reshaped(shape)]
    }

    static let sliceKernel: Kernel = { arguments in
        let x = try arguments.input(0)
        guard let starts = try arguments.integers(1), let ends = try arguments.integers(2), starts.count == ends.count else {
            throw arguments.failure("starts and ends are required and must have equal length")
        }
        let axes = try (arguments.integers(3) ?? Array(0..<starts.count)).map { try arguments.axis($0, rank: x.rank) }
        let steps = try arguments.integers(4) ?? [Int](repeating: 1, count: starts.count)
        guard axes.count == starts.count, steps.count == starts.count, steps.allSatisfy({ $0 != 0 }) else {
            throw arguments.failure("axes/steps must match starts, and steps must be non-zero")
        }
        var maps = x.shape.map { Array(0..<$0) }
        for (i, axis) in axes.enumerated() {
            let size = x.shape[axis], step = steps[i]
            var start = starts[i] < 0 ? starts[i] + size : starts[i]
            var end = ends[i] < 0 ? ends[i] + size : ends[i]
            if step > 0 {
                start = min(max(start, 0), size)
                end = min(max(end, 0), size)
            } else {
                start = min(max(start, -1), size - 1)
                end = min(max(end, -1), size - 1)
            }
            maps[axis] = Array(stride(from: start, to: end, by: step))
        }
        return [remap(x, shape: maps.map(\.count), axisMaps: maps, fill: 0)]
    }

    static let padKernel: Kernel = { arguments in
        let x = try arguments.input(0)
        guard let rawPads = try arguments.integers(1) ?? arguments.node.ints("pads") else { throw arguments.failure("pads are required") }
        let axes = try (arguments.integers(3) ?? Array(0..<x.rank)).map { try arguments.axis($0, rank: x.rank) }
        guard rawPads.count == 2 * axes.count else { throw arguments.failure("pads \(rawPads) need two values per padded axis (\(axes.count))") }
        let fill = arguments.optional(2)?.values.first ?? arguments.node.float("value", default: 0)
        let mode = arguments.node.string("mode", default: "constant")
        var maps = x.shape.map { Array(0..<$0) }
        var shape = x.shape
        for (i, axis) in axes.enumerated() {
            let size = x.shape[axis], before = rawPads[i], after = rawPads[i + axes.count]
            let total = size + before + after
            guard total >= 0, total <= Tensor.maximumElementCount else {
                throw arguments.failure("pads \(rawPads) give axis \(axis) an invalid size \(total)")
            }
            shape[axis] = total
            maps[axis] = try (0..<total).map { position in
                let source = position - before
                if source >= 0 && source < size { return source }
                switch mode {
                case "constant": return -1
                case "edge": return min(max(source, 0), size - 1)
                case "reflect":
                    guard size > 1 else { return 0 }
                    let period = 2 * (size - 1)
                    var folded = source % period
                    if folded < 0 { folded += period }
                    return folded < size ? folded : period - folded
                case "wrap":
                    var wrapped = source % size
                    if wrapped < 0 { wrapped += size }
                    return wrapped
                default:
                    throw arguments.failure(.unsupportedFeature, "pad mode '\(mode)' is not supported")
                }
            }
        }
        try arguments.checkSize(shape)
        return [remap(x, shape: shape, axisMaps: maps, fill: fill)]
    }
}
