// Seeded → full decompression (docs/ALGORITHMS.md#seeded-objects): masks regenerated from the seed in generation order.

/// Decompression of seeded objects. Needs no secret: masks come from the public mask seed.
public enum Decompression {
    /// The full ciphertext of a seeded one (mask = stream 0).
    public static func decompress(_ seeded: SeededLWECiphertext) -> LWECiphertext {
        var c = LWECiphertext(lweDimension: seeded.lweDimension, body: seeded.body)
        let stream = ChaCha20Stream(seed: seeded.maskSeed, streamID: 0)
        c.data.withUnsafeMutableBufferPointer { stream.fill(UnsafeMutableBufferPointer(rebasing: $0[0..<seeded.lweDimension.rawValue])) }
        return c
    }

    /// The full list of a seeded list (mask of ciphertext i = stream i).
    public static func decompress(_ seeded: SeededLWECiphertextList) -> LWECiphertextList {
        var list = LWECiphertextList(lweDimension: seeded.lweDimension, count: seeded.count)
        let n = seeded.lweDimension.rawValue
        list.data.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            for i in 0..<seeded.count {
                let stream = ChaCha20Stream(seed: seeded.maskSeed, streamID: UInt64(i))
                stream.fill(UnsafeMutableBufferPointer(start: base + i * (n + 1), count: n))
                base[i * (n + 1) + n] = seeded.bodies[i]
            }
        }
        return list
    }

    /// The full keyswitch key (in its 32-bit evaluation form, `LWEKeyswitchKey`): row (i, j) gets the next n words
    /// of stream i, then its body.
    public static func decompress(_ seeded: SeededLWEKeyswitchKey) -> LWEKeyswitchKey {
        let l = seeded.decomposition.levelCount.rawValue
        let size = seeded.outputDimension.lweSize
        return seeded.bodies.withUnsafeBufferPointer { bodies in
            LWEKeyswitchKey(inputDimension: seeded.inputDimension, outputDimension: seeded.outputDimension,
                            decomposition: seeded.decomposition) { i, rows in
                let stream = ChaCha20Stream(seed: seeded.maskSeed, streamID: UInt64(i))
                for j in 0..<l {
                    let row = rows + j * size
                    stream.fill(UnsafeMutableBufferPointer(start: row, count: size - 1))
                    row[size - 1] = bodies[i * l + j]
                }
            }
        }
    }

    /// The full bootstrap key: each GLWE row of GGSW i gets the next k·N words of stream i, then its body.
    public static func decompress(_ seeded: SeededLWEBootstrapKey) -> LWEBootstrapKey {
        let count = seeded.inputDimension.rawValue
        let k1 = seeded.glweDimension.glweSize
        let n = seeded.polynomialSize.rawValue
        let rows = seeded.decomposition.levelCount.rawValue * k1
        let g = rows * k1 * n
        let data = [UInt64](unsafeUninitializedCapacity: count * g) { buffer, initialized in
            let base = buffer.baseAddress!
            seeded.bodies.withUnsafeBufferPointer { bodies in
                Parallel.forEach(count: count, makeState: { () }) { _, i in
                    let stream = ChaCha20Stream(seed: seeded.maskSeed, streamID: UInt64(i))
                    for row in 0..<rows {
                        let glwe = base + i * g + row * k1 * n
                        stream.fill(UnsafeMutableBufferPointer(start: glwe, count: (k1 - 1) * n))
                        (glwe + (k1 - 1) * n).update(from: bodies.baseAddress! + (i * rows + row) * n, count: n)
                    }
                }
            }
            initialized = count * g
        }
        return LWEBootstrapKey(data: data, inputDimension: seeded.inputDimension, glweDimension: seeded.glweDimension,
                               polynomialSize: seeded.polynomialSize, decomposition: seeded.decomposition)
    }
}

extension SeededEvaluationKeys {
    /// The evaluation keys the server computes with: decompressed KSK and Fourier BSK.
    public func decompressed() -> EvaluationKeys {
        EvaluationKeys(parameters: parameters, keyswitchKey: Decompression.decompress(keyswitchKey),
                       bootstrapKey: BootstrapKeyConversion.fourier(Decompression.decompress(bootstrapKey),
                                                                    precision: parameters.fourierPrecision))
    }
}
