// Leveled operations on LWE ciphertexts (docs/NOISE.md#linear-operations): wrapping arithmetic on all n+1 words.

/// Leveled (bootstrap-free) LWE operations.
public enum LWE {
    /// lhs += rhs.
    public static func add(_ lhs: inout LWECiphertext, _ rhs: LWECiphertext) {
        precondition(lhs.lweDimension == rhs.lweDimension, "adding \(rhs.lweDimension) to \(lhs.lweDimension)")
        rhs.data.withUnsafeBufferPointer { r in
            lhs.data.withUnsafeMutableBufferPointer { l in
                for i in 0..<l.count { l[i] = l[i] &+ r[i] }
            }
        }
    }

    /// lhs + rhs.
    public static func adding(_ lhs: LWECiphertext, _ rhs: LWECiphertext) -> LWECiphertext {
        var out = lhs
        add(&out, rhs)
        return out
    }

    /// lhs −= rhs.
    public static func subtract(_ lhs: inout LWECiphertext, _ rhs: LWECiphertext) {
        precondition(lhs.lweDimension == rhs.lweDimension, "subtracting \(rhs.lweDimension) from \(lhs.lweDimension)")
        rhs.data.withUnsafeBufferPointer { r in
            lhs.data.withUnsafeMutableBufferPointer { l in
                for i in 0..<l.count { l[i] = l[i] &- r[i] }
            }
        }
    }

    /// lhs − rhs.
    public static func subtracting(_ lhs: LWECiphertext, _ rhs: LWECiphertext) -> LWECiphertext {
        var out = lhs
        subtract(&out, rhs)
        return out
    }

    /// c = −c.
    public static func negate(_ c: inout LWECiphertext) {
        c.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] = 0 &- d[i] }
        }
    }

    /// −c.
    public static func negating(_ c: LWECiphertext) -> LWECiphertext {
        var out = c
        negate(&out)
        return out
    }

    /// c += plaintext (an encoded torus value, e.g. `Torus.encode(m, bits:)`): adds to the body only.
    public static func addPlaintext(_ c: inout LWECiphertext, _ plaintext: UInt64) {
        c.body = c.body &+ plaintext
    }

    /// c ·= w for a clear integer w (two's complement); the noise variance grows by w².
    public static func multiply(_ c: inout LWECiphertext, by w: Int64) {
        let factor = UInt64(bitPattern: w)
        c.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] = d[i] &* factor }
        }
    }

    /// c·w.
    public static func multiplying(_ c: LWECiphertext, by w: Int64) -> LWECiphertext {
        var out = c
        multiply(&out, by: w)
        return out
    }

    /// Σ w_i·c_i for clear integer weights; variance Σ w_i²·V_i.
    /// - Precondition: as many weights as ciphertexts, at least one, all of one dimension.
    public static func dotProduct(_ ciphertexts: [LWECiphertext], weights: [Int64]) -> LWECiphertext {
        precondition(ciphertexts.count == weights.count && !ciphertexts.isEmpty,
                     "dot product of \(ciphertexts.count) ciphertexts with \(weights.count) weights")
        let dimension = ciphertexts[0].lweDimension
        var out = LWECiphertext(lweDimension: dimension)
        out.data.withUnsafeMutableBufferPointer { o in
            for (c, w) in zip(ciphertexts, weights) where w != 0 {
                precondition(c.lweDimension == dimension, "dot product mixes \(dimension) and \(c.lweDimension)")
                let factor = UInt64(bitPattern: w)
                c.data.withUnsafeBufferPointer { d in
                    for i in 0..<o.count { o[i] = o[i] &+ d[i] &* factor }
                }
            }
        }
        return out
    }
}
