// Shape inference for circuit operations (per-sample shapes).

extension OperationKind {
    /// The per-sample result shape for the given operand shapes.
    /// - Precondition: the shapes fit the operation (the compiler builds only valid circuits).
    public func resultShape(operandShapes s: [[Int]]) -> [Int] {
        switch self {
        case .input:
            preconditionFailure("input shapes are given, not inferred")
        case .matMul(let w):
            precondition(w.shape.count == 2 && s[0].last == w.shape[0], "matmul: input \(s[0]) against weights \(w.shape)")
            return Array(s[0].dropLast()) + [w.shape[1]]
        case .conv(let w, let g, let groups, _):
            let spatial = Array(s[0].dropFirst())
            precondition(spatial.count == g.kernelShape.count && s[0][0] == w.shape[1] * groups && w.shape[0] % groups == 0,
                         "conv: input \(s[0]) against weights \(w.shape), groups \(groups)")
            return [w.shape[0]] + g.outputSpatialShape(input: spatial)
        case .maxPool(let g, _):
            precondition(s[0].count == g.kernelShape.count + 1, "maxpool: input \(s[0]) against kernel \(g.kernelShape)")
            return [s[0][0]] + g.outputSpatialShape(input: Array(s[0].dropFirst()))
        case .reduceSum(let axes, let keepDims):
            precondition(axes.allSatisfy { $0 >= 0 && $0 < s[0].count }, "reduce_sum axes \(axes) for shape \(s[0])")
            return s[0].indices.compactMap { axes.contains($0) ? (keepDims ? 1 : nil) : s[0][$0] }
        case .addConstant(let c), .mulConstant(let c):
            precondition(Broadcast.shape(c.shape, s[0]) == s[0], "constant \(c.shape) does not broadcast to \(s[0])")
            return s[0]
        case .add, .subtract, .multiply:
            precondition(s.count == 2 && s[0] == s[1], "element-wise operands differ in shape: \(s)")
            return s[0]
        case .matMulEncrypted:
            precondition(s.count == 2 && s[0].count >= 2 && s[0].count == s[1].count && s[0].last == s[1][s[1].count - 2]
                         && s[0].dropLast(2) == s[1].dropLast(2), "matmul_enc shapes \(s)")
            return Array(s[0].dropLast()) + [s[1].last!]
        case .tableLookup(let t):
            precondition(t.selector == nil || t.selector!.count == s[0].reduce(1, *), "table selector size for shape \(s[0])")
            return s[0]
        case .round:
            return s[0]
        case .reshape(let shape):
            precondition(shape.reduce(1, *) == s[0].reduce(1, *), "reshape \(s[0]) to \(shape)")
            return shape
        case .transpose(let perm):
            precondition(perm.sorted() == Array(s[0].indices), "transpose permutation \(perm) for shape \(s[0])")
            return perm.map { s[0][$0] }
        case .slice(let starts, let ends, let steps):
            precondition(starts.count == s[0].count && ends.count == s[0].count && steps.count == s[0].count
                         && steps.allSatisfy { $0 != 0 }, "slice of \(s[0])")
            return s[0].indices.map { Slicing.count(start: starts[$0], end: ends[$0], step: steps[$0]) }
        case .concat(let axis):
            precondition(s.allSatisfy { $0.count == s[0].count } && axis >= 0 && axis < s[0].count, "concat shapes \(s)")
            var out = s[0]
            out[axis] = s.reduce(0) { $0 + $1[axis] }
            return out
        case .pad(let pads, _):
            precondition(pads.count == 2 * s[0].count && pads.allSatisfy { $0 >= 0 }, "pad \(pads) for shape \(s[0])")
            return s[0].indices.map { s[0][$0] + pads[$0] + pads[$0 + s[0].count] }
        case .gather(let axis, let indices, let indicesShape):
            precondition(axis >= 0 && axis < s[0].count && indices.allSatisfy { $0 >= 0 && $0 < s[0][axis] }
                         && indices.count == indicesShape.reduce(1, *), "gather on axis \(axis) of \(s[0])")
            return Array(s[0][..<axis]) + indicesShape + Array(s[0][(axis + 1)...])
        case .expand(let shape):
            return Broadcast.shape(s[0], shape)
        }
    }
}

/// NumPy broadcasting helpers.
public enum Broadcast {
    /// The broadcast of two shapes (right-aligned; 1 stretches).
    /// - Precondition: the shapes are compatible.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        return (0..<rank).map { i in
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
            return max(x, y)
        }
    }

    /// For every element of `target` (row-major), the flat index of the element of `source` broadcast onto it.
    public static func sourceIndices(from source: [Int], to target: [Int]) -> [Int] {
        precondition(source.count <= target.count, "cannot broadcast \(source) to \(target)")
        let pad = target.count - source.count
        let sourceStrides = Tensor.strides(of: source)
        return DataMovement.mapOutputIndex(target) { index in
            var s = 0
            for axis in 0..<source.count where source[axis] != 1 { s += index[axis + pad] * sourceStrides[axis] }
            return s
        }
    }
}

/// Python-style slice arithmetic (indices already clamped by the compiler).
public enum Slicing {
    /// Number of indices start, start+step, ... before end.
    public static func count(start: Int, end: Int, step: Int) -> Int {
        step > 0 ? max(0, (end - start + step - 1) / step) : max(0, (start - end + (-step) - 1) / (-step))
    }
}
