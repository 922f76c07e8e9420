import Testing
@testable import FHECore

@Suite struct FFTTests {
    /// Product of a torus polynomial and a small-digit polynomial through the FFT vs the exact schoolbook
    /// product, as the external product uses it. The f64 error on each coefficient is about 2^−53 times the
    /// magnitude of the accumulated products (N·B/2·1/2 torus units), so it must stay below 2^(64−53)·N·B.
    /// 32768 (the 8-bit set's N) exercises the wide stages over the whole array before the depth-first blocks.
    @Test(arguments: [16, 32, 64, 256, 512, 1024, 2048, 4096, 32768], InstructionSet.supported)
    func negacyclicProductMatchesSchoolbook(n: Int, isa: InstructionSet) {
        let plan = FFTPlan(polynomialSize: PolynomialSize(n), instructionSet: isa)
        var rng = SystemRandomNumberGenerator()
        let beta = 15
        let a = (0..<n).map { _ in rng.next() as UInt64 }
        let digits = (0..<n).map { _ in Int64.random(in: -(1 << (beta - 1))...(1 << (beta - 1)), using: &rng) }
        let exact = NegacyclicPolynomial.schoolbookProduct(a, digits.map { UInt64(bitPattern: $0) })
        var fa = [Double](repeating: 0, count: n), fd = fa
        a.withUnsafeBufferPointer { p in fa.withUnsafeMutableBufferPointer { plan.forwardTorus(p.baseAddress!, into: $0.baseAddress!) } }
        digits.withUnsafeBufferPointer { p in fd.withUnsafeMutableBufferPointer { plan.forwardInteger(p.baseAddress!, into: $0.baseAddress!) } }
        var prod = [Double](repeating: 0, count: n)
        prod.withUnsafeMutableBufferPointer { p in
            fa.withUnsafeBufferPointer { x in fd.withUnsafeBufferPointer { y in plan.multiply(p.baseAddress!, x.baseAddress!, y.baseAddress!) } }
        }
        var out = [UInt64](repeating: 0, count: n)
        prod.withUnsafeMutableBufferPointer { p in out.withUnsafeMutableBufferPointer { plan.inverseAddTorus(p.baseAddress!, to: $0.baseAddress!) } }
        let bound = Double(n) * Double(1 << beta) * 0x1p11
        var maxError = 0.0
        for j in 0..<n { maxError = max(maxError, Double(Int64(bitPattern: out[j] &- exact[j]).magnitude)) }
        #expect(maxError < bound, "\(isa) N=\(n): max error \(maxError) ≥ \(bound)")
    }

    @Test(arguments: [16, 256, 2048, 65536], InstructionSet.supported)
    func forwardThenInverseIsIdentityAndExactForIntegerProducts(n: Int, isa: InstructionSet) {
        let plan = FFTPlan(polynomialSize: PolynomialSize(n), instructionSet: isa)
        let a = (0..<n).map { _ in UInt64.random(in: 0...UInt64.max) }
        let s = (0..<n).map { _ in UInt64.random(in: 0...1) }
        var out = [UInt64](repeating: 0, count: n)
        let sF = s.withUnsafeBufferPointer { NegacyclicPolynomial.fourierOfSmall($0.baseAddress!, plan: plan) }
        var scratch = [Double](repeating: 0, count: 2 * n)
        a.withUnsafeBufferPointer { ap in
            sF.withUnsafeBufferPointer { sp in
                out.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer {
                        NegacyclicPolynomial.addBinaryProduct(ap.baseAddress!, binary: sp.baseAddress!, plan: plan,
                                                              to: o.baseAddress!, scratch: $0.baseAddress!)
                    }
                }
            }
        }
        if n <= 2048 {
            #expect(out == NegacyclicPolynomial.schoolbookProduct(a, s))
        } else {
            // Spot-check coefficients of the big size against the definition.
            for j in [0, 1, n / 2, n - 1] {
                var c: UInt64 = 0
                for i in 0..<n where s[i] == 1 {
                    let t = j - i
                    c = t >= 0 ? c &+ a[t] : c &- a[t + n]
                }
                #expect(out[j] == c)
            }
        }
    }
}
