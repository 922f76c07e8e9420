import FHEClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The secret-key passphrase: $CML_PASSPHRASE, else asked on the terminal.
enum Passphrase {
    static func read(confirm: Bool = false) throws -> String {
        if let value = ProcessInfo.processInfo.environment["CML_PASSPHRASE"] { return value }
        guard let first = getpass("Secret-key passphrase: ").map({ String(cString: $0) }), !first.isEmpty else {
            throw ClientError(code: "client.no_passphrase", "set CML_PASSPHRASE or type a passphrase")
        }
        if confirm {
            guard let second = getpass("Again: ").map({ String(cString: $0) }), second == first else {
                throw ClientError(code: "client.no_passphrase", "the passphrases differ")
            }
        }
        return first
    }
}
