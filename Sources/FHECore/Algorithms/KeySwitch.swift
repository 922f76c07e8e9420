// LWE keyswitch, big key → small key (reference/tfhe.md §5.3).

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
