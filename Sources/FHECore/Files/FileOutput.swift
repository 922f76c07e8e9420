// Every file cml writes goes through here, so that none is lost or seen half-written: a new file is
// created under a temporary name beside its destination with its final mode (0600 for secret keys,
// open(2) with O_CREAT | O_EXCL, never a chmod afterwards), written, flushed to the disk, then renamed
// into place; an existing output is replaced only when the caller says so. POSIX calls, so that every
// failure keeps its errno (the key store turns ENOSPC into its 413).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file-system call failed: which call, on which path, and the system's reason.
public struct FileSystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was attempted ("create", "write", "fsync", "rename into").
    public let operation: String
    /// The path it was attempted on.
    public let path: String
    /// The `errno` it failed with.
    public let code: Int32

    /// Creates the error for a failed `operation` on `path`.
    public init(_ operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The system's words for `code`.
    public var reason: String { String(cString: strerror(code)) }

    /// Whether the disk (or the user's quota) is full.
    public var isDiskFull: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}

/// An output already exists and the caller did not ask to replace it.
public struct OutputExistsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The existing output.
    public let path: String

    /// Creates the refusal for `path`.
    public init(path: String) { self.path = path }

    public var description: String { "\(path) already exists: pass --force to replace it, or choose another -o" }
}

/// A file created exclusively, with its final permissions, then written and flushed.
public final class NewFile {
    /// Who may read the new file.
    public enum Permissions: Sendable {
        /// 0600: secret keys, the key store.
        case ownerOnly
        /// 0666 less the umask, as any other tool creates files.
        case standard

        var mode: mode_t { self == .ownerOnly ? 0o600 : 0o666 }
    }

    private var descriptor: Int32
    /// Where the file is.
    public let url: URL

    /// Creates the file at `url`, which must not exist, with `permissions` from its first moment.
    /// - Throws: `FileSystemError` (EEXIST when it exists).
    public init(creating url: URL, permissions: Permissions) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions.mode)
        guard descriptor >= 0 else { throw FileSystemError("create", path: url.path, code: errno) }
    }

    /// Opens an existing file (e.g. a device, in tests) for writing.
    /// - Throws: `FileSystemError`.
    public init(writingTo url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open", path: url.path, code: errno) }
    }

    deinit { close() }

    /// Appends `bytes`.
    /// - Throws: `FileSystemError`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path: url.path, code: errno)
            }
            offset += written
        }
    }

    /// Appends `data`.
    /// - Throws: `FileSystemError`.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Flushes the file's data to the disk (before it is renamed into place).
    /// - Throws: `FileSystemError`.
    public func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw FileSystemError("fsync", path: url.path, code: errno) }
    }

    /// Closes the file (again: nothing).
    public func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// Writing outputs through temporary names and renames.
