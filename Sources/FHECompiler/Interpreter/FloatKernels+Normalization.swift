// Normalisations: BatchNormalization (inference), Softmax, LogSoftmax (opset ≥ 13: one axis).
import FHECore
import Foundation

extension FloatKernels {
    static let normalizationKernels: [String: Kernel] = [
        "BatchNormalization": batchNormalizationKernel,
        "Softmax": { try softmax($0, logarithm: false) },
        "LogSoftmax": { try softmax($0, logarithm: true) },
    ]

    /// y = scale · (x − mean) / √(var + ε) + bias, per channel (axis 1), with running statistics.
    static let batchNormalizationKernel: Kernel = { arguments in
        let x = try arguments.input(0)
        let scale = try arguments.input(1), bias = try arguments.input(2)
        let mean = try arguments.input(3), variance = try arguments.input(4)
        if arguments.node.int("training_mode", default: 0) != 0 {
            throw arguments.failure(.unsupportedFeature, "training_mode=1 is not supported (export the model in eval mode)")
        }
        guard x.rank >= 2 else { throw arguments.failure("X must have rank ≥ 2, got \(x.shape)") }
        let channels = x.shape[1]
        guard [scale, bias, mean, variance].allSatisfy({ $0.count == channels }) else {
            throw arguments.failure("scale/B/mean/var must each hold \(channels) values (one per channel)")
        }
        let epsilon = arguments.node.float("epsilon", default: 1e-5)
        let plane = x.shape[2...].reduce(1, *)
        var values = x.values
        for index in values.indices {
            let c = (index / plane) % channels
            values[index] = scale.values[c] * (values[index] - mean.values[c]) / (variance.values[c] + epsilon).squareRoot()
                + bias.values[c]
        }
        return [Tensor(shape: x.shape, elementType: x.elementType, values: values).roundedToElementType()]
    }

    /// Softmax along one axis (default −1), shifted by the maximum for stability.
    static func softmax(_ arguments: KernelArguments, logarithm: Bool) throws -> [Tensor] {
        let x = try arguments.input(0)
        let axis = try arguments.axis(arguments.node.int("axis", default: -1), rank: max(x.rank, 1))
        let length = x.rank == 0 ? 1 : x.shape[axis]
        let inner = x.rank == 0 ? 1 : x.shape[(axis + 1)...].reduce(1, *)
        let outer = x.count / max(length * inner, 1)
        var values = x.values
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var largest = -Double.infinity
                for k in 0..<length { largest = max(largest, x.values[base + k * inner]) }
                var total = 0.0
                for k in 0..<length { total += exp(x.values[base + k * inner] - largest) }
                for k in 0..<length {
                    let shifted = x.values[base + k * inner] - largest
                    values[base + k * inner] = logarithm ? shifted - log(total) : exp(shifted) / total
                }
            }
        }
        return [Tensor(shape: x.shape, elementType: x.elementType, values: values).roundedToElementType()]
    }
}
