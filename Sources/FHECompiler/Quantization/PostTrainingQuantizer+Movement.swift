// Data movement on encrypted tensors: the integers move in the circuit (no TLU), and the pending float
// chain moves with them, so a univariate chain before a reshape still costs one table after it.
import FHECore

extension PostTrainingQuantizer {
    mutating func move(_ node: Node) throws {
        var (expr, producer) = try fused(node.inputs[0], of: node)
        var batched = !unbatched.contains(node.inputs[0])
        let shape = circuit[producer].shape
        let whole = try movementKind(node, fullShape: batched ? [1] + shape : shape)
        var kind = whole
        if batched {
            switch Self.perSample(whole) {
            case .success(let k):
                kind = k
            case .failure(let refusal):
                guard isBatchOne else {
                    throw QuantizationError(node: node.name, op: node.opType, refusal.reason
                                            + "; the model has a dynamic batch, so its samples cannot be told apart after this: export it with batch size 1 (as Concrete ML traces models)")
                }
                // A batch-1 model runs one sample at a time: its batch axis becomes an ordinary axis of the sample.
                let lift = OperationKind.reshape(shape: [1] + shape)
                let lifted = emit(lift, [producer], label: node.name)
                (expr, producer) = (.move(lift, expr, innerShape: shape), lifted)
                batched = false
            }
        }
        let inner = circuit[producer].shape
        let moved = emit(kind, [producer], label: node.name)
        symbols[node.outputs[0]] = .fused(.move(kind, expr, innerShape: inner), producer: moved)
        if !batched { unbatched.insert(node.outputs[0]) }
    }

    /// Why a movement cannot run per sample.
    struct BatchAxisRefusal: Error {
        var reason: String
    }

    /// The per-sample form of a movement of a whole tensor whose axis 0 is the batch axis (size 1), when the
    /// batch axis stays first.
    static func perSample(_ kind: OperationKind) -> Result<OperationKind, BatchAxisRefusal> {
        func refuse(_ why: String) -> Result<OperationKind, BatchAxisRefusal> { .failure(BatchAxisRefusal(reason: why)) }
        switch kind {
        case .reshape(let target):
            return target.first == 1 ? .success(.reshape(shape: Array(target.dropFirst()))) : refuse("reshape to \(target) must keep the batch axis first")
        case .transpose(let perm):
            return perm.first == 0 ? .success(.transpose(permutation: perm.dropFirst().map { $0 - 1 })) : refuse("transpose \(perm) moves the batch axis")
        case .slice(let starts, let ends, let steps):
            guard Slicing.count(start: starts[0], end: ends[0], step: steps[0]) == 1 else { return refuse("slicing the batch axis") }
            return .success(.slice(starts: Array(starts.dropFirst()), ends: Array(ends.dropFirst()), steps: Array(steps.dropFirst())))
        case .gather(let axis, let indices, let indicesShape):
            return axis >= 1 ? .success(.gather(axis: axis - 1, indices: indices, indicesShape: indicesShape)) : refuse("gathering along the batch axis")
        case .expand(let target):
            return target.first == 1 ? .success(.expand(shape: Array(target.dropFirst()))) : refuse("expanding the batch axis")
        default:
            return refuse("not a data-movement operator")
        }
    }

