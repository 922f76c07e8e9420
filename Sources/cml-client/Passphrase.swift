import FHEClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The secret-key passphrase: $CML_PASSPHRASE, else asked on the terminal. An empty one is refused either way.
enum Passphrase {
    static func read(confirm: Bool = false) throws -> String {
        if let value = ProcessInfo.processInfo.environment["CML_PASSPHRASE"] {
            try SecretKeySealing.checkPassphrase(value)
            return value
        }
        guard let first = getpass("Secret-key passphrase: ").map({ String(cString: $0) }), !first.isEmpty else {
            throw ClientError(code: "client.no_passphrase", "set CML_PASSPHRASE or type a passphrase")
        }
        try SecretKeySealing.checkPassphrase(first)
        if confirm {
            guard let second = getpass("Again: ").map({ String(cString: $0) }), second == first else {
                throw ClientError(code: "client.no_passphrase", "the passphrases differ")
            }
        }
        return first
    }

    /// What every subcommand that reads or writes the secret key says in its help.
    static let help = """
        The secret key is sealed under a passphrase: CML_PASSPHRASE when it is set (it must not be empty), \
        else asked on the terminal.
        """
}
