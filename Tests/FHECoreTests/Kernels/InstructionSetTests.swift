import Foundation
import Testing
@_spi(KeyHolder) @testable import FHECore

/// Every instruction set's kernels against the portable ones, on this machine: integer kernels bit for bit, the
/// PBS decrypting exactly, FFT products within the error bound (FFTTests, ExternalProductTests run per
/// instruction set as well). A path this CPU cannot run is named in `reportsWhichPathsRan`.
@Suite struct InstructionSetTests {
    /// Says which kernels these tests ran and which this machine could not run, so a green run on a machine
    /// without AVX-512 is not mistaken for a tested AVX-512 path.
    @Test func reportsWhichPathsRan() {
        let missing = InstructionSet.allCases.filter { !$0.isSupported }
        print("kernels tested on this machine: \(InstructionSet.supported.map(\.rawValue).joined(separator: ", "));"
              + " not runnable here: \(missing.isEmpty ? "none" : missing.map(\.rawValue).joined(separator: ", "))")
        #expect(InstructionSet.portable.isSupported)
        #expect(InstructionSet.supported.contains(InstructionSet.best))
        #expect(InstructionSet.supported.contains(InstructionSet.active))
        #if arch(x86_64)
        // What the CPU reports, read independently of the kernels' own detection.
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if flags.contains(" avx2 ") && flags.contains(" fma ") { #expect(InstructionSet.avx2.isSupported) }
        if flags.contains(" avx512f ") && flags.contains(" avx512dq ") && flags.contains(" avx512bw ") && flags.contains(" avx512vl ") {
            #expect(InstructionSet.avx512.isSupported)
        }
        #endif
    }

    /// KS + PBS of every message on a toy set and on Concrete's real 4-bit set decrypts to the table, on every
    /// path, so each path's outputs decrypt to the portable path's.
    @Test(arguments: [(ParameterSet.insecureToy(bits: 5), 5), (ParameterSet.concrete(bits: 4)!, 4)], InstructionSet.supported)
    func bootstrapDecryptsExactlyOnEveryPath(set: (ParameterSet, Int), isa: InstructionSet) throws {
        let (parameters, bits) = set
        let (secret, keys) = TestKeys.shared.keys(parameters)
        let size = Int64(1) << bits
        let table: [Int64] = (0..<size).map { ($0 * 5 + 1) % size }
        let lut = LookupTable(table: table, inputBits: bits, outputBits: bits, polynomialSize: parameters.polynomialSize)
        let plan = FFTPlan(polynomialSize: parameters.polynomialSize, instructionSet: isa)
        #expect(plan.instructionSet == isa)
        let scratch = BootstrapScratch(parameters: parameters, plan: plan)
        var out = LWECiphertext(lweDimension: parameters.bigLWEDimension)
        var wrong = 0
        for m in 0..<Int(size) {
            Bootstrap.programmable(secret.encrypt(Int64(m), bits: bits), lookupTable: lut, keys: keys, scratch: scratch, into: &out)
            if secret.decrypt(out, bits: bits) != UInt64(table[m]) { wrong += 1 }
        }
        #expect(wrong == 0, "\(isa) \(parameters): \(wrong) of \(size) lookups decrypted wrong")
    }

    /// The keyswitch is integer arithmetic: every path gives the portable path's words exactly.
    @Test(arguments: InstructionSet.supported)
    func keyswitchIsBitIdenticalToPortable(isa: InstructionSet) {
        let parameters = ParameterSet.concrete(bits: 4)!
        let (secret, keys) = TestKeys.shared.keys(parameters)
        let key = keys.keyswitchKey
        let count = 7
        let inputSize = key.inputDimension.lweSize, outputSize = key.outputDimension.lweSize
        var inputs: [UInt64] = []
        for m in 0..<count { inputs += secret.encrypt(Int64(m), bits: 4).data }
        func run(_ kernels: EngineKernels) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: count * outputSize)
            var digits = [Int64](repeating: 0, count: count * key.decomposition.levelCount.rawValue)
            inputs.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in
                    digits.withUnsafeMutableBufferPointer { d in
                        KeySwitch.keyswitchBatch(i.baseAddress!, count: count, key: key, outputs: o.baseAddress!,
                                                 digits: d.baseAddress!, kernels: kernels)
                    }
                }
            }
            return out
        }
        #expect(inputs.count == count * inputSize)
        #expect(run(EngineKernels(isa)) == run(EngineKernels(.portable)), "\(isa)")
    }

    /// The vector digits of every path are the scalar reference's, at every base log, ties included.
    @Test(arguments: InstructionSet.supported)
    func decompositionMatchesTheScalarReference(isa: InstructionSet) {
        var rng = SystemRandomNumberGenerator()
        let count = 67
        for (beta, l) in [(1, 1), (4, 3), (10, 2), (15, 1), (22, 2), (23, 1)] {
            let decomposer = SignedDecomposer(DecompositionParameters(baseLog: beta, levelCount: l))
            // Random words, and words exactly at rounding ties.
            let xs: [UInt64] = (0..<count).map { i in
                let x: UInt64 = rng.next()
                return i % 3 == 0 ? (x >> (64 - beta * l)) << (64 - beta * l) | (1 << (63 - beta * l)) : x
            }
            var got = [Int64](repeating: 0, count: l * count)
            xs.withUnsafeBufferPointer { i in
                got.withUnsafeMutableBufferPointer {
                    EngineKernels(isa).functions.decompose_polynomial(i.baseAddress!, Int64(count), Int64(beta), Int64(l), $0.baseAddress!)
                }
            }
            for (c, x) in xs.enumerated() {
                let want = decomposer.decompose(x)
                #expect((0..<l).map { got[$0 * count + c] } == want, "\(isa) β=\(beta) l=\(l) x=\(x)")
            }
        }
    }

    /// A bad CML_ENGINE_ISA is an error that names the value, what this machine runs and what to do.
    @Test func badEnvironmentValuesAreClearErrors() throws {
        #expect(try InstructionSet.requested(in: [:]) == nil)
        #expect(try InstructionSet.requested(in: ["CML_ENGINE_ISA": ""]) == nil)
        #expect(try InstructionSet.requested(in: ["CML_ENGINE_ISA": "portable"]) == .portable)
        if InstructionSet.avx2.isSupported {
            #expect(try InstructionSet.requested(in: ["CML_ENGINE_ISA": "AVX2"]) == .avx2, "names are case-insensitive")
        }
        do {
            _ = try InstructionSet.requested(in: ["CML_ENGINE_ISA": "sse9"])
            Issue.record("an unknown instruction set was accepted")
        } catch let error as InstructionSetError {
            #expect(!error.known)
            #expect(error.description.contains("CML_ENGINE_ISA=sse9"))
            #expect(error.description.contains("portable, avx2, avx512"))
            #expect(error.description.contains("Unset CML_ENGINE_ISA"))
        }
        for isa in InstructionSet.allCases where !isa.isSupported {
            do {
                _ = try InstructionSet.requested(in: ["CML_ENGINE_ISA": isa.rawValue])
                Issue.record("\(isa) was accepted on a CPU that cannot run it")
            } catch let error as InstructionSetError {
                #expect(error.known)
                #expect(error.description.contains("this CPU cannot run the \(isa.rawValue) kernels"))
            }
        }
    }
}
