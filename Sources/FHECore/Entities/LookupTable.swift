// The accumulator polynomial of a programmable bootstrap (docs/ALGORITHMS.md#lookup-table, #signed-inputs).

/// A lookup table expanded to the GLWE body polynomial the blind rotation starts from.
public struct LookupTable: Hashable, Sendable {
    /// N coefficients: f(i)·Δ_out on box i, centred by a half-box rotation.
    public let coefficients: [UInt64]
    /// Input precision p (message bits, padding bit excluded).
    public let inputBits: Int
    /// True when the input is signed (two's complement) and the PBS adds 2^(p−1)·Δ before switching.
    public let isSignedInput: Bool

    /// A table for p-bit inputs: `table[m]` (an integer taken mod 2^outputBits, two's complement allowed) for
    /// input m. Signed inputs index `table` by their two's-complement bit pattern (docs/ALGORITHMS.md#signed-inputs).
    /// - Precondition: `table.count == 2^inputBits` and the box N/2^p is at least 2.
    public init(table: [Int64], inputBits: Int, outputBits: Int, signedInput: Bool = false, polynomialSize: PolynomialSize) {
        let count = 1 << inputBits
        precondition(table.count == count, "a \(inputBits)-bit table has \(count) entries, got \(table.count)")
        let n = polynomialSize.rawValue
        let box = n / count
        precondition(box >= 2, "N = \(n) is too small for \(inputBits)-bit inputs (box size \(box) < 2)")
        let deltaOut = Torus.delta(bits: outputBits)
        var expanded = [UInt64](repeating: 0, count: n)
        for idx in 0..<count {
            // Box idx holds the value of the shifted input idx; signed inputs were shifted by +P/2.
            let entry = signedInput ? table[(idx + count / 2) % count] : table[idx]
            let value = UInt64(bitPattern: entry) &* deltaOut
            for j in idx * box..<(idx + 1) * box { expanded[j] = value }
        }
        // Negate the first half box, then rotate left cyclically by half a box: f(0) on [0, box/2), f(i) centred
        // on i·box, and −f(0) on the last half box, which the negacyclic wrap turns back into f(0).
        let halfBox = box / 2
        for j in 0..<halfBox { expanded[j] = 0 &- expanded[j] }
        var rotated = [UInt64](repeating: 0, count: n)
        for j in 0..<n { rotated[j] = expanded[(j + halfBox) % n] }
        self.coefficients = rotated
        self.inputBits = inputBits
        self.isSignedInput = signedInput
    }

    /// A table from a function of the input value (signed values for signed inputs).
    public init(inputBits: Int, outputBits: Int, signedInput: Bool = false, polynomialSize: PolynomialSize,
                _ function: (Int64) -> Int64) {
        let count = 1 << inputBits
        let table = (0..<count).map { i -> Int64 in
            let v = Int64(i)
            return function(signedInput && i >= count / 2 ? v - Int64(count) : v)
        }
        self.init(table: table, inputBits: inputBits, outputBits: outputBits, signedInput: signedInput,
                  polynomialSize: polynomialSize)
    }

    /// The constant accumulator: every coefficient `value`. Blind-rotated by a phase φ, its coefficient 0 is `value`
    /// for φ in [0, q/2) and −`value` in [q/2, q): the sign of φ, the one-bit decision of the WoP-PBS's bit
    /// extraction and circuit bootstrap.
    init(constant value: UInt64, polynomialSize: PolynomialSize) {
        coefficients = [UInt64](repeating: value, count: polynomialSize.rawValue)
        inputBits = 1
        isSignedInput = false
    }

    /// N.
    public var polynomialSize: Int { coefficients.count }
}
