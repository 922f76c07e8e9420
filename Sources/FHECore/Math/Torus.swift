// The discretized torus T_q with q = 2^64 is UInt64 with wrapping arithmetic (docs/ALGORITHMS.md#encoding).

/// Conversions between the torus (`UInt64`), reals and integer messages.
public enum Torus {
    /// 2^64 as a Double.
    public static let scale: Double = 18446744073709551616.0

    /// 1.5·2^52: adding it to a Double of magnitude < 2^51 leaves round(x) in the low mantissa bits.
    @usableFromInline static let magic: Double = 6755399441055744.0
    @usableFromInline static let magicBits: Int64 = Int64(bitPattern: 6755399441055744.0.bitPattern)

    /// The signed reading of a torus element in torus units, in [−1/2, 1/2).
    @inlinable @inline(__always)
    public static func toReal(_ x: UInt64) -> Double {
        Double(Int64(bitPattern: x)) * (1.0 / scale)
    }

    /// round(frac(y)·2^64) mod 2^64 for a real `y` in torus units, |y| < 2^51.
    ///
    /// No trapping conversion: the fractional part is split into two 32-bit halves, each rounded with the
    /// 1.5·2^52 trick, so any value in range (including exactly ±1/2) converts and the loop vectorizes.
    @inlinable @inline(__always)
    public static func fromReal(_ y: Double) -> UInt64 {
        let f = y - ((y + magic) - magic)            // y − round(y), exact, in [−1/2, 1/2]
        let t = f * 4294967296.0                      // |t| ≤ 2^31
        let hiD = t + magic
        let hi = Int64(bitPattern: hiD.bitPattern) &- magicBits
        let lo = (t - (hiD - magic)) * 4294967296.0  // exact remainder, |lo| ≤ 2^31
        let loI = Int64(bitPattern: (lo + magic).bitPattern) &- magicBits
        return UInt64(bitPattern: (hi &<< 32) &+ loI)
    }

    /// Δ = 2^(63 − p): the scaling of a p-bit message with one padding bit (docs/ALGORITHMS.md#encoding).
    @inlinable
    public static func delta(bits: Int) -> UInt64 {
        precondition(bits >= 1 && bits <= 62, "message bit width must be in 1...62, got \(bits)")
        return 1 &<< UInt64(63 - bits)
    }

    /// Encodes an integer message (two's complement for negative values) as m·Δ, Δ = 2^(63 − bits).
    @inlinable
    public static func encode(_ message: Int64, bits: Int) -> UInt64 {
        UInt64(bitPattern: message) &* delta(bits: bits)
    }

    /// Decodes a phase to the nearest multiple of Δ = 2^(63 − bits), as an unsigned value mod 2^bits.
    @inlinable
    public static func decode(_ phase: UInt64, bits: Int) -> UInt64 {
        let shift = UInt64(63 - bits)
        let rounded = (phase &+ (1 &<< (shift &- 1))) >> shift
        return rounded & ((1 &<< UInt64(bits)) &- 1)
    }

    /// Decodes a phase to the nearest multiple of Δ = 2^(63 − bits) as a signed value in [−2^(bits−1), 2^(bits−1)).
    @inlinable
    public static func decodeSigned(_ phase: UInt64, bits: Int) -> Int64 {
        let unsigned = decode(phase, bits: bits)
        let half: UInt64 = 1 &<< UInt64(bits - 1)
        return unsigned >= half ? Int64(bitPattern: unsigned) &- Int64(bitPattern: 1 &<< UInt64(bits)) : Int64(unsigned)
    }
}
