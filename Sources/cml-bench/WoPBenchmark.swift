import ArgumentParser
import Foundation
@_spi(KeyHolder) import FHECore
import FHECompiler

extension Main {
    /// Seconds per large-precision (WoP-PBS) lookup on one core, by phase, with key sizes.
    struct WoP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wop",
            abstract: "Time large-precision lookups (WoP-PBS: bit extraction, circuit bootstrap, vertical packing) per precision.",
            discussion: "Example: cml-bench wop --bits 9,12,16 --runs 3. Single thread, one lookup fed by a dot product of 2-norm 1 at p_error 2^-40; --sets concrete times Concrete's shapes for the same lookup.")

        @Option(help: "Comma-separated precisions among 9…16.")
        var bits: String = "9,12,16"
        @Option(help: "Lookups timed; the median is printed.")
        var runs: Int = 3
        @Option(help: "Whose sets: cml (this search's) or concrete (Concrete's optimizer's shapes).")
        var sets: String = "cml"
        @Option(help: "How values are held: crt (Concrete's residue blocks, results as blocks again) or radix2 (one block).")
        var encoding: String = "crt"

        func run() throws {
            let list = try bits.split(separator: ",").map { s -> Int in
                guard let b = Int(s.trimmingCharacters(in: .whitespaces)), WoPParameters.concrete(bits: b) != nil else {
                    throw ValidationError("--bits takes values among 9…16, got '\(s)'")
                }
                return b
            }
            guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
            guard ["cml", "concrete"].contains(sets) else { throw ValidationError("--sets takes cml or concrete, got '\(sets)'") }
            guard ["crt", "radix2"].contains(encoding) else { throw ValidationError("--encoding takes crt or radix2, got '\(encoding)'") }
            print(PBSBenchmark.machineLine())
            for b in list {
                let crt = encoding == "crt" ? CRTEncoding.concrete(bits: b) : nil
                let searched = sets == "concrete" ? WoPParameters.concrete(bits: b)
                    : WoPParameterSearch.cheapest(bits: b, squaredNorm: 1, errorProbability: 0x1p-40, encoding: crt)?.parameters
                guard let parameters = searched else {
                    print("wop bits=\(b): the search found no set meeting p_error 2^-40 (docs/LARGE-PRECISION.md#parameter-search)")
                    continue
                }
                print(WoPBenchmark.run(bits: b, parameters: parameters, encoding: crt, runs: runs))
            }
        }
    }
}

/// The measurements behind `cml-bench wop`.
enum WoPBenchmark {
    static func run(bits: Int, parameters: WoPParameters, encoding: CRTEncoding?, runs: Int) -> String {
        let secret = SecretKeys(parameters: parameters.base)
        let keygenStart = Date()
        let keys = secret.wopEvaluationKeys(parameters)
        let keygen = Date().timeIntervalSince(keygenStart)
        let scratch = WoPScratch(parameters: parameters)
        let size = 1 << bits
        let table = (0..<size).map { Torus.encode(Int64(($0 &* 2_654_435_761) >> 5 & 0x3f), bits: 6) }
        var times: [Double] = []
        var wrong = 0
        for run in 0..<runs {
            let m = Int64((run * 7919 + 12345) % size)
            let start: Double, correct: Bool
            if let encoding {
                // A random function of the value, as CRT blocks again (one vertical packing per block).
                let f = { (x: Int64) in (x &* 2_654_435_761 >> 3) % Int64(encoding.product) }
                let tables = encoding.moduli.indices.map { o in
                    encoding.table { CRTEncoding.plaintext(residue: encoding.residues(f($0))[o], modulus: encoding.moduli[o]) }
                }
                let blocks = encoding.plaintexts(m).map { secret.encrypt(plaintext: $0) }
                start = ProcessInfo.processInfo.systemUptime
                let out = Bootstrap.withoutPadding(blocks: blocks, encoding: encoding, tables: tables, keys: keys, scratch: scratch)
                times.append(ProcessInfo.processInfo.systemUptime - start)
                let residues = zip(out, encoding.moduli).map {
                    CRTEncoding.residue(phase: LWEEncryption.phase($0, key: secret.bigLWEKey), modulus: $1)
                }
                correct = encoding.value(residues: residues) == Int(f(m))
            } else {
                let c = secret.encrypt(m, bits: bits)
                start = ProcessInfo.processInfo.systemUptime
                let out = Bootstrap.withoutPadding(c, bits: bits, tables: [table], keys: keys, scratch: scratch)
                times.append(ProcessInfo.processInfo.systemUptime - start)
                correct = Torus.encode(Int64(secret.decrypt(out[0], bits: 6)), bits: 6) == table[Int(m)]
            }
            if !correct { wrong += 1 }
        }
        let median = times.sorted()[times.count / 2]
        return String(format: "wop bits=%d%@ %@ ms=%.1f (median of %d, one core; wrong %d) keys_MB=%.1f (cb key %.1f) keygen_s=%.1f",
                      bits, encoding.map { " crt=\($0.moduli)" } ?? " radix2", parameters.description, median * 1000, runs, wrong, Double(keys.byteCount) / 1e6,
                      Double(keys.circuitBootstrapKey.byteCount) / 1e6, keygen)
    }
}
