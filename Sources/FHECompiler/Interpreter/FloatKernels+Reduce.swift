// Reductions over axes: ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd.
import FHECore

extension FloatKernels {
    static let reduceKernels: [String: Kernel] = [
        "ReduceSum": { try reduce($0, initial: 0, combine: +, finish: { value, _ in value }) },
        "ReduceMean": { try reduce($0, initial: 0, combine: +, finish: { value, count in value / Double(count) }) },
        "ReduceMax": { try reduce($0, initial: -.infinity, combine: { max($0, $1) }, finish: { value, _ in value }) },
        "ReduceMin": { try reduce($0, initial: .infinity, combine: { min($0, $1) }, finish: { value, _ in value }) },
        "ReduceProd": { try reduce($0, initial: 1, combine: *, finish: { value, _ in value }) },
    ]

    /// Reduces over the axes from input 1 (ReduceSum ≥ 13, all ≥ 18) or the `axes` attribute;
    /// no axes reduces everything unless noop_with_empty_axes = 1.
    static func reduce(_ arguments: KernelArguments, initial: Double, combine: (Double, Double) -> Double,
                       finish: (Double, Int) -> Double) throws -> [Tensor] {
        let x = try arguments.input(0)
        let node = arguments.node
        var axes = try arguments.integers(1) ?? node.ints("axes") ?? []
        if axes.isEmpty {
            if node.int("noop_with_empty_axes", default: 0) != 0 { return [x] }
            axes = Array(0..<x.rank)
        }
        let reduced = Set(try axes.map { try arguments.axis($0, rank: x.rank) })
        let keepDims = node.int("keepdims", default: 1) != 0
        let keptShape = x.shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outCount = keptShape.reduce(1, *)
        var accumulators = [Double](repeating: initial, count: outCount)
        // Map every input element to its output slot via the kept-shape strides.
        let outStrides = Tensor.strides(of: keptShape)
        let inStrides = Tensor.strides(of: x.shape)
        for flat in 0..<x.count {
            var target = 0
            for axis in 0..<x.rank where !reduced.contains(axis) {
                target += (flat / inStrides[axis]) % x.shape[axis] * outStrides[axis]
            }
            accumulators[target] = combine(accumulators[target], x.values[flat])
        }
        let groupSize = x.count / max(outCount, 1)
        let values = accumulators.map { finish($0, groupSize) }
        let shape = keepDims ? keptShape : x.shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        return [Tensor(shape: shape, elementType: x.elementType, values: values).roundedToElementType()]
    }
}
