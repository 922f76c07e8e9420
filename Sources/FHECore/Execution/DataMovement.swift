// Shape and data-movement operations as index maps, shared by the integer evaluator and the compiler's float tables.

/// Reshape, transpose, slice, concat, pad, gather and expand, expressed as one gather per sample.
public enum DataMovement {
    /// For each output element, the index of its source in the concatenation of the operands'
    /// per-sample elements (operand 0 first), or −1 for a pad element.
    public static func sourceIndices(_ kind: OperationKind, operandShapes: [[Int]]) -> [Int] {
        let out = kind.resultShape(operandShapes: operandShapes)
        let input = operandShapes[0]
        let inStrides = Tensor.strides(of: input)
        switch kind {
        case .reshape:
            return Array(0..<out.reduce(1, *))
        case .expand:
            return Broadcast.sourceIndices(from: input, to: out)
        case .transpose(let perm):
            return mapOutputIndex(out) { idx in zip(perm.indices, perm).reduce(0) { $0 + idx[$1.0] * inStrides[$1.1] } }
        case .slice(let starts, _, let steps):
            return mapOutputIndex(out) { idx in idx.indices.reduce(0) { $0 + (starts[$1] + idx[$1] * steps[$1]) * inStrides[$1] } }
        case .pad(let pads, _):
            return mapOutputIndex(out) { idx in
                var flat = 0
                for axis in idx.indices {
                    let i = idx[axis] - pads[axis]
                    if i < 0 || i >= input[axis] { return -1 }
                    flat += i * inStrides[axis]
                }
                return flat
            }
        case .gather(let axis, let indices, let indicesShape):
            let q = indicesShape.count
            return mapOutputIndex(out) { idx in
                var flatIndex = 0
                for k in 0..<q { flatIndex = flatIndex * indicesShape[k] + idx[axis + k] }
                var flat = indices[flatIndex] * inStrides[axis]
                for a in 0..<axis { flat += idx[a] * inStrides[a] }
                for a in (axis + 1)..<input.count { flat += idx[a + q - 1] * inStrides[a] }
                return flat
            }
        case .concat(let axis):
            var offsets = [0]
            for s in operandShapes { offsets.append(offsets.last! + s.reduce(1, *)) }
            return mapOutputIndex(out) { idx in
                var along = idx[axis]
                var operand = 0
                while along >= operandShapes[operand][axis] { along -= operandShapes[operand][axis]; operand += 1 }
                let strides = Tensor.strides(of: operandShapes[operand])
                var flat = offsets[operand]
                for a in idx.indices { flat += (a == axis ? along : idx[a]) * strides[a] }
                return flat
            }
        case .input, .matMul, .conv, .reduceSum, .addConstant, .mulConstant, .add, .subtract, .multiply, .matMulEncrypted,
             .tableLookup, .round, .maxPool:
            preconditionFailure("\(kind) is not a data-movement operation")
        }
    }

    /// Applies an index map to a batch: operands are batched row-major buffers of `operandCounts[i]` elements per sample.
    public static func apply<T>(_ map: [Int], operands: [[T]], operandCounts: [Int], batch: Int, fill: T) -> [T] {
        var result = [T]()
        result.reserveCapacity(map.count * batch)
        // Resolve each source once into (operand, local index).
        var offsets = [0]
        for c in operandCounts { offsets.append(offsets.last! + c) }
        let resolved: [(Int, Int)] = map.map { src in
            if src < 0 { return (-1, 0) }
            var o = 0
            while src >= offsets[o + 1] { o += 1 }
            return (o, src - offsets[o])
        }
        for b in 0..<batch {
            for (o, local) in resolved {
                result.append(o < 0 ? fill : operands[o][b * operandCounts[o] + local])
            }
        }
        return result
    }

    /// `body(index)` for every multi-index of `shape` in row-major order (the source index of each output element).
    static func mapOutputIndex(_ shape: [Int], _ body: ([Int]) -> Int) -> [Int] {
        let count = shape.reduce(1, *)
        var result = [Int](repeating: 0, count: count)
        var idx = [Int](repeating: 0, count: shape.count)
        for flat in 0..<count {
            result[flat] = body(idx)
            var axis = shape.count - 1
            while axis >= 0 {
                idx[axis] += 1
                if idx[axis] < shape[axis] { break }
                idx[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
