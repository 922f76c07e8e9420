// Parameters of the programmable bootstrap without padding (WoP-PBS): bit extraction, circuit bootstrapping and
// vertical packing (Bergerat, Boudi, Bourgerie, Chillotti, Ligier, Orfila, Tap, "Parameter Optimization and
// Larger Precision for (T)FHE", J. Cryptology 2023, "WoP-PBS"; docs/LARGE-PRECISION.md#the-wop-pbs).

/// A KS-PBS set (its keyswitch and bootstrap keys run the bit extraction and the circuit bootstrap's PBS) and the
/// two gadgets only the WoP-PBS uses.
public struct WoPParameters: Hashable, Sendable, Codable, CustomStringConvertible {
    /// n, k, N, the PBS and keyswitch gadgets and the noise of the keys.
    public let base: ParameterSet
    /// (β_cb, l_cb): the levels of the GGSW a circuit bootstrap makes of each extracted bit.
    public let circuitBootstrap: DecompositionParameters
    /// (β_pp, l_pp): the gadget of the private functional packing keyswitch keys.
    public let packingKeyswitch: DecompositionParameters

    /// A WoP set over `base`.
    public init(base: ParameterSet, circuitBootstrap: (levelCount: Int, baseLog: Int), packingKeyswitch: (levelCount: Int, baseLog: Int)) {
        precondition(base.fourierPrecision == .standard, "the WoP-PBS works on whole Fourier keys")
        self.base = base
        self.circuitBootstrap = DecompositionParameters(baseLog: circuitBootstrap.baseLog, levelCount: circuitBootstrap.levelCount)
        self.packingKeyswitch = DecompositionParameters(baseLog: packingKeyswitch.baseLog, levelCount: packingKeyswitch.levelCount)
    }

    /// The base set with the circuit-bootstrap gadget in place of the PBS gadget: what sizes the scratch of the
    /// vertical packing's external products (their GGSWs carry that gadget).
    var packingScratchParameters: ParameterSet {
        ParameterSet(
            lweDimension: base.lweDimension.rawValue, glweDimension: base.glweDimension.rawValue,
            polynomialSize: base.polynomialSize.rawValue,
            pbs: (circuitBootstrap.levelCount.rawValue, circuitBootstrap.baseLog.rawValue),
            ks: (base.ksDecomposition.levelCount.rawValue, base.ksDecomposition.baseLog.rawValue),
            lweNoiseStandardDeviation: base.lweNoiseStandardDeviation, glweNoiseStandardDeviation: base.glweNoiseStandardDeviation,
            isInsecureTestSet: base.isInsecureTestSet)
    }

    public var description: String { "\(base) cb=\(circuitBootstrap) pp=\(packingKeyswitch)" }
}

extension WoPParameters {
    /// The shapes Concrete's optimizer picks for one `bits`-bit WoP lookup (CRT encoding) at p_error 2^−40, 2-norm 1
    /// (k, N, n and the BR, KS, CB and packing gadgets, recomputed with its search; docs/LARGE-PRECISION.md#measured), for
    /// bits 9…16; nil otherwise. Key noise is the 128-bit curve minimum. For side-by-side timing: cml's own search
    /// decides what its circuits use.
    public static func concrete(bits: Int) -> WoPParameters? {
        let rows: [Int: (k: Int, logN: Int, n: Int, br: (Int, Int), ks: (Int, Int), cb: (Int, Int), pp: (Int, Int))] = [
            9: (2, 10, 710, (3, 12), (7, 2), (2, 8), (2, 16)),
            10: (1, 11, 743, (4, 9), (7, 2), (2, 9), (2, 16)),
            11: (2, 10, 722, (4, 9), (7, 2), (2, 9), (2, 16)),
            12: (2, 10, 781, (4, 9), (15, 1), (2, 9), (2, 16)),
            13: (2, 10, 777, (4, 9), (8, 2), (2, 9), (3, 12)),
            14: (2, 10, 788, (4, 9), (8, 2), (2, 9), (3, 12)),
            15: (1, 11, 782, (3, 11), (8, 2), (3, 6), (2, 16)),
            16: (1, 11, 763, (4, 9), (7, 2), (2, 9), (2, 16)),
        ]
        guard let r = rows[bits] else { return nil }
        return WoPParameters(base: ParameterSet(lweDimension: r.n, glweDimension: r.k, polynomialSize: 1 << r.logN,
                                                pbs: r.br, ks: r.ks),
                             circuitBootstrap: r.cb, packingKeyswitch: r.pp)
    }
}
