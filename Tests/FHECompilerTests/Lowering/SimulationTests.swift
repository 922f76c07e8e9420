import FHECompiler
import FHECore
import Foundation
import Testing

/// `simulate` predicts `execute`: equal to `disable` at the default p_error, and with a large p_error its
/// lookup error rate matches the rate the chosen parameters promise.
@Suite struct SimulationTests {
    static func identityCircuit(bits: Int) -> Circuit {
        var c = Circuit()
        let r = IntegerRange(min: 0, max: (1 << bits) - 1)
        let x = c.addInput(index: 0, shape: [64], range: r, isEncrypted: true, label: "x")
        let y = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [Array(r.min...r.max)])), operands: [x], range: r, label: "identity")
        c.outputs = [y]
        return c
    }

    @Test func equalsClearAtDefaultErrorProbability() throws {
        let c = Self.identityCircuit(bits: 4)
        let (program, _) = try FHELowering.lower(c)
        let inputs = [IntTensor(shape: [50, 64], values: (0..<(50 * 64)).map { Int64($0 % 16) })]
        let simulated = try SimulatedEvaluator(program: program).evaluate(c, inputs: inputs)
        #expect(simulated == (try ClearEvaluator().evaluate(c, inputs: inputs)))
    }

    @Test func errorRateMatchesThePromisedOne() throws {
        let c = Self.identityCircuit(bits: 4)
        let (program, parameters) = try FHELowering.lower(c, options: FHEOptions(errorProbability: 0.05))
        let promised = parameters.groups.first { $0.group.name == "identity" }!.errorProbability
        let samples = 400
        let inputs = [IntTensor(shape: [samples, 64], values: (0..<(samples * 64)).map { Int64($0 % 16) })]
        let simulated = try SimulatedEvaluator(program: program).evaluate(c, inputs: inputs)[0]
        let errors = zip(simulated.values, inputs[0].values).filter { $0 != $1 }.count
        let n = Double(samples * 64)
        let rate = Double(errors) / n
        // Binomial standard deviation; 5σ keeps the test from flaking.
        let sigma = (promised * (1 - promised) / n).squareRoot()
        #expect(promised > 0.005 && promised <= 0.05)
        #expect(abs(rate - promised) <= 5 * sigma + 1e-9, "simulated error rate \(rate), promised \(promised)")
    }
}
