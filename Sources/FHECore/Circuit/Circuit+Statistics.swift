import Foundation
// Figures the parameter search and the reports need: TLU counts, precisions and 2-norms.

/// The TLUs of one operation, as the parameter optimizer sees them.
public struct TLUGroup: Sendable, Equatable, Codable {
    /// The operation's label and mnemonic.
    public var label: String
    /// Bit-width of the TLU inputs (the PBS precision).
    public var precision: Int
    /// Largest squared 2-norm of the clear weights of the linear combination of fresh ciphertexts (inputs
    /// or PBS outputs, each counted with variance 1) that feeds one TLU of the group.
    public var maxNormSquared: Double
    /// Number of TLUs (per sample).
    public var count: Int
}

extension Circuit {
    /// For every value, the largest squared 2-norm ν² of the linear combination of fresh ciphertexts
    /// it is made of (inputs and PBS outputs count 1; clear values 0): `NoiseWeights` with both
    /// sources counted alike.
    public func normSquared() -> [Double] {
        let weights = NoiseWeights(self)
        return zip(weights.fresh, weights.bootstrapped).map { $0 + $1 }
    }

    /// TLUs per operation and group (`BootstrapPattern.groups`): tables, products (2 per scalar product),
    /// max-pool comparisons, and one group per bit exact rounding extracts. Levelled operations have none.
    public func tluGroups() -> [TLUGroup] {
        let weights = NoiseWeights(self)
        var groups = [TLUGroup]()
        for op in operations {
            for group in bootstrapPattern(of: op).groups {
                let input = weights.pbsInput(group, of: op, operandPrecision: self[op.operands[0]].bitWidth)
                groups.append(TLUGroup(label: op.label + group.suffix, precision: inputBitWidth(of: group, in: op),
                                       maxNormSquared: input.fresh + input.bootstrapped,
                                       count: group.perResultElement * self[op.result].elementCount))
            }
        }
        return groups
    }

    /// Total TLUs per sample.
    public var tluCount: Int { tluGroups().reduce(0) { $0 + $1.count } }

    /// TLUs per sample; with `tablesOnly`, only table lookups (no products, max-pool or rounding PBS).
    public func tluCount(tablesOnly: Bool) -> Int {
        guard tablesOnly else { return tluCount }
        return operations.reduce(0) { n, op in
            bootstrapPattern(of: op) == .lookup ? n + self[op.result].elementCount : n
        }
    }

    /// The widest TLU input in bits (0 without TLUs).
    public var maxTLUPrecision: Int { tluGroups().map(\.precision).max() ?? 0 }
}

