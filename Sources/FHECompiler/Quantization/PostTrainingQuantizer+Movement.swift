// Data movement on encrypted tensors: the integers move in the circuit (no TLU), and the pending float
// chain moves with them, so a univariate chain before a reshape still costs one table after it.
import FHECore

extension PostTrainingQuantizer {
    mutating func move(_ node: Node) throws {
        let (expr, producer) = try fused(node.inputs[0], of: node)
        let shape = circuit[producer].shape
        let full = [1] + shape
        let kind = try movementKind(node, sampleShape: shape, fullShape: full)
        let moved = emit(kind, [producer], label: node.name)
        symbols[node.outputs[0]] = .fused(.move(kind, expr, innerShape: shape), producer: moved)
    }

    /// The per-sample circuit operation of an ONNX data-movement node (batch axis 0 must stay in place).
    func movementKind(_ node: Node, sampleShape shape: [Int], fullShape full: [Int]) throws -> OperationKind {
        let rank = full.count
        func fail(_ why: String) -> QuantizationError { QuantizationError(node: node.name, op: node.opType, why) }
        func normalize(_ axis: Int, _ r: Int = rank) -> Int { axis < 0 ? axis + r : axis }
        switch node.opType {
        case "Reshape":
            var target = try requireConstant(1, of: node, "shape").values.map { Int($0) }
            for i in target.indices where target[i] == 0 && int(node, "allowzero", default: 0) == 0 { target[i] = full[i] }
            if let inferred = target.firstIndex(of: -1) {
                target[inferred] = 1
                target[inferred] = full.reduce(1, *) / target.reduce(1, *)
            }
            guard target.first == 1, target.reduce(1, *) == full.reduce(1, *) else { throw fail("reshape to \(target) must keep the batch axis first") }
            return .reshape(shape: Array(target.dropFirst()))
        case "Flatten":
            let axis = normalize(int(node, "axis", default: 1))
            guard axis <= 1 else { throw fail("flatten at axis \(axis) would merge sample axes into the batch") }
            return .reshape(shape: [shape.reduce(1, *)])
        case "Transpose":
            let perm = ints(node, "perm") ?? Array((0..<rank).reversed())
            guard perm.first == 0 else { throw fail("transpose \(perm) moves the batch axis") }
            return .transpose(permutation: perm.dropFirst().map { $0 - 1 })
        case "Squeeze", "Unsqueeze":
            var axes = ints(node, "axes") ?? []
            if node.inputs.count > 1, !node.inputs[1].isEmpty { axes = try requireConstant(1, of: node, "axes").values.map { Int($0) } }
            var out = full
            if node.opType == "Squeeze" {
                axes = axes.isEmpty ? full.indices.filter { full[$0] == 1 && $0 > 0 } : axes.map { normalize($0) }
                guard !axes.contains(0) else { throw fail("squeezing the batch axis") }
                out = full.indices.filter { !axes.contains($0) }.map { full[$0] }
            } else {
                let outRank = rank + axes.count
                for a in axes.map({ normalize($0, outRank) }).sorted() { out.insert(1, at: a) }
                guard out.first == 1, !axes.map({ normalize($0, outRank) }).contains(0) else { throw fail("unsqueezing before the batch axis") }
            }
            return .reshape(shape: Array(out.dropFirst()))
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
            guard Slicing.count(start: s[0], end: e[0], step: st[0]) == 1 else { throw fail("slicing the batch axis") }
            return .slice(starts: Array(s.dropFirst()), ends: Array(e.dropFirst()), steps: Array(st.dropFirst()))
        case "Gather":
            let axis = normalize(int(node, "axis", default: 0))
            guard axis >= 1 else { throw fail("gathering along the batch axis") }
            let indices = try requireConstant(1, of: node, "indices")
            let dim = full[axis]
            return .gather(axis: axis - 1, indices: indices.values.map { let i = Int($0); return i < 0 ? i + dim : i }, indicesShape: indices.shape)
        case "Expand":
            let target = Broadcast.shape(full, try requireConstant(1, of: node, "shape").values.map { Int($0) })
            guard target.first == 1 else { throw fail("expanding the batch axis") }
            return .expand(shape: Array(target.dropFirst()))
        default:
            throw fail("not a data-movement operator")
        }
    }
}
