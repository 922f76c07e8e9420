// ParameterSet <-> Cml_V1_ParameterSet. Decoding checks every field before ParameterSet's
// initialiser sees it, so hostile bytes throw instead of tripping a precondition.
import Foundation

extension ParameterSet {
    /// The wire form.
    public var wire: Cml_V1_ParameterSet {
        var message = Cml_V1_ParameterSet()
        message.lweDimension = UInt32(lweDimension.rawValue)
        message.glweDimension = UInt32(glweDimension.rawValue)
        message.polynomialSize = UInt32(polynomialSize.rawValue)
        message.pbsBaseLog = UInt32(pbsDecomposition.baseLog.rawValue)
        message.pbsLevelCount = UInt32(pbsDecomposition.levelCount.rawValue)
        message.ksBaseLog = UInt32(ksDecomposition.baseLog.rawValue)
        message.ksLevelCount = UInt32(ksDecomposition.levelCount.rawValue)
        message.lweNoiseStandardDeviation = lweNoiseStandardDeviation
        message.glweNoiseStandardDeviation = glweNoiseStandardDeviation
        message.insecureTestSet = isInsecureTestSet
        message.splitFourierKey = fourierPrecision == .split
        message.bootstrapKeyBodyBits = bootstrapKeyBodyBits == 64 ? 0 : UInt32(bootstrapKeyBodyBits)
        return message
    }

    /// Largest LWE dimension, polynomial size or GLWE dimension accepted from the wire; far above
    /// any secure set, and low enough that products of dimensions cannot overflow.
    public static let wireDimensionLimit: UInt32 = 1 << 20

    /// Decodes a parameter set, checking each field.
    /// - Parameter field: the path of `message` in its enclosing message, for error messages.
    /// - Throws: `WireFormatError.invalidField` naming the first bad field.
    public init(wire message: Cml_V1_ParameterSet, field: String) throws {
        func dimension(_ value: UInt32, _ name: String) throws -> Int {
            guard value > 0, value <= Self.wireDimensionLimit else {
                throw WireFormatError(.invalidField, field: "\(field).\(name)", offset: nil,
                                      "must be in 1...\(Self.wireDimensionLimit), found \(value)")
            }
            return Int(value)
        }
        func gadget(_ baseLog: UInt32, _ levels: UInt32, _ name: String) throws -> (levelCount: Int, baseLog: Int) {
            guard baseLog >= 1, levels >= 1, UInt64(baseLog) * UInt64(levels) < 64 else {
                throw WireFormatError(.invalidField, field: "\(field).\(name)", offset: nil,
                                      "base log \(baseLog) and level count \(levels) need β ≥ 1, l ≥ 1, β·l < 64")
            }
            return (Int(levels), Int(baseLog))
        }
        func standardDeviation(_ value: Double, _ name: String) throws -> Double {
            guard value.isFinite, value > 0, value < 1 else {
                throw WireFormatError(.invalidField, field: "\(field).\(name)", offset: nil,
                                      "must be a finite torus standard deviation in (0, 1), found \(value)")
            }
            return value
        }
        let polynomialSize = try dimension(message.polynomialSize, "polynomialSize")
        guard polynomialSize >= 2, polynomialSize & (polynomialSize - 1) == 0 else {
            throw WireFormatError(.invalidField, field: "\(field).polynomialSize", offset: nil,
                                  "must be a power of two ≥ 2, found \(polynomialSize)")
        }
        let bodyBits = message.bootstrapKeyBodyBits == 0 ? 64 : Int(message.bootstrapKeyBodyBits)
        guard bodyBits % 8 == 0, (8...64).contains(bodyBits) else {
            throw WireFormatError(.invalidField, field: "\(field).bootstrapKeyBodyBits", offset: nil,
                                  "must be 0 (64) or a multiple of 8 in 8...56, found \(message.bootstrapKeyBodyBits)")
        }
        self.init(
            lweDimension: try dimension(message.lweDimension, "lweDimension"),
            glweDimension: try dimension(message.glweDimension, "glweDimension"),
            polynomialSize: polynomialSize,
            pbs: try gadget(message.pbsBaseLog, message.pbsLevelCount, "pbs"),
            ks: try gadget(message.ksBaseLog, message.ksLevelCount, "ks"),
            lweNoiseStandardDeviation: try standardDeviation(message.lweNoiseStandardDeviation, "lweNoiseStandardDeviation"),
            glweNoiseStandardDeviation: try standardDeviation(message.glweNoiseStandardDeviation, "glweNoiseStandardDeviation"),
            isInsecureTestSet: message.insecureTestSet,
            fourierPrecision: message.splitFourierKey ? .split : .standard, bootstrapKeyBodyBits: bodyBits)
    }
}
