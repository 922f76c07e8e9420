import Foundation
import Testing

/// The server must never be able to reach a secret key (docs/ARCHITECTURE.md#products-and-modules): FHEServer and cml-server may
/// not import FHEClient, the `@_spi(KeyHolder)` API of FHECore, nor anything that carries secret-key
/// types, and Package.swift must not give them a dependency on FHEClient.
@Suite struct ServerIsolationTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func swiftFiles(under path: String) throws -> [URL] {
        let directory = root.appendingPathComponent(path)
        let enumerator = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    @Test(arguments: ["Sources/FHEServer", "Sources/cml-server"])
    func serverSourcesCannotReachSecretKeys(path: String) throws {
        let files = try Self.swiftFiles(under: path)
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for forbidden in ["import FHEClient", "@_spi(KeyHolder)", "SecretKeys", "LWESecretKey", "GLWESecretKey",
                              "Cml_V1_SealedSecretKeys"] {
                #expect(!text.contains(forbidden), "\(file.lastPathComponent) mentions \(forbidden)")
            }
        }
    }

    @Test func packageGivesTheServerNoClientDependency() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        for target in ["FHEServer", "cml-server"] {
            // The text of the target declaration (not the product line): from its name to the next target.
            let start = try #require(manifest.range(of: "name: \"\(target)\",\n"), "\(target) target not declared")
            let rest = manifest[start.upperBound...]
            let end = rest.range(of: ".target(")?.lowerBound ?? rest.range(of: "Target(")?.lowerBound ?? rest.endIndex
            let declaration = rest[..<end]
            #expect(!declaration.contains("FHEClient"), "\(target) depends on FHEClient")
        }
    }

    @Test func secretKeyMessagesAreNotInTheCoreSchema() throws {
        // The secret-key wire messages are generated into FHEClient only.
        let core = try String(contentsOf: Self.root.appendingPathComponent("Protocol/cml_v1.proto"), encoding: .utf8)
        #expect(!core.contains("message SecretKeys") && !core.contains("message SealedSecretKeys"))
        let generated = try Self.swiftFiles(under: "Sources/FHECore")
        #expect(!generated.contains { $0.lastPathComponent == "cml_v1_secret.pb.swift" })
    }
}
