// Every leveled operation with clear weights as one sparse affine map over the concatenated operands,
// so the encrypted evaluator applies them all with one loop (docs/NOISE.md#linear-operations: a dot product
// with clear integer weights is exact on ciphertexts).

/// out[i] = Σ_t weight_t · in[source_t] + constant[i], with the terms of output i in `terms[i]`.
struct LinearMap {
    var terms: [[(source: Int, weight: Int64)]]
    var constants: [Int64]

    /// The map of a leveled operation whose operands are all known at compile time except the
    /// encrypted inputs; nil for kinds that are not such a map.
    init?(_ kind: OperationKind, operandShapes: [[Int]]) {
        let shape = operandShapes[0]
        let inCount = shape.reduce(1, *)
        switch kind {
        case .matMul(let w):
            let k = w.shape[0], n = w.shape[1], rows = inCount / k
            terms = []
            terms.reserveCapacity(rows * n)
            for r in 0..<rows {
                for j in 0..<n {
                    terms.append((0..<k).compactMap { l in
                        let v = w.values[l * n + j]
                        return v == 0 ? nil : (r * k + l, v)
                    })
                }
            }
            constants = [Int64](repeating: 0, count: rows * n)
        case .conv(let w, let geometry, let groups, let padValue):
            let channels = shape[0], spatial = Array(shape.dropFirst())
            let (out, taps) = IntegerKernels.windows(spatial: spatial, geometry: geometry)
            let outChannels = w.shape[0], perGroupIn = channels / groups, perGroupOut = outChannels / groups
            let inPlane = spatial.reduce(1, *), outPlane = out.reduce(1, *)
            let kernelCount = geometry.kernelShape.reduce(1, *)
            terms = []
            constants = []
            for oc in 0..<outChannels {
                let g = oc / perGroupOut
                for p in 0..<outPlane {
                    var row: [(Int, Int64)] = []
                    var constant: Int64 = 0
                    for ci in 0..<perGroupIn {
                        let c = g * perGroupIn + ci
                        let wBase = (oc * perGroupIn + ci) * kernelCount
                        for (kk, t) in taps[p].enumerated() {
                            let weight = w.values[wBase + kk]
                            if weight == 0 { continue }
                            if t < 0 { constant &+= padValue &* weight } else { row.append((c * inPlane + t, weight)) }
                        }
                    }
                    terms.append(row)
                    constants.append(constant)
                }
            }
        case .reduceSum(let axes, _):
            let reduced = shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
            let target = Broadcast.sourceIndices(from: reduced, to: shape)
            terms = [[(Int, Int64)]](repeating: [], count: reduced.reduce(1, *))
            for i in 0..<inCount { terms[target[i]].append((i, 1)) }
            constants = [Int64](repeating: 0, count: terms.count)
        case .addConstant(let c), .mulConstant(let c):
            let map = Broadcast.sourceIndices(from: c.shape, to: shape)
            let isAdd = if case .addConstant = kind { true } else { false }
            terms = (0..<inCount).map { [($0, isAdd ? 1 : c.values[map[$0]])] }
            constants = (0..<inCount).map { isAdd ? c.values[map[$0]] : 0 }
        case .add, .subtract:
            let sign: Int64 = if case .add = kind { 1 } else { -1 }
            terms = (0..<inCount).map { [($0, 1), (inCount + $0, sign)] }
            constants = [Int64](repeating: 0, count: inCount)
        case .input, .multiply, .matMulEncrypted, .tableLookup, .round, .maxPool,
             .reshape, .transpose, .slice, .concat, .pad, .gather, .expand:
            return nil
        }
    }
}
