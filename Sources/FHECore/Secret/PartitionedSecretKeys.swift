// The client's keys for every partition of a key layout (docs/PARAMETERS.md#partitions): per parameter set a small
// LWE key and a GLWE key (whose coefficients are the set's big key), and from them the evaluation keys:
// per set its keyswitch and bootstrap keys, per cross keyswitch of the layout a key from one set's big key
// to another's small key. A set's own keyswitch key is made only where the layout lists it.

/// Secret keys of every parameter set of a key layout.
@_spi(KeyHolder)
public final class PartitionedSecretKeys: Sendable {
    /// The layout the keys were made for.
    public let layout: KeyLayout
    /// The keys of each parameter set, in layout order.
    public let partitions: [SecretKeys]

    /// Keys from one secret seed per parameter set.
    /// - Precondition: one seed per parameter set of `layout`.
    public init(layout: KeyLayout, seeds: [Seed]) {
        precondition(seeds.count == layout.parameterSets.count,
                     "\(seeds.count) key seeds for \(layout.parameterSets.count) parameter sets")
        self.layout = layout
        partitions = zip(layout.parameterSets, seeds).map { SecretKeys(parameters: $0, seed: $1) }
    }

    /// Keys from one secret seed: set 0 takes the seed itself (so a one-set layout gets `SecretKeys(parameters:seed:)`),
    /// set p > 0 the seed derived for it.
    public convenience init(layout: KeyLayout, seed: Seed = .random()) {
        self.init(layout: layout, seeds: layout.parameterSets.indices.map { Self.keySeed(seed, partition: $0) })
    }

    /// The secret seed of parameter set `partition` derived from the layout's seed.
    public static func keySeed(_ seed: Seed, partition: Int) -> Seed {
        partition == 0 ? seed : seed.derived(1 << 32 | UInt64(partition))
    }

    /// Full evaluation keys (what `seededEvaluationKeys(seeds:)` decompresses to for the same seeds): per set its
    /// bootstrap key and, where the layout has it, its own keyswitch key; the layout's cross keyswitch keys.
    public func evaluationKeys(seeds: EncryptionSeeds = .random()) -> PartitionedEvaluationKeys {
        PartitionedEvaluationKeys(
            parameterSets: layout.parameterSets,
            bootstrapKeys: partitions.indices.map {
                BootstrapKeyConversion.fourier(partitions[$0].bootstrapKey(seeds: Self.partitionSeeds(seeds, $0).derived(2)),
                                               precision: layout.parameterSets[$0].fourierPrecision)
            },
            keyswitchKeys: partitions.indices.map {
                layout.hasOwnKeyswitch($0) ? partitions[$0].keyswitchKey(seeds: Self.partitionSeeds(seeds, $0).derived(1)) : nil
            },
            crossKeyswitchKeys: layout.partitionKeyswitches.enumerated().map { index, keyswitch in
                partitions[keyswitch.to].crossKeyswitchKey(from: partitions[keyswitch.from], seeds: Self.crossSeeds(seeds, index))
            })
    }

    /// Seeded evaluation keys: the upload form.
    public func seededEvaluationKeys(seeds: EncryptionSeeds = .random()) -> SeededPartitionedEvaluationKeys {
        SeededPartitionedEvaluationKeys(
            parameterSets: layout.parameterSets,
            bootstrapKeys: partitions.indices.map { partitions[$0].seededBootstrapKey(seeds: Self.partitionSeeds(seeds, $0).derived(2)) },
            keyswitchKeys: partitions.indices.map {
                layout.hasOwnKeyswitch($0) ? partitions[$0].seededKeyswitchKey(seeds: Self.partitionSeeds(seeds, $0).derived(1)) : nil
            },
            crossKeyswitchKeys: layout.partitionKeyswitches.enumerated().map { index, keyswitch in
                partitions[keyswitch.to].seededCrossKeyswitchKey(from: partitions[keyswitch.from], seeds: Self.crossSeeds(seeds, index))
            })
    }

    // The key sets and cross keys of one upload draw from disjoint streams (indices above those a set uses).
    private static func partitionSeeds(_ seeds: EncryptionSeeds, _ partition: Int) -> EncryptionSeeds {
        seeds.derived(16 + UInt64(partition))
    }

    private static func crossSeeds(_ seeds: EncryptionSeeds, _ index: Int) -> EncryptionSeeds {
        seeds.derived(1 << 31 | UInt64(index))
    }

    /// Encrypts one sample's clear integers for circuit input `index` of `program`, under its partition's big key.
    /// - Precondition: the input is encrypted and `values` has one value per element.
    public func encrypt(_ values: [Int64], input index: Int, of program: FHEProgram) -> LWECiphertextList {
        let id = program.circuit.inputs[index]
        return partitions[program.valuePartitions[id.rawValue]].encrypt(values, encoding: program.encoding(of: id))
    }

    /// Decrypts one sample's ciphertexts of circuit output `index` of `program`.
    public func decrypt(_ list: LWECiphertextList, output index: Int, of program: FHEProgram) -> [Int64] {
        let id = program.circuit.outputs[index]
        return partitions[program.valuePartitions[id.rawValue]].decrypt(list, encoding: program.encoding(of: id))
    }
}

extension PartitionedSecretKeys: CustomStringConvertible {
    /// Parameters only; key material is never printed.
    public var description: String { "PartitionedSecretKeys(\(layout.parameterSets.count) sets, redacted)" }
}
