import Foundation
import Testing
@testable import FHECore

@Suite struct BundleTests {
    func temporaryBundle() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cml-bundle-\(UUID().uuidString)")
        try BundleWriter.write(clientSpec: WireExamples.clientSpec, serverSpec: WireExamples.serverSpec, to: directory)
        return directory
    }

    @Test func writeThenLoad() throws {
        let bundle = try temporaryBundle()
        defer { try? FileManager.default.removeItem(at: bundle) }
        let client = try ClientBundle.load(from: bundle.appendingPathComponent("client"))
        #expect(client.spec.inputs.map(\.name) == ["x"])
        #expect(client.keyLayout == WireExamples.keyLayout)
        let server = try ServerBundle.load(from: bundle.appendingPathComponent("server"))
        #expect(server.spec.circuitEncoding == "cml-circuit-json-v1")
        let manifest = try JSONDecoder().decode(BundleManifest.self,
                                                from: Data(contentsOf: bundle.appendingPathComponent("manifest")))
        #expect(Set(manifest.files.keys) == ["client/spec", "client/manifest", "server/spec", "server/manifest"])
        #expect(manifest.toolVersion == CMLVersion.current)
        #expect(manifest.keyLayoutHash == BLAKE2b.hex(WireExamples.keyLayout.hash))

        // The client part alone (as downloaded from a server) still loads.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cml-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try ClientBundle(framedSpec: client.framedSpec).write(to: copy)
        #expect(try ClientBundle.load(from: copy).keyLayout == client.keyLayout)
    }

    @Test func tamperedFilesAreNamed() throws {
        let bundle = try temporaryBundle()
        defer { try? FileManager.default.removeItem(at: bundle) }
        // A spec replaced by another valid spec: the hashes in both manifests disagree.
        var other = WireExamples.serverSpec
        other.modelName = "other"
        try other.framed().write(to: bundle.appendingPathComponent("server/spec"))
        let error = try #require(throws: BundleError.self) { try ServerBundle.load(from: bundle.appendingPathComponent("server")) }
        #expect(error.problems.contains { $0.hasPrefix("spec: content hash") })
        #expect(error.problems.contains { $0.hasPrefix("../server/spec: content hash") })

        // A manifest from another tool release and with another parameter-set hash.
        let manifestURL = bundle.appendingPathComponent("client/manifest")
        var manifest = try JSONDecoder().decode(BundleManifest.self, from: Data(contentsOf: manifestURL))
        manifest.toolVersion = "9.9.0"
        manifest.keyLayoutHash = String(repeating: "0", count: 64)
        try manifest.encoded().write(to: manifestURL)
        let clientError = try #require(throws: BundleError.self) {
            try ClientBundle.load(from: bundle.appendingPathComponent("client"))
        }
        #expect(clientError.problems.contains { $0.contains("written by cml 9.9.0") })
        #expect(clientError.problems.contains { $0.contains("parameter-set (key-layout) hash") })
        #expect(clientError.problems.contains { $0.hasPrefix("../client/manifest: content hash") })

        try FileManager.default.removeItem(at: bundle.appendingPathComponent("client/spec"))
        #expect(try #require(throws: BundleError.self) {
            try ClientBundle.load(from: bundle.appendingPathComponent("client"))
        }.problems == ["spec: missing or unreadable (is this a bundle's client/ directory?)"])
    }
}
