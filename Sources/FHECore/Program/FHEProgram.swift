// A circuit lowered onto TFHE: the integer circuit, the message precision of every encrypted value,
// and the parameter set of its keys. This is what the server evaluates and what the client's
// encryption and decryption follow.

/// How one circuit input or output travels between client and server.
public struct ValueEncoding: Sendable, Codable, Equatable {
    /// Per-sample shape.
    public var shape: [Int]
    /// Message bits p of the encoding (Δ = 2^(63−p)); 0 for clear values.
    public var precision: Int
    /// Two's complement when true.
    public var isSigned: Bool
    /// False for clear inputs (`inputs_encryption_status`).
    public var isEncrypted: Bool

    /// An encoding description.
    public init(shape: [Int], precision: Int, isSigned: Bool, isEncrypted: Bool) {
        self.shape = shape
        self.precision = precision
        self.isSigned = isSigned
        self.isEncrypted = isEncrypted
    }

    /// Number of scalars per sample.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A circuit ready for encrypted evaluation.
///
/// Its values may live under the keys of several parameter sets (docs/PARAMETERS.md#partitions): partition q
/// bootstraps with its own bootstrap key, and a PBS output of partition q is under q's big key. A lookup of
/// partition q whose input is under partition p's big key keyswitches with the cross key p → q (big key of p
/// to small key of q) instead of q's own keyswitch key. Levelled operations never mix keys: their encrypted
/// operands and result share one partition.
public struct FHEProgram: Sendable, Codable, Equatable {
    /// Name of this program's encoding in a server spec (`circuit_encoding`): the program as JSON.
    public static let circuitEncodingName = "cml.fhe-program.json.v1"

    /// The integer circuit (clear weights and tables).
    public var circuit: Circuit
    /// Message bits of every value (index = `ValueID.rawValue`); 0 for clear values.
    public var precisions: [Int]
    /// The parameter set of every partition (one for a mono-parameter circuit).
    public private(set) var partitions: [ParameterSet]
    /// The partition whose big key each value is under (index = `ValueID.rawValue`): for a bootstrapped
    /// result, the partition that bootstraps it; 0 for clear values.
    public private(set) var valuePartitions: [Int]
    /// The keyswitches from one partition's big key to another's small key that the circuit uses.
    public private(set) var crossKeyswitches: [KeyLayout.PartitionKeyswitch]

    /// The parameter set of partition 0 (the only one of a mono-parameter circuit). Setting it is for
    /// mono-parameter programs (tests swap in toy parameters this way).
    /// - Precondition (set): one partition; another set would break the cross keyswitches' gadgets.
    public var parameters: ParameterSet {
        get { partitions[0] }
        set {
            precondition(partitions.count == 1, "replacing one set of a program of \(partitions.count) partitions")
            partitions[0] = newValue
        }
    }

    /// A mono-parameter program; `precisions` usually comes from `CircuitEncoding.precisions(of:)`.
    /// - Precondition: one precision per circuit value.
    public init(circuit: Circuit, precisions: [Int], parameters: ParameterSet) {
        self.init(circuit: circuit, precisions: precisions, partitions: [parameters],
                  valuePartitions: [Int](repeating: 0, count: circuit.values.count), crossKeyswitches: [])
    }

    /// A program over several parameter sets.
    /// - Precondition: one precision and one partition per value, and the partitions are consistent
    ///   (`partitionProblem` returns nil).
    public init(circuit: Circuit, precisions: [Int], partitions: [ParameterSet], valuePartitions: [Int],
                crossKeyswitches: [KeyLayout.PartitionKeyswitch]) {
        precondition(precisions.count == circuit.values.count, "\(precisions.count) precisions for \(circuit.values.count) values")
        self.circuit = circuit
        self.precisions = precisions
        self.partitions = partitions
        self.valuePartitions = valuePartitions
        self.crossKeyswitches = crossKeyswitches
        if let problem = partitionProblem { preconditionFailure(problem) }
    }

    /// The encodings of the circuit inputs, in order.
    public var inputEncodings: [ValueEncoding] { circuit.inputs.map(encoding(of:)) }
    /// The encodings of the circuit outputs, in order.
    public var outputEncodings: [ValueEncoding] { circuit.outputs.map(encoding(of:)) }

    /// The encoding of value `id`.
    public func encoding(of id: ValueID) -> ValueEncoding {
        let v = circuit[id]
        return ValueEncoding(shape: v.shape, precision: precisions[id.rawValue], isSigned: v.isSigned, isEncrypted: v.isEncrypted)
    }

    /// The parameter set whose big key value `id` is under.
    public func parameters(of id: ValueID) -> ParameterSet { partitions[valuePartitions[id.rawValue]] }

    /// The (source, target) partitions of every bootstrapped operation: the operation reads ciphertexts under the
    /// source's big key and bootstraps with the target's key.
    public var bootstrapPairs: Set<Pair> {
        var pairs: Set<Pair> = []
        for op in circuit.operations where circuit.bootstrapPattern(of: op).bootstraps {
            let input = op.operands.first { circuit[$0].isEncrypted }!
            pairs.insert(Pair(source: valuePartitions[input.rawValue], target: valuePartitions[op.result.rawValue]))
        }
        return pairs
    }

