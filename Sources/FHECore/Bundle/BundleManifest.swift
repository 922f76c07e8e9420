// BUNDLE/manifest, BUNDLE/client/manifest and BUNDLE/server/manifest: JSON, so that an operator
// can read them. The top manifest covers every file of both parts; a part's manifest covers its
// own files, so the client part stays checkable when it is copied (or downloaded) alone.
import Foundation

/// The manifest of a bundle or of one of its parts.
public struct BundleManifest: Codable, Hashable, Sendable {
    /// Bundle layout version this build writes and reads.
    public static let currentFormatVersion = 1
    /// File name of a manifest inside its directory.
    public static let fileName = "manifest"

    /// Bundle layout version.
    public var formatVersion: Int
    /// `CMLVersion.current` of the tool that wrote the bundle.
    public var toolVersion: String
    /// Wire format version of the framed files.
    public var wireFormatVersion: Int
    /// Hex BLAKE2b-256 of the key layout (the parameter sets) of the circuit.
    public var keyLayoutHash: String
    /// Human-readable parameter sets, for inspection only (the specs are authoritative).
    public var parameterSets: [String]
    /// Hex BLAKE2b-256 of every file, by path relative to the manifest's directory.
    public var files: [String: String]

    /// Creates a manifest written by this build.
    public init(keyLayout: KeyLayout, files: [String: String]) {
        self.formatVersion = Self.currentFormatVersion
        self.toolVersion = CMLVersion.current
        self.wireFormatVersion = Int(FrameHeader.currentVersion)
        self.keyLayoutHash = BLAKE2b.hex(keyLayout.hash)
        self.parameterSets = keyLayout.parameterSets.map(\.description)
        self.files = files
    }

    /// Pretty, key-sorted JSON (stable across writes).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// Reads and checks the manifest of `directory`, then the hash of every file it lists and
    /// the key-layout hash; collects every problem rather than stopping at the first.
    /// - Returns: the manifest and the problems found (empty when all matches).
    static func verify(directory: URL, keyLayoutHash: [UInt8]?) -> (BundleManifest?, [String]) {
        let url = directory.appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else { return (nil, ["\(fileName): missing or unreadable"]) }
        let manifest: BundleManifest
        do {
            manifest = try JSONDecoder().decode(BundleManifest.self, from: data)
        } catch {
            return (nil, ["\(fileName): not a valid manifest (\(error))"])
        }
        var problems: [String] = []
        if manifest.formatVersion != currentFormatVersion {
            problems.append("\(fileName): bundle format version \(manifest.formatVersion), this build reads \(currentFormatVersion)")
        }
        if !FrameHeader.supportedVersions.contains(UInt16(clamping: manifest.wireFormatVersion)) {
            problems.append("\(fileName): wire format version \(manifest.wireFormatVersion), this build reads \(FrameHeader.supportedVersions)")
        }
        if !sameRelease(manifest.toolVersion, CMLVersion.current) {
            problems.append("\(fileName): written by cml \(manifest.toolVersion), this is cml \(CMLVersion.current) (major.minor must match)")
        }
        if let keyLayoutHash, manifest.keyLayoutHash != BLAKE2b.hex(keyLayoutHash) {
            problems.append("\(fileName): parameter-set (key-layout) hash \(manifest.keyLayoutHash.prefix(16))… ≠ the spec's \(BLAKE2b.hex(keyLayoutHash).prefix(16))…")
        }
        for (path, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            guard !path.contains(".."), !path.hasPrefix("/") else {
                problems.append("\(fileName): lists a path outside the bundle: \(path)")
                continue
            }
            guard let contents = try? Data(contentsOf: directory.appendingPathComponent(path)) else {
                problems.append("\(path): listed in the manifest but missing")
                continue
            }
            let actual = BLAKE2b.hex(BLAKE2b.hash(contents))
            if actual != expected {
                problems.append("\(path): content hash \(actual.prefix(16))… ≠ manifest's \(expected.prefix(16))…")
            }
        }
        return (manifest, problems)
    }

    /// Same major and minor version: within a release line bundles stay readable.
    static func sameRelease(_ a: String, _ b: String) -> Bool {
        a.split(separator: ".").prefix(2) == b.split(separator: ".").prefix(2)
    }
}
