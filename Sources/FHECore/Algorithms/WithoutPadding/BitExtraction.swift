// Bit extraction, least significant bit first, each bit decided by a one-bit PBS (Bergerat et al., "Parameter
// Optimization and Larger Precision for (T)FHE", J. Cryptology 2023, "WoP-PBS"; docs/LARGE-PRECISION.md#the-wop-pbs).

/// Extraction of the bits of a p-bit message into one small-key LWE per bit.
enum BitExtraction {
    /// The p bits of the message of `input` (k·N + 1 words under the big key, message m·2^(63−p), two's complement
    /// allowed: the bit pattern of m mod 2^p) into `bits` (p small-key LWEs of n + 1 words, most significant
    /// first), each encrypting its bit at q/2.
    ///
    /// Bit i is moved to the top by multiplying by 2^(p−i) (the bits above it fall off the torus, the ones below
    /// were cleared), keyswitched to the small key (that LWE is the output), then decided by a PBS of the constant
    /// accumulator and subtracted from the input so the next bit can move up. Rounding: the input's noise must
    /// stay within ±2^(62−p), half a message step; the PBS sees it multiplied by at most 2^p against a
    /// tolerance of q/4, whatever p, which is what lets the WoP-PBS reach precisions a PBS's modulus switch cannot.
    ///
    /// `lowestBit` δ is the torus bit of the message's least significant bit: 63 − p for a message with a padding
    /// bit (the default), 64 − p for a block that uses the whole torus (a CRT block, `CRTEncoding`).
    static func extract(
        _ input: UnsafePointer<UInt64>, bits p: Int, lowestBit: Int? = nil, keys: EvaluationKeys, scratch: BootstrapScratch,
        into bits: UnsafeMutablePointer<UInt64>
    ) {
        let parameters = keys.parameters
        let bigSize = parameters.bigLWEDimension.lweSize
        let smallSize = parameters.lweDimension.lweSize
        let delta = lowestBit ?? 63 - p
        precondition(p >= 1 && delta >= 1 && delta + p <= 64, "bit extraction of \(p) bits from bit \(delta)")
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * bigSize) { buffer in
            let remaining = buffer.baseAddress!, shifted = remaining + bigSize, bit = shifted + bigSize
            remaining.update(from: input, count: bigSize)
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: parameters.ksDecomposition.levelCount.rawValue) { digits in
                for i in 0..<p {
                    let factor: UInt64 = 1 &<< UInt64(63 - delta - i)
                    for w in 0..<bigSize { shifted[w] = remaining[w] &* factor }
                    let out = bits + (p - 1 - i) * smallSize
                    KeySwitch.keyswitch(shifted, key: keys.keyswitchKey, into: out, digits: digits.baseAddress!)
                    if i == p - 1 { break }
                    // Phase bit·q/2 + q/4 ± q/4: the sign PBS returns +α for bit 1, −α for bit 0; adding α gives bit·2α.
                    let alpha: UInt64 = 1 &<< UInt64(delta + i - 1)
                    scratch.small.update(from: out, count: smallSize)
                    scratch.small[smallSize - 1] = scratch.small[smallSize - 1] &+ (1 << 62)
                    Bootstrap.programmableFromScratch(lookupTable: LookupTable(constant: 0 &- alpha, polynomialSize: parameters.polynomialSize),
                                                      key: keys.bootstrapKey, scratch: scratch, into: bit)
                    bit[bigSize - 1] = bit[bigSize - 1] &+ alpha
                    for w in 0..<bigSize { remaining[w] = remaining[w] &- bit[w] }
                }
            }
        }
    }
}