    /// The circuit operation of an ONNX data-movement node on a whole tensor of shape `full` (its batch axis,
    /// if it has one, included as axis 0).
    func movementKind(_ node: Node, fullShape full: [Int]) throws -> OperationKind {
        let rank = full.count
        func fail(_ why: String) -> QuantizationError { QuantizationError(node: node.name, op: node.opType, why) }
        func normalize(_ axis: Int, _ r: Int = rank) -> Int { axis < 0 ? axis + r : axis }
        // Axis 0 stands for a batch of any size: only movements that keep it in place are per-sample.
        let dynamicBatchFirst = graph.dynamicBatch && !unbatched.contains(node.inputs[0])
        switch node.opType {
        case "Reshape":
            var target = try requireConstant(1, of: node, "shape").values.map { Int($0) }
            for i in target.indices where target[i] == 0 && int(node, "allowzero", default: 0) == 0 { target[i] = full[i] }
            if let inferred = target.firstIndex(of: -1) {
                target[inferred] = 1
                target[inferred] = full.reduce(1, *) / target.reduce(1, *)
            }
            guard target.reduce(1, *) == full.reduce(1, *) else { throw fail("reshape of \(full) to \(target) changes the element count") }
            return .reshape(shape: target)
        case "Flatten":
            let axis = normalize(int(node, "axis", default: 1))
            return .reshape(shape: [full[..<axis].reduce(1, *), full[axis...].reduce(1, *)])
        case "Transpose":
            return .transpose(permutation: ints(node, "perm") ?? Array((0..<rank).reversed()))
        case "Squeeze", "Unsqueeze":
            var axes = ints(node, "axes") ?? []
            if node.inputs.count > 1, !node.inputs[1].isEmpty { axes = try requireConstant(1, of: node, "axes").values.map { Int($0) } }
            var out = full
            if node.opType == "Squeeze" {
                // A dynamic batch is not known to be 1, so squeezing every unit axis leaves it alone.
                let first = dynamicBatchFirst ? 1 : 0
                axes = axes.isEmpty ? full.indices.filter { full[$0] == 1 && $0 >= first } : axes.map { normalize($0) }
                out = full.indices.filter { !axes.contains($0) }.map { full[$0] }
            } else {
                let outRank = rank + axes.count
                let inserted = axes.map { normalize($0, outRank) }
                if dynamicBatchFirst && inserted.contains(0) { throw fail("unsqueezing before the batch axis of a model with a dynamic batch") }
                for a in inserted.sorted() { out.insert(1, at: a) }
            }
            return .reshape(shape: out)
        case "Slice":
            let starts = try requireConstant(1, of: node, "starts").values.map { Int($0) }
            let ends = try requireConstant(2, of: node, "ends").values.map { Int($0) }
            let axes = node.inputs.count > 3 && !node.inputs[3].isEmpty ? try requireConstant(3, of: node, "axes").values.map { normalize(Int($0)) } : Array(0..<starts.count)
            let steps = node.inputs.count > 4 && !node.inputs[4].isEmpty ? try requireConstant(4, of: node, "steps").values.map { Int($0) } : [Int](repeating: 1, count: starts.count)
            var s = [Int](repeating: 0, count: rank), e = full, st = [Int](repeating: 1, count: rank)
            for (i, axis) in axes.enumerated() {
                let dim = full[axis], step = steps[i]
                var b = starts[i] < 0 ? starts[i] + dim : starts[i]
                var en = ends[i] < -dim ? -1 : (ends[i] < 0 ? ends[i] + dim : ends[i])
                if step > 0 { b = min(max(b, 0), dim); en = min(max(en, 0), dim) } else { b = min(max(b, 0), dim - 1); en = min(max(en, -1), dim - 1) }
                (s[axis], e[axis], st[axis]) = (b, en, step)
            }
            return .slice(starts: s, ends: e, steps: st)
        case "Gather":
            let axis = normalize(int(node, "axis", default: 0))
            let indices = try requireConstant(1, of: node, "indices")
            let dim = full[axis]
            return .gather(axis: axis, indices: indices.values.map { let i = Int($0); return i < 0 ? i + dim : i }, indicesShape: indices.shape)
        case "Expand":
            return .expand(shape: Broadcast.shape(full, try requireConstant(1, of: node, "shape").values.map { Int($0) }))
        default:
            throw fail("not a data-movement operator")
        }
    }

    /// Gather from a constant table by encrypted indices (an embedding, Concrete ML's one-hot matmul): the
    /// indices are spread over the row's axes in the circuit (free data movement), and the chain reads element
    /// e of the row each index selects, so the next table lookup has one table per row position.
    mutating func embedding(_ node: Node, table: Tensor) throws {
        let axis = int(node, "axis", default: 0)
        guard axis == 0 || axis == -table.rank, table.rank >= 1, table.shape[0] > 0 else {
            throw QuantizationError(node: node.name, op: node.opType,
                                    "encrypted indices can select rows (axis 0) of a constant table, not axis \(axis) of \(table.shape)")
        }
        var (expr, producer) = try fused(node.inputs[1], of: node)
        let indexShape = circuit[producer].shape
        let row = Array(table.shape.dropFirst())
        if !row.isEmpty {
            for kind in [OperationKind.reshape(shape: indexShape + row.map { _ in 1 }), .expand(shape: indexShape + row)] {
                let inner = circuit[producer].shape
                producer = emit(kind, [producer], label: node.name)
                expr = .move(kind, expr, innerShape: inner)
            }
        }
        symbols[node.outputs[0]] = .fused(.tableRows(table, indices: expr), producer: producer)
        log.append("  \(node.name): embedding of \(table.shape[0]) rows of \(row), one table per row position")
    }
}
