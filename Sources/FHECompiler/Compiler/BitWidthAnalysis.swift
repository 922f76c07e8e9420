// Per-op bit-widths and worst-case accumulator bounds of a circuit.
public import FHECore

/// Builds the `BitWidthReport` of a circuit.
public enum BitWidthAnalysis {
    /// The report: per ONNX node, its widest value, widest TLU input, and worst-case accumulator width.
    public static func report(_ circuit: Circuit) -> BitWidthReport {
        var order = [String](), entries = [String: BitWidthReport.Entry]()
        var warnings = [String]()
        var feedsTLU = Set<ValueID>()
        for op in circuit.operations { if case .tableLookup = op.kind { feedsTLU.insert(op.operands[0]) } }
        for op in circuit.operations {
            let v = circuit[op.result]
            if case .tableLookup = op.kind, circuit[op.operands[0]].bitWidth > 16 {
                warnings.append("node '\(circuit.producer(of: op.operands[0]).label)': this \(circuit[op.operands[0]].bitWidth)-bit value is used as an "
                                + "input to a table lookup (\(op.label)); FHE supports at most 16 bits: lower --n-bits or set --rounding-threshold-bits")
            }
            var e = entries[op.label] ?? BitWidthReport.Entry(node: op.label, range: v.range, bitWidth: v.bitWidth)
            if entries[op.label] == nil { order.append(op.label) }
            if v.bitWidth > e.bitWidth { (e.range, e.bitWidth) = (v.range, v.bitWidth) }
            if feedsTLU.contains(op.result) { e.tluInputBits = max(e.tluInputBits ?? 0, v.bitWidth) }
            if let worst = worstCase(op, circuit) {
                e.worstCaseBits = max(e.worstCaseBits ?? 0, worst.bitWidth)
                if let lsbs = tluLSBs(op.result, circuit, feedsTLU), worst.bitWidth - lsbs > 16 {
                    warnings.append("node '\(op.label)': worst-case accumulator \(worst) needs \(worst.bitWidth) bits, over the 16-bit TLU limit; "
                                    + "inputs outside the calibration set may overflow (calibrated: \(v.range), \(v.bitWidth) bits)")
                }
            }
            entries[op.label] = e
        }
        return BitWidthReport(entries: order.map { entries[$0]! }, tluCount: circuit.tluCount, maxTLUBits: circuit.maxTLUPrecision,
                              warnings: warnings)
    }

    /// When the accumulator reaches a TLU directly (0) or through a rounding (its lsbs); nil otherwise.
    static func tluLSBs(_ id: ValueID, _ circuit: Circuit, _ feedsTLU: Set<ValueID>) -> Int? {
        if feedsTLU.contains(id) { return 0 }
        for op in circuit.operations where op.operands.contains(id) {
            if case .round(let lsbs, _) = op.kind, feedsTLU.contains(op.result) { return lsbs }
        }
        return nil
    }

    /// The widest accumulator the op can produce for operands anywhere in their calibrated ranges.
    static func worstCase(_ op: CircuitOperation, _ circuit: Circuit) -> IntegerRange? {
        guard let first = op.operands.first else { return nil }
        let r = circuit[first].range
        func dot(_ weights: ArraySlice<Int64>) -> (Int64, Int64) {
            weights.reduce((Int64(0), Int64(0))) { acc, w in
                let a = w &* r.min, b = w &* r.max
                return (acc.0 &+ min(a, b), acc.1 &+ max(a, b))
            }
        }
        switch op.kind {
        case .matMul(let w):
            let (k, n) = (w.shape[0], w.shape[1])
            var lo = Int64.max, hi = Int64.min
            for j in 0..<n {
                let (a, b) = dot(ArraySlice((0..<k).map { w.values[$0 * n + j] }))
                lo = min(lo, a); hi = max(hi, b)
            }
            return IntegerRange(min: lo, max: hi)
        case .conv(let w, _, _, _):
            let per = w.count / w.shape[0]
            var lo = Int64.max, hi = Int64.min
            for o in 0..<w.shape[0] {
                let (a, b) = dot(w.values[(o * per)..<((o + 1) * per)])
                lo = min(lo, a); hi = max(hi, b)
            }
            return IntegerRange(min: lo, max: hi)
        case .reduceSum(let axes, _):
            let count = Int64(axes.reduce(1) { $0 * circuit[first].shape[$1] })
            return IntegerRange(min: min(0, count * r.min), max: max(0, count * r.max))
        case .input, .addConstant, .mulConstant, .add, .subtract, .multiply, .matMulEncrypted, .tableLookup, .round,
             .reshape, .transpose, .slice, .concat, .pad, .gather, .expand, .maxPool:
            return nil
        }
    }
}
