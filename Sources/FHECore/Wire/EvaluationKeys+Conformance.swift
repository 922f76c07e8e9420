// Checks uploaded evaluation keys against a key layout before anything is built from them
// (tfhe-rs ParameterSetConformant): every size follows from the parameters, so a hostile upload
// cannot make the server allocate or compute on shapes it did not compile for.
import Foundation

extension Cml_V1_EvaluationKeys {
    /// Seed size of seeded keys and ciphertexts, in bytes.
    public static let seedByteCount = 32

    /// Throws unless these keys are exactly the keys `layout` needs.
    /// - Throws: `WireFormatError.parameterMismatch` for another layout, `.invalidField` for a
    ///   missing key or a size that does not follow from the parameters.
    public func checkConformance(to layout: KeyLayout) throws {
        try layout.checkHash(keyLayoutHash, field: "evaluationKeys.keyLayoutHash")
        guard parameterSetKeys.count == layout.parameterSets.count else {
            throw WireFormatError(.invalidField, field: "evaluationKeys.parameterSetKeys", offset: nil,
                                  "has \(parameterSetKeys.count) entries, the layout has \(layout.parameterSets.count) parameter sets")
        }
        for (index, keys) in parameterSetKeys.enumerated() {
            let field = "evaluationKeys.parameterSetKeys[\(index)]"
            guard keys.parameterSetIndex == index else {
                throw WireFormatError(.invalidField, field: "\(field).parameterSetIndex", offset: nil,
                                      "is \(keys.parameterSetIndex), expected \(index) (entries in layout order)")
            }
            let set = layout.parameterSets[index]
            if layout.hasOwnKeyswitch(index) {
                guard keys.hasKeyswitchKey else {
                    throw WireFormatError(.invalidField, field: "\(field).keyswitchKey", offset: nil, "is missing")
                }
                try keys.keyswitchKey.checkConformance(
                    input: set.bigLWEDimension.rawValue, output: set.lweDimension.rawValue,
                    decomposition: set.ksDecomposition, field: "\(field).keyswitchKey")
            } else if keys.hasKeyswitchKey {
                throw WireFormatError(.invalidField, field: "\(field).keyswitchKey", offset: nil,
                                      "is present, the layout has no own keyswitch for set \(index)")
            }
            guard keys.hasBootstrapKey else {
                throw WireFormatError(.invalidField, field: "\(field).bootstrapKey", offset: nil, "is missing")
            }
            try keys.bootstrapKey.checkConformance(to: set, field: "\(field).bootstrapKey")
        }
        guard partitionKeyswitchKeys.count == layout.partitionKeyswitches.count else {
            throw WireFormatError(.invalidField, field: "evaluationKeys.partitionKeyswitchKeys", offset: nil,
                                  "has \(partitionKeyswitchKeys.count) keys, the layout has \(layout.partitionKeyswitches.count) keyswitches")
        }
        for (index, keyswitch) in layout.partitionKeyswitches.enumerated() {
            try partitionKeyswitchKeys[index].checkConformance(
                input: layout.parameterSets[keyswitch.from].bigLWEDimension.rawValue,
                output: layout.parameterSets[keyswitch.to].lweDimension.rawValue,
                decomposition: keyswitch.decomposition, field: "evaluationKeys.partitionKeyswitchKeys[\(index)]")
        }
    }
}

extension Cml_V1_SeededKeyswitchKey {
    /// Throws unless this key switches `input` to `output` dimensions with `decomposition`.
    /// - Throws: `WireFormatError.invalidField` naming the first bad field.
    public func checkConformance(input: Int, output: Int, decomposition: DecompositionParameters, field: String) throws {
        try expect(inputLweDimension, input, "\(field).inputLweDimension")
        try expect(outputLweDimension, output, "\(field).outputLweDimension")
        try expect(baseLog, decomposition.baseLog.rawValue, "\(field).baseLog")
        try expect(levelCount, decomposition.levelCount.rawValue, "\(field).levelCount")
        try expectSeed(seed, "\(field).seed")
        try LittleEndianWords.check(bodies, count: input * decomposition.levelCount.rawValue, field: "\(field).bodies")
    }
}

extension Cml_V1_SeededBootstrapKey {
    /// Throws unless this key is the bootstrap key of `set`.
    /// - Throws: `WireFormatError.invalidField` naming the first bad field.
    public func checkConformance(to set: ParameterSet, field: String) throws {
        try expect(inputLweDimension, set.lweDimension.rawValue, "\(field).inputLweDimension")
        try expect(glweDimension, set.glweDimension.rawValue, "\(field).glweDimension")
        try expect(polynomialSize, set.polynomialSize.rawValue, "\(field).polynomialSize")
        try expect(baseLog, set.pbsDecomposition.baseLog.rawValue, "\(field).baseLog")
        try expect(levelCount, set.pbsDecomposition.levelCount.rawValue, "\(field).levelCount")
        try expectSeed(seed, "\(field).seed")
        let rows = set.lweDimension.rawValue * set.glweDimension.glweSize * set.pbsDecomposition.levelCount.rawValue
        try LittleEndianWords.check(bodies, count: rows * set.polynomialSize.rawValue, topBits: set.bootstrapKeyBodyBits,
                                    field: "\(field).bodies")
    }
}

/// Throws `.parameterMismatch` when a declared dimension differs from the layout's.
func expect(_ found: UInt32, _ expected: Int, _ field: String) throws {
    guard Int(found) == expected else {
        throw WireFormatError(.parameterMismatch, field: field, offset: nil, "is \(found), the parameter set needs \(expected)")
    }
}

/// Throws `.invalidField` unless `seed` has the seed size.
func expectSeed(_ seed: Data, _ field: String) throws {
    guard seed.count == Cml_V1_EvaluationKeys.seedByteCount else {
        throw WireFormatError(.invalidField, field: field, offset: nil,
                              "has \(seed.count) bytes, a seed has \(Cml_V1_EvaluationKeys.seedByteCount)")
    }
}
