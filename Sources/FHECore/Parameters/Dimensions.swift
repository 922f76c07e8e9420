// Dimension newtypes of TFHE (docs/NOISE.md#units for the notation). Counts end in `Count`, base-2 logs in `Log`.

/// Number of mask coefficients of an LWE ciphertext (n for the small key, k·N for the big key).
public struct LWEDimension: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) {
        precondition(rawValue > 0, "LWE dimension must be positive, got \(rawValue)")
        self.rawValue = rawValue
    }
    public init(_ value: Int) { self.init(rawValue: value) }
    /// Mask plus body: the number of `UInt64` words of one ciphertext.
    public var lweSize: Int { rawValue + 1 }
    public var description: String { "n=\(rawValue)" }
}

/// Number of mask polynomials of a GLWE ciphertext (k).
public struct GLWEDimension: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) {
        precondition(rawValue > 0, "GLWE dimension must be positive, got \(rawValue)")
        self.rawValue = rawValue
    }
    public init(_ value: Int) { self.init(rawValue: value) }
    /// Mask plus body: k + 1 polynomials.
    public var glweSize: Int { rawValue + 1 }
    public var description: String { "k=\(rawValue)" }
}

/// Number of coefficients of a polynomial of Z_q[X]/(X^N + 1); a power of two.
public struct PolynomialSize: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) {
        precondition(rawValue >= 2 && rawValue & (rawValue - 1) == 0, "polynomial size must be a power of two ≥ 2, got \(rawValue)")
        self.rawValue = rawValue
    }
    public init(_ value: Int) { self.init(rawValue: value) }
    /// log2 N.
    public var log2: Int { rawValue.trailingZeroBitCount }
    public var description: String { "N=\(rawValue)" }
}

/// β, the base log of a gadget decomposition (base B = 2^β).
public struct DecompositionBaseLog: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) {
        precondition(rawValue >= 1 && rawValue < 64, "decomposition base log must be in 1..<64, got \(rawValue)")
        self.rawValue = rawValue
    }
    public init(_ value: Int) { self.init(rawValue: value) }
    public var description: String { "β=\(rawValue)" }
}

/// l, the number of levels of a gadget decomposition.
public struct DecompositionLevelCount: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) {
        precondition(rawValue >= 1 && rawValue <= 64, "decomposition level count must be in 1...64, got \(rawValue)")
        self.rawValue = rawValue
    }
    public init(_ value: Int) { self.init(rawValue: value) }
    public var description: String { "l=\(rawValue)" }
}

/// A gadget decomposition: base log and level count, with β·l < 64.
public struct DecompositionParameters: Hashable, Sendable, Codable, CustomStringConvertible {
    public let baseLog: DecompositionBaseLog
    public let levelCount: DecompositionLevelCount
    public init(baseLog: Int, levelCount: Int) {
        self.baseLog = DecompositionBaseLog(baseLog)
        self.levelCount = DecompositionLevelCount(levelCount)
        precondition(baseLog * levelCount < 64, "β·l must be < 64, got \(baseLog)·\(levelCount)")
    }
    public var description: String { "(l=\(levelCount.rawValue), β=\(baseLog.rawValue))" }
}
