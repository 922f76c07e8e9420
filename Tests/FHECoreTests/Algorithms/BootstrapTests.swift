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

    /// The same property on Concrete's real 128-bit 4-bit set (n=771, k=1, N=2048, pbs (1,23), ks (5,3)).
    @Test func programmableBootstrapOnTheReal4BitSet() throws {
        let parameters = try #require(ParameterSet.concrete(bits: 4))
        try parameters.validateSecurity()
        let (secret, keys) = TestKeys.shared.keys(parameters)
        let table: [Int64] = (0..<16).map { ($0 * 7 + 3) % 16 }
        let lut = LookupTable(table: table, inputBits: 4, outputBits: 4, polynomialSize: parameters.polynomialSize)
        let scratch = BootstrapScratch(parameters: parameters)
        var out = LWECiphertext(lweDimension: parameters.bigLWEDimension)
        for m in 0..<16 {
            Bootstrap.programmable(secret.encrypt(Int64(m), bits: 4), lookupTable: lut, keys: keys, scratch: scratch, into: &out)
            #expect(secret.decrypt(out, bits: 4) == UInt64(table[m]), "m=\(m)")
        }
    }

    /// Signed inputs (reference/tfhe.md §5.8): values in [−2^(p−1), 2^(p−1)) through a signed function.
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
