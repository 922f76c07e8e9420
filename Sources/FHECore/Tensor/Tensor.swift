// A dense, row-major tensor of numbers, as read from ONNX initializers and NumPy files.

/// Element type a tensor carries. Values are stored as `Double` whatever the type: float32 widens
/// exactly, int64 is exact up to 2^53 (more than any shape, index or quantized value needs).
public enum ElementType: String, Sendable, Codable, Hashable, CaseIterable {
    case float32, float64, int64, int32, int8, uint8, bool

    /// True for float32 and float64.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

/// A dense row-major tensor; scalars have shape [].
public struct Tensor: Sendable, Equatable, Codable {
    public var shape: [Int]
    public var elementType: ElementType
    public var values: [Double]

    /// - Precondition: `values.count` equals the product of `shape`.
    public init(shape: [Int], elementType: ElementType = .float32, values: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(values.count == shape.reduce(1, *),
                     "tensor of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.elementType = elementType
        self.values = values
    }

    /// A scalar tensor.
    public init(scalar: Double, elementType: ElementType = .float32) {
        self.init(shape: [], elementType: elementType, values: [scalar])
    }

    /// Number of elements.
    public var count: Int { values.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    /// Row-major strides of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }
}
