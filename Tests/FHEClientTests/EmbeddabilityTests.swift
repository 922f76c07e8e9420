import Foundation
import Testing

/// FHEClient embeds in apps: neither it nor the targets it depends on may pull in SwiftNIO or
/// Hummingbird (docs/ARCHITECTURE.md#products-and-modules). Checked on Package.swift and on the sources' imports.
@Suite struct EmbeddabilityTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func clientAndCoreDependOnNoServerStack() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        for target in ["FHEClient", "FHECore"] {
            let start = try #require(manifest.range(of: "name: \"\(target)\",\n"), "\(target) target not declared")
            let rest = manifest[start.upperBound...]
            let declaration = rest[..<(rest.range(of: "),\n")?.upperBound ?? rest.endIndex)]
            for forbidden in ["hummingbird", "Hummingbird", "swift-nio", "NIO", "FHEServer"] {
                #expect(!declaration.contains(forbidden), "\(target) depends on \(forbidden)")
            }
        }
    }

    @Test func clientSourcesImportNoServerStack() throws {
        let directory = Self.root.appendingPathComponent("Sources/FHEClient")
        let files = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for forbidden in ["import NIO", "import Hummingbird", "import FHEServer"] {
                #expect(!text.contains(forbidden), "\(file.lastPathComponent) has \(forbidden)")
            }
        }
    }
}
