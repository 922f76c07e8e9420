@_spi(KeyHolder) import FHECore
@testable import FHEClient
import Foundation
import Testing

@Suite struct KeyHolderTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cml-client-\(UUID().uuidString)")
    }

    /// BUNDLE with the toy client spec; returns BUNDLE/client.
    static func clientBundle() throws -> URL {
        let bundle = temporaryDirectory()
        try BundleWriter.write(clientSpec: WireExamples.clientSpec, serverSpec: WireExamples.serverSpec, to: bundle)
        return bundle.appendingPathComponent("client")
    }

    /// A second keygen into the same KEYS would make every ciphertext of the first secret key unreadable: it is
    /// refused before any work, and replaces the keys only when asked; an empty passphrase seals nothing.
    @Test func keygenNeverReplacesKeysUnasked() throws {
        let keysDirectory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        let bundle = try Self.clientBundle()
        try KeyDirectory.generate(bundleDirectory: bundle, into: keysDirectory, protection: .insecurePlaintext)
        let secret = keysDirectory.appendingPathComponent(KeyDirectory.secretKeysFile)
        let first = try Data(contentsOf: secret)
        let refused = try #require(throws: OutputExistsError.self) {
            try KeyDirectory.generate(bundleDirectory: bundle, into: keysDirectory, protection: .insecurePlaintext)
        }
        #expect(refused.path.hasPrefix(keysDirectory.path) && refused.description.contains("--force"))
        #expect(try Data(contentsOf: secret) == first)
        try KeyDirectory.generate(bundleDirectory: bundle, into: keysDirectory, protection: .insecurePlaintext, replacing: true)
        #expect(try Data(contentsOf: secret) != first)
        // The plaintext key too is 0600, and nothing half-written is left beside it.
        #expect(try FileManager.default.attributesOfItem(atPath: secret.path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: keysDirectory.path).sorted()
                == [KeyDirectory.bundleDirectory, KeyDirectory.evaluationKeysFile, KeyDirectory.secretKeysFile])

        for empty in ["", "   "] {
            let error = try #require(throws: ClientError.self) {
                try KeyDirectory.generate(bundleDirectory: bundle, into: Self.temporaryDirectory(),
                                          protection: .passphrase(empty, .minimumForTests))
            }
            #expect(error.code == "client.empty_passphrase" && error.message.contains("CML_PASSPHRASE"))
            #expect(throws: ClientError.self) { try SecretKeySealing.seal(Data([1, 2, 3]), passphrase: empty, strength: .minimumForTests) }
        }
    }

    @Test func keygenSealsTheSecretKeyAndReloads() throws {
        let keysDirectory = Self.temporaryDirectory()
        let (holder, evaluationKeyBytes) = try KeyDirectory.generate(
            bundleDirectory: try Self.clientBundle(), into: keysDirectory,
            protection: .passphrase("correct horse", .minimumForTests))
        let secretPath = keysDirectory.appendingPathComponent(KeyDirectory.secretKeysFile).path
        let mode = try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let stored = try Data(contentsOf: URL(fileURLWithPath: secretPath))
        #expect(try Frame.decode(stored).header.kind == .sealedSecretKeys)
        // The seeds never appear in clear in the sealed file.
        let seed = try Cml_V1_SecretKeys.decodeFramed(holder.framedSecretKeys()).keys[0].keySeed
        #expect(stored.range(of: seed) == nil)

        let framedKeys = try KeyDirectory.evaluationKeys(in: keysDirectory)
        #expect(framedKeys.count == evaluationKeyBytes)
        try Cml_V1_EvaluationKeys.decodeFramed(framedKeys).checkConformance(to: WireExamples.keyLayout)

        let reloaded = try KeyDirectory.load(from: keysDirectory) { "correct horse" }
        #expect(reloaded.framedSecretKeys() == holder.framedSecretKeys())
        let wrong = try #require(throws: ClientError.self) { try KeyDirectory.load(from: keysDirectory) { "wrong" } }
        #expect(wrong.code == "client.wrong_passphrase")

        var tampered = stored
        tampered[tampered.count - 40] ^= 1
        try tampered.write(to: URL(fileURLWithPath: secretPath))
        #expect(throws: WireFormatError.self) { try KeyDirectory.load(from: keysDirectory) { "correct horse" } }
    }

    @Test func plaintextKeyOnlyWhenAsked() throws {
        let keysDirectory = Self.temporaryDirectory()
        try KeyDirectory.generate(bundleDirectory: try Self.clientBundle(), into: keysDirectory, protection: .insecurePlaintext)
        let stored = try Data(contentsOf: keysDirectory.appendingPathComponent(KeyDirectory.secretKeysFile))
        #expect(try Frame.decode(stored).header.kind == .secretKeys)
        _ = try KeyDirectory.load(from: keysDirectory) { Issue.record("no passphrase needed"); return "" }
    }

    @Test func encryptThenDecryptRecoversQuantizedValues() throws {
        let bundle = try ClientBundle.load(from: try Self.clientBundle())
        let holder = try KeyHolder.generate(for: bundle)
        // Input 'x': shape [2], 3 bits, scale 0.25, zero point 3.
        let input = Tensor(shape: [2, 2], elementType: .float32, values: [-0.75, 0, 0.5, 1.0])
        let batch = try Cml_V1_CiphertextBatch.decodeFramed(try holder.encrypt([input]))
        try batch.checkConformance(to: bundle.spec.inputs, layout: bundle.keyLayout, direction: .inputs)
        guard case .seeded(let seeded) = batch.tensors[0].values else { Issue.record("inputs must be seeded"); return }
        let full = Decompression.decompress(try SeededLWECiphertextList(wire: seeded, field: "x"))
        let quantizer = try UniformQuantizer(wire: bundle.spec.inputs[0].quantizer, elementCount: 2, field: "q")
        let expected = quantizer.quantize(input.values)
        #expect(expected == [0, 3, 5, 7])
        #expect((0..<4).map { Int64(holder.keys(0).decrypt(full[$0], bits: 3)) } == expected)

        // Outputs: full ciphertexts of 'y' (shape [3], scale 0.5, zero point 3) decrypt and de-quantize.
        let messages: [Int64] = [0, 1, 2, 3, 4, 5]
        var output = Cml_V1_CiphertextBatch()
        output.keyLayoutHash = Data(bundle.keyLayout.hash)
        output.batchSize = 2
        var tensor = Cml_V1_BatchTensor()
        tensor.values = .full(LWECiphertextList(messages.map { holder.keys(0).encrypt($0, bits: 3) },
                                                lweDimension: WireExamples.toyParameterSet.bigLWEDimension).wire)
        output.tensors = [tensor]
        let decrypted = try holder.decrypt(output.framed())
        #expect(decrypted.count == 1 && decrypted[0].shape == [2, 3])
        #expect(decrypted[0].values == messages.map { 0.5 * Double($0 - 3) })
    }

    @Test func wrongShapesAreNamed() throws {
        let holder = try KeyHolder.generate(for: try ClientBundle.load(from: try Self.clientBundle()))
        let error = try #require(throws: ClientError.self) {
            try holder.encrypt([Tensor(shape: [1, 3], values: [0, 0, 0])])
        }
        #expect(error.description.contains("input 'x' must have shape [batch] + [2], got [1, 3]"))
    }
}
