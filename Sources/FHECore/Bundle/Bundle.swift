// The two parts of a compiled bundle, loaded and checked:
//
//   BUNDLE/manifest          JSON: versions, key-layout hash, hashes of client/* and server/*
//   BUNDLE/client/manifest   JSON: the same for the client part alone
//   BUNDLE/client/spec       framed ClientSpec (quantizers, encodings, parameters, key layout; no weights)
//   BUNDLE/server/manifest
//   BUNDLE/server/spec       framed ServerSpec (the circuit with its clear weights)
import Foundation

/// The data owner's part of a bundle.
public struct ClientBundle: Sendable {
    /// The spec: inputs, outputs, quantizers, parameters.
    public let spec: Cml_V1_ClientSpec
    /// Its checked key layout.
    public let keyLayout: KeyLayout
    /// The framed spec as stored (what GET /v1/client serves).
    public let framedSpec: Data

    /// Checks a framed spec.
    /// - Throws: `WireFormatError`.
    public init(framedSpec: Data) throws {
        spec = try Cml_V1_ClientSpec.decodeFramed(framedSpec)
        keyLayout = try spec.checkedKeyLayout()
        self.framedSpec = framedSpec
    }

    /// Loads BUNDLE/client (or a copy of it): its manifest, file hashes and spec, and the
    /// enclosing bundle's manifest when there is one.
    /// - Throws: `BundleError` listing everything that does not match.
    public static func load(from directory: URL) throws -> ClientBundle {
        try BundleLoading.load(directory: directory, part: "client") { try ClientBundle(framedSpec: $0) } layoutHash: { $0.keyLayout.hash }
    }

    /// Writes the client part (spec and its manifest) into `directory`, e.g. after downloading the spec.
    public func write(to directory: URL) throws {
        try BundleLoading.writePart(directory: directory, spec: framedSpec, keyLayout: keyLayout)
    }
}

/// The operator's part of a bundle.
public struct ServerBundle: Sendable {
    /// The spec: circuit, parameters, inputs and outputs.
    public let spec: Cml_V1_ServerSpec
    /// Its checked key layout.
    public let keyLayout: KeyLayout
    /// The framed spec as stored.
    public let framedSpec: Data

    /// Checks a framed spec.
    /// - Throws: `WireFormatError`.
    public init(framedSpec: Data) throws {
        spec = try Cml_V1_ServerSpec.decodeFramed(framedSpec)
        keyLayout = try spec.checkedKeyLayout()
        self.framedSpec = framedSpec
    }

    /// Loads BUNDLE/server: manifests, file hashes and spec.
    /// - Throws: `BundleError` listing everything that does not match.
    public static func load(from directory: URL) throws -> ServerBundle {
        try BundleLoading.load(directory: directory, part: "server") { try ServerBundle(framedSpec: $0) } layoutHash: { $0.keyLayout.hash }
    }
}

