// UniformQuantizer <-> Cml_V1_Quantizer (client spec: input quantizers, output de-quantizers).

extension UniformQuantizer {
    /// The wire form.
    public var wire: Cml_V1_Quantizer {
        var message = Cml_V1_Quantizer()
        message.scale = scale
        message.zeroPoints = zeroPoints
        message.bits = UInt32(options.bits)
        message.isSigned = options.isSigned
        message.isSymmetric = options.isSymmetric
        message.isQat = options.isQAT
        message.isNarrow = options.isNarrow
        message.noClipping = noClipping
        return message
    }

    /// Decodes a quantizer, checking what the initialisers would trap on.
    /// - Parameter elementCount: elements per sample of the tensor it quantizes (per-element zero points).
    /// - Throws: `WireFormatError.invalidField` naming the bad field.
    public init(wire message: Cml_V1_Quantizer, elementCount: Int, field: String) throws {
        guard message.scale.isFinite, message.scale > 0 else {
            throw WireFormatError(.invalidField, field: "\(field).scale", offset: nil, "must be positive and finite, found \(message.scale)")
        }
        guard message.zeroPoints.count == 1 || message.zeroPoints.count == elementCount,
              message.zeroPoints.allSatisfy(\.isFinite) else {
            throw WireFormatError(.invalidField, field: "\(field).zeroPoints", offset: nil,
                                  "needs 1 or \(elementCount) finite values, found \(message.zeroPoints.count)")
        }
        guard (1...62).contains(message.bits), !message.isSymmetric || message.isSigned, !(message.isQat && message.isSymmetric) else {
            throw WireFormatError(.invalidField, field: "\(field).bits", offset: nil,
                                  "bits must be in 1...62 (found \(message.bits)); symmetric needs signed and excludes QAT")
        }
        let options = QuantizationOptions(bits: Int(message.bits), isSigned: message.isSigned, isSymmetric: message.isSymmetric,
                                          isQAT: message.isQat, isNarrow: message.isNarrow)
        self.init(options: options, scale: message.scale, zeroPoints: message.zeroPoints, noClipping: message.noClipping)
    }
}
