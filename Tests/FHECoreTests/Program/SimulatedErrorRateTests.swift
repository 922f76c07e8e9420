import Foundation
@_spi(KeyHolder) @testable import FHECore
import Testing

/// `simulate` makes the errors `execute` makes: for every operation that bootstraps, on a toy set whose
/// keyswitch noise puts its PBS at a high error probability, the share of wrong outputs of the simulator
/// matches the share measured under encryption.
@Suite struct SimulatedErrorRateTests {
    /// The per-PBS error probability the keyswitch noise is set to.
    static let errorProbability = 0x1p-3

    /// A 2-bit-toy-like set whose keyswitch-key noise brings the input variance of `op`'s first PBS group to the
    /// variance at which it fails with `errorProbability`. The other noise is tiny, so decrypted outputs are exact
    /// and every error comes from a PBS.
    static func program(_ circuit: Circuit, op label: String) -> FHEProgram {
        let precisions = CircuitEncoding.precisions(of: circuit)
        let op = circuit.operations.first { $0.label == label }!
        let group = circuit.bootstrapPattern(of: op).groups[0]
        func set(keyswitchNoise sigma: Double) -> ParameterSet {
            ParameterSet(lweDimension: 64, glweDimension: 1, polynomialSize: 512, pbs: (1, 23), ks: (5, 4),
                         lweNoiseStandardDeviation: sigma, glweNoiseStandardDeviation: 0x1p-50, isInsecureTestSet: true)
        }
        func variance(_ sigma: Double) -> Double {
            SimulatedEvaluator(program: FHEProgram(circuit: circuit, precisions: precisions, parameters: set(keyswitchNoise: sigma)))
                .pbsInputVariance(producing: op.result, group: 0)
        }
        // The input variance is affine in the keyswitch key's noise variance.
        let base = variance(0), perUnit = variance(1) - base
        let target = NoiseModel.maximalVariance(precision: group.messageBits(operandPrecision: precisions[op.operands[0].rawValue]),
                                                errorProbability: errorProbability)
        let sigma = ((target - base) / perUnit).squareRoot()
        return FHEProgram(circuit: circuit, precisions: precisions, parameters: set(keyswitchNoise: sigma))
    }

    /// Runs `program` on every sample of `input` under encryption; returns the decrypted outputs.
    static func execute(_ program: FHEProgram, _ input: IntTensor) throws -> [Int64] {
        let (secret, keys) = TestKeys.shared.keys(program.parameters)
        // Through the interface all three evaluators share.
        let evaluator: some CircuitEvaluator<CircuitArgument> = EncryptedEvaluator(program: program, keys: keys)
        let inputEncoding = program.inputEncodings[0], outputEncoding = program.outputEncodings[0]
        var outputs: [Int64] = []
        let per = inputEncoding.elementCount
        for b in 0..<input.shape[0] {
            let sample = Array(input.values[b * per..<(b + 1) * per])
            guard case .encrypted(let list) = try evaluator.evaluate(program.circuit, inputs: [.encrypted(secret.encrypt(sample, encoding: inputEncoding))])[0] else {
                Issue.record("output came back clear")
                return []
            }
            outputs += secret.decrypt(list, encoding: outputEncoding)
        }
        return outputs
    }

    /// Compares the share of outputs that differ from the clear ones, simulated (`repeats` times the samples) and
    /// executed, within 5 standard deviations of their difference.
    static func expectMatchingErrorRates(_ circuit: Circuit, op label: String, input: IntTensor, repeats: Int = 16) throws {
        let program = program(circuit, op: label)
        let clear = try ClearEvaluator().evaluate(circuit, inputs: [input])[0].values
        let executed = try execute(program, input)
        let measured = Double(zip(executed, clear).filter { $0 != $1 }.count) / Double(clear.count)

        let many = IntTensor(shape: [input.shape[0] * repeats] + input.shape.dropFirst(),
                             values: Array([[Int64]](repeating: input.values, count: repeats).joined()))
        let simulator = SimulatedEvaluator(program: program)
        let simulatedOutputs = try simulator.evaluate(circuit, inputs: [many])[0].values
        let repeatedClear = Array([[Int64]](repeating: clear, count: repeats).joined())
        let simulated = Double(zip(simulatedOutputs, repeatedClear).filter { $0 != $1 }.count) / Double(repeatedClear.count)

        let pooled = (measured + simulated * Double(repeats)) / Double(1 + repeats)
        let sigma = (pooled * (1 - pooled) * (1 / Double(clear.count) + 1 / Double(repeatedClear.count))).squareRoot()
        // A high error probability: the encrypted outputs are wrong often enough for the rates to say something.
        #expect(measured > 0.02, "\(label): measured error rate \(measured)")
        #expect(abs(simulated - measured) <= 5 * sigma, "\(label): simulated error rate \(simulated), measured \(measured)")
    }

    /// Deterministic inputs covering `range`, `count` of them.
    static func values(_ count: Int, in range: IntegerRange, seed: UInt64) -> [Int64] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.min + Int64((state >> 33) % UInt64(range.max - range.min + 1))
        }
    }

    @Test func tableLookup() throws {
        var c = Circuit()
        let r = IntegerRange(min: 0, max: 7)
        let x = c.addInput(index: 0, shape: [64], range: r, isEncrypted: true, label: "x")
        let y = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [(0...7).map { ($0 * 3 + 1) % 8 }])), operands: [x],
                         range: r, label: "lookup")
        c.outputs = [y]
        try Self.expectMatchingErrorRates(c, op: "lookup", input: IntTensor(shape: [16, 64], values: Self.values(1024, in: r, seed: 1)))
    }

    @Test func encryptedProduct() throws {
        var c = Circuit()
        let r = IntegerRange(min: 0, max: 3)
        let ab = c.addInput(index: 0, shape: [2, 32], range: r, isEncrypted: true, label: "ab")
        let a = c.append(.slice(starts: [0, 0], ends: [1, 32], steps: [1, 1]), operands: [ab], range: r, label: "a")
        let b = c.append(.slice(starts: [1, 0], ends: [2, 32], steps: [1, 1]), operands: [ab], range: r, label: "b")
        let p = c.append(.multiply, operands: [a, b], range: IntegerRange(min: 0, max: 9), label: "product")
        c.outputs = [p]
        try Self.expectMatchingErrorRates(c, op: "product", input: IntTensor(shape: [32, 2, 32], values: Self.values(2048, in: r, seed: 2)))
    }

    @Test func maxPooling() throws {
        var c = Circuit()
        let r = IntegerRange(min: 0, max: 3)
        let x = c.addInput(index: 0, shape: [1, 8, 8], range: r, isEncrypted: true, label: "x")
        let pool = WindowGeometry(kernelShape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1])
        let y = c.append(.maxPool(geometry: pool, padValue: 0), operands: [x], range: r, label: "pool")
        c.outputs = [y]
        try Self.expectMatchingErrorRates(c, op: "pool", input: IntTensor(shape: [48, 1, 8, 8], values: Self.values(3072, in: r, seed: 3)))
    }

    @Test func exactRounding() throws {
        var c = Circuit()
        let r = IntegerRange(min: 0, max: 15)
        let x = c.addInput(index: 0, shape: [64], range: r, isEncrypted: true, label: "x")
        let y = c.append(.round(lsbs: 2, method: .exact), operands: [x], range: IntegerRange(min: 0, max: 4), label: "round")
        c.outputs = [y]
        try Self.expectMatchingErrorRates(c, op: "round", input: IntTensor(shape: [16, 64], values: Self.values(1024, in: r, seed: 4)))
    }
}
