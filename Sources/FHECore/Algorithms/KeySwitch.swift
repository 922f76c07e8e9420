// LWE keyswitch, big key → small key (docs/ALGORITHMS.md#keyswitch).

/// Keyswitching.
public enum KeySwitch {
    /// output = KS(input): start from (0, …, 0, b) and subtract d_{i,j}·KSK[i][j] for every input mask
    /// coefficient i and level j.
    /// - Parameters:
    ///   - input: k·N + 1 words.
    ///   - output: n + 1 words, overwritten.
    ///   - digits: l words of scratch.
    public static func keyswitch(
        _ input: UnsafePointer<UInt64>, key: LWEKeyswitchKey, into output: UnsafeMutablePointer<UInt64>,
        digits: UnsafeMutablePointer<Int64>
    ) {
        keyswitchBatch(input, count: 1, key: key, outputs: output, digits: digits)
    }

    /// KS(input) as a new ciphertext under the small key.
    public static func keyswitch(_ input: LWECiphertext, key: LWEKeyswitchKey) -> LWECiphertext {
        precondition(input.lweDimension == key.inputDimension,
                     "keyswitch input has \(input.lweDimension), key expects \(key.inputDimension)")
        var out = LWECiphertext(lweDimension: key.outputDimension)
        var digits = [Int64](repeating: 0, count: key.decomposition.levelCount.rawValue)
        input.data.withUnsafeBufferPointer { i in
            out.data.withUnsafeMutableBufferPointer { o in
                digits.withUnsafeMutableBufferPointer { keyswitch(i.baseAddress!, key: key, into: o.baseAddress!, digits: $0.baseAddress!) }
            }
        }
        return out
    }
}

extension KeySwitch {
    /// Items per keyswitch group (`Bootstrap.programmableBatch`): as many as keep their 32-bit sums within 256 KB,
    /// a fraction of a core's L2, where each key row is applied to all of them.
    public static func preferredBatchSize(_ key: LWEKeyswitchKey) -> Int {
        max(1, (256 << 10) / (4 * key.outputDimension.lweSize))
    }

    /// The most items `Bootstrap.programmableBatch` keyswitches together when it bootstraps `lockstep` at a time:
    /// `preferredBatchSize`, and never fewer than one lockstep round.
    public static func groupSize(_ key: LWEKeyswitchKey, lockstep: Int) -> Int { max(lockstep, preferredBatchSize(key)) }

    /// KS of `count` ciphertexts (k·N + 1 words each, contiguous at `inputs`) into `outputs` (n + 1 words each,
    /// contiguous), with `digits` (l words per item) as scratch: every keyswitch-key row is applied to the whole
    /// batch while it is in L1. The sums run mod 2^32 on the key's 32-bit words (`LWEKeyswitchKey`) from the
    /// inputs' bodies rounded to 32 bits; each output word is its sum times 2^32.
    static func keyswitchBatch(
        _ inputs: UnsafePointer<UInt64>, count: Int, key: LWEKeyswitchKey, outputs: UnsafeMutablePointer<UInt64>,
        digits: UnsafeMutablePointer<Int64>, kernels: EngineKernels = .active
    ) {
        let size = key.outputDimension.lweSize
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count &* size) { sums in
            key.data.withUnsafeBufferPointer { ksk in
                kernels.functions.keyswitch_batch(
                    inputs, Int64(count), Int64(key.inputDimension.rawValue), ksk.baseAddress!, Int64(size),
                    Int64(key.decomposition.baseLog.rawValue), Int64(key.decomposition.levelCount.rawValue), digits,
                    sums.baseAddress!, outputs)
            }
        }
    }
}
