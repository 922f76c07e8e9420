// This engine's noise, measured: the f64 FFT error of one external product (the same decomposition, transforms,
// Fourier multiply-accumulate and inverse as the blind rotation, against the exact product mod (X^N + 1, 2^64)),
// and the output noise of whole blind rotations. The noise model's FFT term (NoiseModel+BlindRotation.swift)
// is validated against both.

/// Measured noise of the engine's external product and blind rotation.
public enum NoiseMeasurement {
    /// The variance (torus units) of Fourier external product − exact external product, per output coefficient,
    /// over `trials` products of a uniform GLWE (k+1 polynomials of size N) with a uniform "GGSW" ((k+1)·l rows
    /// of k+1 polynomials), with decomposition `decomposition`. Uniform words have the statistics of real
    /// ciphertexts and keys (masks are uniform, bodies indistinguishable from uniform), which is all the FFT
    /// error depends on. Deterministic for a given `seed`.
    ///
    /// Costs trials·(k+1)²·l exact products of O(N²): about a second per trial at N = 8192, k = 1, l = 2.
    public static func fftErrorVariance(
        glweDimension: GLWEDimension, polynomialSize: PolynomialSize, decomposition: DecompositionParameters,
        trials: Int, seed: Seed = Seed(bytes: [UInt8](repeating: 7, count: Seed.byteCount))
    ) -> Double {
        precondition(trials >= 1, "need at least one trial")
        let n = polynomialSize.rawValue
        let k1 = glweDimension.rawValue + 1
        let l = decomposition.levelCount.rawValue
        let rows = l * k1
        let plan = FFTPlan(polynomialSize: polynomialSize)
        let decomposer = SignedDecomposer(decomposition)
        let random = ChaCha20Stream(seed: seed, streamID: 0xFF7)
        var ggsw = [UInt64](repeating: 0, count: rows * k1 * n)
        var ggswFourier = [Double](repeating: 0, count: rows * k1 * n)
        var glwe = [UInt64](repeating: 0, count: k1 * n)
        var digits = [Int64](repeating: 0, count: rows * n)
        var digitsFourier = [Double](repeating: 0, count: rows * n)
        var accumulator = [Double](repeating: 0, count: n)
        var fourierOut = [UInt64](repeating: 0, count: n)
        var exact = [UInt64](repeating: 0, count: n)
        var sum = 0.0, count = 0
        for _ in 0..<trials {
            ggsw.withUnsafeMutableBufferPointer { random.fill($0) }
            glwe.withUnsafeMutableBufferPointer { random.fill($0) }
            ggsw.withUnsafeBufferPointer { g in
                ggswFourier.withUnsafeMutableBufferPointer { f in
                    for p in 0..<(rows * k1) { plan.forwardTorus(g.baseAddress! + p * n, into: f.baseAddress! + p * n) }
                }
            }
            // Digits of polynomial r at level j go to row j·(k+1) + r, as in the blind rotation.
            glwe.withUnsafeBufferPointer { a in
                digits.withUnsafeMutableBufferPointer { d in
                    withUnsafeTemporaryAllocation(of: Int64.self, capacity: l * n) { levels in
                        for r in 0..<k1 {
                            decomposer.decomposePolynomial(a.baseAddress! + r * n, count: n, into: levels.baseAddress!)
                            for j in 0..<l {
                                (d.baseAddress! + (j * k1 + r) * n).update(from: levels.baseAddress! + j * n, count: n)
                            }
                        }
                    }
                }
            }
            digits.withUnsafeBufferPointer { d in
                digitsFourier.withUnsafeMutableBufferPointer { f in
                    for row in 0..<rows { plan.forwardInteger(d.baseAddress! + row * n, into: f.baseAddress! + row * n) }
                }
            }
            for c in 0..<k1 {
                fourierOut.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                digitsFourier.withUnsafeBufferPointer { d in
                    ggswFourier.withUnsafeBufferPointer { g in
                        accumulator.withUnsafeMutableBufferPointer { acc in
                            plan.sumOfProducts(d.baseAddress!, g.baseAddress! + c * n, rows: rows, rowStride: k1 * n,
                                               into: acc.baseAddress!)
                            fourierOut.withUnsafeMutableBufferPointer { plan.inverseAddTorus(acc.baseAddress!, to: $0.baseAddress!) }
                        }
                    }
                }
                exact.withUnsafeMutableBufferPointer { e in
                    e.update(repeating: 0)
                    digits.withUnsafeBufferPointer { d in
                        ggsw.withUnsafeBufferPointer { g in
                            for row in 0..<rows {
                                addExactProduct(d.baseAddress! + row * n, g.baseAddress! + (row * k1 + c) * n, count: n,
                                                to: e.baseAddress!)
                            }
                        }
                    }
                }
                for j in 0..<n {
                    let error = Double(Int64(bitPattern: fourierOut[j] &- exact[j]))
                    sum += error * error
                    count += 1
                }
            }
        }
        return NoiseModel.torusVariance(fromModular: sum / Double(count))
    }

