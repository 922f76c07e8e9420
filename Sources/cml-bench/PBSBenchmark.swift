import ArgumentParser
import Foundation
@_spi(KeyHolder) import FHECore

extension Main {
    /// Milliseconds per keyswitch + PBS on one core for Concrete's 2/4/6/8-bit sets, FFT time, key sizes.
    struct PBS: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time KS+PBS (single thread, amortized over --count independent PBS, median of --runs) per precision.")

        @Option(help: "Comma-separated precisions among 2, 4, 6, 8.")
        var bits: String = "2,4,6,8"
        @Option(help: "Independent PBS per run.")
        var count: Int = 32
        @Option(help: "Runs; the median is printed.")
        var runs: Int = 5
        @Option(help: "PBS run in lockstep, sharing each bootstrap-key read (Bootstrap.programmableBatch, which keyswitches all --count inputs in groups sharing each keyswitch-key read); 0 picks the engine's default for the set, 1 runs them one by one (keyswitch included).")
        var batch: Int = 0
        @Flag(help: "Also time the batch on all cores (Bootstrap.programmableConcurrent).")
        var concurrent = false
        @Option(name: .customLong("set"), help: ArgumentHelp(
            "Also time another set: bits:n,k,N,pbs-levels,pbs-base-log,ks-levels,ks-base-log[,split] (repeatable; split: split-key Fourier products).",
            discussion: "E.g. --set 6:896,1,8192,4,9,6,3, the benchmark models' set at 6 rounding bits (cml-dev compile --verbose prints a bundle's)."))
        var extraSets: [String] = []
        @Option(help: "Comma-separated polynomial sizes N whose FFT is timed (forward, and forward + inverse).")
        var fftSizes = "2048"

        /// The `--set` values, parsed.
        func parsedSets() throws -> [(bits: Int, parameters: ParameterSet)] {
            try extraSets.map { text in
                let parts = text.split(separator: ":")
                let fields = parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : []
                let split = fields.count == 8 && fields[7] == "split"
                let numbers = fields.prefix(7).compactMap { Int($0) }
                guard parts.count == 2, let bits = Int(parts[0]), (1...8).contains(bits), numbers.count == 7,
                      fields.count == 7 || split else {
                    throw ValidationError("--set takes bits:n,k,N,pbs-levels,pbs-base-log,ks-levels,ks-base-log[,split], got '\(text)'")
                }
                let set = ParameterSet(lweDimension: numbers[0], glweDimension: numbers[1], polynomialSize: numbers[2],
                                       pbs: (numbers[3], numbers[4]), ks: (numbers[5], numbers[6]),
                                       fourierPrecision: split ? .split : .standard)
                return (bits, set)
            }
        }

        func run() throws {
            let list = try bits.split(separator: ",").map { s -> Int in
                guard let b = Int(s.trimmingCharacters(in: .whitespaces)), ParameterSet.concrete(bits: b) != nil else {
                    throw ValidationError("--bits takes values among 2,4,6,8, got '\(s)'")
                }
                return b
            }
            let extra = try parsedSets()
            print(PBSBenchmark.machineLine())
            for size in fftSizes.split(separator: ",") {
                guard let n = Int(size), n >= 16, n & (n - 1) == 0 else {
                    throw ValidationError("--fft-sizes takes powers of two ≥ 16, got '\(size)'")
                }
                print(PBSBenchmark.fft(polynomialSize: n))
            }
            for b in list {
                for line in PBSBenchmark.run(bits: b, count: count, runs: runs, batch: batch, concurrent: concurrent) { print(line) }
            }
            for (b, set) in extra {
                for line in PBSBenchmark.run(bits: b, parameters: set, count: count, runs: runs, batch: batch, concurrent: concurrent) {
                    print(line)
                }
            }
        }
    }
}

/// The measurements behind `cml-bench pbs`.
enum PBSBenchmark {
    /// Which CPU and which kernels the figures below come from (`CML_ENGINE_ISA` forces a path).
    static func machineLine() -> String {
        let cpu = PBSTiming.cpuModel
        return "engine kernels=\(InstructionSet.active) (this CPU runs \(InstructionSet.supported.map(\.rawValue).joined(separator: ", ")));"
            + " cpu=\(cpu); cores=\(ProcessInfo.processInfo.activeProcessorCount)"
    }

    static let clock = ContinuousClock()

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    /// CPU time of the calling thread, in seconds: on a shared machine this is the single-core cost, unlike
    /// wall-clock time, which also counts time the thread waited for a core.
    static func threadCPUSeconds() -> Double { PBSTiming.threadCPUSeconds() }

