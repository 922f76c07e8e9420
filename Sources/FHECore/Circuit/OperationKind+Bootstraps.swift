// What every operation bootstraps, described once (docs/ALGORITHMS.md, #pbs to #max-pooling). The statistics, the
// encodings, the lowering, the program's keys, the noise weights and the three evaluators all read it, and
// its switch has no `default:`, so a new operation is a compile error here before it can be missing there.
import Foundation

/// How an operation uses programmable bootstrapping (PBS).
public enum BootstrapPattern: Sendable, Equatable {
    /// No PBS: exact arithmetic on ciphertexts, or an operation on clear values.
    case levelled
    /// One PBS per element reading the operand: a table lookup.
    case lookup
    /// ⌊(a+b)²/4⌋ − ⌊(a−b)²/4⌋ (docs/ALGORITHMS.md#encrypted-products): two PBS per scalar product, `terms` products
    /// summed into each result element (1 element-wise, K for a matrix product).
    case squares(terms: Int)
    /// A tree of max(a, b) = a + relu(b − a) over each window of `taps` candidates: one PBS per comparison.
    case maxTree(taps: Int)
    /// Exact rounding (docs/ALGORITHMS.md#rounding): one bit-extraction PBS per removed bit and element,
    /// subtracted from the input.
    case bitExtraction(lsbs: Int)

    /// Whether the operation runs any PBS.
    public var bootstraps: Bool { self != .levelled }

    /// Whether the result is made of PBS outputs only, so that its PBS may run in another partition than its
    /// operands (docs/PARAMETERS.md#partitions). Max-pooling and exact rounding add PBS outputs to their input, so
    /// they stay in their input's partition.
    public var crossesPartitions: Bool {
        switch self {
        case .lookup, .squares: true
        case .levelled, .maxTree, .bitExtraction: false
        }
    }

    /// PBS outputs summed into each result element on its longest path (its ν² over PBS outputs, beside what
    /// it keeps of its input).
    public var outputsPerResultElement: Int {
        switch self {
        case .levelled: 0
        case .lookup: 1
        case .squares(let terms): 2 * terms
        case .maxTree(let taps): Self.treeDepth(taps: taps)
        case .bitExtraction(let lsbs): lsbs
        }
    }

    /// The groups of PBS that read the same kind of input, in the order the evaluators run them.
    public var groups: [BootstrapGroup] {
        switch self {
        case .levelled: []
        case .lookup: [BootstrapGroup(suffix: "", perResultElement: 1, input: .operand)]
        case .squares(let terms): [BootstrapGroup(suffix: "/square", perResultElement: 2 * terms, input: .sumAndDifference)]
        case .maxTree(let taps):
            [BootstrapGroup(suffix: "/max", perResultElement: taps - 1, input: .difference(treeDepth: Self.treeDepth(taps: taps)))]
        case .bitExtraction(let lsbs):
            (0..<lsbs).map { BootstrapGroup(suffix: "/round-bit\($0)", perResultElement: 1, input: .bit($0)) }
        }
    }

    /// Levels of a max tree over `taps` candidates.
    static func treeDepth(taps: Int) -> Int { Int(ceil(log2(Double(max(taps, 2))))) }
}

/// PBS of one operation that read the same kind of input.
public struct BootstrapGroup: Sendable, Equatable {
    /// What the group is called after the operation's label ("" for a table lookup).
    public var suffix: String
    /// PBS per element of the result, per sample.
    public var perResultElement: Int
    /// What each PBS reads.
    public var input: BootstrapInput

    /// The squared 2-norm of each PBS input from its operands' ν² (one source of noise at a time): the input
    /// is `scale(operandPrecision:)` · (Σ operands' ν² + PBS outputs already added), the outputs counted
    /// only with `countsAddedOutputs`.
    public func inputSquaredNorm(operands: [Double], operandPrecision p: Int, countsAddedOutputs: Bool) -> Double {
        let added: Double
        switch input {
        case .operand, .sumAndDifference: added = 0
        case .difference(let depth): added = Double(depth)
        case .bit(let k): added = Double(k)
        }
        return scale(operandPrecision: p) * (operands.reduce(0, +) + (countsAddedOutputs ? added : 0))
    }

    /// The factor the noise of the operand is multiplied by before the PBS reads it.
    func scale(operandPrecision p: Int) -> Double {
        switch input {
        case .operand, .sumAndDifference: 1
        // b − a of two candidates, each carrying the operand's noise.
        case .difference: 2
        // Bit k is moved to the top by a clear multiplication by 2^(p−k).
        case .bit(let k): exp2(2 * Double(p - k))
        }
    }

    /// Message bits the PBS reads, beside the padding bit, for an operand encoded on `operandPrecision` bits.
    /// A bit extraction reads the sign of the torus, without padding: 0 bits.
    public func messageBits(operandPrecision: Int) -> Int {
        if case .bit = input { 0 } else { operandPrecision }
    }
}

/// What each PBS of a group reads.
public enum BootstrapInput: Sendable, Equatable {
    /// The operand's elements.
    case operand
    /// a + b and a − b of the two operands' elements.
    case sumAndDifference
    /// b − a of two partial maxima of the operand, after up to `treeDepth` relu outputs were added to them.
    case difference(treeDepth: Int)
    /// Bit `k` of the operand, after the bits below it were extracted and subtracted.
    case bit(Int)
}

extension OperationKind {
    /// How this operation bootstraps on operands of the given shapes and encryption status.
    public func bootstrapPattern(operandShapes: [[Int]], operandsEncrypted: [Bool]) -> BootstrapPattern {
        guard operandsEncrypted.contains(true) else { return .levelled }
        switch self {
        case .input, .matMul, .conv, .reduceSum, .addConstant, .mulConstant, .add, .subtract,
             .reshape, .transpose, .slice, .concat, .pad, .gather, .expand:
            return .levelled
        case .tableLookup:
            return .lookup
        case .multiply:
            // Encrypted × clear is a leveled product.
            return operandsEncrypted.allSatisfy { $0 } ? .squares(terms: 1) : .levelled
        case .matMulEncrypted:
            return operandsEncrypted.allSatisfy { $0 } ? .squares(terms: operandShapes[0].last!) : .levelled
        case .maxPool(let geometry, _):
            return .maxTree(taps: geometry.kernelShape.reduce(1, *))
        case .round(let lsbs, .exact):
            return lsbs > 0 ? .bitExtraction(lsbs: lsbs) : .levelled
        case .round(_, .approximate):
            // The dropped bits become noise of the next lookup's modulus switch.
            return .levelled
        }
    }
}

extension Circuit {
    /// How `op` bootstraps in this circuit.
    public func bootstrapPattern(of op: CircuitOperation) -> BootstrapPattern {
        op.kind.bootstrapPattern(operandShapes: op.operands.map { self[$0].shape },
                                 operandsEncrypted: op.operands.map { self[$0].isEncrypted })
    }

    /// The bit-width of the integers a PBS of `group` of `op` reads, from the calibrated ranges.
    public func inputBitWidth(of group: BootstrapGroup, in op: CircuitOperation) -> Int {
        let x = self[op.operands[0]].range
        switch group.input {
        case .operand: return x.bitWidth
        case .sumAndDifference: return CircuitEncoding.sumAndDifferenceBits(x, self[op.operands[1]].range)
        case .difference: return IntegerRange(min: x.min - x.max, max: x.max - x.min).bitWidth
        case .bit: return 1
        }
    }
}
