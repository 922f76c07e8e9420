// Conversions between the engine's entities and their wire messages. Decoding assumes the message
// passed its conformance check (sizes follow from the parameters), and re-checks what the
// entities' initialisers would otherwise trap on.
import Foundation

extension SeededLWEBootstrapKey {
    /// The wire form.
    public var wire: Cml_V1_SeededBootstrapKey {
        var message = Cml_V1_SeededBootstrapKey()
        message.inputLweDimension = UInt32(inputDimension.rawValue)
        message.glweDimension = UInt32(glweDimension.rawValue)
        message.polynomialSize = UInt32(polynomialSize.rawValue)
        message.baseLog = UInt32(decomposition.baseLog.rawValue)
        message.levelCount = UInt32(decomposition.levelCount.rawValue)
        message.seed = Data(maskSeed.bytes)
        message.bodies = LittleEndianWords.bytes(of: bodies, topBits: bodyBits)
        return message
    }

    /// Decodes the bootstrap key of `parameters`.
    /// - Throws: `WireFormatError` when a size does not follow from `parameters`.
    public init(wire message: Cml_V1_SeededBootstrapKey, parameters: ParameterSet, field: String) throws {
        try message.checkConformance(to: parameters, field: field)
        self.init(maskSeed: Seed(bytes: Array(message.seed)),
                  bodies: try LittleEndianWords.words(message.bodies, count: message.bodies.count / (parameters.bootstrapKeyBodyBits / 8),
                                                      topBits: parameters.bootstrapKeyBodyBits, field: "\(field).bodies"),
                  inputDimension: parameters.lweDimension, glweDimension: parameters.glweDimension,
                  polynomialSize: parameters.polynomialSize, decomposition: parameters.pbsDecomposition,
                  bodyBits: parameters.bootstrapKeyBodyBits)
    }
}

extension SeededLWEKeyswitchKey {
    /// The wire form.
    public var wire: Cml_V1_SeededKeyswitchKey {
        var message = Cml_V1_SeededKeyswitchKey()
        message.inputLweDimension = UInt32(inputDimension.rawValue)
        message.outputLweDimension = UInt32(outputDimension.rawValue)
        message.baseLog = UInt32(decomposition.baseLog.rawValue)
        message.levelCount = UInt32(decomposition.levelCount.rawValue)
        message.seed = Data(maskSeed.bytes)
        message.bodies = LittleEndianWords.bytes(of: bodies)
        return message
    }

    /// Decodes a key from a message that passed `checkConformance(input:output:decomposition:field:)`.
    /// - Throws: `WireFormatError` for sizes that do not agree.
    public init(wire message: Cml_V1_SeededKeyswitchKey, field: String) throws {
        guard message.inputLweDimension >= 1, message.outputLweDimension >= 1, message.baseLog >= 1, message.levelCount >= 1,
              message.baseLog * message.levelCount < 64 else {
            throw WireFormatError(.invalidField, field: field, offset: nil, "dimensions and gadget must be positive with β·l < 64")
        }
        let decomposition = DecompositionParameters(baseLog: Int(message.baseLog), levelCount: Int(message.levelCount))
        try expectSeed(message.seed, "\(field).seed")
        let count = Int(message.inputLweDimension) * Int(message.levelCount)
        self.init(maskSeed: Seed(bytes: Array(message.seed)),
                  bodies: try LittleEndianWords.words(message.bodies, count: count, field: "\(field).bodies"),
                  inputDimension: LWEDimension(Int(message.inputLweDimension)),
                  outputDimension: LWEDimension(Int(message.outputLweDimension)), decomposition: decomposition)
    }
}

extension SeededLWECiphertextList {
    /// The wire form.
    public var wire: Cml_V1_SeededLweCiphertextList {
        var message = Cml_V1_SeededLweCiphertextList()
        message.lweDimension = UInt32(lweDimension.rawValue)
        message.count = UInt32(count)
        message.seed = Data(maskSeed.bytes)
        message.bodies = LittleEndianWords.bytes(of: bodies)
        return message
    }

    /// Decodes a list.
    /// - Throws: `WireFormatError` for a bad seed, dimension or body count.
    public init(wire message: Cml_V1_SeededLweCiphertextList, field: String) throws {
        guard message.lweDimension >= 1 else {
            throw WireFormatError(.invalidField, field: "\(field).lweDimension", offset: nil, "must be positive")
        }
        try expectSeed(message.seed, "\(field).seed")
        self.init(maskSeed: Seed(bytes: Array(message.seed)),
                  bodies: try LittleEndianWords.words(message.bodies, count: Int(message.count), field: "\(field).bodies"),
                  lweDimension: LWEDimension(Int(message.lweDimension)))
    }
}

extension LWECiphertextList {
    /// The wire form.
    public var wire: Cml_V1_LweCiphertextList {
        var message = Cml_V1_LweCiphertextList()
        message.lweDimension = UInt32(lweDimension.rawValue)
        message.count = UInt32(count)
        message.words = LittleEndianWords.bytes(of: data)
        return message
    }

