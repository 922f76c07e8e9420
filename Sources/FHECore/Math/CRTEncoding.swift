// CRT encoding of large-precision integers for the WoP-PBS (Bergerat et al., "Parameter Optimization and Larger
// Precision for (T)FHE", J. Cryptology 2023, "CRT encoding"; docs/LARGE-PRECISION.md#crt-blocks): x is held as its residues
// modulo small coprimes, one LWE per residue using the whole torus, so that each block's bit extraction multiplies
// the noise by at most 2^(b−1) for a b-bit block instead of 2^p for the whole value.

/// Residues of integers modulo pairwise coprime moduli, their torus plaintexts, and the lookup-table index the
/// WoP-PBS reads from their extracted bits.
public struct CRTEncoding: Hashable, Sendable {
    /// m_i, block 0 first (its bits are the index's lowest).
    public let moduli: [Int]
    /// b_i = ⌈log2 m_i⌉, the bits extracted from block i.
    public let blockBits: [Int]
    /// M = Π m_i: x and x + M encode alike; negative x are x + M.
    public let product: Int

    /// An encoding over `moduli`.
    /// - Precondition: at least one modulus, each in 2…2^16, pairwise coprime.
    public init(moduli: [Int]) {
        precondition(!moduli.isEmpty && moduli.allSatisfy { (2...(1 << 16)).contains($0) }, "CRT moduli in 2…65536, got \(moduli)")
        for i in moduli.indices { for j in moduli.indices where j > i {
            precondition(Self.gcd(moduli[i], moduli[j]) == 1, "CRT moduli must be pairwise coprime, got \(moduli)")
        } }
        self.moduli = moduli
        blockBits = moduli.map { Int.bitWidth - ($0 - 1).leadingZeroBitCount }
        product = moduli.reduce(1, *)
    }

    /// Concrete's coprimes for p-bit values, p in 1…16 (products ≥ 2^p; docs/LARGE-PRECISION.md#crt-blocks).
    public static func concrete(bits p: Int) -> CRTEncoding? {
        let table: [Int: [Int]] = [
            1: [2], 2: [4], 3: [8], 4: [2, 3, 7], 5: [2, 3, 7], 6: [2, 5, 7], 7: [3, 7, 8], 8: [5, 7, 8], 9: [3, 5, 7, 8],
            10: [7, 12, 13], 11: [5, 7, 8, 9], 12: [7, 8, 9, 11], 13: [3, 5, 7, 8, 11], 14: [5, 7, 8, 9, 11],
            15: [11, 13, 15, 16], 16: [7, 8, 9, 11, 13],
        ]
        return table[p].map(CRTEncoding.init(moduli:))
    }

    /// S = Σ b_i, the bits of the lookup-table index.
    public var indexBits: Int { blockBits.reduce(0, +) }

    /// x mod m_i for each block (x taken mod M, so negative values wrap).
    public func residues(_ x: Int64) -> [Int] {
        let reduced = ((Int(x) % product) + product) % product
        return moduli.map { reduced % $0 }
    }

    /// ⌊r·2^64/m⌋, the torus plaintext of residue r of modulus m.
    public static func plaintext(residue r: Int, modulus m: Int) -> UInt64 {
        let (quotient, _) = UInt64(m).dividingFullWidth((high: UInt64(r), low: 0))
        return quotient
    }

    /// The blocks' plaintexts of x.
    public func plaintexts(_ x: Int64) -> [UInt64] {
        zip(residues(x), moduli).map { Self.plaintext(residue: $0, modulus: $1) }
    }

    /// The residue a block's phase stands for: round(phase·m/2^64) mod m.
    public static func residue(phase: UInt64, modulus m: Int) -> Int {
        let (high, low) = phase.multipliedFullWidth(by: UInt64(m))
        return Int((high &+ (low >> 63)) % UInt64(m))
    }

    /// The x in [0, M) with these residues (Chinese remainder theorem).
    public func value(residues: [Int]) -> Int {
        var x = 0
        for (r, m) in zip(residues, moduli) {
            let rest = product / m
            x = (x + r * rest % product * Self.inverse(rest % m, modulo: m)) % product
        }
        return x
    }

    /// The lookup-table index of x: Σ_i ⌊r_i·2^(b_i)/m_i⌋·2^(b_0 + … + b_(i−1)), what the bit extraction of the
    /// blocks yields once each is offset by `extractionOffset`.
    public func index(_ x: Int64) -> Int {
        var index = 0, shift = 0
        for (i, r) in residues(x).enumerated() {
            index |= ((r << blockBits[i]) / moduli[i]) << shift
            shift += blockBits[i]
        }
        return index
    }

    /// What is subtracted from block i's body before its bits are extracted: Δ/2 − Δ/(2g) with Δ = 2^(64−b) and g the
    /// denominator of r·2^b/m, which turns the extraction's rounding into the floor of `index` with a margin of
    /// Δ/(2g) on both sides (none needed for a power of two, where r·2^b/m is an integer: offset 0).
    public func extractionOffset(block i: Int) -> UInt64 {
        let b = blockBits[i], m = moduli[i]
        let g = m / Self.gcd(m, 1 << b)
        let delta = UInt64(1) << UInt64(64 - b)
        return g == 1 ? 0 : delta / 2 - delta / UInt64(2 * g)
    }

    /// A table over the 2^S indices: `entry(x)` at `index(x)` for every x in [0, M), 0 where no x lands.
    public func table(_ entry: (Int64) -> UInt64) -> [UInt64] {
        var table = [UInt64](repeating: 0, count: 1 << indexBits)
        for x in 0..<product { table[index(Int64(x))] = entry(Int64(x)) }
        return table
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    private static func inverse(_ a: Int, modulo m: Int) -> Int {
        if m == 1 { return 0 }
        for candidate in 1..<m where a * candidate % m == 1 { return candidate }
        preconditionFailure("\(a) has no inverse modulo \(m)")
    }
}
