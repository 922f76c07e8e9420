// Circuit bootstrapping: an LWE of a bit into a Fourier GGSW of that bit (Chillotti, Gama, Georgieva, Izabachène,
// "TFHE: Fast Fully Homomorphic Encryption over the Torus", J. Cryptology 2020, §4.2, Algorithm 6).

/// Circuit bootstrapping of extracted bits.
enum CircuitBootstrap {
    /// The Fourier GGSW of the bit of `bit` (a small-key LWE of n + 1 words encrypting it at q/2) into `ggsw`
    /// (l_cb·(k+1)²·N doubles, the bootstrap key's GGSW layout: [level j][row r][polynomial c]).
    ///
    /// Level j: a PBS of the constant accumulator turns the bit into an LWE of bit·q/B^j under the big key
    /// (the sign trick of `BitExtraction`); the k + 1 packing keyswitches make it the k + 1 GLWE rows of the level,
    /// −S_r·bit·q/B^j and bit·q/B^j, which are then transformed.
    static func bootstrap(
        _ bit: UnsafePointer<UInt64>, keys: WoPEvaluationKeys, scratch: BootstrapScratch, into ggsw: UnsafeMutablePointer<Double>
    ) {
        let parameters = keys.parameters
        let base = parameters.base
        let k1 = base.glweDimension.glweSize
        let n = base.polynomialSize.rawValue
        let l = parameters.circuitBootstrap.levelCount.rawValue
        let beta = parameters.circuitBootstrap.baseLog.rawValue
        let bigSize = base.bigLWEDimension.lweSize
        let smallSize = base.lweDimension.lweSize
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: l * bigSize + l * k1 * n) { buffer in
            let levels = buffer.baseAddress!, rows = levels + l * bigSize
            for j in 1...l {
                let alpha: UInt64 = 1 &<< UInt64(63 - beta * j)
                scratch.small.update(from: bit, count: smallSize)
                scratch.small[smallSize - 1] = scratch.small[smallSize - 1] &+ (1 << 62)
                let level = levels + (j - 1) * bigSize
                Bootstrap.programmableFromScratch(lookupTable: LookupTable(constant: 0 &- alpha, polynomialSize: base.polynomialSize),
                                                  key: keys.base.bootstrapKey, scratch: scratch, into: level)
                level[bigSize - 1] = level[bigSize - 1] &+ alpha
            }
            for r in 0..<k1 {
                PackingKeyswitch.apply(key: keys.circuitBootstrapKey, function: r, inputs: levels, count: l, outputs: rows)
                for j in 0..<l {
                    for c in 0..<k1 {
                        scratch.plan.forwardTorus(rows + (j * k1 + c) * n, into: ggsw + ((j * k1 + r) * k1 + c) * n)
                    }
                }
            }
        }
    }
}
