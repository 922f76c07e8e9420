// Signed, balanced, rounded gadget decomposition (docs/ALGORITHMS.md#decomposition).

/// Decomposes torus elements into l signed digits in [−B/2, B/2], B = 2^β, level j weighing 2^(64 − β·j).
public struct SignedDecomposer: Sendable, Hashable {
    /// β.
    public let baseLog: Int
    /// l.
    public let levelCount: Int

    /// A decomposer for base 2^`baseLog` and `levelCount` levels.
    public init(_ parameters: DecompositionParameters) {
        self.baseLog = parameters.baseLog.rawValue
        self.levelCount = parameters.levelCount.rawValue
    }

    /// x rounded to its top β·l bits (the value the digits recompose to).
    @inlinable
    public func closestRepresentable(_ x: UInt64) -> UInt64 {
        let totalBits = UInt64(baseLog * levelCount)
        let rounded = ((x >> (63 &- totalBits)) &+ 1) >> 1
        return rounded &<< (64 &- totalBits)
    }

    /// The digits of `x`, written to `digits[0 ..< l]` with `digits[j]` the digit of level j + 1 (weight q/B^(j+1)).
    ///
    /// Branch-free so that callers looping over a polynomial vectorize.
    @inlinable @inline(__always)
    public func decompose(_ x: UInt64, into digits: UnsafeMutablePointer<Int64>) {
        let beta = UInt64(baseLog)
        let totalBits = UInt64(baseLog * levelCount)
        let mask: UInt64 = (1 &<< totalBits) &- 1
        var r = (((x >> (63 &- totalBits)) &+ 1) >> 1) & mask
        let roundingBit = (x >> (63 &- totalBits)) & 1
        // Balance the whole state: values above half (or at half with the rounding bit set) become negative.
        let half = 1 &<< (totalBits &- 1)
        let negate: UInt64 = (r > half || (r == half && roundingBit == 1)) ? 1 : 0
        r = r &- (negate &<< totalBits)
        var state = Int64(bitPattern: r)
        let base = Int64(1) &<< Int64(beta)
        let digitMask = base &- 1
        let halfBase = base >> 1
        var level = levelCount
        while level > 0 {
            level &-= 1
            var d = state & digitMask
            state = state >> Int64(beta)
            let carry: Int64 = (d > halfBase || (d == halfBase && (state & digitMask) >= halfBase)) ? 1 : 0
            d = d &- (carry &<< Int64(beta))
            state = state &+ carry
            digits[level] = d
        }
    }

    /// The digits of `x` as an array, level 1 first.
    public func decompose(_ x: UInt64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: levelCount) { buffer, count in
            decompose(x, into: buffer.baseAddress!)
            count = levelCount
        }
    }

    /// Σ_j d_j·2^(64 − β·j): the torus value the digits stand for.
    public func recompose(_ digits: [Int64]) -> UInt64 {
        precondition(digits.count == levelCount, "expected \(levelCount) digits, got \(digits.count)")
        var sum: UInt64 = 0
        for (j, d) in digits.enumerated() {
            sum = sum &+ UInt64(bitPattern: d) &<< UInt64(64 - baseLog * (j + 1))
        }
        return sum
    }
}
