// Affine (uniform) quantization, exactly as Concrete ML computes it (docs/QUANTIZATION.md#affine-quantization).
import Foundation

/// How a tensor is quantized: bits, sign, symmetry and QAT flags (Concrete ML's `QuantizationOptions`).
public struct QuantizationOptions: Sendable, Equatable, Codable {
    public var bits: Int
    /// Signed integers [−2^(n−1), 2^(n−1) − 1]; the offset 2^(n−1) is folded into the zero point.
    public var isSigned: Bool
    /// Zero point 0 and scale = max|x| / (2^(n−1) − 1); implies signed.
    public var isSymmetric: Bool
    /// Quantization-aware training: zero point 0, scale possibly given by the model.
    public var isQAT: Bool
    /// Narrow range: the lowest integer −2^(n−1) is not used (signed only).
    public var isNarrow: Bool

    /// - Precondition: 1 ≤ bits ≤ 62; symmetric ⇒ signed; QAT ⇒ not symmetric (Concrete ML's invariants).
    public init(bits: Int, isSigned: Bool = false, isSymmetric: Bool = false, isQAT: Bool = false, isNarrow: Bool = false) {
        precondition(bits >= 1 && bits <= 62, "quantization bits \(bits) out of 1...62")
        precondition(!isSymmetric || isSigned, "a symmetric quantizer must be signed")
        precondition(!(isQAT && isSymmetric), "a QAT quantizer is not symmetric")
        self.bits = bits
        self.isSigned = isSigned
        self.isSymmetric = isSymmetric
        self.isQAT = isQAT
        self.isNarrow = isNarrow
    }

    /// 2^(n−1) when signed, else 0.
    public var offset: Int64 { isSigned ? Int64(1) << (bits - 1) : 0 }
    /// Smallest integer a quantized value may take.
    public var minInteger: Int64 { -offset + (isNarrow && isSigned ? 1 : 0) }
    /// Largest integer a quantized value may take.
    public var maxInteger: Int64 { (Int64(1) << bits) - 1 - offset }
}

/// Scale and zero point: x ≈ scale · (q − zeroPoint). The zero point may be a per-element vector
/// (raw accumulator outputs with a bias folded in) and need not be an integer there.
public struct UniformQuantizer: Sendable, Equatable, Codable {
    public var options: QuantizationOptions
    public var scale: Double
    /// One zero point for the whole tensor, or one per element of a sample (row-major).
    public var zeroPoints: [Double]
    /// When true, `quantize` does not clip to the options' integer range.
    public var noClipping: Bool
    /// Per-element factors of the scale (per-channel weights, and the accumulators they produce);
    /// element i uses scale · elementScales[i mod count]. nil = one scale.
    public var elementScales: [Double]?

    /// A quantizer with explicit parameters.
    /// - Precondition: scale is positive and finite; at least one zero point.
    public init(options: QuantizationOptions, scale: Double, zeroPoints: [Double], noClipping: Bool = false,
                elementScales: [Double]? = nil) {
        precondition(scale > 0 && scale.isFinite, "quantizer scale must be positive and finite, got \(scale)")
        precondition(!zeroPoints.isEmpty, "a quantizer needs a zero point")
        precondition(elementScales?.allSatisfy { $0 > 0 && $0.isFinite } ?? true, "per-element scales must be positive")
        self.options = options
        self.scale = scale
        self.zeroPoints = zeroPoints
        self.noClipping = noClipping
        self.elementScales = elementScales
    }

    /// Values below this range width are constants (Concrete ML's STABILITY_CONST).
    public static let degenerateRangeWidth = 1e-6

    /// Parameters from calibration statistics [rmin, rmax] (Concrete ML's `compute_quantization_parameters`).
    /// A QAT quantizer with a known `qatScale` keeps it.
    public init(options: QuantizationOptions, rmin: Double, rmax: Double, qatScale: Double? = nil) {
        precondition(rmin <= rmax && rmin.isFinite && rmax.isFinite, "calibration range [\(rmin), \(rmax)] is not valid")
        let n = options.bits
        let levels = Double((Int64(1) << n) - 1)
        let range = rmax - rmin
        var options = options
        if range < Self.degenerateRangeWidth {
            // A constant: with |x| tiny it maps to −rmin's rounding at scale 1, else the constant maps to 1.
            options.isSigned = options.isSymmetric
            if abs(rmax) < Self.degenerateRangeWidth {
                self.init(options: options, scale: 1, zeroPoints: [(-rmin).rounded(.toNearestOrEven)])
            } else {
                self.init(options: options, scale: rmax, zeroPoints: [0])
            }
            return
        }
        if options.isSymmetric {
            let maxAbs = max(abs(rmin), abs(rmax))
            self.init(options: options, scale: maxAbs / (levels - Double(options.offset)), zeroPoints: [0])
        } else if options.isQAT {
            self.init(options: options, scale: qatScale ?? range / levels, zeroPoints: [0])
        } else {
            let o = Double(options.offset)
            let zp = ((-o * rmax - (levels - o) * rmin) / range).rounded(.toNearestOrEven)
            self.init(options: options, scale: range / levels, zeroPoints: [zp])
        }
    }

    /// The zero point of element `i` of a sample.
    @inlinable public func zeroPoint(element i: Int) -> Double {
        zeroPoints.count == 1 ? zeroPoints[0] : zeroPoints[i % zeroPoints.count]
    }

    /// The same quantizer with its scale replaced.
    public func withCommonScale(_ scale: Double) -> UniformQuantizer {
        var q = self
        q.scale = scale
        return q
    }

    /// The scale of element `i` of a sample.
    @inlinable public func scale(element i: Int) -> Double {
        guard let e = elementScales else { return scale }
        return scale * e[i % e.count]
    }

    /// True when the quantizer has one scale and one integer zero point (an ordinary, non-raw quantizer).
    public var hasIntegerScalarZeroPoint: Bool {
        elementScales == nil && zeroPoints.count == 1 && zeroPoints[0] == zeroPoints[0].rounded()
    }

    /// q = rint(x / scale + zp) (half to even), clipped to the options' range unless `noClipping`.
    /// Element i of the flat buffer uses zero point i mod `zeroPoints.count`.
    public func quantize(_ x: [Double]) -> [Int64] {
        x.indices.map { quantize(x[$0], element: $0) }
    }

    /// One value of element `i`.
    @inlinable public func quantize(_ x: Double, element i: Int = 0) -> Int64 {
        var v = (x / scale(element: i) + zeroPoint(element: i)).rounded(.toNearestOrEven)
        if !noClipping {
            v = min(max(v, Double(options.minInteger)), Double(options.maxInteger))
        }
        guard v.isFinite, abs(v) < 9.0e18 else { return v < 0 ? Int64.min / 2 : Int64.max / 2 }
        return Int64(v)
    }

    /// x = scale · (q − zp).
    public func dequantize(_ q: [Int64]) -> [Double] {
        q.indices.map { dequantize(q[$0], element: $0) }
    }

    /// One value of element `i`.
    @inlinable public func dequantize(_ q: Int64, element i: Int = 0) -> Double {
        scale(element: i) * (Double(q) - zeroPoint(element: i))
    }
}
