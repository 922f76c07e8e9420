import ArgumentParser
@_spi(KeyHolder) import FHECore

extension Main {
    /// Encrypt a number, keyswitch + bootstrap it through a table, decrypt, print.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt a number, run KS+PBS through a lookup table (x ↦ x² mod 16), decrypt and print.")

        @Option(help: "The 4-bit message to encrypt (0…15).")
        var message: Int = 7

        func validate() throws {
            guard (0..<16).contains(message) else { throw ValidationError("--message must be in 0…15, got \(message)") }
        }

        func run() throws {
            print(try EngineDemo.run(message: Int64(message)))
        }
    }
}

/// The demo's steps, on Concrete's 4-bit 128-bit set.
enum EngineDemo {
    static func run(message: Int64) throws -> String {
        guard let parameters = ParameterSet.concrete(bits: 4) else { fatalError("missing the 4-bit set") }
        try parameters.validateSecurity()
        let clock = ContinuousClock()
        var lines = ["parameters: \(parameters) (128-bit secure)"]
        let start = clock.now
        let secret = SecretKeys(parameters: parameters)
        let keys = secret.evaluationKeys()
        lines.append("keygen: \(clock.now - start) (evaluation keys \(keys.byteCount / 1_000_000) MB)")
        let lut = LookupTable(inputBits: 4, outputBits: 4, polynomialSize: parameters.polynomialSize) { ($0 * $0) % 16 }
        let ciphertext = secret.encrypt(message, bits: 4)
        let scratch = BootstrapScratch(parameters: parameters)
        var result = LWECiphertext(lweDimension: parameters.bigLWEDimension)
        let t0 = clock.now
        Bootstrap.programmable(ciphertext, lookupTable: lut, keys: keys, scratch: scratch, into: &result)
        let elapsed = clock.now - t0
        let decrypted = secret.decrypt(result, bits: 4)
        let expected = (message * message) % 16
        lines.append("encrypt(\(message)) → KS+PBS with table x² mod 16 (\(elapsed)) → decrypt = \(decrypted) (expected \(expected))")
        guard decrypted == UInt64(expected) else { throw DemoError(message: "decrypted \(decrypted), expected \(expected)") }
        lines.append("ok")
        return lines.joined(separator: "\n")
    }
}

/// The demo decrypted a wrong value.
struct DemoError: Error, CustomStringConvertible {
    let message: String
    var description: String { "demo failed: \(message)" }
}