    /// A source and a target partition.
    public struct Pair: Hashable, Sendable {
        /// The partition whose big key the PBS input is under.
        public let source: Int
        /// The partition that bootstraps.
        public let target: Int
    }

    /// The key layout the client generates keys for: the partitions' sets, the cross keyswitches and, with several
    /// partitions, the sets whose own keyswitch key no lookup uses (a mono-parameter layout always has its own).
    public var keyLayout: KeyLayout {
        guard partitions.count > 1 else { return KeyLayout(parameterSets: partitions) }
        let own = Set(bootstrapPairs.filter { $0.source == $0.target }.map(\.target))
        return KeyLayout(parameterSets: partitions, partitionKeyswitches: crossKeyswitches,
                         setsWithoutOwnKeyswitch: partitions.indices.filter { !own.contains($0) })
    }

    /// The index in `crossKeyswitches` of the keyswitch from `source`'s big key to `target`'s small key.
    public func crossKeyswitchIndex(from source: Int, to target: Int) -> Int? {
        crossKeyswitches.firstIndex { $0.from == source && $0.to == target }
    }

    /// Why the partitions are inconsistent, or nil: a partition index out of range, a levelled operation
    /// mixing keys, or a lookup fed across partitions without its cross keyswitch.
    public var partitionProblem: String? {
        guard !partitions.isEmpty else { return "a program needs at least one parameter set" }
        guard valuePartitions.count == circuit.values.count else {
            return "\(valuePartitions.count) value partitions for \(circuit.values.count) values"
        }
        if let bad = valuePartitions.firstIndex(where: { !partitions.indices.contains($0) }) {
            return "value \(bad) is in partition \(valuePartitions[bad]), the program has \(partitions.count)"
        }
        for (index, keyswitch) in crossKeyswitches.enumerated() {
            guard partitions.indices.contains(keyswitch.from), partitions.indices.contains(keyswitch.to), keyswitch.from != keyswitch.to else {
                return "cross keyswitch \(index) goes \(keyswitch.from) → \(keyswitch.to) in a program of \(partitions.count) partitions"
            }
            guard keyswitch.decomposition == partitions[keyswitch.to].ksDecomposition else {
                return "cross keyswitch \(index) uses \(keyswitch.decomposition), partition \(keyswitch.to) keyswitches with \(partitions[keyswitch.to].ksDecomposition)"
            }
        }
        for op in circuit.operations where circuit[op.result].isEncrypted {
            let result = valuePartitions[op.result.rawValue]
            let sources = Set(op.operands.filter { circuit[$0].isEncrypted }.map { valuePartitions[$0.rawValue] })
            guard sources.count <= 1 else {
                return "operation '\(op.label)' reads ciphertexts of partitions \(sources.sorted()): one operation reads one key"
            }
            guard let source = sources.first, source != result else { continue }
            guard circuit.bootstrapPattern(of: op).crossesPartitions else {
                return "operation '\(op.label)' is levelled (or mixes its input with PBS outputs) but reads partition \(source) and writes partition \(result)"
            }
            guard crossKeyswitchIndex(from: source, to: result) != nil else {
                return "operation '\(op.label)' bootstraps partition \(source) ciphertexts in partition \(result) without a cross keyswitch"
            }
        }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case circuit, precisions, parameters, partitions, valuePartitions, crossKeyswitches
    }

    /// Decodes a program; one written before programs had partitions decodes as a mono-parameter program.
    /// - Throws: `DecodingError.dataCorrupted` when the partitions are inconsistent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        circuit = try container.decode(Circuit.self, forKey: .circuit)
        precisions = try container.decode([Int].self, forKey: .precisions)
        guard precisions.count == circuit.values.count else {
            throw DecodingError.dataCorruptedError(forKey: .precisions, in: container,
                                                   debugDescription: "\(precisions.count) precisions for \(circuit.values.count) values")
        }
        let first = try container.decode(ParameterSet.self, forKey: .parameters)
        partitions = [first] + (try container.decodeIfPresent([ParameterSet].self, forKey: .partitions) ?? [])
        valuePartitions = try container.decodeIfPresent([Int].self, forKey: .valuePartitions)
            ?? [Int](repeating: 0, count: circuit.values.count)
        crossKeyswitches = try container.decodeIfPresent([KeyLayout.PartitionKeyswitch].self, forKey: .crossKeyswitches) ?? []
        if let problem = partitionProblem {
            throw DecodingError.dataCorruptedError(forKey: .valuePartitions, in: container, debugDescription: problem)
        }
    }

    /// Encodes a program; a mono-parameter program is written exactly as before partitions existed, so its
    /// bundles and their hashes do not change. `partitions` holds the sets after the first.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(circuit, forKey: .circuit)
        try container.encode(precisions, forKey: .precisions)
        try container.encode(partitions[0], forKey: .parameters)
        if partitions.count > 1 {
            try container.encode(Array(partitions.dropFirst()), forKey: .partitions)
            try container.encode(valuePartitions, forKey: .valuePartitions)
            try container.encode(crossKeyswitches, forKey: .crossKeyswitches)
        }
    }
}
