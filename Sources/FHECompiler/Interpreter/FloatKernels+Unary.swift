// Element-wise univariate ops (activations, math functions, Cast, Clip, Not).
import FHECore
import Foundation

extension FloatKernels {
    /// A kernel applying `function` to every element, keeping the element type.
    static func elementwise(_ function: @escaping @Sendable (Double, Node) -> Double) -> Kernel {
        { arguments in
            let x = try arguments.input(0)
            let node = arguments.node
            return [Tensor(shape: x.shape, elementType: x.elementType, values: x.values.map { function($0, node) })
                .roundedToElementType()]
        }
    }

    static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
    static func softplus(_ x: Double) -> Double { x > 30 ? x : log1p(exp(x)) }

    static let unaryKernels: [String: Kernel] = [
        "Relu": elementwise { x, _ in max(x, 0) },
        "Sigmoid": elementwise { x, _ in sigmoid(x) },
        "Tanh": elementwise { x, _ in tanh(x) },
        "Exp": elementwise { x, _ in exp(x) },
        "Log": elementwise { x, _ in log(x) },
        "Sqrt": elementwise { x, _ in x.squareRoot() },
        "Reciprocal": elementwise { x, _ in 1 / x },
        "Abs": elementwise { x, _ in abs(x) },
        "Neg": elementwise { x, _ in -x },
        "Sign": elementwise { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) },
        "Round": elementwise { x, _ in x.rounded(.toNearestOrEven) },
        "Floor": elementwise { x, _ in x.rounded(.down) },
        "Ceil": elementwise { x, _ in x.rounded(.up) },
        "Erf": elementwise { x, _ in erf(x) },
        "Not": elementwise { x, _ in x != 0 ? 0 : 1 },
        "Softplus": elementwise { x, _ in softplus(x) },
        "Softsign": elementwise { x, _ in x / (1 + abs(x)) },
        "Mish": elementwise { x, _ in x * tanh(softplus(x)) },
        "Sin": elementwise { x, _ in sin(x) }, "Cos": elementwise { x, _ in cos(x) }, "Tan": elementwise { x, _ in tan(x) },
        "Asin": elementwise { x, _ in asin(x) }, "Acos": elementwise { x, _ in acos(x) }, "Atan": elementwise { x, _ in atan(x) },
        "Sinh": elementwise { x, _ in sinh(x) }, "Cosh": elementwise { x, _ in cosh(x) },
        "Asinh": elementwise { x, _ in asinh(x) }, "Acosh": elementwise { x, _ in acosh(x) }, "Atanh": elementwise { x, _ in atanh(x) },
        "LeakyRelu": elementwise { x, node in x >= 0 ? x : node.float("alpha", default: 0.01) * x },
        "ThresholdedRelu": elementwise { x, node in x > node.float("alpha", default: 1) ? x : 0 },
        "Elu": elementwise { x, node in x >= 0 ? x : node.float("alpha", default: 1) * (exp(x) - 1) },
        "Celu": elementwise { x, node in
            let alpha = node.float("alpha", default: 1)
            return max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
        },
        "Selu": elementwise { x, node in
            let alpha = node.float("alpha", default: 1.67326319217681884765625)
            let gamma = node.float("gamma", default: 1.05070102214813232421875)
            return gamma * (x > 0 ? x : alpha * (exp(x) - 1))
        },
        "HardSigmoid": elementwise { x, node in
            max(0, min(1, node.float("alpha", default: 0.2) * x + node.float("beta", default: 0.5)))
        },
        "HardSwish": elementwise { x, _ in x * max(0, min(1, x / 6 + 0.5)) },
        "Gelu": elementwise { x, node in
            if node.string("approximate", default: "none") == "tanh" {
                return 0.5 * x * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
            }
            return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
        },
        "Identity": { arguments in [try arguments.input(0)] },
        "Dropout": { arguments in
            let x = try arguments.input(0)
            if let training = arguments.optional(2), training.values.first != 0 {
                throw arguments.failure(.unsupportedFeature, "training-mode Dropout is not supported")
            }
            return [x, Tensor(shape: x.shape, elementType: .bool, values: [Double](repeating: 1, count: x.count))]
        },
        "Cast": { arguments in
            let x = try arguments.input(0)
            let code = Int32(arguments.node.int("to", default: 1))
            guard let type = ONNXDecoding.elementType(code: code) else {
                throw arguments.failure(.unsupportedFeature, "cast to \(ONNXDecoding.dataTypeName(code: code)) is not supported")
            }
            var values = x.values
            // Float → integer casts truncate; NaN becomes 0 (onnxruntime's behaviour on x86).
            if x.elementType.isFloatingPoint && !type.isFloatingPoint && type != .bool {
                values = values.map { $0.isNaN ? 0 : $0 }
            }
            return [Tensor(shape: x.shape, elementType: type, values: values).roundedToElementType()]
        },
        "Clip": { arguments in
            let x = try arguments.input(0)
            // Opset ≥ 11 passes min/max as optional scalar inputs; older opsets as attributes.
            let low = arguments.optional(1)?.values.first ?? arguments.node.float("min", default: -.infinity)
            let high = arguments.optional(2)?.values.first ?? arguments.node.float("max", default: .infinity)
            return [Tensor(shape: x.shape, elementType: x.elementType, values: x.values.map { min(max($0, low), high) })]
        },
    ]
}
