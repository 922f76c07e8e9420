// The options of `Compiler.compile`, validated as Concrete ML validates them (docs/QUANTIZATION.md#options).
public import FHECore
import Foundation

/// A compile option the user got wrong; the message says which option and why.
public struct CompileOptionError: Error, Equatable, CustomStringConvertible {
    /// The flag, as the command line spells it (`--n-bits`, `--rounding-threshold-bits`, `--input-encryption`, ...).
    public var option: String
    /// Why it is refused.
    public var reason: String
    /// An error.
    public init(option: String, _ reason: String) {
        self.option = option
        self.reason = reason
    }
    public var description: String { "invalid \(option): \(reason)" }
}

/// Bits of each kind of tensor (Concrete ML's `n_bits`).
public struct QuantizationBits: Sendable, Equatable, Codable {
    /// Graph inputs consumed by a univariate op before any linear op.
    public var modelInputs: Int
    /// Every float constant fed to an op (weights, biases).
    public var opWeights: Int
    /// The encrypted input of every linear (mixing) op.
    public var opInputs: Int
    /// Output tables and shape-op requantization.
    public var modelOutputs: Int

    /// Explicit bits for each kind.
    public init(opInputs: Int, opWeights: Int, modelInputs: Int, modelOutputs: Int) {
        (self.opInputs, self.opWeights, self.modelInputs, self.modelOutputs) = (opInputs, opWeights, modelInputs, modelOutputs)
    }

    /// Concrete ML's default: 8 everywhere.
    public static let `default` = QuantizationBits(bits: 8)

    /// `n_bits = n`: op_inputs = op_weights = n, model_inputs = model_outputs = max(5, n).
    public init(bits n: Int) {
        precondition(n >= 1, "n_bits must be positive")
        (opInputs, opWeights, modelInputs, modelOutputs) = (n, n, max(5, n), max(5, n))
    }

    /// The dict form: op_inputs and op_weights are required; model_inputs defaults to 5 and
    /// model_outputs to max(5, op_inputs); model_outputs ≥ op_inputs.
    public init(dictionary: [String: Int]) throws {
        let allowed: Set = ["model_inputs", "op_weights", "model_outputs", "op_inputs"]
        let unknown = Set(dictionary.keys).subtracting(allowed)
        guard unknown.isEmpty else {
            throw CompileOptionError(option: "--n-bits", "unknown key(s) \(unknown.sorted()); the keys are \(allowed.sorted())")
        }
        guard let opInputs = dictionary["op_inputs"], let opWeights = dictionary["op_weights"] else {
            throw CompileOptionError(option: "--n-bits", "a dictionary must contain at least op_inputs and op_weights")
        }
        guard dictionary.values.allSatisfy({ $0 >= 1 && $0 <= 24 }) else {
            throw CompileOptionError(option: "--n-bits", "every bit-width must be in 1...24, got \(dictionary)")
        }
        let modelOutputs = dictionary["model_outputs"] ?? max(5, opInputs)
        guard modelOutputs >= opInputs else {
            throw CompileOptionError(option: "--n-bits", "model_outputs (\(modelOutputs)) must be at least op_inputs (\(opInputs))")
        }
        (self.opInputs, self.opWeights, self.modelInputs, self.modelOutputs) = (opInputs, opWeights, dictionary["model_inputs"] ?? 5, modelOutputs)
    }

    /// Parses the CLI form: `8` or `op_inputs=6,op_weights=6[,model_inputs=..][,model_outputs=..]`.
    public init(parsing text: String) throws {
        if let n = Int(text) {
            guard n >= 1 && n <= 24 else { throw CompileOptionError(option: "--n-bits", "\(n) is not in 1...24") }
            self.init(bits: n)
            return
        }
        var dictionary = [String: Int]()
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let value = Int(kv[1]) else {
                throw CompileOptionError(option: "--n-bits", "'\(part)' is not key=integer")
            }
            dictionary[kv[0]] = value
        }
        try self.init(dictionary: dictionary)
    }

    /// Refuses, before any work, bit-widths no encrypted value can have: the model inputs, the inputs of linear ops
    /// and the model outputs are encrypted values of that many bits, and programmable bootstrapping reaches `maximum`.
    /// - Throws: `CompileOptionError` for `--n-bits`.
    public func checkEncryptable(maximum: Int) throws {
        let kinds = [("model_inputs", modelInputs), ("op_inputs", opInputs), ("model_outputs", modelOutputs)]
        for (kind, bits) in kinds where bits > maximum {
            throw CompileOptionError(option: "--n-bits", "\(kind) = \(bits) bits: encrypted values have at most \(maximum) bits "
                                     + "(the precision programmable bootstrapping supports, as in Concrete); use \(maximum) or fewer")
        }
    }

    /// Brevitas models: only {model_inputs, model_outputs} (both required); op bits follow model_inputs.
    public init(brevitasDictionary dictionary: [String: Int]) throws {
        guard Set(dictionary.keys) == ["model_inputs", "model_outputs"] else {
            throw CompileOptionError(option: "--n-bits", "for a QAT model the dictionary must contain exactly model_inputs and model_outputs")
        }
        let i = dictionary["model_inputs"]!, o = dictionary["model_outputs"]!
        (opInputs, opWeights, modelInputs, modelOutputs) = (i, i, i, o)
    }
}

