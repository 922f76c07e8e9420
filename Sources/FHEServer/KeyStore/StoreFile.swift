// The key store's files, written through FHECore's `NewFile` and `FileOutput` (one home for writing files),
// with every failure turned into the protocol's answer: a full disk becomes a 413, any other failure a 500 with
// a report; the path and errno go to the log, not to the client.
import FHECore
import Foundation
import Logging

/// A new file of the key store, written and flushed to the disk.
final class StoreFile {
    private let file: NewFile
    private let logger: Logger

    /// Creates the file at `url` (which must not exist), readable by its owner only.
    /// - Throws: `ServerError` 413 when the disk is full, 500 for another failure.
    init(creating url: URL, logger: Logger) throws {
        self.logger = logger
        file = try Self.answering(logger) { try NewFile(creating: url, permissions: .ownerOnly) }
    }

    /// Opens an existing file (e.g. a device, in tests) for writing.
    init(writingTo url: URL, logger: Logger) throws {
        self.logger = logger
        file = try Self.answering(logger) { try NewFile(writingTo: url) }
    }

    /// Appends `bytes`.
    /// - Throws: `ServerError` 413 when the disk is full, 500 for another failure.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try Self.answering(logger) { try file.write(bytes) }
    }

    /// Flushes the file's data to the disk (before it is renamed into place and acknowledged).
    func synchronize() throws {
        try Self.answering(logger) { try file.synchronize() }
    }

    /// Closes the file (again: nothing).
    func close() { file.close() }

    /// Renames `source` over `destination` atomically, then flushes the directory so the rename survives a power loss.
    /// - Throws: `ServerError` 413 when the disk is full, 500 for another failure.
    static func rename(_ source: URL, over destination: URL, logger: Logger) throws {
        try answering(logger) { try FileOutput.moveIntoPlace(source, destination, replacing: true) }
    }

    /// `body`, with a `FileSystemError` turned into the server's answer.
    private static func answering<T>(_ logger: Logger, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FileSystemError {
            throw failure(error.operation, URL(fileURLWithPath: error.path), errno: error.code, logger: logger)
        }
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
        let error = FileSystemError(operation, path: url.path, code: code)
        logger.error("key store \(operation) failed", metadata: ["file": "\(url.path)", "errno": "\(code)", "reason": "\(error.reason)"])
        if error.isDiskFull {
            return ServerError(.contentTooLarge, code: "server.disk_full",
                               "the key store's disk is full (\(error.reason)); retry later or ask the operator to free space")
        }
        return ServerError(.internalServerError, code: "server.key_store",
                           "the key store cannot \(operation) a file (\(error.reason)); the operator's log names it")
    }
}
