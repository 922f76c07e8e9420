// Writing the key store's files through POSIX calls, so that every failure keeps its errno: a full
// disk becomes the protocol's 413, any other failure a 500 with a report; the path and errno go to
// the log, not to the client.
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A new file of the key store, written and flushed to the disk.
final class StoreFile {
    private var descriptor: Int32
    private let url: URL
    private let logger: Logger

    /// Creates the file at `url` (which must not exist), readable by its owner only.
    /// - Throws: `ServerError` 413 when the disk is full, 500 for another failure.
    init(creating url: URL, logger: Logger) throws {
        self.url = url
        self.logger = logger
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("create", url, errno: errno, logger: logger) }
    }

    /// Opens an existing file (e.g. a device, in tests) for writing.
    init(writingTo url: URL, logger: Logger) throws {
        self.url = url
        self.logger = logger
        descriptor = open(url.path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure("open", url, errno: errno, logger: logger) }
    }

    deinit { close() }

    /// Appends `bytes`.
    /// - Throws: `ServerError` 413 when the disk is full, 500 for another failure.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("write", url, errno: errno, logger: logger)
            }
            offset += written
        }
    }

    /// Flushes the file's data to the disk (before it is renamed into place and acknowledged).
    func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw Self.failure("fsync", url, errno: errno, logger: logger) }
    }

    /// Closes the file (again: nothing).
    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Renames `source` over `destination` atomically, then flushes the directory so the rename survives a power loss.
    /// - Throws: `ServerError` 413 when the disk is full, 500 for another failure.
    static func rename(_ source: URL, over destination: URL, logger: Logger) throws {
        guard Glibc.rename(source.path, destination.path) == 0 else {
            throw failure("rename into", destination, errno: errno, logger: logger)
        }
        let directory = destination.deletingLastPathComponent()
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", directory, errno: errno, logger: logger) }
        defer { _ = Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync", directory, errno: errno, logger: logger) }
    }

    /// Size and last-modification time (seconds since 1970, to the nanosecond) of the file at `path`, nil if it is not there.
    static func status(_ path: String) -> (bytes: Int, modified: Double)? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG) else { return nil }
        return (Int(info.st_size), Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) * 1e-9)
    }

    /// Sets the file's modification time to now, from the precise clock (the file system's own stamps
    /// are as coarse as the kernel's tick, too coarse to order uses a millisecond apart).
    /// - Returns: false when the file is not there.
    @discardableResult
    static func touch(_ path: String) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var times = [now, now]
        return utimensat(AT_FDCWD, path, &times, 0) == 0
    }

    /// The refusal for a failed `operation` on `url`: logged with the path, answered without it.
    static func failure(_ operation: String, _ url: URL, errno code: Int32, logger: Logger) -> ServerError {
        let reason = String(cString: strerror(code))
        logger.error("key store \(operation) failed", metadata: ["file": "\(url.path)", "errno": "\(code)", "reason": "\(reason)"])
        if code == ENOSPC || code == EDQUOT {
            return ServerError(.contentTooLarge, code: "server.disk_full",
                               "the key store's disk is full (\(reason)); retry later or ask the operator to free space")
        }
        return ServerError(.internalServerError, code: "server.key_store",
                           "the key store cannot \(operation) a file (\(reason)); the operator's log names it")
    }
}
