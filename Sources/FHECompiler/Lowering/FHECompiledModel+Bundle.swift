// The deployable bundle of a compiled model (docs/ARCHITECTURE.md#bundle): the client part carries quantizers,
// encodings and key layout but no weights; the server part carries the program (circuit with its clear
// weights and tables, encodings, parameters).
public import FHECore
import Foundation

extension FHECompiledModel {
    /// The key layout: the program's parameter sets and the keyswitches between them.
    public var keyLayout: KeyLayout { program.keyLayout }

    /// Client and server tensor specs for the inputs or outputs (`values`, in order).
    func tensorSpecs(names: [String], quantizers: [UniformQuantizer], values: [ValueID]) -> [Cml_V1_TensorSpec] {
        zip(names, zip(quantizers, values)).map { name, pair in
            let (quantizer, value) = pair
            let encoding = program.encoding(of: value)
            var spec = Cml_V1_TensorSpec()
            spec.name = name
            spec.shape = encoding.shape.map { UInt32($0) }
            spec.encryptionStatus = encoding.isEncrypted ? .encrypted : .clear
            spec.quantizer = quantizer.wire
            var e = Cml_V1_Encoding()
            e.precisionBits = UInt32(encoding.precision)
            e.paddingBits = encoding.isEncrypted ? 1 : 0
            e.isSigned = encoding.isSigned
            spec.encoding = e
            spec.parameterSetIndex = encoding.isEncrypted ? UInt32(program.valuePartitions[value.rawValue]) : 0
            return spec
        }
    }

    /// The client spec: everything needed to quantize, encrypt, decrypt and de-quantize; no weights.
    public func clientSpec(modelName: String) -> Cml_V1_ClientSpec {
        var spec = Cml_V1_ClientSpec()
        spec.toolVersion = CMLVersion.current
        spec.keyLayout = keyLayout.wire
        spec.keyLayoutHash = Data(keyLayout.hash)
        spec.inputs = tensorSpecs(names: model.inputNames, quantizers: model.inputQuantizers, values: program.circuit.inputs)
        spec.outputs = tensorSpecs(names: model.outputNames, quantizers: model.outputQuantizers, values: program.circuit.outputs)
        spec.modelName = modelName
        return spec
    }

    /// The server spec: the client spec's layout and tensor specs, plus the program.
    public func serverSpec(modelName: String) throws -> Cml_V1_ServerSpec {
        let client = clientSpec(modelName: modelName)
        var spec = Cml_V1_ServerSpec()
        spec.toolVersion = client.toolVersion
        spec.keyLayout = client.keyLayout
        spec.keyLayoutHash = client.keyLayoutHash
        spec.inputs = client.inputs
        spec.outputs = client.outputs
        spec.modelName = client.modelName
        spec.circuitEncoding = FHEProgram.circuitEncodingName
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        spec.circuit = try encoder.encode(program)
        return spec
    }

    /// Writes BUNDLE/{manifest, client/, server/}.
    public func writeBundle(to directory: URL, modelName: String) throws {
        try BundleWriter.write(clientSpec: clientSpec(modelName: modelName), serverSpec: serverSpec(modelName: modelName), to: directory)
    }
}
