import Foundation
@_spi(KeyHolder) @testable import FHECore
import Testing

/// Programs whose lookups fall into several partitions (docs/PARAMETERS.md#partitions), on toy parameters: the
/// evaluators, the keys (full, seeded, on the wire) and the JSON form.
@Suite struct PartitionedProgramTests {
    /// Partition 0: a 2-bit toy set; partition 1: another small key (n = 80), N = 1024 and its own keyswitch gadget,
    /// so a cross key that used the wrong dimension or gadget could not pass.
    static let sets = [
        ParameterSet.insecureToy(bits: 2),
        ParameterSet(lweDimension: 80, glweDimension: 1, polynomialSize: 1024, pbs: (1, 23), ks: (4, 5),
                     lweNoiseStandardDeviation: 0x1p-40, glweNoiseStandardDeviation: 0x1p-50, isInsecureTestSet: true),
    ]

    /// x (2 bits, partition 0) → t = 3x+1 (partition 0: own keyswitch) → fc → 4-bit table in partition 1 (cross
    /// keyswitch 0 → 1) → + itself·2 → square table in partition 1 (own keyswitch); outputs t (partition 0) and the
    /// square (partition 1).
    static func program() -> (FHEProgram, Circuit) {
        var c = Circuit()
        let x = c.addInput(index: 0, shape: [3], range: IntegerRange(min: 0, max: 3), isEncrypted: true, label: "x")
        let t = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [[1, 4, 7, 10]])), operands: [x],
                         range: IntegerRange(min: 1, max: 10), label: "t")
        let w = IntTensor(shape: [3, 2], values: [1, -1, 0, 1, 1, 0])
        let h = c.append(.matMul(weights: w), operands: [t], range: IntegerRange(min: -9, max: 20), label: "fc")
        let u = c.append(.tableLookup(TableLookup(inputMin: -9, tables: [(-9...20).map { max($0, 0) / 4 }])), operands: [h],
                         range: IntegerRange(min: 0, max: 5), label: "u")
        let v = c.append(.mulConstant(IntTensor(shape: [1], values: [2])), operands: [u], range: IntegerRange(min: 0, max: 10), label: "v")
        let s = c.append(.tableLookup(TableLookup(inputMin: 0, tables: [(0...10).map { $0 * $0 / 8 }])), operands: [v],
                         range: IntegerRange(min: 0, max: 12), label: "s")
        c.outputs = [t, s]
        var partitions = [Int](repeating: 0, count: c.values.count)
        for id in [h, u, v, s] where id != h { partitions[id.rawValue] = 1 }
        let program = FHEProgram(circuit: c, precisions: CircuitEncoding.precisions(of: c), partitions: sets,
                                 valuePartitions: partitions,
                                 crossKeyswitches: [KeyLayout.PartitionKeyswitch(from: 0, to: 1, decomposition: sets[1].ksDecomposition)])
        return (program, c)
    }

    static let secretSeed = Seed(bytes: [UInt8](repeating: 11, count: 32))
    static let seeds = EncryptionSeeds(maskSeed: Seed(bytes: [UInt8](repeating: 12, count: 32)),
                                       noiseSeed: Seed(bytes: [UInt8](repeating: 13, count: 32)))

    @Test func encryptedEvaluationMatchesClearAcrossPartitions() throws {
        let (program, circuit) = Self.program()
        #expect(program.partitionProblem == nil)
        let secret = PartitionedSecretKeys(layout: program.keyLayout, seed: Self.secretSeed)
        let evaluator = EncryptedEvaluator(program: program, keys: secret.evaluationKeys(seeds: Self.seeds))
        let samples: [[Int64]] = [[0, 1, 2], [3, 3, 0], [2, 0, 3], [1, 3, 1]]
        let clear = try ClearEvaluator().evaluate(circuit, inputs: [IntTensor(shape: [samples.count, 3], values: samples.flatMap { $0 })])
        for (b, sample) in samples.enumerated() {
            let outputs = try evaluator.evaluate([.encrypted(secret.encrypt(sample, input: 0, of: program))])
            #expect(outputs.count == 2)
            for (i, output) in outputs.enumerated() {
                guard case .encrypted(let list) = output else { Issue.record("output \(i) came back clear"); continue }
                // Each output is under its own partition's big key.
                #expect(list.lweDimension == Self.sets[i].bigLWEDimension)
                let per = circuit[circuit.outputs[i]].elementCount
                #expect(secret.decrypt(list, output: i, of: program) == Array(clear[i].values[b * per..<(b + 1) * per]))
            }
        }
        // The simulator reads each lookup's noise from its own partition: tiny toy noise, so it equals the clear path.
        let simulated = try SimulatedEvaluator(program: program)
            .evaluate(circuit, inputs: [IntTensor(shape: [samples.count, 3], values: samples.flatMap { $0 })])
        #expect(simulated == clear)
    }

    @Test func inputsUnderAnotherPartitionsKeyAreRefused() throws {
        let (program, _) = Self.program()
        let secret = PartitionedSecretKeys(layout: program.keyLayout, seed: Self.secretSeed)
        let evaluator = EncryptedEvaluator(program: program, keys: secret.evaluationKeys(seeds: Self.seeds))
        let wrong = secret.partitions[1].encrypt([0, 1, 2], encoding: program.inputEncodings[0])
        #expect(throws: EncryptedEvaluationError.self) { try evaluator.evaluate([.encrypted(wrong)]) }
    }

    /// Both layouts: the program's (every set has its own keyswitch key) and one where set 1 has none.
    @Test(arguments: [[], [1]])
    func seededKeysDecompressToTheFullKeysAndSurviveTheWire(setsWithoutOwnKeyswitch: [Int]) throws {
        let (program, _) = Self.program()
        #expect(program.keyLayout.setsWithoutOwnKeyswitch.isEmpty)
        let layout = KeyLayout(parameterSets: program.partitions, partitionKeyswitches: program.crossKeyswitches,
                               setsWithoutOwnKeyswitch: setsWithoutOwnKeyswitch)
        let secret = PartitionedSecretKeys(layout: layout, seed: Self.secretSeed)
        let full = secret.evaluationKeys(seeds: Self.seeds)
        let seeded = secret.seededEvaluationKeys(seeds: Self.seeds)
        #expect(full.crossKeyswitchKeys.count == 1)
        #expect(full.crossKeyswitchKeys[0].inputDimension == Self.sets[0].bigLWEDimension)
        #expect(full.crossKeyswitchKeys[0].outputDimension == Self.sets[1].lweDimension)
        #expect(full.keyswitchKeys.map { $0 == nil } == [false, setsWithoutOwnKeyswitch == [1]])
        func same(_ a: PartitionedEvaluationKeys, _ b: PartitionedEvaluationKeys) -> Bool {
            a.keyswitchKeys == b.keyswitchKeys && a.crossKeyswitchKeys == b.crossKeyswitchKeys
                && zip(a.bootstrapKeys, b.bootstrapKeys).allSatisfy { $0.data == $1.data }
        }
        #expect(same(seeded.decompressed(), full))
        // Framed, decoded and checked against the layout, as a server receives them.
        let message = try Cml_V1_EvaluationKeys.decodeFramed(seeded.wire(layout: layout).framed())
        let decoded = try SeededPartitionedEvaluationKeys(wire: message, layout: layout)
        #expect(decoded == seeded)
        #expect(same(try PreparedTFHEKeys(wire: message, layout: layout).evaluationKeys, full))
        // Without its cross key, with a keyswitch key the layout does not list (or without one it lists), or for
        // a one-set layout, the upload is refused.
        var missing = message
        missing.partitionKeyswitchKeys = []
        #expect(throws: WireFormatError.self) { try SeededPartitionedEvaluationKeys(wire: missing, layout: layout) }
        var flipped = message
        if setsWithoutOwnKeyswitch.isEmpty { flipped.parameterSetKeys[1].clearKeyswitchKey() } else {
            flipped.parameterSetKeys[1].keyswitchKey = message.parameterSetKeys[0].keyswitchKey
        }
        #expect(throws: WireFormatError.self) { try SeededPartitionedEvaluationKeys(wire: flipped, layout: layout) }
        #expect(throws: WireFormatError.self) {
            try SeededPartitionedEvaluationKeys(wire: message, layout: KeyLayout(parameterSets: [Self.sets[0]]))
        }
        // The layout itself round-trips, and its hash depends on which own keyswitch keys it lists.
        #expect(try KeyLayout(wire: layout.wire, field: "layout") == layout)
        #expect((layout.hash == program.keyLayout.hash) == setsWithoutOwnKeyswitch.isEmpty)
    }

    @Test func partitionZeroKeepsTheSeed() {
        // A one-set layout gets exactly the mono-parameter keys of its seed.
        let one = PartitionedSecretKeys(layout: KeyLayout(parameterSets: [Self.sets[0]]), seed: Self.secretSeed)
        let mono = SecretKeys(parameters: Self.sets[0], seed: Self.secretSeed)
        #expect(one.partitions[0].keyswitchKey(seeds: Self.seeds) == mono.keyswitchKey(seeds: Self.seeds))
        let two = PartitionedSecretKeys(layout: KeyLayout(parameterSets: Self.sets), seed: Self.secretSeed)
        #expect(two.partitions[0].keyswitchKey(seeds: Self.seeds) == mono.keyswitchKey(seeds: Self.seeds))
    }

    @Test func jsonKeepsTheMonoParameterFormAndRoundTripsPartitions() throws {
        let (program, circuit) = Self.program()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A mono-parameter program writes only the keys it always had, and reads them back as partition 0.
        let mono = FHEProgram(circuit: circuit, precisions: program.precisions, parameters: Self.sets[0])
        let monoJSON = try encoder.encode(mono)
        let keys = try #require(JSONSerialization.jsonObject(with: monoJSON) as? [String: Any]).keys.sorted()
        #expect(keys == ["circuit", "parameters", "precisions"])
        let decodedMono = try JSONDecoder().decode(FHEProgram.self, from: monoJSON)
        #expect(decodedMono == mono)
        #expect(decodedMono.partitions == [Self.sets[0]] && decodedMono.crossKeyswitches.isEmpty)
        // A partitioned program round-trips.
        let decoded = try JSONDecoder().decode(FHEProgram.self, from: try encoder.encode(program))
        #expect(decoded == program)
        #expect(decoded.keyLayout == program.keyLayout && decoded.keyLayout.hash != mono.keyLayout.hash)
        // A program whose lookup crosses partitions without its keyswitch is refused, naming the operation.
        var object = try #require(JSONSerialization.jsonObject(with: try encoder.encode(program)) as? [String: Any])
        object["crossKeyswitches"] = []
        let broken = try JSONSerialization.data(withJSONObject: object)
        #expect {
            try JSONDecoder().decode(FHEProgram.self, from: broken)
        } throws: { error in
            "\(error)".contains("'u' bootstraps partition 0 ciphertexts in partition 1 without a cross keyswitch")
        }
    }

    @Test func levelledOperationsMixingKeysAreRefused() throws {
        let (program, circuit) = Self.program()
        var object = try #require(JSONSerialization.jsonObject(with: try JSONEncoder().encode(program)) as? [String: Any])
        var partitions = program.valuePartitions
        // fc reads t (partition 0) but is put in partition 1: a levelled operation across keys.
        partitions[circuit.operations.first { $0.label == "fc" }!.result.rawValue] = 1
        object["valuePartitions"] = partitions
        #expect {
            try JSONDecoder().decode(FHEProgram.self, from: try JSONSerialization.data(withJSONObject: object))
        } throws: { error in
            "\(error)".contains("'fc' is levelled")
        }
    }
}
