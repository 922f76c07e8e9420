import Testing
@_spi(KeyHolder) @testable import FHECore

@Suite struct BootstrapTests {
    /// decrypt(KS+PBS(encrypt(m), table)) == table[m] for every m, on toy sets, 1…8 bits, with a random table.
    @Test(arguments: 1...8)
    func programmableBootstrapAppliesTheTableToEveryInput(bits: Int) {
        let parameters = ParameterSet.insecureToy(bits: bits)
        let (secret, keys) = TestKeys.shared.keys(parameters)
        let table = (0..<(1 << bits)).map { _ in Int64.random(in: 0..<(1 << bits)) }
        let lut = LookupTable(table: table, inputBits: bits, outputBits: bits, polynomialSize: parameters.polynomialSize)
        let scratch = BootstrapScratch(parameters: parameters)
        var out = LWECiphertext(lweDimension: parameters.bigLWEDimension)
        for m in 0..<(1 << bits) {
            let c = secret.encrypt(Int64(m), bits: bits)
            Bootstrap.programmable(c, lookupTable: lut, keys: keys, scratch: scratch, into: &out)
            #expect(secret.decrypt(out, bits: bits) == UInt64(table[m]), "bits=\(bits) m=\(m)")
        }
    }

    /// The same property on real 128-bit sets: Concrete's 4-bit set (n=771, k=1, N=2048, pbs (1,23), ks (5,3)),
    /// and a 5-bit set with split-key Fourier products (the benchmark MLP's at rounding 5: 2 levels of base 2^20
    /// where whole keys need 4 of 2^9).
    @Test(arguments: [
        (ParameterSet.concrete(bits: 4)!, 4),
        (ParameterSet(lweDimension: 838, glweDimension: 1, polynomialSize: 4096, pbs: (2, 20), ks: (5, 3), fourierPrecision: .split), 5),
    ])
    func programmableBootstrapOnRealSets(parameters: ParameterSet, bits: Int) throws {
        try parameters.validateSecurity()
        let (secret, keys) = TestKeys.shared.keys(parameters)
        #expect(keys.bootstrapKey.fourierPrecision == parameters.fourierPrecision)
        let size = Int64(1) << bits
        let table: [Int64] = (0..<size).map { ($0 * 7 + 3) % size }
        let lut = LookupTable(table: table, inputBits: bits, outputBits: bits, polynomialSize: parameters.polynomialSize)
        let scratch = BootstrapScratch(parameters: parameters)
        var out = LWECiphertext(lweDimension: parameters.bigLWEDimension)
        for m in 0..<Int(size) {
            Bootstrap.programmable(secret.encrypt(Int64(m), bits: bits), lookupTable: lut, keys: keys, scratch: scratch, into: &out)
            #expect(secret.decrypt(out, bits: bits) == UInt64(table[m]), "\(parameters) m=\(m)")
        }
    }

    /// Signed inputs (docs/ALGORITHMS.md#signed-inputs): values in [−2^(p−1), 2^(p−1)) through a signed function.
    @Test(arguments: [3, 5])
    func signedInputs(bits: Int) {
        let parameters = ParameterSet.insecureToy(bits: bits)
        let (secret, keys) = TestKeys.shared.keys(parameters)
        let half = Int64(1) << (bits - 1)
        // |x| − 1, a signed output.
        let lut = LookupTable(inputBits: bits, outputBits: bits, signedInput: true, polynomialSize: parameters.polynomialSize) {
            abs($0) - 1
        }
        for v in -half..<half {
            let out = Bootstrap.programmable(secret.encrypt(v, bits: bits), lookupTable: lut, keys: keys)
            #expect(secret.decryptSigned(out, bits: bits) == abs(v) - 1, "v=\(v)")
        }
    }

    /// The concurrent batch gives what one-at-a-time gives, for per-input tables.
    @Test func concurrentBatchMatchesSequential() {
        let bits = 3
        let parameters = ParameterSet.insecureToy(bits: bits)
        let (secret, keys) = TestKeys.shared.keys(parameters)
        let messages = (0..<12).map { Int64($0 % 8) }
        let luts = (0..<12).map { i in
            LookupTable(inputBits: bits, outputBits: bits, polynomialSize: parameters.polynomialSize) { ($0 + Int64(i)) % 8 }
        }
        let inputs = LWECiphertextList(messages.map { secret.encrypt($0, bits: bits) }, lweDimension: parameters.bigLWEDimension)
        let outputs = Bootstrap.programmableConcurrent(inputs, lookupTables: luts, keys: keys, workers: 3)
        for i in 0..<12 {
            #expect(secret.decrypt(outputs[i], bits: bits) == UInt64((messages[i] + Int64(i)) % 8))
            // Deterministic: the same computation alone gives the same words.
            let alone = Bootstrap.programmable(inputs[i], lookupTable: luts[i], keys: keys)
            #expect(alone == outputs[i])
        }
    }
}
