// The key layout of a compiled circuit: its parameter sets and the keyswitches between them
// (big key of one set to small key of another).
// Its hash ties bundles, keys and ciphertexts together: a message made for another layout is
// refused (HTTP 422) before anything is evaluated.
public import Foundation

/// Parameter sets of a circuit and the keyswitches between their big keys.
public struct KeyLayout: Hashable, Sendable {
    /// One parameter set per circuit partition.
    public let parameterSets: [ParameterSet]
    /// Keyswitches between partitions (from, to, gadget): from one set's big key to another's small key.
    public let partitionKeyswitches: [PartitionKeyswitch]
    /// Parameter sets whose own keyswitch key (big → small key of the set) no lookup uses, ascending: the client
    /// does not generate it and the evaluation keys do not carry it.
    public let setsWithoutOwnKeyswitch: [Int]

    /// A keyswitch from the big key (k·N) of one parameter set to the small key (n) of another: lookups of
    /// the second set fed by PBS outputs of the first (docs/PARAMETERS.md#partitions).
    public struct PartitionKeyswitch: Hashable, Sendable, Codable {
        /// Index of the source parameter set (its big key).
        public let from: Int
        /// Index of the destination parameter set (its small key).
        public let to: Int
        /// Gadget of the keyswitch key (the destination set's keyswitch gadget).
        public let decomposition: DecompositionParameters

        /// Creates a partition keyswitch.
        public init(from: Int, to: Int, decomposition: DecompositionParameters) {
            self.from = from
            self.to = to
            self.decomposition = decomposition
        }
    }

    /// Creates a layout.
    /// - Precondition: at least one parameter set; keyswitch and set indices within range, the latter ascending.
    public init(parameterSets: [ParameterSet], partitionKeyswitches: [PartitionKeyswitch] = [], setsWithoutOwnKeyswitch: [Int] = []) {
        precondition(!parameterSets.isEmpty, "a key layout needs at least one parameter set")
        for keyswitch in partitionKeyswitches {
            precondition(parameterSets.indices.contains(keyswitch.from) && parameterSets.indices.contains(keyswitch.to),
                         "partition keyswitch \(keyswitch.from)->\(keyswitch.to) outside 0..<\(parameterSets.count)")
        }
        precondition(Self.areAscendingIndices(setsWithoutOwnKeyswitch, below: parameterSets.count),
                     "sets without own keyswitch \(setsWithoutOwnKeyswitch) are not ascending indices below \(parameterSets.count)")
        self.parameterSets = parameterSets
        self.partitionKeyswitches = partitionKeyswitches
        self.setsWithoutOwnKeyswitch = setsWithoutOwnKeyswitch
    }

    /// Whether `indices` are strictly ascending and all in 0..<`count` (`setsWithoutOwnKeyswitch`'s rule).
    static func areAscendingIndices(_ indices: [Int], below count: Int) -> Bool {
        indices.allSatisfy { (0..<count).contains($0) } && zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// Whether parameter set `index` has its own keyswitch key (big → small key of the set).
    public func hasOwnKeyswitch(_ index: Int) -> Bool { !setsWithoutOwnKeyswitch.contains(index) }

    /// The wire form.
    public var wire: Cml_V1_KeyLayout {
        var message = Cml_V1_KeyLayout()
        message.parameterSets = parameterSets.map(\.wire)
        message.partitionKeyswitches = partitionKeyswitches.map {
            var keyswitch = Cml_V1_PartitionKeyswitch()
            keyswitch.fromParameterSet = UInt32($0.from)
            keyswitch.toParameterSet = UInt32($0.to)
            keyswitch.baseLog = UInt32($0.decomposition.baseLog.rawValue)
            keyswitch.levelCount = UInt32($0.decomposition.levelCount.rawValue)
            return keyswitch
        }
        message.setsWithoutOwnKeyswitch = setsWithoutOwnKeyswitch.map { UInt32($0) }
        return message
    }

    /// BLAKE2b-256 of the protobuf encoding of the layout (fields in number order, defaults
    /// omitted: the canonical proto3 encoding), as written in specs, keys and batches.
    public var hash: [UInt8] {
        // Serialising a proto3 message of scalars cannot fail.
        BLAKE2b.hash(try! wire.serializedBytes() as [UInt8])
    }

    /// Decodes a layout, checking every parameter set and keyswitch.
    /// - Throws: `WireFormatError.invalidField`.
    public init(wire message: Cml_V1_KeyLayout, field: String) throws {
        guard !message.parameterSets.isEmpty else {
            throw WireFormatError(.invalidField, field: "\(field).parameterSets", offset: nil, "is empty")
        }
        let sets = try message.parameterSets.enumerated().map {
            try ParameterSet(wire: $0.element, field: "\(field).parameterSets[\($0.offset)]")
        }
        let keyswitches = try message.partitionKeyswitches.enumerated().map { index, keyswitch in
            let name = "\(field).partitionKeyswitches[\(index)]"
            guard keyswitch.fromParameterSet < sets.count, keyswitch.toParameterSet < sets.count else {
                throw WireFormatError(.invalidField, field: name, offset: nil,
                                      "refers to parameter set \(keyswitch.fromParameterSet)->\(keyswitch.toParameterSet), layout has \(sets.count)")
            }
            guard keyswitch.baseLog >= 1, keyswitch.levelCount >= 1, keyswitch.baseLog * keyswitch.levelCount < 64 else {
                throw WireFormatError(.invalidField, field: name, offset: nil,
                                      "base log \(keyswitch.baseLog) and level count \(keyswitch.levelCount) need β·l < 64")
            }
            return PartitionKeyswitch(from: Int(keyswitch.fromParameterSet), to: Int(keyswitch.toParameterSet),
                                      decomposition: DecompositionParameters(baseLog: Int(keyswitch.baseLog),
                                                                             levelCount: Int(keyswitch.levelCount)))
        }
        let without = message.setsWithoutOwnKeyswitch.map { Int($0) }
        guard Self.areAscendingIndices(without, below: sets.count) else {
            throw WireFormatError(.invalidField, field: "\(field).setsWithoutOwnKeyswitch", offset: nil,
                                  "must be ascending set indices below \(sets.count), found \(without)")
        }
        self.init(parameterSets: sets, partitionKeyswitches: keyswitches, setsWithoutOwnKeyswitch: without)
    }

    /// Throws unless `hash` is this layout's hash.
    /// - Throws: `WireFormatError.parameterMismatch` naming `field`.
    public func checkHash(_ hash: Data, field: String) throws {
        guard Array(hash) == self.hash else {
            throw WireFormatError(.parameterMismatch, field: field, offset: nil,
                                  "key-layout hash \(BLAKE2b.hex(hash.prefix(8)))… does not match this circuit's \(BLAKE2b.hex(self.hash.prefix(8)))…")
        }
    }
}
