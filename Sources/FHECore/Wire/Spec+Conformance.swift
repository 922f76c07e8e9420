// Checks of the two bundle specs: their key layout decodes, its hash is the one stored, and every
// tensor refers to a parameter set of the layout with a sane shape.
import Foundation

extension Cml_V1_ClientSpec {
    /// The checked key layout of this spec.
    /// - Throws: `WireFormatError` naming the bad field.
    public func checkedKeyLayout() throws -> KeyLayout {
        try checkSpec(layout: keyLayout, hash: keyLayoutHash, inputs: inputs, outputs: outputs, field: "clientSpec")
    }
}

extension Cml_V1_ServerSpec {
    /// The checked key layout of this spec.
    /// - Throws: `WireFormatError` naming the bad field.
    public func checkedKeyLayout() throws -> KeyLayout {
        try checkSpec(layout: keyLayout, hash: keyLayoutHash, inputs: inputs, outputs: outputs, field: "serverSpec")
    }
}

/// Largest number of elements per sample of one tensor accepted from a spec.
let tensorElementLimit = 1 << 28

private func checkSpec(layout message: Cml_V1_KeyLayout, hash: Data, inputs: [Cml_V1_TensorSpec],
                       outputs: [Cml_V1_TensorSpec], field: String) throws -> KeyLayout {
    let layout = try KeyLayout(wire: message, field: "\(field).keyLayout")
    try layout.checkHash(hash, field: "\(field).keyLayoutHash")
    guard !inputs.isEmpty, !outputs.isEmpty else {
        throw WireFormatError(.invalidField, field: "\(field).\(inputs.isEmpty ? "inputs" : "outputs")", offset: nil, "is empty")
    }
    for (name, tensors) in [("inputs", inputs), ("outputs", outputs)] {
        for (index, tensor) in tensors.enumerated() {
            let path = "\(field).\(name)[\(index)]"
            switch tensor.encryptionStatus {
            case .encrypted, .clear: break
            case .unspecified, .UNRECOGNIZED:
                throw WireFormatError(.invalidField, field: "\(path).encryptionStatus", offset: nil, "must be ENCRYPTED or CLEAR")
            }
            guard Int(tensor.parameterSetIndex) < layout.parameterSets.count else {
                throw WireFormatError(.invalidField, field: "\(path).parameterSetIndex", offset: nil,
                                      "set \(tensor.parameterSetIndex) is not in a layout of \(layout.parameterSets.count)")
            }
            var elements = 1
            for dimension in tensor.shape {
                guard dimension > 0 else {
                    throw WireFormatError(.invalidField, field: "\(path).shape", offset: nil, "has a zero dimension: \(tensor.shape)")
                }
                elements = elements.multipliedReportingOverflow(by: Int(dimension)).partialValue
                guard elements <= tensorElementLimit else {
                    throw WireFormatError(.invalidField, field: "\(path).shape", offset: nil,
                                          "\(tensor.shape) has more than \(tensorElementLimit) elements")
                }
            }
        }
    }
    return layout
}