    /// output += digits·b mod (X^N + 1, 2^64), exactly (schoolbook, wrapping).
    static func addExactProduct(
        _ digits: UnsafePointer<Int64>, _ b: UnsafePointer<UInt64>, count n: Int, to output: UnsafeMutablePointer<UInt64>
    ) {
        for i in 0..<n {
            let d = UInt64(bitPattern: digits[i])
            if d == 0 { continue }
            // X^i·b: coefficient t of b lands at i + t, negated past N.
            let split = n &- i
            for t in 0..<split { output[i &+ t] = output[i &+ t] &+ d &* b[t] }
            for t in split..<n { output[t &- split] = output[t &- split] &- d &* b[t] }
        }
    }

    /// The variance (torus) of the blind rotation output under `keys`: every coefficient of the final accumulator,
    /// its phase minus X^(−μ̃)·LUT with μ̃ = b̃ − Σ ã_i·s_i (mod 2N) recomputed from the switched input and the small
    /// key, over `bootstraps` PBS of fresh encryptions (keyswitched first). Model: V_BR = n·V_CMUX (docs/NOISE.md#blind-rotation).
    @_spi(KeyHolder)
    public static func blindRotationVariance(secret: SecretKeys, keys: EvaluationKeys, bootstraps: Int) -> Double {
        precondition(bootstraps >= 1, "need at least one bootstrap")
        let p = secret.parameters
        let lut = LookupTable(table: (0..<16).map { Int64(($0 * 5) % 16) }, inputBits: 4, outputBits: 4,
                              polynomialSize: p.polynomialSize)
        let n = p.lweDimension.rawValue, bigN = p.polynomialSize.rawValue
        let scratch = BootstrapScratch(parameters: p)
        var sum = 0.0, count = 0
        for m in 0..<bootstraps {
            let small = KeySwitch.keyswitch(secret.encrypt(Int64(m % 16), bits: 4), key: keys.keyswitchKey)
            _ = Bootstrap.programmable(small: small, lookupTable: lut, bootstrapKey: keys.bootstrapKey, scratch: scratch)
            let glweWords = p.glweDimension.glweSize * bigN
            let accumulator = GLWECiphertext(data: Array(UnsafeBufferPointer(start: scratch.accumulator, count: glweWords)),
                                             glweDimension: p.glweDimension, polynomialSize: p.polynomialSize)
            var mu = scratch.switched[n]
            for i in 0..<n { mu -= scratch.switched[i] * Int(secret.lweKey.bits[i]) }
            mu = ((mu % (2 * bigN)) + 2 * bigN) % (2 * bigN)
            var expected = [UInt64](repeating: 0, count: bigN)
            lut.coefficients.withUnsafeBufferPointer { l in
                expected.withUnsafeMutableBufferPointer {
                    NegacyclicPolynomial.rotate(l.baseAddress!, by: (2 * bigN - mu) % (2 * bigN), count: bigN, into: $0.baseAddress!)
                }
            }
            for (phase, want) in zip(GLWEEncryption.phase(accumulator, key: secret.glweKey), expected) {
                let error = Torus.toReal(phase &- want)
                sum += error * error
                count += 1
            }
        }
        return sum / Double(count)
    }
}
