// Which key every value of a circuit is under when the parameter search splits its lookups into partitions
// (docs/PARAMETERS.md#partitions). Levelled operations never change keys, so values joined by them form classes
// that share one key; a lookup's result starts a class under its own partition's key, and its input's class
// must be under the key the search assumed it reads (the group's source partition).
import FHECore

extension FHELowering {
    /// Where a parameter-search group sits in the circuit.
    enum GroupAnchor {
        /// A PBS whose outputs form `result` (a lookup or the squares of an encrypted product), reading `input`.
        case lookup(input: ValueID, result: ValueID)
        /// PBS outputs added back to `result`'s key class (exact rounding, max-pooling), or a decrypted output.
        case inPlace(result: ValueID)
    }

    /// The partition of every value under the search's answer, or nil when the circuit cannot follow it: a class
    /// of values joined by levelled operations (a circuit input with its consumers, say) that would need two keys.
    /// Classes the answer does not constrain (clear values, values feeding nothing) are in partition 0.
    static func valuePartitions(_ circuit: Circuit, anchors: [GroupAnchor], chosen: CircuitParameters) -> [Int]? {
        var parent = Array(circuit.values.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for op in circuit.operations where circuit[op.result].isEncrypted && !circuit.bootstrapPattern(of: op).crossesPartitions {
            for operand in op.operands where circuit[operand].isEncrypted { parent[find(operand.rawValue)] = find(op.result.rawValue) }
        }
        for op in circuit.operations where circuit.bootstrapPattern(of: op).crossesPartitions && op.operands.count == 2 {
            // Both factors of an encrypted product are summed before their PBS: one key.
            parent[find(op.operands[0].rawValue)] = find(op.operands[1].rawValue)
        }
        var required = [Int?](repeating: nil, count: circuit.values.count)
        func require(_ value: ValueID, _ partition: Int) -> Bool {
            let root = find(value.rawValue)
            if let existing = required[root], existing != partition { return false }
            required[root] = partition
            return true
        }
        for (anchor, report) in zip(anchors, chosen.groups) {
            switch anchor {
            case .lookup(let input, let result):
                guard require(input, report.sourcePartition), require(result, report.partition) else { return nil }
            case .inPlace(let result):
                guard report.sourcePartition == report.partition, require(result, report.partition) else { return nil }
            }
        }
        return circuit.values.indices.map { circuit.values[$0].isEncrypted ? required[find($0)] ?? 0 : 0 }
    }
}