/// Writes bundles; the compiler calls this once per compile.
public enum BundleWriter {
    /// Writes BUNDLE/{manifest, client/, server/} into `directory` (created if needed); the top manifest hashes every
    /// file then in `directory`.
    /// - Precondition: both specs share one key layout, whose hash they carry.
    /// - Throws: file-system errors.
    public static func write(clientSpec: Cml_V1_ClientSpec, serverSpec: Cml_V1_ServerSpec, to directory: URL) throws {
        let layout = try! clientSpec.checkedKeyLayout()
        precondition(clientSpec.keyLayout == serverSpec.keyLayout && clientSpec.keyLayoutHash == serverSpec.keyLayoutHash,
                     "client and server specs must share one key layout")
        precondition((try? serverSpec.checkedKeyLayout()) != nil, "server spec does not check")
        let client = clientSpec.framed(), server = serverSpec.framed()
        try BundleLoading.writePart(directory: directory.appendingPathComponent("client"), spec: client, keyLayout: layout)
        try BundleLoading.writePart(directory: directory.appendingPathComponent("server"), spec: server, keyLayout: layout)
        // Every file of the bundle, the developer's (circuit.json, program.json, …) too: what `cml-dev run` executes
        // and `inspect` reports is what the manifest hashes.
        var files: [String: String] = [:]
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.resolvingSymlinksInPath().path.dropFirst(root.count + 1))
            guard path != BundleManifest.fileName else { continue }
            files[path] = BLAKE2b.hex(BLAKE2b.hash(try Data(contentsOf: url)))
        }
        try FileOutput.write(BundleManifest(keyLayout: layout, files: files).encoded(),
                             to: directory.appendingPathComponent(BundleManifest.fileName), replacing: true)
    }

    /// Reads the file at `path` (relative to the bundle `directory`) only if the bundle's manifest lists it and its
    /// content hashes as listed: what a tool executes must be what the manifest covers.
    /// - Parameter recompile: what to tell the user when the manifest predates the file (an older bundle).
    /// - Throws: `BundleError` naming the file.
    public static func readHashedFile(_ path: String, inBundle directory: URL, recompile: String) throws -> Data {
        let manifestURL = directory.appendingPathComponent(BundleManifest.fileName)
        guard let manifestData = try? Data(contentsOf: manifestURL) else {
            throw BundleError(path: directory.path, problems: ["\(BundleManifest.fileName): missing or unreadable; \(recompile)"])
        }
        guard let manifest = try? JSONDecoder().decode(BundleManifest.self, from: manifestData) else {
            throw BundleError(path: directory.path, problems: ["\(BundleManifest.fileName): not a valid manifest; \(recompile)"])
        }
        guard let expected = manifest.files[path] else {
            throw BundleError(path: directory.path, problems: [
                "\(path): not covered by the manifest (a bundle written before cml hashed it, by cml \(manifest.toolVersion)); \(recompile)"])
        }
        guard let contents = try? Data(contentsOf: directory.appendingPathComponent(path)) else {
            throw BundleError(path: directory.path, problems: ["\(path): listed in the manifest but missing"])
        }
        let actual = BLAKE2b.hex(BLAKE2b.hash(contents))
        guard actual == expected else {
            throw BundleError(path: directory.path, problems: [
                "\(path): content hash \(actual.prefix(16))… ≠ manifest's \(expected.prefix(16))… (modified after compile); \(recompile)"])
        }
        return contents
    }
}

/// Shared loading and writing of bundle parts.
enum BundleLoading {
    /// File name of a part's framed spec.
    static let specFileName = "spec"

    static func writePart(directory: URL, spec: Data, keyLayout: KeyLayout) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileOutput.write(spec, to: directory.appendingPathComponent(specFileName), replacing: true)
        let manifest = BundleManifest(keyLayout: keyLayout, files: [specFileName: BLAKE2b.hex(BLAKE2b.hash(spec))])
        try FileOutput.write(manifest.encoded(), to: directory.appendingPathComponent(BundleManifest.fileName), replacing: true)
    }

    static func load<Part>(directory: URL, part: String, decode: (Data) throws -> Part,
                           layoutHash: (Part) -> [UInt8]) throws -> Part {
        let path = directory.path
        guard let framed = try? Data(contentsOf: directory.appendingPathComponent(specFileName)) else {
            throw BundleError(path: path, problems: ["\(specFileName): missing or unreadable (is this a bundle's \(part)/ directory?)"])
        }
        let loaded: Part
        do {
            loaded = try decode(framed)
        } catch {
            throw BundleError(path: path, problems: ["\(specFileName): \(error)"])
        }
        var (_, problems) = BundleManifest.verify(directory: directory, keyLayoutHash: layoutHash(loaded))
        // Loaded from inside a full bundle: the top manifest must agree too.
        let parent = directory.deletingLastPathComponent()
        if directory.lastPathComponent == part,
           FileManager.default.fileExists(atPath: parent.appendingPathComponent(BundleManifest.fileName).path) {
            let (_, parentProblems) = BundleManifest.verify(directory: parent, keyLayoutHash: layoutHash(loaded))
            problems += parentProblems.map { "../" + $0 }
        }
        guard problems.isEmpty else { throw BundleError(path: path, problems: problems) }
        return loaded
    }
}
