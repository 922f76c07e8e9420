// The client's side of a program: encrypt its inputs and decrypt its outputs under the program's encodings.

@_spi(KeyHolder)
extension SecretKeys {
    /// Encrypts one sample's clear integers for a circuit input with encoding `encoding` (fresh randomness).
    /// - Precondition: `encoding.isEncrypted` and one value per element.
    public func encrypt(_ values: [Int64], encoding: ValueEncoding) -> LWECiphertextList {
        precondition(encoding.isEncrypted && values.count == encoding.elementCount,
                     "\(values.count) values for an input of shape \(encoding.shape)")
        let seeds = EncryptionSeeds.random()
        let dimension = parameters.bigLWEDimension
        var list = LWECiphertextList(lweDimension: dimension, count: values.count)
        for (i, v) in values.enumerated() {
            list[i] = encrypt(v, bits: encoding.precision, generator: seeds.generator(forItem: i))
        }
        return list
    }

    /// Decrypts one sample's output ciphertexts to integers (two's complement when the encoding is signed).
    public func decrypt(_ list: LWECiphertextList, encoding: ValueEncoding) -> [Int64] {
        (0..<list.count).map { i in
            encoding.isSigned ? decryptSigned(list[i], bits: encoding.precision)
                              : Int64(decrypt(list[i], bits: encoding.precision))
        }
    }
}
