// Shape arithmetic shared by every tensor kernel: broadcasting, axis normalisation, index mapping.

extension Tensor {
    /// The NumPy/ONNX multidirectional broadcast of two shapes, or nil when they are incompatible.
    public static func broadcastShape(_ lhs: [Int], _ rhs: [Int]) -> [Int]? {
        let rank = max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let a = axis - (rank - lhs.count) >= 0 ? lhs[axis - (rank - lhs.count)] : 1
            let b = axis - (rank - rhs.count) >= 0 ? rhs[axis - (rank - rhs.count)] : 1
            if a == b || b == 1 {
                result[axis] = a
            } else if a == 1 {
                result[axis] = b
            } else {
                return nil
            }
        }
        return result
    }

    /// For every element of a tensor of `target` shape, the flat index of the element of this
    /// tensor it reads under broadcasting.
    /// - Precondition: `shape` broadcasts to `target`.
    public func broadcastIndices(to target: [Int]) -> [Int] {
        precondition(target.count >= shape.count, "cannot broadcast \(shape) to \(target)")
        let offset = target.count - shape.count
        let sourceStrides = Tensor.strides(of: shape)
        // A broadcast axis reads the same element again: stride 0.
        var strides = [Int](repeating: 0, count: target.count)
        for axis in 0..<shape.count {
            precondition(shape[axis] == target[axis + offset] || shape[axis] == 1,
                         "cannot broadcast \(shape) to \(target)")
            strides[axis + offset] = shape[axis] == 1 ? 0 : sourceStrides[axis]
        }
        return Tensor.stridedOffsets(shape: target, strides: strides)
    }

    /// For every position of `shape` in row-major order, the offset Σ index[axis] · strides[axis]:
    /// the element read by a strided view (broadcast: stride 0; transpose: permuted strides).
    public static func stridedOffsets(shape: [Int], strides: [Int]) -> [Int] {
        precondition(shape.count == strides.count, "shape \(shape) and strides \(strides) differ in rank")
        let total = shape.reduce(1, *)
        var result = [Int](repeating: 0, count: total)
        if total == 0 { return result }
        var index = [Int](repeating: 0, count: shape.count)
        var flat = 0
        for position in 0..<total {
            result[position] = flat
            // Odometer increment over `shape`, keeping `flat` in step.
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                flat += strides[axis]
                if index[axis] < shape[axis] { break }
                flat -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// This tensor repeated along broadcast axes to `target`.
    /// - Precondition: `shape` broadcasts to `target`.
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let source = values
        return Tensor(shape: target, elementType: elementType, values: broadcastIndices(to: target).map { source[$0] })
    }

    /// The same values under another shape with the same element count.
    /// - Precondition: the element counts agree.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, elementType: elementType, values: values)
    }

    /// Largest element count a tensor read from a file or built by a kernel may have (2^28
    /// elements, 2 GiB of Doubles): bigger requests are bad input, not something to allocate.
    public static let maximumElementCount = 1 << 28

    /// The element count of `shape`, or nil when a dimension is negative or the count exceeds
    /// `maximumElementCount` (this also catches products that would overflow).
    public static func checkedElementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumElementCount else { return dimension == 0 ? 0 : nil }
            count = product
        }
        return count
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], elementType: ElementType = .float32) -> Tensor {
        Tensor(shape: shape, elementType: elementType, values: [Double](repeating: 0, count: shape.reduce(1, *)))
    }

    /// Rows `range` of axis 0.
    /// - Precondition: rank ≥ 1 and the range lies inside axis 0.
    public func slice(rows range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "row range \(range) outside \(shape)")
        let rowSize = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, elementType: elementType,
                      values: Array(values[(range.lowerBound * rowSize)..<(range.upperBound * rowSize)]))
    }

    /// Tensors of equal trailing shape stacked along axis 0.
    /// - Precondition: `parts` is not empty and the shapes past axis 0 agree.
    public static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        let tail = Array(parts[0].shape.dropFirst())
        var values: [Double] = []
        var rows = 0
        for part in parts {
            precondition(Array(part.shape.dropFirst()) == tail, "row shapes differ: \(part.shape) vs \(parts[0].shape)")
            values += part.values
            rows += part.shape.first ?? 1
        }
        return Tensor(shape: [rows] + tail, elementType: parts[0].elementType, values: values)
    }

    /// Values rounded to what `elementType` can hold: float32 rounding, integer truncation and
    /// wrap-around, bool as 0/1. Kernels compute in Double and store through this.
    public func roundedToElementType() -> Tensor {
        var copy = self
        copy.values = values.map { ElementType.represent($0, as: elementType) }
        return copy
    }
}

extension ElementType {
    /// `value` as the nearest value of `type`: float32 rounding, C-style truncation for integers
    /// (with two's-complement wrap-around for the narrow ones), non-zero → 1 for bool.
    public static func represent(_ value: Double, as type: ElementType) -> Double {
        switch type {
        case .float64: return value
        case .float32: return Double(Float(value))
        case .bool: return value != 0 ? 1 : 0
        case .int64:
            // Saturate inside the Int64 range (2^63 itself is not an Int64).
            let limit = 9.223372036854774784e18
            guard !value.isNaN else { return 0 }
            return min(max(value.rounded(.towardZero), -limit), limit)
        case .int32: return wrapped(value, bits: 32, signed: true)
        case .int8: return wrapped(value, bits: 8, signed: true)
        case .uint8: return wrapped(value, bits: 8, signed: false)
        }
    }

    private static func wrapped(_ value: Double, bits: Int, signed: Bool) -> Double {
        guard value.isFinite else { return 0 }
        let truncated = value.rounded(.towardZero)
        let modulus = Double(1 << bits)
        var residue = truncated.truncatingRemainder(dividingBy: modulus)
        if residue < 0 { residue += modulus }
        if signed && residue >= modulus / 2 { residue -= modulus }
        return residue
    }
}

extension Tensor {
    /// A few rows of the tensor for a terminal: one line per sample (batch axis first), with the argmax
    /// of each row when it has several values.
    public func preview(name: String, rows: Int = 10) -> String {
        let batch = shape.first ?? 1
        let per = batch == 0 ? 0 : count / batch
        var lines = ["\(name) \(shape):"]
        for r in 0..<min(batch, rows) {
            let row = values[(r * per)..<((r + 1) * per)]
            let text = row.map { String(format: "%.4f", $0) }.joined(separator: " ")
            let argmax = per > 1 ? "  → class \(row.indices.max { row[$0] < row[$1] }! - r * per)" : ""
            lines.append("  [\(r)] \(text)\(argmax)")
        }
        if batch > rows { lines.append("  … \(batch - rows) more") }
        return lines.joined(separator: "\n")
    }
}
