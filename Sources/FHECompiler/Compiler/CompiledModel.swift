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

    /// `predict` for inputs beyond the input set: the outputs the FHE circuit computes (values that leave their
    /// bit-width wrap as their encodings do) and where values left their calibrated ranges.
    public func predictReportingOverflow(_ inputs: [Tensor]) throws -> (outputs: [Tensor], overflows: [OverflowRecord]) {
        guard inputs.allSatisfy({ $0.elementType.isFloatingPoint }) else {
            throw CompileOptionError(option: "--input", "inputs must be float tensors: do not quantize the inputs manually")
        }
        let (outputs, overflows) = try WrappingClearEvaluator().evaluateReporting(circuit, inputs: quantizeInputs(inputs))
        return (dequantizeOutputs(outputs), overflows)
    }

    /// quantize → evaluate → de-quantize (Concrete ML's `forward`).
    public func predict(_ inputs: [Tensor], evaluator: any CircuitEvaluator<IntTensor> = ClearEvaluator()) throws -> [Tensor] {
        guard inputs.allSatisfy({ $0.elementType.isFloatingPoint }) else {
            throw CompileOptionError(option: "--input", "inputs must be float tensors: do not quantize the inputs manually")
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
    /// How close the input set comes to the accumulators' ranges (nil in bundles of earlier versions).
    public var calibrationEdge: CalibrationEdge?

    /// Calibration samples that reach the top bit of an accumulator: inputs up to twice as large overflow it.
    public struct CalibrationEdge: Sendable, Codable, Equatable {
        /// A sample is near the edge when an accumulator element passes this fraction of the bound its bit-width holds.
        public static let fraction = 0.5
        /// Calibration samples in all.
        public var samples: Int
        /// Samples with an accumulator element past `fraction` of its bound.
        public var nearEdge: Int
        /// The node whose accumulator has most such samples.
        public var closestNode: String?

        /// The line `compile` prints.
        public var summary: String {
            guard nearEdge > 0, let closestNode else {
                return "calibration: no sample of \(samples) reaches the top bit of an accumulator: inputs up to twice as large stay in range"
            }
            return "calibration: \(nearEdge) of \(samples) samples reach the top bit of an accumulator (most at '\(closestNode)'), so "
                + "inputs up to twice as large may overflow: --range-margin BITS widens every accumulator 2^BITS times"
        }

        /// Counts the samples with accumulator elements (`values`, batched) past `fraction` of their bounds.
        public static func measure(_ circuit: Circuit, values: [[Int64]], samples: Int) -> CalibrationEdge {
            var near = Set<Int>(), perNode: [String: Int] = [:]
            for op in circuit.operations where circuit[op.result].isEncrypted {
                switch op.kind {
                case .matMul, .conv, .reduceSum, .add, .subtract, .addConstant, .mulConstant, .multiply, .matMulEncrypted: break
                default: continue
                }
                let range = circuit[op.result].representableRange, per = max(1, circuit[op.result].elementCount)
                let high = Double(range.max) * fraction, low = Double(range.min) * fraction
                var hit = Set<Int>()
                for (i, v) in values[op.result.rawValue].enumerated() where (v > 0 && Double(v) > high) || (v < 0 && Double(v) < low) {
                    hit.insert(i / per)
                }
                near.formUnion(hit)
                perNode[op.label, default: 0] = max(perNode[op.label, default: 0], hit.count)
            }
            let closest = perNode.filter { $0.value > 0 }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            return CalibrationEdge(samples: samples, nearEdge: near.count, closestNode: closest)
        }
    }

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

/// What `run --fhe disable` does when a sample leaves the calibrated ranges.
public enum OverflowPolicy: String, Sendable, CaseIterable {
    /// Give every output (as the FHE circuit computes it) and list the overflows.
    case warn
    /// Stop with `OverflowError`.
    case error
}

/// Samples left the ranges calibrated at compile time: the FHE circuit cannot notice, and its outputs for
/// them are not the model's.
public struct OverflowError: Error, CustomStringConvertible, Sendable {
    /// Every operation that overflowed, in circuit order.
    public var records: [OverflowRecord]
    /// Samples in the batch.
    public var samples: Int

    /// The samples with at least one overflow, ascending.
    public var overflowingSamples: [Int] { Array(Set(records.flatMap(\.samples))).sorted() }

    /// One line per operation and a summary.
    public var listing: String {
        let lines = records.map { r in
            "overflow in \(r.report.operation) '\(r.report.label)' (\(r.report.value)): \(r.report.elementCount) element(s) in "
                + "\(r.report.observed), outside the \(r.report.allowed.bitWidth)-bit range \(r.report.allowed); samples \(Self.list(r.samples))"
        }
        let bad = overflowingSamples
        return (lines + ["\(bad.count) of \(samples) sample(s) left the calibrated ranges (\(Self.list(bad))): their outputs are what the "
                         + "FHE circuit computes, not the model's; compile with an input set covering them, or with --range-margin BITS"])
            .joined(separator: "\n")
    }

    public var description: String {
        (records.first.map { $0.report.description } ?? "overflow")
            + "; \(overflowingSamples.count) of \(samples) sample(s) overflowed in all: --on-overflow warn gives their outputs as FHE computes them"
    }

    /// At most 20 sample indices, then a count of the rest.
    static func list(_ samples: [Int]) -> String {
        let shown = samples.prefix(20).map(String.init).joined(separator: ", ")
        return samples.count > 20 ? "\(shown), ... (\(samples.count - 20) more)" : shown
    }
}
