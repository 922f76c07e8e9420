// GLWE encryption and decryption (docs/ALGORITHMS.md#encoding): B = Σ A_i·S_i + M + E.

/// GLWE encryption and phase computation.
@_spi(KeyHolder)
public enum GLWEEncryption {
    /// Writes an encryption of the plaintext polynomial `plaintext` (N words, or zero when nil) into
    /// `output` ((k+1)·N words): k·N mask words from `generator.mask`, then the body.
    static func encrypt(
        _ plaintext: UnsafePointer<UInt64>?, key: GLWESecretKey, noise: Double, generator: EncryptionRandomGenerator,
        into output: UnsafeMutablePointer<UInt64>
    ) {
        let n = key.polynomialSize.rawValue
        let k = key.glweDimension.rawValue
        generator.fillMask(UnsafeMutableBufferPointer(start: output, count: k * n))
        let body = output + k * n
        for j in 0..<n { body[j] = (plaintext?[j] ?? 0) &+ generator.gaussianTorus(standardDeviation: noise) }
        key.addMaskProduct(output, to: body)
    }

    /// An encryption of `plaintext` (N coefficients).
    public static func encrypt(
        _ plaintext: [UInt64], key: GLWESecretKey, noise: Double, generator: EncryptionRandomGenerator
    ) -> GLWECiphertext {
        var c = GLWECiphertext(glweDimension: key.glweDimension, polynomialSize: key.polynomialSize)
        plaintext.withUnsafeBufferPointer { p in
            c.data.withUnsafeMutableBufferPointer {
                encrypt(p.baseAddress!, key: key, noise: noise, generator: generator, into: $0.baseAddress!)
            }
        }
        return c
    }

    /// The phase polynomial B − Σ A_i·S_i.
    public static func phase(_ ciphertext: GLWECiphertext, key: GLWESecretKey) -> [UInt64] {
        let n = key.polynomialSize.rawValue
        let k = key.glweDimension.rawValue
        precondition(ciphertext.glweDimension == key.glweDimension && ciphertext.polynomialSize == key.polynomialSize,
                     "GLWE ciphertext and key dimensions differ")
        var product = [UInt64](repeating: 0, count: n)
        ciphertext.data.withUnsafeBufferPointer { c in
            product.withUnsafeMutableBufferPointer { key.addMaskProduct(c.baseAddress!, to: $0.baseAddress!) }
        }
        return (0..<n).map { ciphertext.data[k * n + $0] &- product[$0] }
    }
}
