// The integer semantics of every circuit operation, on batches of samples.

/// Integer kernels on batched row-major buffers (batch axis first, then the per-sample shape).
public enum IntegerKernels {
    /// Evaluates one operation on a batch. `operands` are batched buffers of the operand shapes.
    public static func evaluate(_ kind: OperationKind, operands: [[Int64]], operandShapes: [[Int]], batch: Int) -> [Int64] {
        let x = operands.first ?? []
        let shape = operandShapes.first ?? []
        switch kind {
        case .input:
            preconditionFailure("inputs are given, not evaluated")
        case .reshape, .transpose, .slice, .concat, .pad, .gather, .expand:
            let fill: Int64 = if case .pad(_, let value) = kind { value } else { 0 }
            return DataMovement.apply(DataMovement.sourceIndices(kind, operandShapes: operandShapes), operands: operands,
                                      operandCounts: operandShapes.map { $0.reduce(1, *) }, batch: batch, fill: fill)
        case .matMul(let w):
            return matMul(x, rows: x.count / shape.last!, w)
        case .conv(let w, let geometry, let groups, let padValue):
            return convolution(x, shape: shape, batch: batch, weights: w, geometry: geometry, groups: groups, padValue: padValue)
        case .maxPool(let geometry, let padValue):
            return maxPool(x, shape: shape, batch: batch, geometry: geometry, padValue: padValue)
        case .reduceSum(let axes, let keepDims):
            let out = kind.resultShape(operandShapes: operandShapes)
            let reduced = shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
            let map = Broadcast.sourceIndices(from: reduced, to: shape)  // input element → output element
            let perSample = out.reduce(1, *), inCount = shape.reduce(1, *)
            _ = keepDims
            var y = [Int64](repeating: 0, count: perSample * batch)
            for b in 0..<batch { for i in 0..<inCount { y[b * perSample + map[i]] &+= x[b * inCount + i] } }
            return y
        case .addConstant(let c), .mulConstant(let c):
            let map = Broadcast.sourceIndices(from: c.shape, to: shape)
            var y = x
            let isAdd = if case .addConstant = kind { true } else { false }
            for i in y.indices {
                let cv = c.values[map[i % map.count]]
                y[i] = isAdd ? y[i] &+ cv : y[i] &* cv
            }
            return y
        case .add: return zip(x, operands[1]).map { $0 &+ $1 }
        case .subtract: return zip(x, operands[1]).map { $0 &- $1 }
        case .multiply: return zip(x, operands[1]).map { $0 &* $1 }
        case .matMulEncrypted:
            let b = operands[1], bShape = operandShapes[1]
            let m = shape[shape.count - 2], k = shape.last!, n = bShape.last!
            let matrices = batch * shape.dropLast(2).reduce(1, *)
            var y = [Int64](repeating: 0, count: matrices * m * n)
            for t in 0..<matrices {
                for i in 0..<m { for j in 0..<n {
                    var acc: Int64 = 0
                    for l in 0..<k { acc &+= x[t * m * k + i * k + l] &* b[t * k * n + l * n + j] }
                    y[t * m * n + i * n + j] = acc
                } }
            }
            return y
        case .tableLookup(let t):
            let perSample = shape.reduce(1, *)
            return x.indices.map { i in
                let table = t.tables[t.selector?[i % perSample] ?? 0]
                return table[Int(x[i] - t.inputMin)]
            }
        case .round(let lsbs, let method):
            return x.map { round($0, lsbs: lsbs, method: method) }
        }
    }

    /// Rounds away `lsbs` bits: floor((x + 2^(lsbs−1) [− 1 if approximate]) / 2^lsbs); lsbs = 0 is the identity.
    @inlinable
    public static func round(_ x: Int64, lsbs: Int, method: RoundingMethod) -> Int64 {
        guard lsbs > 0 else { return x }
        let half = Int64(1) << (lsbs - 1)
        return (x + half - (method == .approximate ? 1 : 0)) >> lsbs  // arithmetic shift = floor division
    }

