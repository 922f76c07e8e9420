// Element-wise ops of several broadcast operands: arithmetic, comparisons, logic, Where, PRelu.
import FHECore
import Foundation

extension FloatKernels {
    /// Broadcasts `operands` to one shape, or throws naming the node.
    static func broadcastAll(_ operands: [Tensor], _ arguments: KernelArguments) throws -> (shape: [Int], indices: [[Int]]) {
        var shape = operands[0].shape
        for operand in operands.dropFirst() {
            guard let joined = Tensor.broadcastShape(shape, operand.shape) else {
                throw arguments.failure("input shapes \(operands.map(\.shape)) do not broadcast")
            }
            shape = joined
        }
        return (shape, operands.map { $0.broadcastIndices(to: shape) })
    }

    /// A two-operand element-wise kernel whose result has `resultType` (nil: the first operand's).
    static func binary(resultType: ElementType? = nil,
                       _ function: @escaping @Sendable (Double, Double, Node, ElementType) -> Double) -> Kernel {
        { arguments in
            let a = try arguments.input(0), b = try arguments.input(1)
            let (shape, indices) = try broadcastAll([a, b], arguments)
            let type = resultType ?? a.elementType
            let node = arguments.node
            var values = [Double](repeating: 0, count: indices[0].count)
            for position in values.indices {
                values[position] = function(a.values[indices[0][position]], b.values[indices[1][position]], node, a.elementType)
            }
            return [Tensor(shape: shape, elementType: type, values: values).roundedToElementType()]
        }
    }

    /// A kernel folding any number of operands (Max, Min, Sum, Mean).
    static func variadic(_ combine: @escaping @Sendable (Double, Double) -> Double,
                         finish: @escaping @Sendable (Double, Int) -> Double = { value, _ in value }) -> Kernel {
        { arguments in
            let operands = arguments.inputs.compactMap { $0 }
            guard let first = operands.first else { throw arguments.failure(.missingInput, "needs at least one input") }
            let (shape, indices) = try broadcastAll(operands, arguments)
            var values = [Double](repeating: 0, count: indices[0].count)
            for position in values.indices {
                var accumulator = operands[0].values[indices[0][position]]
                for operand in 1..<operands.count {
                    accumulator = combine(accumulator, operands[operand].values[indices[operand][position]])
                }
                values[position] = finish(accumulator, operands.count)
            }
            return [Tensor(shape: shape, elementType: first.elementType, values: values).roundedToElementType()]
        }
    }

    static let binaryKernels: [String: Kernel] = [
        "Add": binary { a, b, _, _ in a + b },
        "Sub": binary { a, b, _, _ in a - b },
        "Mul": binary { a, b, _, _ in a * b },
        // Integer division truncates toward zero, as in C and onnxruntime.
        "Div": binary { a, b, _, type in type.isFloatingPoint ? a / b : (b == 0 ? 0 : (a / b).rounded(.towardZero)) },
        "Pow": binary { a, b, _, _ in pow(a, b) },
        "Mod": binary { a, b, node, type in
            if node.int("fmod", default: 0) == 1 || type.isFloatingPoint { return fmod(a, b) }
            // Integer Mod takes the divisor's sign, like Python's %.
            guard b != 0 else { return 0 }
            let remainder = fmod(a, b)
            return remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder
        },
        "PRelu": binary { x, slope, _, _ in x >= 0 ? x : slope * x },
        "Greater": binary(resultType: .bool) { a, b, _, _ in a > b ? 1 : 0 },
        "GreaterOrEqual": binary(resultType: .bool) { a, b, _, _ in a >= b ? 1 : 0 },
        "Less": binary(resultType: .bool) { a, b, _, _ in a < b ? 1 : 0 },
        "LessOrEqual": binary(resultType: .bool) { a, b, _, _ in a <= b ? 1 : 0 },
        "Equal": binary(resultType: .bool) { a, b, _, _ in a == b ? 1 : 0 },
        "And": binary(resultType: .bool) { a, b, _, _ in a != 0 && b != 0 ? 1 : 0 },
        "Or": binary(resultType: .bool) { a, b, _, _ in a != 0 || b != 0 ? 1 : 0 },
        "Xor": binary(resultType: .bool) { a, b, _, _ in (a != 0) != (b != 0) ? 1 : 0 },
        "Max": variadic { max($0, $1) },
        "Min": variadic { min($0, $1) },
        "Sum": variadic { $0 + $1 },
        "Mean": variadic({ $0 + $1 }, finish: { $0 / Double($1) }),
        "Where": { arguments in
            let condition = try arguments.input(0), a = try arguments.input(1), b = try arguments.input(2)
            let (shape, indices) = try broadcastAll([condition, a, b], arguments)
            var values = [Double](repeating: 0, count: indices[0].count)
            for position in values.indices {
                values[position] = condition.values[indices[0][position]] != 0
                    ? a.values[indices[1][position]] : b.values[indices[2][position]]
            }
            return [Tensor(shape: shape, elementType: a.elementType, values: values)]
        },
    ]
}
