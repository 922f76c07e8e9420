// Named parameter sets: Concrete's optimizer choices for one TLU at p_error 2^−40 (docs/PARAMETERS.md#parameter-set,
// issue 2's table) and toy sets for fast tests.

extension ParameterSet {
    /// Concrete's choice for a `bits`-bit TLU at p_error 2^−40, 2-norm 1, for bits ∈ {2, 4, 6, 8}; nil otherwise.
    /// Noise is the 128-bit curve minimum for each key.
    public static func concrete(bits: Int) -> ParameterSet? {
        switch bits {
        case 2: ParameterSet(lweDimension: 709, glweDimension: 3, polynomialSize: 512, pbs: (1, 18), ks: (3, 4))
        case 4: ParameterSet(lweDimension: 771, glweDimension: 1, polynomialSize: 2048, pbs: (1, 23), ks: (5, 3))
        case 6: ParameterSet(lweDimension: 944, glweDimension: 1, polynomialSize: 8192, pbs: (1, 22), ks: (4, 4))
        case 8: ParameterSet(lweDimension: 1054, glweDimension: 1, polynomialSize: 32768, pbs: (2, 15), ks: (5, 4))
        default: nil
        }
    }

    /// An insecure toy set for fast tests of `bits`-bit TLUs (1…8): n = 64, k = 1, N = max(512, 32·2^bits)
    /// so the lookup-table box (32 steps) dwarfs the modulus-switch error (σ ≈ 1.7 steps), tiny key noise.
    public static func insecureToy(bits: Int) -> ParameterSet {
        precondition(bits >= 1 && bits <= 10, "toy sets cover 1…10 bits, got \(bits)")
        return ParameterSet(
            lweDimension: 64, glweDimension: 1, polynomialSize: max(512, 32 << bits), pbs: (1, 23), ks: (5, 4),
            lweNoiseStandardDeviation: 0x1p-40, glweNoiseStandardDeviation: 0x1p-50, isInsecureTestSet: true)
    }
}
