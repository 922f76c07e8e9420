// Dense row-major tensors of integers: the values a circuit computes on.

/// A dense row-major tensor of 64-bit integers; scalars have shape [].
public struct IntTensor: Sendable, Equatable, Codable {
    public var shape: [Int]
    public var values: [Int64]

    /// - Precondition: `values.count` equals the product of `shape`.
    public init(shape: [Int], values: [Int64]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(values.count == shape.reduce(1, *),
                     "integer tensor of shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Int64) {
        self.init(shape: shape, values: [Int64](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { values.count }
}

/// An inclusive integer interval [min, max] with the bit-width of the smallest integer type holding it.
public struct IntegerRange: Sendable, Equatable, Codable, CustomStringConvertible {
    public var min: Int64
    public var max: Int64

    /// - Precondition: `min <= max`.
    public init(min: Int64, max: Int64) {
        precondition(min <= max, "empty integer range [\(min), \(max)]")
        self.min = min
        self.max = max
    }

    /// The range of `values` (must not be empty).
    public init(of values: some Sequence<Int64>) {
        var lo = Int64.max, hi = Int64.min
        for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        precondition(lo <= hi, "range of an empty sequence")
        self.init(min: lo, max: hi)
    }

    /// The full range of a `bits`-bit integer, two's complement when `signed`.
    public static func representable(bits: Int, signed: Bool) -> IntegerRange {
        precondition(bits >= 1 && bits <= 62, "bit-width \(bits) out of 1...62")
        return signed ? IntegerRange(min: -(Int64(1) << (bits - 1)), max: (Int64(1) << (bits - 1)) - 1)
                      : IntegerRange(min: 0, max: (Int64(1) << bits) - 1)
    }

    /// True when the range holds a negative number; such values are encoded in two's complement.
    public var isSigned: Bool { min < 0 }

    /// Bits of the smallest integer type holding the range, sign bit included when `isSigned`
    /// (Concrete's `Integer.that_can_represent`); at least 1.
    public var bitWidth: Int {
        if isSigned {
            var bits = 1
            while -(Int64(1) << (bits - 1)) > min || (Int64(1) << (bits - 1)) - 1 < max { bits += 1 }
            return bits
        }
        return Swift.max(1, 64 - UInt64(max).leadingZeroBitCount)
    }

    /// The union of two ranges.
    public func union(_ other: IntegerRange) -> IntegerRange {
        IntegerRange(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
    }

    /// True when `value` lies in the range.
    public func contains(_ value: Int64) -> Bool { value >= min && value <= max }

    public var description: String { "[\(min), \(max)]" }
}
