// Protobuf → IR conversion of the leaves of an ONNX model: tensors, attributes, value infos.
import FHECore
import Foundation
import ONNXProto

/// Decoders from ONNX protobuf messages to the compiler's IR types.
enum ONNXDecoding {
    /// Element type of an ONNX `TensorProto.DataType` code, or nil for one we do not support.
    static func elementType(code: Int32) -> ElementType? {
        switch code {
        case 1: return .float32
        case 2: return .uint8
        case 3: return .int8
        case 6: return .int32
        case 7: return .int64
        case 9: return .bool
        case 11: return .float64
        default: return nil
        }
    }

    /// Name of an ONNX data type code, for messages.
    static func dataTypeName(code: Int32) -> String {
        Onnx_TensorProto.DataType(rawValue: Int(code)).map { "\($0)".uppercased() } ?? "code \(code)"
    }

    /// Decodes an initializer or constant; `owner` names it in errors ("initializer 'w'",
    /// "attribute 'value'").
    static func tensor(_ proto: Onnx_TensorProto, owner: String, node: Node? = nil) throws -> Tensor {
        func fail(_ kind: CompilerError.Kind, _ reason: String) -> CompilerError {
            if let node { return CompilerError(kind, at: node, "\(owner): \(reason)") }
            return CompilerError(kind, "\(owner): \(reason)")
        }
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            throw fail(.unsupportedFeature,
                       "stored as external data (a separate file); re-save the model with all tensors inside the .onnx file")
        }
        guard let type = elementType(code: proto.dataType) else {
            throw fail(.unsupportedFeature, "data type \(dataTypeName(code: proto.dataType)) is not supported (float32, float64, int64, int32, int8, uint8, bool are)")
        }
        let shape = proto.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail(.invalidModel, "negative dimension in \(shape)") }
        guard let count = Tensor.checkedElementCount(shape) else {
            throw fail(.unsupportedFeature, "shape \(shape) is too large (more than \(Tensor.maximumElementCount) elements)")
        }
        var values: [Double]
        if proto.hasRawData {
            let raw = proto.rawData
            let width: Int = switch type {
            case .float32, .int32: 4
            case .float64, .int64: 8
            case .int8, .uint8, .bool: 1
            }
            guard raw.count == count * width else {
                throw fail(.invalidModel, "raw_data has \(raw.count) bytes, shape \(shape) needs \(count * width)")
            }
            values = [Double](repeating: 0, count: count)
            raw.withUnsafeBytes { bytes in
                for index in 0..<count {
                    let offset = index * width
                    switch type {
                    case .float32: values[index] = Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
                    case .float64: values[index] = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    case .int64: values[index] = Double(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                    case .int32: values[index] = Double(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    case .int8: values[index] = Double(Int8(bitPattern: bytes[offset]))
                    case .uint8: values[index] = Double(bytes[offset])
                    case .bool: values[index] = bytes[offset] != 0 ? 1 : 0
                    }
                }
            }
        } else {
            switch type {
            case .float32: values = proto.floatData.map { Double($0) }
            case .float64: values = proto.doubleData
            case .int64: values = proto.int64Data.map { Double($0) }
            case .int32, .int8, .uint8, .bool: values = proto.int32Data.map { Double($0) }
            }
            guard values.count == count else {
                throw fail(.invalidModel, "holds \(values.count) values, shape \(shape) needs \(count)")
            }
        }
        return Tensor(shape: shape, elementType: type, values: values)
    }

    /// Decodes one attribute of `node`.
    static func attribute(_ proto: Onnx_AttributeProto, of node: Node) throws -> Attribute {
        let owner = "attribute '\(proto.name)'"
        if !proto.refAttrName.isEmpty {
            throw CompilerError(.unsupportedFeature, at: node, "\(owner) refers to a function attribute; functions are not supported")
        }
        switch proto.type {
        case .float: return .float(Double(proto.f))
        case .int: return .int(Int(proto.i))
        case .string: return .string(String(decoding: proto.s, as: UTF8.self))
        case .tensor: return .tensor(try tensor(proto.t, owner: owner, node: node))
        case .floats: return .floats(proto.floats.map { Double($0) })
        case .ints: return .ints(proto.ints.map { Int($0) })
        case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensors: return .tensors(try proto.tensors.map { try tensor($0, owner: owner, node: node) })
        default:
            throw CompilerError(.unsupportedFeature, at: node, "\(owner) has type \(proto.type), which is not supported (subgraphs, sparse tensors and type protos are not)")
        }
    }

    /// Decodes a graph input or output. A symbolic or missing first dimension is the batch axis
    /// and becomes 1 (`dynamicBatch` is set); any other symbolic dimension cannot be resolved.
    static func valueInfo(_ proto: Onnx_ValueInfoProto, role: String) throws -> (ValueInfo, dynamicBatch: Bool) {
        guard case .tensorType(let tensorType)? = proto.type.value else {
            throw CompilerError(.unsupportedFeature, "\(role) '\(proto.name)' is not a tensor (sequences, maps and optionals are not supported)")
        }
        guard let type = elementType(code: tensorType.elemType) else {
            throw CompilerError(.unsupportedFeature, "\(role) '\(proto.name)' has data type \(dataTypeName(code: tensorType.elemType)), which is not supported")
        }
        guard tensorType.hasShape else {
            throw CompilerError(.dynamicShape, "\(role) '\(proto.name)' has no shape; export with a static input shape")
        }
        var shape: [Int] = []
        var dynamicBatch = false
        for (axis, dimension) in tensorType.shape.dim.enumerated() {
            if case .dimValue(let value)? = dimension.value, value >= 0 {
                shape.append(Int(value))
            } else if axis == 0 {
                dynamicBatch = true
                shape.append(1)
            } else {
                let label = dimension.dimParam.isEmpty ? "unknown" : "symbolic '\(dimension.dimParam)'"
                throw CompilerError(.dynamicShape, "\(role) '\(proto.name)' has a \(label) dimension at axis \(axis); only the batch axis (0) may be dynamic")
            }
        }
        guard Tensor.checkedElementCount(shape) != nil else {
            throw CompilerError(.invalidModel, "\(role) '\(proto.name)' has a too large shape \(shape)")
        }
        return (ValueInfo(name: proto.name, elementType: type, shape: shape), dynamicBatch)
    }
}
