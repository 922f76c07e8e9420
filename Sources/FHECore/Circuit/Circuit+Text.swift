// The readable text form of a circuit (`--show-circuit`, like Concrete ML's show_mlir).

extension Circuit: CustomStringConvertible {
    /// One line per operation: `%3: enc i7[32] in [-50, 61] = matmul(%2) w[64x32] ‖ fc1`.
    public var description: String {
        var lines = ["circuit(\(inputs.map(\.description).joined(separator: ", "))) -> (\(outputs.map(\.description).joined(separator: ", ")))"]
        for op in operations {
            let v = self[op.result]
            let type = "\(v.isEncrypted ? "enc" : "clr") \(v.isSigned ? "i" : "u")\(v.bitWidth)\(v.shape)"
            let args = op.operands.map(\.description).joined(separator: ", ")
            lines.append("  \(op.result): \(type) in \(v.range) = \(op.mnemonic)(\(args))\(Self.attributes(op.kind))  ‖ \(op.label)")
        }
        return lines.joined(separator: "\n")
    }

    private static func attributes(_ kind: OperationKind) -> String {
        switch kind {
        case .input(let i): return " #\(i)"
        case .matMul(let w): return " w\(w.shape) in \(IntegerRange(of: w.values))"
        case .conv(let w, let g, let groups, let pad):
            return " w\(w.shape) in \(IntegerRange(of: w.values)) strides \(g.strides) pads \(g.pads) dilations \(g.dilations) groups \(groups) pad_value \(pad)"
        case .maxPool(let g, let pad): return " kernel \(g.kernelShape) strides \(g.strides) pads \(g.pads) pad_value \(pad)"
        case .reduceSum(let axes, let keep): return " axes \(axes) keepdims \(keep)"
        case .addConstant(let c), .mulConstant(let c):
            return c.count <= 8 ? " \(c.values)\(c.shape)" : " c\(c.shape) in \(IntegerRange(of: c.values))"
        case .tableLookup(let t):
            let preview = t.tables[0].count <= 16 ? " \(t.tables[0])" : ""
            return " \(t.tables.count) table(s) of \(t.tables[0].count) on \(t.domain)\(t.selector == nil ? "" : " per element")\(preview)"
        case .round(let lsbs, let method): return " lsbs \(lsbs) \(method.rawValue)"
        case .reshape(let s): return " \(s)"
        case .transpose(let p): return " perm \(p)"
        case .slice(let s, let e, let st): return " starts \(s) ends \(e) steps \(st)"
        case .concat(let axis): return " axis \(axis)"
        case .pad(let pads, let value): return " pads \(pads) value \(value)"
        case .gather(let axis, let idx, let shape): return " axis \(axis) indices\(shape)\(idx.count <= 8 ? " \(idx)" : "")"
        case .expand(let s): return " \(s)"
        case .add, .subtract, .multiply, .matMulEncrypted: return ""
        }
    }
}
