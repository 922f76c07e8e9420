// KS + PBS time of a parameter set on this machine and its kernels, for latency estimates (`cml-dev inspect`):
// measured rather than scaled from a constant, because machines and instruction sets differ by several times.
import Foundation

/// Measures one keyswitch + programmable bootstrap of a parameter set on this machine's kernels.
///
/// The keys are random words, not keys of any secret: the engine's running time depends only on the set's shape
/// (the kernels have no data-dependent branches that random words would avoid), so a measurement needs no key
/// generation and holds no secret.
public enum PBSTiming {
    /// One measurement.
    public struct Measurement: Codable, Sendable, Equatable {
        /// Milliseconds of thread CPU time per KS + PBS, on one core, amortized over a lockstep batch as the
        /// evaluator runs a layer.
        public var milliseconds: Double
        /// The kernels measured.
        public var instructionSet: String
        /// Lookups in the timed batch.
        public var lookups: Int
    }

    /// Times `lookups` KS + PBS in one batch (after one untimed lookup that warms the caches and pages in the
    /// keys), single thread, on `instructionSet`'s kernels.
    public static func measure(_ parameters: ParameterSet, lookups: Int? = nil,
                               instructionSet: InstructionSet = .active) -> Measurement {
        let keys = randomKeys(parameters)
        let count = max(1, lookups ?? BootstrapScratch.preferredBatchSize(parameters))
        let plan = FFTPlan(polynomialSize: parameters.polynomialSize, instructionSet: instructionSet)
        let scratches = (0..<BootstrapScratch.preferredBatchSize(parameters)).map { _ in BootstrapScratch(parameters: parameters, plan: plan) }
        let lut = LookupTable(table: [0, 1], inputBits: 1, outputBits: 1, polynomialSize: parameters.polynomialSize)
        let inputSize = parameters.bigLWEDimension.lweSize
        var generator = SystemRandomNumberGenerator()
        let inputs = (0..<(count * inputSize)).map { _ in generator.next() as UInt64 }
        var outputs = [UInt64](repeating: 0, count: count * inputSize)
        var elapsed = 0.0
        inputs.withUnsafeBufferPointer { i in
            outputs.withUnsafeMutableBufferPointer { o in
                Bootstrap.programmableBatch(i.baseAddress!, count: 1, lookupTable: { _ in lut }, keys: keys,
                                            scratches: scratches[...], into: o.baseAddress!)
                let start = threadCPUSeconds()
                Bootstrap.programmableBatch(i.baseAddress!, count: count, lookupTable: { _ in lut }, keys: keys,
                                            scratches: scratches[...], into: o.baseAddress!)
                elapsed = threadCPUSeconds() - start
            }
        }
        return Measurement(milliseconds: elapsed / Double(count) * 1000, instructionSet: instructionSet.rawValue, lookups: count)
    }

    /// `measure(parameters)` on the active kernels, kept in a per-user cache file (under `XDG_CACHE_HOME`, else
    /// `~/.cache`, in `cml/pbs-timings.json`) keyed by CPU, kernels and set, so each set is measured once per
    /// machine. A cache that cannot be read or written only costs a new measurement.
    public static func cachedMeasurement(_ parameters: ParameterSet, cache url: URL = cacheURL) -> Measurement {
        let key = "\(cpuModel) | \(InstructionSet.active) | \(parameters)"
        var cache = (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode([String: Measurement].self, from: $0) } ?? [:]
        if let hit = cache[key] { return hit }
        let measurement = measure(parameters)
        cache[key] = measurement
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let data = try? encoder.encode(cache) {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Another process may write the same file: each writes a whole file and renames it into place.
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".pbs-timings-\(ProcessInfo.processInfo.processIdentifier).json")
            if (try? data.write(to: temporary)) != nil {
                if rename(temporary.path, url.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
            }
        }
        return measurement
    }

    /// The default cache file of `cachedMeasurement`.
    public static var cacheURL: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("cml").appendingPathComponent("pbs-timings.json")
    }

    /// The processor's model name (Linux), for the cache key and reports.
    public static var cpuModel: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line?.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    }

    /// Evaluation keys of `parameters`' shape filled with random words (tiled from a small random block: filling
    /// gigabytes one random word at a time would cost more than the measurement).
    static func randomKeys(_ parameters: ParameterSet) -> EvaluationKeys {
        var generator = SystemRandomNumberGenerator()
        let block = (0..<4096).map { _ in generator.next() as UInt64 }
        let ksk = LWEKeyswitchKey(inputDimension: parameters.bigLWEDimension, outputDimension: parameters.lweDimension,
                                  decomposition: parameters.ksDecomposition) { i, row in
            let words = parameters.ksDecomposition.levelCount.rawValue * parameters.lweDimension.lweSize
            for t in 0..<words { row[t] = block[(i &* 31 &+ t) & 4095] }
        }
        let count = parameters.lweDimension.rawValue * parameters.fourierPrecision.keyParts * GGSWCiphertext.wordCount(
            glweDimension: parameters.glweDimension, polynomialSize: parameters.polynomialSize,
            decomposition: parameters.pbsDecomposition)
        let reals = block.map { Double(Int64(bitPattern: $0) >> 20) }
        let storage = AlignedBuffer<Double>(count: count) { p in
            var t = 0
            while t < count {
                let take = min(reals.count, count - t)
                reals.withUnsafeBufferPointer { (p + t).update(from: $0.baseAddress!, count: take) }
                t += take
            }
        }
        let bsk = FourierLWEBootstrapKey(storage: storage, inputDimension: parameters.lweDimension,
                                         glweDimension: parameters.glweDimension, polynomialSize: parameters.polynomialSize,
                                         decomposition: parameters.pbsDecomposition, fourierPrecision: parameters.fourierPrecision)
        return EvaluationKeys(parameters: parameters, keyswitchKey: ksk, bootstrapKey: bsk)
    }

    /// CPU time of the calling thread, in seconds.
    public static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
