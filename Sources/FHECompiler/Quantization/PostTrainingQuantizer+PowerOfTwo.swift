// Concrete ML's PowerOfTwoScalingRoundPBSAdapter (docs/QUANTIZATION.md#rounding): in a Brevitas model,
// Quant → Gemm/Conv → Relu → Quant where s_in·s_w / s_out = 2^−l makes the re-quantization a shift by l bits.
// Rounding the accumulator by l bits first leaves the activation table an input l bits narrower, exactly.
import FHECore
import Foundation

extension PostTrainingQuantizer {
    /// l when `node` (a linear op with accumulator scale `scale`) feeds only a Relu that feeds only a Brevitas
    /// Quant (zero point 0) whose scale is 2^l times the accumulator's, l ≥ 1; nil otherwise, when the user
    /// set a rounding (which then wins, as in Concrete ML) or turned the pass off.
    func powerOfTwoShift(_ node: Node, accumulatorScale scale: Double) -> Int? {
        guard options.importQAT, options.powerOfTwoRounding, options.rounding == nil, let output = node.outputs.first else { return nil }
        func soleConsumer(_ name: String) -> Node? {
            let users = graph.nodes.filter { $0.inputs.contains(name) }
            return users.count == 1 && !graph.outputs.contains(where: { $0.name == name }) ? users[0] : nil
        }
        guard let relu = soleConsumer(output), relu.opType == "Relu", let quant = soleConsumer(relu.outputs[0]),
              quant.opType == "Quant", let q = try? quantNodeQuantizer(quant), q.zeroPoints == [0], q.elementScales == nil else {
            return nil
        }
        let exponent = log2(q.scale / scale)
        let l = exponent.rounded()
        guard l >= 1, l < 62, abs(exponent - l) < 1e-9 else { return nil }
        return Int(l)
    }

    /// The power-of-two rounding of a linear op's accumulator, or nil when the pattern does not apply.
    /// With value = s·(acc + b̃) (b̃ = −zp, the bias in accumulator units) and the Quant rounding half to even:
    /// round((acc + b̃)/2^l) = ⌊(acc + ⌊b̃⌋ + 2^(l−1)) / 2^l⌋ whenever b̃ is not an integer (no ties), so adding
    /// ⌊b̃⌋ and rounding l bits is exact; the table then sees only the kept bits. An integer b̃ would tie, and the
    /// circuit's rounding breaks ties upwards, so such a layer keeps its full-width table.
    mutating func powerOfTwoRounding(_ acc: ValueID, quantizer: UniformQuantizer, node: Node) -> (ValueID, UniformQuantizer)? {
        guard quantizer.elementScales == nil, let l = powerOfTwoShift(node, accumulatorScale: quantizer.scale),
              l < circuit[acc].bitWidth else { return nil }
        let shape = circuit[acc].shape
        let count = circuit[acc].elementCount
        let offsets = (0..<count).map { -quantizer.zeroPoint(element: $0) }
        guard offsets.allSatisfy({ abs($0 - $0.rounded()) > 1e-6 }) else {
            log.append("  \(node.name): power-of-two rescale 2^-\(l) but an integer bias would tie: full-width table kept")
            return nil
        }
        let shifted = emit(.addConstant(IntTensor(shape: shape, values: offsets.map { Int64($0.rounded(.down)) })), [acc], label: node.name)
        let rounded = emit(.round(lsbs: l, method: .exact), [shifted], label: node.name)
        var q = quantizer
        let factor = Double(Int64(1) << l)
        q.scale *= factor
        q.zeroPoints = (0..<(quantizer.zeroPoints.count)).map { (quantizer.zeroPoints[$0] + offsets[$0].rounded(.down)) / factor }
        log.append("  \(node.name): power-of-two rescale: round \(l) lsbs of a \(circuit[acc].bitWidth)-bit accumulator (exact shift, round PBS)")
        return (rounded, q)
    }
}
