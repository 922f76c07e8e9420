// The result of compilation: the circuit with its input and output quantizers (Concrete ML's QuantizedModule).
public import FHECore
import Foundation

/// A quantized model: floats in, circuit on integers, floats out.
public struct CompiledModel: Sendable, Codable {
    /// The integer circuit.
    public var circuit: Circuit
    /// Graph input names and their client-side quantizers, in order.
    public var inputNames: [String]
    public var inputQuantizers: [UniformQuantizer]
    /// Graph output names and their de-quantizers (per-neuron zero points for raw accumulators).
    public var outputNames: [String]
    public var outputQuantizers: [UniformQuantizer]
    /// Bit-widths and ranges per op.
    public var report: BitWidthReport
    /// The rounding the compiler applied (resolved when `auto` was asked).
    public var rounding: RoundingThreshold?
    /// One line per quantization decision (the quantized graph, for `--artifacts`).
    public var quantizationLog: [String]

    /// Quantizes float inputs (batch axis first) with the input quantizers.
    public func quantizeInputs(_ inputs: [Tensor]) -> [IntTensor] {
        zip(inputs, inputQuantizers).map { IntTensor(shape: $0.shape, values: $1.quantize($0.values)) }
    }

    /// De-quantizes circuit outputs into floats.
    public func dequantizeOutputs(_ outputs: [IntTensor]) -> [Tensor] {
        zip(outputs, outputQuantizers).map { Tensor(shape: $0.shape, elementType: .float64, values: $1.dequantize($0.values)) }
    }

    /// quantize → evaluate → de-quantize (Concrete ML's `forward`).
    public func predict(_ inputs: [Tensor], evaluator: any CircuitEvaluator<IntTensor> = ClearEvaluator()) throws -> [Tensor] {
        guard inputs.allSatisfy({ $0.elementType.isFloatingPoint }) else {
            throw CompileOptionError(option: "inputs", "inputs must be float tensors: do not quantize the inputs manually")
        }
        return dequantizeOutputs(try evaluator.evaluate(circuit, inputs: quantizeInputs(inputs)))
    }
}

/// Per-op bit-widths and ranges (Concrete ML's `bitwidth_and_range_report`), with worst-case bounds.
public struct BitWidthReport: Sendable, Codable, Equatable, CustomStringConvertible {
    /// One ONNX node's figures.
    public struct Entry: Sendable, Codable, Equatable {
        /// The ONNX node.
        public var node: String
        /// Range and bit-width of the widest value the node produces (calibration).
        public var range: IntegerRange
        public var bitWidth: Int
        /// Widest TLU input fed by the node (nil when it feeds no TLU).
        public var tluInputBits: Int?
        /// Worst-case accumulator bit-width over all inputs in range (linear ops only).
        public var worstCaseBits: Int?
    }

    public var entries: [Entry]
    /// Total TLUs per sample and the widest TLU input.
    public var tluCount: Int
    public var maxTLUBits: Int
    /// Warnings: accumulators that may overflow, TLUs whose worst case exceeds the limit.
    public var warnings: [String]

    public var description: String {
        var lines = ["node                              range                       bits  tlu-in  worst-case"]
        for e in entries {
            let name = e.node.count > 32 ? String(e.node.prefix(31)) + "…" : e.node
            lines.append(name.padding(toLength: 34, withPad: " ", startingAt: 0)
                         + "\(e.range)".padding(toLength: 28, withPad: " ", startingAt: 0)
                         + "\(e.bitWidth)".padding(toLength: 6, withPad: " ", startingAt: 0)
                         + (e.tluInputBits.map(String.init) ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0)
                         + (e.worstCaseBits.map(String.init) ?? "-"))
        }
        lines.append("TLUs per sample: \(tluCount), widest TLU input: \(maxTLUBits) bits")
        lines += warnings.map { "warning: \($0)" }
        return lines.joined(separator: "\n")
    }
}
