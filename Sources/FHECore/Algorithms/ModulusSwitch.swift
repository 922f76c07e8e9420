// Modulus switch from 2^64 to 2N (docs/ALGORITHMS.md#pbs, step 1; noise: docs/NOISE.md#modulus-switch).

/// Modulus switching.
public enum ModulusSwitch {
    /// round(x·2N/2^64) mod 2N for each of `count` words.
    @inlinable
    public static func toTwiceN(
        _ input: UnsafePointer<UInt64>, count: Int, log2TwiceN: Int, into output: UnsafeMutablePointer<Int>
    ) {
        let shift = UInt64(64 - log2TwiceN)
        let half: UInt64 = 1 &<< (shift &- 1)
        let mask: UInt64 = (1 &<< UInt64(log2TwiceN)) &- 1
        for i in 0..<count { output[i] = Int(truncatingIfNeeded: ((input[i] &+ half) >> shift) & mask) }
    }

    /// One word switched to [0, 2N).
    @inlinable
    public static func toTwiceN(_ x: UInt64, log2TwiceN: Int) -> Int {
        let shift = UInt64(64 - log2TwiceN)
        return Int(truncatingIfNeeded: ((x &+ (1 &<< (shift &- 1))) >> shift) & ((1 &<< UInt64(log2TwiceN)) &- 1))
    }
}