    /// Decodes a list.
    /// - Throws: `WireFormatError` for a bad dimension or word count.
    public init(wire message: Cml_V1_LweCiphertextList, field: String) throws {
        guard message.lweDimension >= 1, message.lweDimension <= ParameterSet.wireDimensionLimit else {
            throw WireFormatError(.invalidField, field: "\(field).lweDimension", offset: nil,
                                  "must be in 1...\(ParameterSet.wireDimensionLimit), found \(message.lweDimension)")
        }
        let dimension = LWEDimension(Int(message.lweDimension))
        let words = try LittleEndianWords.words(message.words, count: Int(message.count) * dimension.lweSize,
                                                field: "\(field).words")
        self.init(lweDimension: dimension, count: Int(message.count))
        data = words
    }
}

extension SeededPartitionedEvaluationKeys {
    /// The wire form for `layout` (the layout's hash, keys in layout order, no keyswitch key where the layout has none).
    /// - Precondition: the keys were made for `layout`.
    public func wire(layout: KeyLayout) -> Cml_V1_EvaluationKeys {
        precondition(parameterSets == layout.parameterSets && crossKeyswitchKeys.count == layout.partitionKeyswitches.count
                     && keyswitchKeys.indices.allSatisfy { (keyswitchKeys[$0] != nil) == layout.hasOwnKeyswitch($0) },
                     "keys for \(parameterSets.count) sets and \(crossKeyswitchKeys.count) cross keys do not fit the layout")
        var message = Cml_V1_EvaluationKeys()
        message.keyLayoutHash = Data(layout.hash)
        message.parameterSetKeys = parameterSets.indices.map { index in
            var keys = Cml_V1_ParameterSetKeys()
            keys.parameterSetIndex = UInt32(index)
            if let keyswitchKey = keyswitchKeys[index] { keys.keyswitchKey = keyswitchKey.wire }
            keys.bootstrapKey = bootstrapKeys[index].wire
            return keys
        }
        message.partitionKeyswitchKeys = crossKeyswitchKeys.map(\.wire)
        return message
    }

    /// Decodes uploaded keys after checking them against `layout`.
    /// - Throws: `WireFormatError` unless the keys conform to `layout`.
    public init(wire message: Cml_V1_EvaluationKeys, layout: KeyLayout) throws {
        try message.checkConformance(to: layout)
        let field = "evaluationKeys.parameterSetKeys"
        self.init(
            parameterSets: layout.parameterSets,
            bootstrapKeys: try zip(message.parameterSetKeys, layout.parameterSets).enumerated().map { index, pair in
                try SeededLWEBootstrapKey(wire: pair.0.bootstrapKey, parameters: pair.1, field: "\(field)[\(index)].bootstrapKey")
            },
            keyswitchKeys: try message.parameterSetKeys.enumerated().map { index, keys in
                keys.hasKeyswitchKey ? try SeededLWEKeyswitchKey(wire: keys.keyswitchKey, field: "\(field)[\(index)].keyswitchKey") : nil
            },
            crossKeyswitchKeys: try message.partitionKeyswitchKeys.enumerated().map {
                try SeededLWEKeyswitchKey(wire: $0.element, field: "evaluationKeys.partitionKeyswitchKeys[\($0.offset)]")
            })
    }

    /// The keys the server computes with: masks regenerated, bootstrap keys in the Fourier domain.
    public func decompressed() -> PartitionedEvaluationKeys {
        PartitionedEvaluationKeys(parameterSets: parameterSets,
                                  bootstrapKeys: zip(bootstrapKeys, parameterSets).map {
                                      BootstrapKeyConversion.fourier(Decompression.decompress($0), precision: $1.fourierPrecision)
                                  },
                                  keyswitchKeys: keyswitchKeys.map { $0.map(Decompression.decompress) },
                                  crossKeyswitchKeys: crossKeyswitchKeys.map(Decompression.decompress))
    }
}

/// Evaluation keys decompressed and in the Fourier domain, one entry per parameter set of the
/// layout, plus the partition keyswitch keys: what an encrypted evaluator runs with.
public final class PreparedTFHEKeys: PreparedEvaluationKeys {
    /// The keys of every parameter set and the cross keyswitch keys.
    public let evaluationKeys: PartitionedEvaluationKeys

    /// Decompresses uploaded keys (mask regeneration, Fourier conversion of the bootstrap keys).
    /// - Throws: `WireFormatError` unless the keys conform to `layout`.
    public init(wire message: Cml_V1_EvaluationKeys, layout: KeyLayout) throws {
        evaluationKeys = try SeededPartitionedEvaluationKeys(wire: message, layout: layout).decompressed()
    }

    public var byteCount: Int { evaluationKeys.byteCount }
}
