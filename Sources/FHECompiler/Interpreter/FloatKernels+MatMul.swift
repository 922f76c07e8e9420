// Matrix products: MatMul (NumPy semantics, batched and broadcast) and Gemm.
import FHECore

extension FloatKernels {
    static let linearKernels: [String: Kernel] = [
        "MatMul": matMulKernel,
        "Gemm": gemmKernel,
        "Conv": convKernel,
    ]

    /// Row-major product of an [m, k] block of `a` at `aOffset` and a [k, n] block of `b` at
    /// `bOffset`, added into `out` at `outOffset`.
    static func multiplyBlock(_ a: [Double], _ aOffset: Int, _ b: [Double], _ bOffset: Int,
                              into out: inout [Double], _ outOffset: Int, m: Int, k: Int, n: Int) {
        for row in 0..<m {
            for inner in 0..<k {
                let scale = a[aOffset + row * k + inner]
                if scale == 0 { continue }
                let bRow = bOffset + inner * n
                let outRow = outOffset + row * n
                for column in 0..<n { out[outRow + column] += scale * b[bRow + column] }
            }
        }
    }

    /// MatMul with NumPy rules: 1-D operands are promoted and the added axis removed, leading
    /// axes broadcast.
    static func matMul(_ a: Tensor, _ b: Tensor, _ arguments: KernelArguments) throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else { throw arguments.failure("MatMul operands must have rank ≥ 1, got \(a.shape) and \(b.shape)") }
        let a2 = a.rank == 1 ? a.reshaped([1, a.shape[0]]) : a
        let b2 = b.rank == 1 ? b.reshaped([b.shape[0], 1]) : b
        let m = a2.shape[a2.rank - 2], k = a2.shape[a2.rank - 1]
        let n = b2.shape[b2.rank - 1]
        guard b2.shape[b2.rank - 2] == k else {
            throw arguments.failure("MatMul inner dimensions differ: \(a.shape) × \(b.shape)")
        }
        guard let batch = Tensor.broadcastShape(Array(a2.shape.dropLast(2)), Array(b2.shape.dropLast(2))) else {
            throw arguments.failure("MatMul batch axes of \(a.shape) and \(b.shape) do not broadcast")
        }
        let batchCount = batch.reduce(1, *)
        // Broadcast batch indices by treating each [m, k] block as one element.
        let aBlocks = Tensor(shape: Array(a2.shape.dropLast(2)), values: [Double](repeating: 0, count: a2.count / (m * k)))
            .broadcastIndices(to: batch)
        let bBlocks = Tensor(shape: Array(b2.shape.dropLast(2)), values: [Double](repeating: 0, count: b2.count / (k * n)))
            .broadcastIndices(to: batch)
        var out = [Double](repeating: 0, count: batchCount * m * n)
        for index in 0..<batchCount {
            multiplyBlock(a2.values, aBlocks[index] * m * k, b2.values, bBlocks[index] * k * n,
                          into: &out, index * m * n, m: m, k: k, n: n)
        }
        var shape = batch + [m, n]
        if b.rank == 1 { shape.removeLast() }
        if a.rank == 1 { shape.remove(at: shape.count - (b.rank == 1 ? 1 : 2)) }
        return Tensor(shape: shape, elementType: a.elementType, values: out).roundedToElementType()
    }

    static let matMulKernel: Kernel = { arguments in
        [try matMul(try arguments.input(0), try arguments.input(1), arguments)]
    }

    /// Gemm: alpha·A'·B' + beta·C, A' = transA ? Aᵀ : A, B' likewise. Beyond ONNX, A may have
    /// leading batch axes (transA = 0), which MatMul+Add fusion of >2-D inputs produces.
    static let gemmKernel: Kernel = { arguments in
        var a = try arguments.input(0), b = try arguments.input(1)
        let node = arguments.node
        let alpha = node.float("alpha", default: 1), beta = node.float("beta", default: 1)
        if node.int("transA", default: 0) != 0 {
            guard a.rank == 2 else { throw arguments.failure("transA needs a 2-D A, got \(a.shape)") }
            a = try permute(a, [1, 0], arguments)
        }
        guard b.rank == 2 else { throw arguments.failure("Gemm needs a 2-D B, got \(b.shape)") }
        if node.int("transB", default: 0) != 0 { b = try permute(b, [1, 0], arguments) }
        guard a.rank >= 2 else { throw arguments.failure("Gemm needs A of rank ≥ 2, got \(a.shape)") }
        var product = try matMul(a, b, arguments)
        let type = product.elementType
        if alpha != 1 { product.values = product.values.map { $0 * alpha } }
        if let c = arguments.optional(2), beta != 0 {
            guard let shape = Tensor.broadcastShape(product.shape, c.shape), shape == product.shape else {
                throw arguments.failure("C of shape \(c.shape) does not broadcast to the product's \(product.shape)")
            }
            let bias = c.broadcastIndices(to: product.shape)
            for index in product.values.indices { product.values[index] += beta * c.values[bias[index]] }
        }
        product.elementType = type
        return [product.roundedToElementType()]
    }
}
