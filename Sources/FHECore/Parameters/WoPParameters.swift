// Parameters of the programmable bootstrap without padding (WoP-PBS): bit extraction, circuit bootstrapping and
// vertical packing (Bergerat, Boudi, Bourgerie, Chillotti, Ligier, Orfila, Tap, "Parameter Optimization and
// Larger Precision for (T)FHE", J. Cryptology 2023, §4; docs/LARGE-PRECISION.md).

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
