// Floats -> quantized integers -> seeded ciphertexts under the big key of each input's parameter
// set (fresh inputs travel seeded: one body word per value).
@_spi(KeyHolder) import FHECore
import Foundation

extension KeyHolder {
    /// Quantizes and encrypts one batch: `inputs[i]` has shape [batch] + the spec's shape of input i.
    /// - Returns: a framed `CiphertextBatch`.
    /// - Throws: `ClientError` for a wrong number of inputs or a wrong shape.
    public func encrypt(_ inputs: [Tensor]) throws -> Data {
        try encryptBatch(inputs).framed()
    }

    /// The batch message of `encrypt(_:)`.
    public func encryptBatch(_ inputs: [Tensor]) throws -> Cml_V1_CiphertextBatch {
        let specs = bundle.spec.inputs
        guard inputs.count == specs.count else {
            throw ClientError(code: "client.input_count", "the model takes \(specs.count) input(s), got \(inputs.count)")
        }
        let batchSize = try Self.batchSize(of: inputs, specs: specs)
        var batch = Cml_V1_CiphertextBatch()
        batch.keyLayoutHash = Data(bundle.keyLayout.hash)
        batch.batchSize = UInt32(batchSize)
        for (index, (input, spec)) in zip(inputs, specs).enumerated() {
            let quantizer = try UniformQuantizer(wire: spec.quantizer, elementCount: spec.elementCount,
                                                 field: "clientSpec.inputs[\(index)].quantizer")
            let integers = quantizer.quantize(input.values)
            var tensor = Cml_V1_BatchTensor()
            tensor.index = UInt32(index)
            tensor.parameterSetIndex = spec.parameterSetIndex
            if spec.isEncrypted {
                let keys = keys(Int(spec.parameterSetIndex))
                let bits = Int(spec.encoding.precisionBits)
                let plaintexts = integers.map { Torus.encode($0, bits: bits) }
                tensor.values = .seeded(LWEEncryption.encryptSeeded(
                    plaintexts, key: keys.bigLWEKey, noise: keys.parameters.glweNoiseStandardDeviation,
                    seeds: .random()).wire)
            } else {
                var clear = Cml_V1_ClearValues()
                clear.count = UInt32(integers.count)
                clear.words = LittleEndianWords.bytes(of: integers)
                tensor.values = .clear(clear)
            }
            batch.tensors.append(tensor)
        }
        return batch
    }

    /// The common batch size of `inputs`, checking each shape against its spec.
    static func batchSize(of inputs: [Tensor], specs: [Cml_V1_TensorSpec]) throws -> Int {
        var batchSize: Int?
        for (index, (input, spec)) in zip(inputs, specs).enumerated() {
            let sample = spec.shape.map(Int.init)
            let name = spec.name.isEmpty ? "input \(index)" : "input '\(spec.name)'"
            guard input.shape.count == sample.count + 1, Array(input.shape.dropFirst()) == sample, input.shape[0] >= 1 else {
                throw ClientError(code: "client.input_shape", "\(name) must have shape [batch] + \(sample), got \(input.shape)")
            }
            if let batchSize, batchSize != input.shape[0] {
                throw ClientError(code: "client.input_shape", "\(name) has batch \(input.shape[0]), other inputs have \(batchSize)")
            }
            batchSize = input.shape[0]
        }
        return batchSize ?? 1
    }
}
