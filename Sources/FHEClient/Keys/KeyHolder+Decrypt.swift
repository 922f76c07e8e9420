// Full output ciphertexts -> integers -> de-quantized floats.
@_spi(KeyHolder) import FHECore
import Foundation

extension KeyHolder {
    /// Decrypts and de-quantizes a framed output `CiphertextBatch`.
    /// - Returns: one tensor per output, shape [batch] + the spec's shape, float64.
    /// - Throws: `WireFormatError` for a malformed batch or one made for other keys.
    public func decrypt(_ framed: Data) throws -> [Tensor] {
        try decrypt(try Cml_V1_CiphertextBatch.decodeFramed(framed))
    }

    /// Decrypts and de-quantizes an output batch message.
    /// - Throws: `WireFormatError`.
    public func decrypt(_ batch: Cml_V1_CiphertextBatch) throws -> [Tensor] {
        let specs = bundle.spec.outputs
        try batch.checkConformance(to: specs, layout: bundle.keyLayout, direction: .outputs)
        let batchSize = Int(batch.batchSize)
        return try zip(batch.tensors, specs).enumerated().map { index, pair in
            let (tensor, spec) = pair
            let quantizer = try UniformQuantizer(wire: spec.quantizer, elementCount: spec.elementCount,
                                                 field: "clientSpec.outputs[\(index)].quantizer")
            let integers: [Int64]
            switch tensor.values {
            case .full(let message):
                let list = try LWECiphertextList(wire: message, field: "batch.tensors[\(index)].full")
                let keys = keys(Int(spec.parameterSetIndex))
                let bits = Int(spec.encoding.precisionBits)
                integers = (0..<list.count).map { i in
                    spec.encoding.isSigned ? keys.decryptSigned(list[i], bits: bits) : Int64(keys.decrypt(list[i], bits: bits))
                }
            case .clear(let clear):
                integers = try LittleEndianWords.signedWords(clear.words, count: Int(clear.count), field: "batch.tensors[\(index)].clear")
            default:
                throw WireFormatError(.invalidField, field: "batch.tensors[\(index)].values", offset: nil, "outputs must be full ciphertexts")
            }
            return Tensor(shape: [batchSize] + spec.shape.map(Int.init), elementType: .float64,
                          values: quantizer.dequantize(integers))
        }
    }
}
