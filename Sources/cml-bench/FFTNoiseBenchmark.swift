import ArgumentParser
@_spi(KeyHolder) import FHECore
import Foundation

extension Main {
    /// `cml-bench fft-noise`: the measured FFT error of the external product against the noise model's FFT terms.
    struct FFTNoise: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fft-noise",
            abstract: "Measure the f64 FFT error of one external product against the exact product, per shape.",
            discussion: """
                Prints, per shape k,N,β,l: the measured variance (log2, torus), the FFT term of Concrete's model and of \
                TFHE-rs' model (docs/NOISE.md#blind-rotation), and measured/model ratios. The noise model's FFT term for this \
                engine must stay above every measured value.
                """)

        @Option(help: "Semicolon-separated shapes k,N,β,l.")
        var shapes = "3,512,18,1;1,1024,22,1;2,1024,23,1;1,2048,23,1;1,2048,15,2;2,2048,15,2;1,4096,22,1;1,4096,20,2;1,4096,30,1;1,8192,22,1;1,8192,20,2;1,8192,25,1;1,8192,30,1;1,16384,20,2;1,16384,15,2;1,32768,15,2"

        @Option(help: "External products per shape.")
        var trials = 2

        @Option(help: "Semicolon-separated blind rotations n,k,N,β,l[,split] whose output noise is measured (toy n; the GLWE noise is the curve minimum; split: FourierPrecision.split).")
        var blindRotations = "64,1,2048,23,1;64,1,4096,24,1;64,1,4096,24,1,split;64,1,4096,12,3;64,1,4096,20,2,split;64,1,8192,15,2;64,1,8192,20,2,split"

        @Option(help: "Bootstraps per blind rotation shape.")
        var bootstraps = 8

        func run() throws {
            let parsed = try shapes.split(separator: ";").map { text -> [Int] in
                let v = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard v.count == 4, (1...6).contains(v[0]), v[1] >= 16, v[1] & (v[1] - 1) == 0, v[2] * v[3] < 64 else {
                    throw ValidationError("--shapes takes k,N,β,l with 1 ≤ k ≤ 6, N a power of two ≥ 16, β·l < 64; got '\(text)'")
                }
                return v
            }
            print("external product, f64 error per output coefficient (log2 torus variance); fits: V_FFT/(1 + k·N/2)")
            print("k     N   β  l  log2 measured  log2 concrete  log2 tfhe-rs  measured/concrete  measured/tfhe-rs  split exact")
            for v in parsed {
                let k = GLWEDimension(v[0]), n = PolynomialSize(v[1])
                let decomposition = DecompositionParameters(baseLog: v[2], levelCount: v[3])
                let measured = NoiseMeasurement.fftErrorVariance(
                    glweDimension: k, polynomialSize: n, decomposition: decomposition, trials: trials)
                let phaseToCoefficient = 1 + Double(v[0] * v[1]) / 2
                let concrete = NoiseModel.fftVariance(.concrete, glweDimension: v[0], polynomialSize: v[1],
                                                      baseLog: v[2], levelCount: v[3]) / phaseToCoefficient
                let tfhers = NoiseModel.fftVariance(.tfhers, glweDimension: v[0], polynomialSize: v[1],
                                                    baseLog: v[2], levelCount: v[3]) / phaseToCoefficient
                let exact = NoiseModel.splitKeyRoundsExactly(glweDimension: v[0], polynomialSize: v[1], baseLog: v[2], levelCount: v[3])
                print(String(format: "%d %5d %3d %2d  %13.2f  %13.2f  %12.2f  %17.3f  %16.3f  %@", v[0], v[1], v[2], v[3],
                             log2(measured), log2(concrete), log2(tfhers), measured / concrete, measured / tfhers, exact ? "yes" : "no"))
            }
            let rotations = try blindRotations.split(separator: ";").map { text -> ([Int], FourierPrecision) in
                let fields = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let split = fields.count == 6 && fields[5] == "split"
                let v = fields.prefix(5).compactMap { Int($0) }
                guard v.count == 5, fields.count == 5 || split, v[0] >= 1, (1...6).contains(v[1]), v[2] >= 16,
                      v[2] & (v[2] - 1) == 0, v[3] * v[4] < 64 else {
                    throw ValidationError("--blind-rotations takes n,k,N,β,l[,split]; got '\(text)'")
                }
                return (v, split ? .split : .standard)
            }
            guard !rotations.isEmpty else { return }
            print("blind rotation output noise (log2 torus variance): measured vs n·(key + rounding terms) + n·FFT term")
            print("   n k     N   β  l fft       measured  exact part  +concrete  +tfhe-rs  +measured FFT  model (this set)")
            for (v, precision) in rotations {
                let set = ParameterSet(
                    lweDimension: v[0], glweDimension: v[1], polynomialSize: v[2], pbs: (v[4], v[3]), ks: (3, 4),
                    lweNoiseStandardDeviation: 0x1p-30,
                    glweNoiseStandardDeviation: SecurityCurve.minimalStandardDeviation(dimension: v[1] * v[2]),
                    isInsecureTestSet: true, fourierPrecision: precision)
                let secret = SecretKeys(parameters: set)
                let measured = NoiseMeasurement.blindRotationVariance(secret: secret, keys: secret.evaluationKeys(), bootstraps: bootstraps)
                let terms = NoiseModel.cmuxVarianceTerms(
                    glweDimension: set.glweDimension, polynomialSize: set.polynomialSize, decomposition: set.pbsDecomposition,
                    bootstrapKeyVariance: set.glweNoiseStandardDeviation * set.glweNoiseStandardDeviation)
                let n = Double(v[0])
                let exact = n * (terms.keyNoise + terms.rounding)
                let fft = { (fit: NoiseModel.FFTErrorFit) in
                    n * NoiseModel.fftVariance(fit, glweDimension: v[1], polynomialSize: v[2], baseLog: v[3], levelCount: v[4])
                }
                let measuredFFT = n * (1 + Double(v[1] * v[2]) / 2) * NoiseMeasurement.fftErrorVariance(
                    glweDimension: set.glweDimension, polynomialSize: set.polynomialSize, decomposition: set.pbsDecomposition,
                    trials: trials)
                print(String(format: "%4d %d %5d %3d %2d %-8@  %8.2f  %10.2f  %9.2f  %8.2f  %13.2f  %15.2f", v[0], v[1], v[2], v[3], v[4],
                             precision.rawValue, log2(measured), log2(exact), log2(exact + fft(.concrete)), log2(exact + fft(.tfhers)),
                             log2(exact + measuredFFT), log2(NoiseModel.pbsOutputVariance(for: set))))
            }
        }
    }
}