/// `rounding_threshold_bits`: how many bits the accumulators keep before each table lookup.
public enum RoundingThreshold: Sendable, Equatable, Codable {
    /// Keep `bits` most significant bits of every rounding site, with `method`.
    case bits(Int, method: RoundingMethod)
    /// Pick the smallest `bits` in 2...8 whose calibration predictions stay within `tolerance`
    /// of the unrounded model: top-1 disagreement ≤ tolerance for classifiers (last axis > 1),
    /// 1 − R² ≤ tolerance otherwise.
    case auto(tolerance: Double, method: RoundingMethod)

    /// Concrete ML's accepted range of rounding bits.
    public static let allowedBits = 2...8

    /// Validates `bits` (2...8) as Concrete ML does.
    public static func make(bits: Int, method: RoundingMethod = .exact) throws -> RoundingThreshold {
        guard allowedBits.contains(bits) else {
            throw CompileOptionError(option: "--rounding-threshold-bits", "keeps 2 to 8 bits, got \(bits)")
        }
        return .bits(bits, method: method)
    }

    /// Parses the CLI/dict form: an integer or `auto`, with a method name (case-insensitive).
    public static func parse(_ text: String, method: String = "exact", tolerance: Double = 0.01) throws -> RoundingThreshold {
        guard let m = RoundingMethod(rawValue: method.lowercased()) else {
            throw CompileOptionError(option: "--rounding-threshold-bits",
                                     "--rounding-method must be exact or approximate, got '\(method)'")
        }
        if text.lowercased() == "auto" { return .auto(tolerance: tolerance, method: m) }
        guard let bits = Int(text) else {
            throw CompileOptionError(option: "--rounding-threshold-bits", "an integer (2 to 8) or 'auto', got '\(text)'")
        }
        return try make(bits: bits, method: m)
    }
}

/// An error probability as the command line and Concrete ML write one: `2^-40`, `2**-40`, `1e-12`, `0.001`.
public enum ErrorProbability {
    /// Parses `text`.
    /// - Throws: `CompileOptionError` for `option` when it is no number in (0, 1).
    public static func parse(_ text: String, option: String = "--p-error") throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let value: Double?
        if let range = trimmed.range(of: "^") ?? trimmed.range(of: "**") {
            let base = Double(trimmed[..<range.lowerBound]), exponent = Double(trimmed[range.upperBound...])
            value = base.flatMap { b in exponent.map { pow(b, $0) } }
        } else {
            value = Double(trimmed)
        }
        guard let value, value > 0 && value < 1 else {
            throw CompileOptionError(option: option, "'\(text)' is not a probability in (0, 1): write it as 2^-40, 2**-40 or 1e-12")
        }
        return value
    }
}

/// Whether each graph input is encrypted or clear (`inputs_encryption_status`).
public enum InputEncryption: String, Sendable, Codable, CaseIterable {
    case encrypted, clear

    /// Validates a status list against the number of inputs, as Concrete ML does.
    public static func validate(_ statuses: [String], inputCount: Int) throws -> [InputEncryption] {
        guard statuses.count <= inputCount else {
            throw CompileOptionError(option: "--input-encryption",
                                     "too many arguments: \(statuses.count) statuses for \(inputCount) input(s)")
        }
        guard statuses.count == inputCount else {
            throw CompileOptionError(option: "--input-encryption",
                                     "missing arguments: \(statuses.count) statuses for \(inputCount) input(s)")
        }
        let parsed = try statuses.enumerated().map { i, s in
            guard let e = InputEncryption(rawValue: s.lowercased()) else {
                throw CompileOptionError(option: "--input-encryption",
                                         "input \(i): '\(s)' is neither 'encrypted' nor 'clear'")
            }
            return e
        }
        guard parsed.contains(.encrypted) else {
            throw CompileOptionError(option: "--input-encryption", "at least one input must be encrypted")
        }
        return parsed
    }
}

/// Everything `Compiler.compile` can be told (Concrete ML's `build_quantized_module` arguments).
public struct CompileOptions: Sendable {
    public var bits: QuantizationBits = .default
    public var rounding: RoundingThreshold?
    /// True for models trained with quantization (Brevitas `Quant` nodes, QDQ pairs).
    public var importQAT = false
    /// One status per graph input; nil = all encrypted.
    public var inputsEncryption: [InputEncryption]?
    /// An identity TLU before every ReduceSum so its input keeps its own bit-width.
    public var reduceSumCopy = false
    /// When set, a TLU input wider than this many bits is a compile error (the FHE back end's limit is
    /// 16); when nil the bit-width report only warns, as `build_quantized_module` does not check it.
    public var maxTLUBits: Int?
    /// QAT only, when `rounding` is nil: round a layer's accumulator by an exact shift when its Brevitas
    /// scales make the rescale a power of two (Concrete ML always does; off is for comparison).
    public var powerOfTwoRounding = true
    /// Headroom for inputs beyond the input set: every accumulator's calibrated range is widened 2^rangeMargin
    /// times (that many more bits, or that many more rounded away), so such inputs do not overflow it.
    public var rangeMargin = 0

    /// Defaults: 8 bits, no rounding, PTQ, all inputs encrypted.
    public init() {}
}
