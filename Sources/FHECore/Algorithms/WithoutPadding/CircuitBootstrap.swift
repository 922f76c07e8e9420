// Circuit bootstrapping: LWEs of bits into Fourier GGSWs of those bits (Chillotti, Gama, Georgieva, Izabachène,
// "TFHE: Fast Fully Homomorphic Encryption over the Torus", J. Cryptology 2020, "circuit bootstrapping").

/// Circuit bootstrapping of extracted bits.
enum CircuitBootstrap {
    /// The Fourier GGSWs of the `count` bits at `bits` (small-key LWEs of n + 1 words, each encrypting its bit at
    /// q/2) into `ggsws` (l_cb·(k+1)²·N doubles each, the bootstrap key's GGSW layout: [level j][row r][polynomial c]).
    ///
    /// Level j of a bit: a PBS of the constant accumulator turns it into an LWE of bit·q/B^j under the big key (the
    /// sign trick of `BitExtraction`); the k + 1 packing keyswitches make that the k + 1 GLWE rows of the level,
    /// −S_r·bit·q/B^j and bit·q/B^j, which are then transformed. Each packing key is applied to all bits and levels
    /// in one batch, so it streams from memory once per lookup; the PBS run in lockstep batches of `scratches`.
    static func bootstrap(
        _ bits: UnsafePointer<UInt64>, count: Int, keys: WoPEvaluationKeys, scratches: ArraySlice<BootstrapScratch>,
        plan: FFTPlan, into ggsws: UnsafeMutablePointer<Double>
    ) {
        let parameters = keys.parameters
        let base = parameters.base
        let k1 = base.glweDimension.glweSize
        let n = base.polynomialSize.rawValue
        let l = parameters.circuitBootstrap.levelCount.rawValue
        let beta = parameters.circuitBootstrap.baseLog.rawValue
        let bigSize = base.bigLWEDimension.lweSize
        let smallSize = base.lweDimension.lweSize
        let glweWords = k1 * n
        let ggswWords = l * k1 * glweWords
        let items = count * l
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: items * (bigSize + glweWords)) { buffer in
            let levels = buffer.baseAddress!, rows = levels + items * bigSize
            // Item t is level t % l + 1 of bit t / l; each batch starts its rotations, rotates in lockstep, extracts.
            let bsk = keys.base.bootstrapKey
            var first = 0
            while first < items {
                let size = min(scratches.count, items - first)
                let batch = scratches.prefix(size)
                for (offset, scratch) in zip(0..., batch) {
                    let t = first + offset, j = t % l + 1
                    let alpha: UInt64 = 1 &<< UInt64(63 - beta * j)
                    scratch.small.update(from: bits + (t / l) * smallSize, count: smallSize)
                    scratch.small[smallSize - 1] = scratch.small[smallSize - 1] &+ (1 << 62)
                    Bootstrap.startRotation(lookupTable: LookupTable(constant: 0 &- alpha, polynomialSize: base.polynomialSize),
                                            key: bsk, small: scratch.small, scratch: scratch)
                }
                Bootstrap.blindRotate(key: bsk, scratches: batch)
                for (offset, scratch) in zip(0..., batch) {
                    let t = first + offset, j = t % l + 1
                    let level = levels + t * bigSize
                    SampleExtraction.extractConstant(scratch.accumulator, glweDimension: base.glweDimension.rawValue,
                                                     polynomialSize: n, into: level)
                    level[bigSize - 1] = level[bigSize - 1] &+ (1 &<< UInt64(63 - beta * j))
                }
                first += size
            }
            for r in 0..<k1 {
                PackingKeyswitch.apply(key: keys.circuitBootstrapKey, function: r, inputs: levels, count: items, outputs: rows)
                for b in 0..<count {
                    for j in 0..<l {
                        for c in 0..<k1 {
                            plan.forwardTorus(rows + (b * l + j) * glweWords + c * n,
                                                      into: ggsws + b * ggswWords + ((j * k1 + r) * k1 + c) * n)
                        }
                    }
                }
            }
        }
    }
}
