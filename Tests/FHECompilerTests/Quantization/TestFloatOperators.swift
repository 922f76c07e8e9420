// A small float operator set for hand-built graphs, independent of the ONNX importer's kernels.
import FHECompiler
import FHECore
import Foundation

/// Element-wise float ops with NumPy broadcasting (enough for the quantizer's fused chains in tests).
struct TestFloatOperators: FloatOperatorSet {
    func evaluate(node: Node, inputs: [Tensor?]) throws -> [Tensor] {
        let x = inputs[0]!
        func unary(_ f: (Double) -> Double) -> [Tensor] { [Tensor(shape: x.shape, elementType: .float64, values: x.values.map(f))] }
        func binary(_ f: (Double, Double) -> Double) -> [Tensor] {
            let y = inputs[1]!
            let shape = Broadcast.shape(x.shape, y.shape)
            let ix = Broadcast.sourceIndices(from: x.shape, to: shape), iy = Broadcast.sourceIndices(from: y.shape, to: shape)
            return [Tensor(shape: shape, elementType: .float64, values: zip(ix, iy).map { f(x.values[$0], y.values[$1]) })]
        }
        switch node.opType {
        case "Relu": return unary { max(0, $0) }
        case "Sigmoid": return unary { 1 / (1 + exp(-$0)) }
        case "Tanh": return unary(tanh)
        case "Neg": return unary { -$0 }
        case "Add": return binary(+)
        case "Sub": return binary(-)
        case "Mul": return binary(*)
        case "Div": return binary(/)
        default: throw QuantizationError(node: node.name, op: node.opType, "no test kernel")
        }
    }
}

/// Deterministic pseudo-random numbers for fixtures (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Tensor {
    /// A tensor of uniform values in `range`.
    static func uniform(_ shape: [Int], in range: ClosedRange<Double>, using g: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, elementType: .float32, values: (0..<shape.reduce(1, *)).map { _ in Double.random(in: range, using: &g) })
    }
}