    /// ns per forward negacyclic FFT and per forward + inverse of size N (an M = N/2-point complex transform each
    /// way), with the twist and the conversions, L1/L2-hot, median of 5 rounds.
    static func fft(polynomialSize: Int) -> String {
        let plan = FFTPlan(polynomialSize: PolynomialSize(polynomialSize))
        let digits = (0..<polynomialSize).map { _ in Int64.random(in: -1000...1000) }
        // Cache-line aligned, like the engine's Fourier buffers.
        let fp = allocateAligned(Double.self, count: polynomialSize)
        defer { fp.deallocate() }
        var out = [UInt64](repeating: 0, count: polynomialSize)
        let iterations = max(200, 40_000_000 / polynomialSize)
        var forward = [Double](), pair = [Double](), wall = [Double]()
        digits.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                for _ in 0..<5 {
                    var c0 = threadCPUSeconds()
                    for _ in 0..<iterations { plan.forwardInteger(d.baseAddress!, into: fp) }
                    forward.append((threadCPUSeconds() - c0) / Double(iterations) * 1e9)
                    let t0 = clock.now
                    c0 = threadCPUSeconds()
                    for _ in 0..<iterations {
                        plan.forwardInteger(d.baseAddress!, into: fp)
                        plan.inverseAddTorus(fp, to: o.baseAddress!)
                    }
                    pair.append((threadCPUSeconds() - c0) / Double(iterations) * 1e9)
                    wall.append(seconds(clock.now - t0) / Double(iterations) * 1e9)
                }
            }
        }
        return String(format: "fft n=%d ns=%.0f forward_ns=%.0f (forward+inverse incl. twist and torus conversion; wall %.0f)",
                      polynomialSize, median(pair), median(forward), median(wall))
    }

    /// One line per measurement for the `bits`-bit Concrete set.
    static func run(bits: Int, count: Int, runs: Int, batch requested: Int, concurrent: Bool) -> [String] {
        guard let p = ParameterSet.concrete(bits: bits) else { return [] }
        return run(bits: bits, parameters: p, count: count, runs: runs, batch: requested, concurrent: concurrent)
    }

    /// One line per measurement for set `p` with `bits`-bit tables.
    static func run(bits: Int, parameters p: ParameterSet, count: Int, runs: Int, batch requested: Int, concurrent: Bool) -> [String] {
        let t0 = clock.now
        let secret = SecretKeys(parameters: p)
        let keys = secret.evaluationKeys()
        let keygen = seconds(clock.now - t0)
        let lut = LookupTable(inputBits: bits, outputBits: bits, polynomialSize: p.polynomialSize) { ($0 + 1) % Int64(1 << bits) }
        let messages = (0..<count).map { Int64($0 % (1 << bits)) }
        let inputs = messages.map { secret.encrypt($0, bits: bits) }
        let batch = requested > 0 ? requested : BootstrapScratch.preferredBatchSize(p)
        let scratches = BootstrapScratch.batch(batch, parameters: p)
        let size = p.bigLWEDimension.lweSize
        let list = LWECiphertextList(inputs, lweDimension: p.bigLWEDimension)
        var outputs = LWECiphertextList(lweDimension: p.bigLWEDimension, count: count)
        var samples = [Double](), wall = [Double]()
        list.data.withUnsafeBufferPointer { i in
            outputs.data.withUnsafeMutableBufferPointer { o in
                for _ in 0..<runs {
                    let start = clock.now, c0 = threadCPUSeconds()
                    // As the evaluator runs a layer: all the lookups in one call (one by one for --batch 1).
                    let step = batch == 1 ? 1 : count
                    var first = 0
                    while first < count {
                        let items = min(step, count - first)
                        Bootstrap.programmableBatch(i.baseAddress! + first * size, count: items, lookupTable: { _ in lut }, keys: keys,
                                                    scratches: scratches[...], into: o.baseAddress! + first * size)
                        first += items
                    }
                    samples.append((threadCPUSeconds() - c0) / Double(count) * 1e3)
                    wall.append(seconds(clock.now - start) / Double(count) * 1e3)
                }
            }
        }
        var failures = 0
        for i in 0..<count where secret.decrypt(outputs[i], bits: bits) != UInt64((messages[i] + 1) % Int64(1 << bits)) {
            failures += 1
        }
        let k = p.glweDimension.rawValue, n = p.polynomialSize.rawValue
        let seededKSK = p.bigLWEDimension.rawValue * p.ksDecomposition.levelCount.rawValue * 8 + Seed.byteCount
        let seededBSK = p.lweDimension.rawValue * p.pbsDecomposition.levelCount.rawValue * (k + 1) * n * 8 + Seed.byteCount
        var lines = [
            String(format: "pbs bits=%d n=%d k=%d N=%d ms=%.2f", bits, p.lweDimension.rawValue, k, n, median(samples))
                + (ParameterSet.concrete(bits: bits) == p ? "" : " [\(p)]")
                + String(format: " (thread CPU time; wall %.2f; min %.2f max %.2f; %d runs × %d, keyswitched in groups of up to %d, bootstrapped in lockstep batches of %d; wrong decryptions %d)",
                         median(wall), samples.min()!, samples.max()!, runs, count,
                         batch == 1 ? 1 : KeySwitch.groupSize(keys.keyswitchKey, lockstep: batch), batch, failures),
            String(format: "keys bits=%d full_MB=%.1f seeded_MB=%.1f ksk_MB=%.1f bsk_MB=%.1f keygen_s=%.1f", bits,
                   Double(keys.byteCount) / 1e6, Double(seededKSK + seededBSK) / 1e6,
                   Double(keys.keyswitchKey.byteCount) / 1e6, Double(keys.bootstrapKey.byteCount) / 1e6, keygen),
        ]
        if concurrent {
            var times = [Double]()
            for _ in 0..<runs {
                let start = clock.now
                _ = Bootstrap.programmableConcurrent(list, lookupTables: [lut], keys: keys)
                times.append(seconds(clock.now - start) / Double(count) * 1e3)
            }
            lines.append(String(format: "pbs-concurrent bits=%d workers=%d ms_per_pbs=%.2f", bits, Parallel.workerCount, median(times)))
        }
        return lines
    }
}