public enum FileOutput {
    /// A name beside `url` that no one else uses: hidden, with the process id and a random suffix.
    public static func temporarySibling(of url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// Refuses an existing `url` unless `replacing`, before any work is spent on what would go there.
    /// - Throws: `OutputExistsError`.
    public static func checkAvailable(_ url: URL, replacing: Bool) throws {
        if !replacing, exists(url) { throw OutputExistsError(path: url.path) }
    }

    /// Writes `data` to `url`: a temporary sibling created with `permissions`, flushed, renamed into place.
    /// - Parameter replacing: whether an existing `url` may be replaced (else `OutputExistsError`, also when
    ///   another process creates it meanwhile).
    /// - Throws: `OutputExistsError`, `FileSystemError`.
    public static func write(_ data: Data, to url: URL, permissions: NewFile.Permissions = .standard, replacing: Bool) throws {
        try checkAvailable(url, replacing: replacing)
        let temporary = temporarySibling(of: url)
        do {
            let file = try NewFile(creating: temporary, permissions: permissions)
            try file.write(data)
            try file.synchronize()
            file.close()
            try moveIntoPlace(temporary, url, replacing: replacing)
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Renames the finished `source` to `destination` atomically (over an existing one only when `replacing`),
    /// then flushes the directory so that the rename survives a power loss.
    /// - Throws: `OutputExistsError`, `FileSystemError`.
    public static func moveIntoPlace(_ source: URL, _ destination: URL, replacing: Bool) throws {
        if replacing {
            guard rename(source.path, destination.path) == 0 else {
                throw FileSystemError("rename into", path: destination.path, code: errno)
            }
        } else {
            // link(2) fails when the destination exists, where rename(2) would replace it.
            if link(source.path, destination.path) == 0 {
                unlink(source.path)
            } else {
                let code = errno
                if code == EEXIST { throw OutputExistsError(path: destination.path) }
                // A file system without hard links: check, then rename (a race with another writer is possible).
                guard code == EPERM || code == EOPNOTSUPP || code == ENOTSUP else {
                    throw FileSystemError("create", path: destination.path, code: code)
                }
                if exists(destination) { throw OutputExistsError(path: destination.path) }
                guard rename(source.path, destination.path) == 0 else {
                    throw FileSystemError("rename into", path: destination.path, code: errno)
                }
            }
        }
        try synchronizeDirectory(of: destination)
    }

    /// Builds a directory at `url` in one piece: `body` fills a fresh temporary sibling, which then takes `url`'s
    /// place, so a failure (or a crash) leaves `url` as it was and the partial work under a hidden name.
    /// - Parameters:
    ///   - replacing: whether an existing `url` may be replaced; an existing non-empty directory is replaced only
    ///     when `isReplaceable` says it holds what would be written (never, say, a home directory).
    /// - Throws: `OutputExistsError`, `FileSystemError`, or what `body` throws.
    public static func writeDirectory<Result>(at url: URL, replacing: Bool, isReplaceable: (URL) -> Bool,
                                              _ body: (URL) throws -> Result) throws -> Result {
        try checkDirectoryAvailable(url, replacing: replacing, isReplaceable: isReplaceable)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = temporarySibling(of: url)
        guard mkdir(temporary.path, 0o777) == 0 else { throw FileSystemError("create", path: temporary.path, code: errno) }
        do {
            let result = try body(temporary)
            if exists(url) && !isEmptyDirectory(url) {
                let old = temporarySibling(of: url)
                guard rename(url.path, old.path) == 0 else { throw FileSystemError("move aside", path: url.path, code: errno) }
                guard rename(temporary.path, url.path) == 0 else {
                    let code = errno
                    _ = rename(old.path, url.path)
                    throw FileSystemError("rename into", path: url.path, code: code)
                }
                try? FileManager.default.removeItem(at: old)
            } else {
                // Over nothing or an empty directory, which rename(2) replaces.
                guard rename(temporary.path, url.path) == 0 else { throw FileSystemError("rename into", path: url.path, code: errno) }
            }
            try synchronizeDirectory(of: url)
            return result
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// The checks of `writeDirectory`, on their own, for callers that check before long work.
    /// - Throws: `OutputExistsError`, `FileSystemError` (ENOTDIR for a file, EEXIST for a directory it will not replace).
    public static func checkDirectoryAvailable(_ url: URL, replacing: Bool, isReplaceable: (URL) -> Bool) throws {
        guard exists(url) else { return }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        guard isDirectory.boolValue else { throw FileSystemError("replace", path: url.path, code: ENOTDIR) }
        if isEmptyDirectory(url) { return }
        guard replacing else { throw OutputExistsError(path: url.path) }
        guard isReplaceable(url) else { throw FileSystemError("replace (it is not an output of this tool)", path: url.path, code: EEXIST) }
    }

    /// Flushes the directory holding `url`, so that a rename into it is on the disk.
    /// - Throws: `FileSystemError`.
    public static func synchronizeDirectory(of url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open", path: directory.path, code: errno) }
        defer { _ = Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError("fsync", path: directory.path, code: errno) }
    }

    /// Whether anything (also a dangling symbolic link) is at `url`.
    static func exists(_ url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0
    }

    static func isEmptyDirectory(_ url: URL) -> Bool {
        (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.isEmpty == true
    }
}
