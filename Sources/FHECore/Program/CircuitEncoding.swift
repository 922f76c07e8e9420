// Which message precision each encrypted value is encoded with (docs/ALGORITHMS.md#encoding).
//
// Values connected by leveled operations (sums with clear weights, data movement) must share one
// scaling Δ = 2^(63−p), so they form a component whose precision p is the widest bit-width in it,
// including the sums and differences that products and max-pooling feed to their lookups. A table
// lookup starts a new component: its output is encoded directly at the precision of the component it
// feeds. A rounding that removes δ bits reinterprets its input (precision P) as a (P−δ)-bit value
// with a δ-times coarser Δ, so its output component has precision exactly P − δ.

/// Assigns message precisions to the values of a circuit.
public enum CircuitEncoding {
    /// The widest message precision a lookup may read (Concrete's limit).
    public static let maximalLookupPrecision = 16

    /// Message bits of every encrypted value of `circuit` (0 for clear values).
    public static func precisions(of circuit: Circuit) -> [Int] {
        var parent = Array(circuit.values.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func union(_ a: Int, _ b: Int) { parent[find(a)] = find(b) }

        // Bits each value needs for itself (or for what it feeds a lookup with).
        var need = circuit.values.map { $0.isEncrypted ? max(1, $0.bitWidth) : 0 }
        var rounds: [(input: Int, output: Int, lsbs: Int)] = []
        for op in circuit.operations where circuit[op.result].isEncrypted {
            let r = op.result.rawValue
            let encrypted = op.operands.filter { circuit[$0].isEncrypted }.map(\.rawValue)
            if case .round(let lsbs, _) = op.kind {
                rounds.append((op.operands[0].rawValue, r, lsbs))
                continue
            }
            let pattern = circuit.bootstrapPattern(of: op)
            // What a PBS reads is formed at its first operand's Δ: the sums and differences of a product, the
            // b − a of a max tree. A bit extraction belongs to a rounding (above).
            for group in pattern.groups {
                let i = op.operands[0].rawValue
                need[i] = max(need[i], circuit.inputBitWidth(of: group, in: op))
            }
            if pattern.crossesPartitions {
                // A lookup's result starts a component; the two factors of a product are summed before their PBS.
                for e in encrypted.dropFirst() { union(encrypted[0], e) }
            } else {
                // Levelled results, and the max tree's a + relu(b − a), stay at their operands' Δ.
                for e in encrypted { union(r, e) }
            }
        }
        var componentBits = [Int](repeating: 0, count: need.count)
        func settle() {
            componentBits = [Int](repeating: 0, count: need.count)
            for i in need.indices where circuit.values[i].isEncrypted {
                componentBits[find(i)] = max(componentBits[find(i)], need[i])
            }
        }
        settle()
        // A rounding's output is its input reinterpreted: P_out = P_in − δ exactly. Raise whichever side is short.
        var changed = true
        while changed {
            changed = false
            for round in rounds {
                let pin = componentBits[find(round.input)], pout = componentBits[find(round.output)]
                if pin < pout + round.lsbs { need[round.input] = pout + round.lsbs; changed = true }
                if pout < pin - round.lsbs { need[round.output] = pin - round.lsbs; changed = true }
            }
            if changed { settle() }
        }
        return circuit.values.indices.map { circuit.values[$0].isEncrypted ? componentBits[find($0)] : 0 }
    }

    /// Bits of a + b and a − b for operands in ranges a and b.
    static func sumAndDifferenceBits(_ a: IntegerRange, _ b: IntegerRange) -> Int {
        let sum = IntegerRange(min: a.min + b.min, max: a.max + b.max)
        let difference = IntegerRange(min: a.min - b.max, max: a.max - b.min)
        return max(sum.bitWidth, difference.bitWidth)
    }
}