    /// [rows, K] · [K, N].
    static func matMul(_ x: [Int64], rows: Int, _ w: IntTensor) -> [Int64] {
        let k = w.shape[0], n = w.shape[1]
        var y = [Int64](repeating: 0, count: rows * n)
        w.values.withUnsafeBufferPointer { wp in
            for r in 0..<rows {
                for l in 0..<k {
                    let xv = x[r * k + l]
                    if xv == 0 { continue }
                    for j in 0..<n { y[r * n + j] &+= xv &* wp[l * n + j] }
                }
            }
        }
        return y
    }

    /// Visits, for every output position of a window operation, the flat input positions of the window
    /// inside one channel (−1 where the window covers padding).
    static func windows(spatial: [Int], geometry g: WindowGeometry) -> (out: [Int], taps: [[Int]]) {
        let out = g.outputSpatialShape(input: spatial)
        let rank = spatial.count
        let strides = Tensor.strides(of: spatial)
        let kernelCount = g.kernelShape.reduce(1, *)
        let kernelStrides = Tensor.strides(of: g.kernelShape)
        let outCount = out.reduce(1, *)
        let outStrides = Tensor.strides(of: out)
        var taps = [[Int]](repeating: [], count: outCount)
        for o in 0..<outCount {
            var list = [Int](repeating: -1, count: kernelCount)
            for kk in 0..<kernelCount {
                var flat = 0
                var inside = true
                for a in 0..<rank {
                    let oi = (o / outStrides[a]) % out[a]
                    let ki = (kk / kernelStrides[a]) % g.kernelShape[a]
                    let i = oi * g.strides[a] + ki * g.dilations[a] - g.pads[a]
                    if i < 0 || i >= spatial[a] { inside = false; break }
                    flat += i * strides[a]
                }
                if inside { list[kk] = flat }
            }
            taps[o] = list
        }
        return (out, taps)
    }

    static func convolution(_ x: [Int64], shape: [Int], batch: Int, weights w: IntTensor, geometry: WindowGeometry,
                            groups: Int, padValue: Int64) -> [Int64] {
        let channels = shape[0], spatial = Array(shape.dropFirst())
        let (out, taps) = windows(spatial: spatial, geometry: geometry)
        let outChannels = w.shape[0], perGroupIn = channels / groups, perGroupOut = outChannels / groups
        let inPlane = spatial.reduce(1, *), outPlane = out.reduce(1, *)
        let kernelCount = geometry.kernelShape.reduce(1, *)
        var y = [Int64](repeating: 0, count: batch * outChannels * outPlane)
        for b in 0..<batch {
            for oc in 0..<outChannels {
                let g = oc / perGroupOut
                for p in 0..<outPlane {
                    var acc: Int64 = 0
                    for ci in 0..<perGroupIn {
                        let c = g * perGroupIn + ci
                        let base = (b * channels + c) * inPlane
                        let wBase = (oc * perGroupIn + ci) * kernelCount
                        for (kk, t) in taps[p].enumerated() {
                            acc &+= (t < 0 ? padValue : x[base + t]) &* w.values[wBase + kk]
                        }
                    }
                    y[(b * outChannels + oc) * outPlane + p] = acc
                }
            }
        }
        return y
    }

    static func maxPool(_ x: [Int64], shape: [Int], batch: Int, geometry: WindowGeometry, padValue: Int64) -> [Int64] {
        let channels = shape[0], spatial = Array(shape.dropFirst())
        let (out, taps) = windows(spatial: spatial, geometry: geometry)
        let inPlane = spatial.reduce(1, *), outPlane = out.reduce(1, *)
        var y = [Int64](repeating: 0, count: batch * channels * outPlane)
        for bc in 0..<(batch * channels) {
            for p in 0..<outPlane {
                var m = Int64.min
                for t in taps[p] { m = max(m, t < 0 ? padValue : x[bc * inPlane + t]) }
                y[bc * outPlane + p] = m
            }
        }
        return y
    }
}
