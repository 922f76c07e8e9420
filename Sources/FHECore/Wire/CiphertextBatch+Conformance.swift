// Checks a batch of inputs (or outputs) against the tensor specs of a circuit: the key layout,
// each tensor's encryption status, parameter set, ciphertext dimension and element count.
import Foundation

/// Which way a batch travels; fresh inputs are seeded, outputs full.
public enum BatchDirection: Sendable {
    /// Client to server: encrypted tensors must be seeded.
    case inputs
    /// Server to client: encrypted tensors must be full.
    case outputs
}

extension Cml_V1_TensorSpec {
    /// Elements per sample: the product of the shape.
    public var elementCount: Int { shape.reduce(1) { $0 * Int($1) } }

    /// True when the tensor travels as ciphertexts.
    public var isEncrypted: Bool { encryptionStatus != .clear }
}

extension Cml_V1_CiphertextBatch {
    /// Throws unless this batch matches `specs` (the circuit's inputs or outputs) under `layout`.
    /// - Parameter maxBatchSize: refuse larger batches (a server limit).
    /// - Throws: `WireFormatError.parameterMismatch` for another layout or parameter set,
    ///   `.tooLarge` over `maxBatchSize`, `.invalidField` for anything else, naming the tensor.
    public func checkConformance(to specs: [Cml_V1_TensorSpec], layout: KeyLayout, direction: BatchDirection,
                                 maxBatchSize: Int = Int(UInt32.max)) throws {
        try layout.checkHash(keyLayoutHash, field: "batch.keyLayoutHash")
        guard batchSize >= 1 else {
            throw WireFormatError(.invalidField, field: "batch.batchSize", offset: nil, "must be at least 1")
        }
        guard batchSize <= maxBatchSize else {
            throw WireFormatError.tooLarge(field: "batch.batchSize", offset: 0, declared: UInt64(batchSize), limit: maxBatchSize)
        }
        guard tensors.count == specs.count else {
            throw WireFormatError(.invalidField, field: "batch.tensors", offset: nil,
                                  "has \(tensors.count) tensors, the circuit has \(specs.count)")
        }
        for (position, (tensor, spec)) in zip(tensors, specs).enumerated() {
            let field = "batch.tensors[\(position)]"
            guard tensor.index == position else {
                throw WireFormatError(.invalidField, field: "\(field).index", offset: nil,
                                      "is \(tensor.index), expected \(position) (tensors in spec order)")
            }
            let count = Int(batchSize) * spec.elementCount
            switch (tensor.values, spec.isEncrypted, direction) {
            case (.clear(let clear), false, _):
                try expect(clear.count, count, "\(field).clear.count")
                try LittleEndianWords.check(clear.words, count: count, field: "\(field).clear.words")
            case (.seeded(let list), true, .inputs):
                try checkParameterSet(tensor, spec, layout, field)
                let dimension = layout.parameterSets[Int(spec.parameterSetIndex)].bigLWEDimension.rawValue
                try expect(list.lweDimension, dimension, "\(field).seeded.lweDimension")
                try expect(list.count, count, "\(field).seeded.count")
                try expectSeed(list.seed, "\(field).seeded.seed")
                try LittleEndianWords.check(list.bodies, count: count, field: "\(field).seeded.bodies")
            case (.full(let list), true, .outputs):
                try checkParameterSet(tensor, spec, layout, field)
                let dimension = layout.parameterSets[Int(spec.parameterSetIndex)].bigLWEDimension.rawValue
                try expect(list.lweDimension, dimension, "\(field).full.lweDimension")
                try expect(list.count, count, "\(field).full.count")
                try LittleEndianWords.check(list.words, count: count * (dimension + 1), field: "\(field).full.words")
            default:
                let expected = spec.isEncrypted ? (direction == .inputs ? "seeded ciphertexts" : "full ciphertexts") : "clear values"
                throw WireFormatError(.invalidField, field: "\(field).values", offset: nil,
                                      "\(spec.name.isEmpty ? "tensor" : "'\(spec.name)'") must carry \(expected), found \(tensor.values.map(Self.describe) ?? "nothing")")
            }
        }
    }

    private func checkParameterSet(_ tensor: Cml_V1_BatchTensor, _ spec: Cml_V1_TensorSpec, _ layout: KeyLayout, _ field: String) throws {
        guard tensor.parameterSetIndex == spec.parameterSetIndex else {
            throw WireFormatError(.parameterMismatch, field: "\(field).parameterSetIndex", offset: nil,
                                  "is \(tensor.parameterSetIndex), the circuit encrypts this tensor under set \(spec.parameterSetIndex)")
        }
        guard Int(spec.parameterSetIndex) < layout.parameterSets.count else {
            throw WireFormatError(.invalidField, field: "\(field).parameterSetIndex", offset: nil,
                                  "set \(spec.parameterSetIndex) is not in a layout of \(layout.parameterSets.count)")
        }
    }

    private static func describe(_ values: Cml_V1_BatchTensor.OneOf_Values) -> String {
        switch values {
        case .seeded: "seeded ciphertexts"
        case .full: "full ciphertexts"
        case .clear: "clear values"
        }
    }
}
