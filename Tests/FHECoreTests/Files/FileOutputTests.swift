import Foundation
import Testing
@testable import FHECore
#if canImport(Glibc)
import Glibc
#endif

/// Files are never lost (issue 18 item 2): outputs are replaced only when asked, written whole through a
/// temporary name, and a secret-key file is 0600 from the moment it exists.
@Suite struct FileOutputTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cml-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func mode(_ url: URL) -> mode_t {
        var status = stat()
        _ = stat(url.path, &status)
        return status.st_mode & 0o777
    }

    @Test func anExistingOutputIsReplacedOnlyWhenAsked() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.cml")
        try FileOutput.write(Data("first".utf8), to: url, replacing: false)
        let refused = try #require(throws: OutputExistsError.self) { try FileOutput.write(Data("second".utf8), to: url, replacing: false) }
        #expect(refused.description.contains(url.path) && refused.description.contains("--force") && refused.description.contains("-o"))
        #expect(try Data(contentsOf: url) == Data("first".utf8))
        try FileOutput.write(Data("second".utf8), to: url, replacing: true)
        #expect(try Data(contentsOf: url) == Data("second".utf8))
        // Nothing but the output is left: the temporary names were renamed or removed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.cml"])
    }

    @Test func aSecretFileIsOwnerOnlyFromItsFirstMoment() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The temporary file is created 0600 by open(2) itself: before a byte is written, before any rename.
        let temporary = directory.appendingPathComponent("created")
        let file = try NewFile(creating: temporary, permissions: .ownerOnly)
        #expect(Self.mode(temporary) == 0o600)
        file.close()
        // O_EXCL: an existing name (a planted link, another writer's file) is never opened.
        let again = try #require(throws: FileSystemError.self) { try NewFile(creating: temporary, permissions: .ownerOnly) }
        #expect(again.code == EEXIST && again.description.contains(temporary.path))

        let secret = directory.appendingPathComponent("secret-keys.cml")
        try FileOutput.write(Data("key".utf8), to: secret, permissions: .ownerOnly, replacing: false)
        #expect(Self.mode(secret) == 0o600)
        // Replacing a world-readable file with a secret one: the new file is 0600, not the old file's mode.
        let world = directory.appendingPathComponent("world")
        try FileOutput.write(Data("x".utf8), to: world, replacing: false)
        chmod(world.path, 0o644)
        try FileOutput.write(Data("key".utf8), to: world, permissions: .ownerOnly, replacing: true)
        #expect(Self.mode(world) == 0o600)
    }

    @Test func aDirectoryIsWrittenWholeOrNotAtAll() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = directory.appendingPathComponent("bundle")
        let isBundle: (URL) -> Bool = { FileManager.default.fileExists(atPath: $0.appendingPathComponent("manifest").path) }
        struct Interrupted: Error {}

        // A failure leaves nothing at the destination, and no partial directory beside it.
        #expect(throws: Interrupted.self) {
            try FileOutput.writeDirectory(at: bundle, replacing: false, isReplaceable: isBundle) { partial in
                try Data("half".utf8).write(to: partial.appendingPathComponent("manifest"))
                throw Interrupted()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)

        try FileOutput.writeDirectory(at: bundle, replacing: false, isReplaceable: isBundle) { partial in
            try Data("one".utf8).write(to: partial.appendingPathComponent("manifest"))
        }
        #expect(throws: OutputExistsError.self) {
            try FileOutput.writeDirectory(at: bundle, replacing: false, isReplaceable: isBundle) { _ in }
        }
        // A failed replacement keeps the old directory as it was.
        #expect(throws: Interrupted.self) {
            try FileOutput.writeDirectory(at: bundle, replacing: true, isReplaceable: isBundle) { _ in throw Interrupted() }
        }
        #expect(try Data(contentsOf: bundle.appendingPathComponent("manifest")) == Data("one".utf8))
        try FileOutput.writeDirectory(at: bundle, replacing: true, isReplaceable: isBundle) { partial in
            try Data("two".utf8).write(to: partial.appendingPathComponent("manifest"))
        }
        #expect(try Data(contentsOf: bundle.appendingPathComponent("manifest")) == Data("two".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["bundle"])

        // --force never replaces a directory that is not an output of the tool (a home directory, say).
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: home.appendingPathComponent("notes.txt"))
        #expect(throws: FileSystemError.self) {
            try FileOutput.writeDirectory(at: home, replacing: true, isReplaceable: isBundle) { _ in }
        }
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("notes.txt").path))
    }
}
