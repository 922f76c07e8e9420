import Testing
@testable import FHECore

@Suite struct TorusTests {
    @Test func fromRealRoundsTheFractionalPartTo64Bits() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let x = rng.next() as UInt64
            // Exactly representable torus values survive a round trip.
            let top = x & ~UInt64(0x7FF)  // 53 significant bits at most
            #expect(Torus.fromReal(Torus.toReal(top)) == top)
            // An integer offset below 2^20 changes nothing while the sum stays exact (top 32 bits kept).
            let coarse = x & ~UInt64(0xFFFF_FFFF)
            #expect(Torus.fromReal(Torus.toReal(coarse) + Double(Int.random(in: -1_000_000...1_000_000))) == coarse)
        }
        #expect(Torus.fromReal(0.5) == 1 << 63)
        #expect(Torus.fromReal(-0.5) == 1 << 63)
        #expect(Torus.fromReal(-0x1p-64) == UInt64.max)
        #expect(Torus.fromReal(0x1p-30 * 3) == 3 << 34)
    }

    @Test func encodeDecodeWithPaddingBit() {
        for bits in 1...8 {
            #expect(Torus.delta(bits: bits) == 1 << UInt64(63 - bits))
            for m in 0..<(1 << bits) {
                let e = Torus.encode(Int64(m), bits: bits)
                #expect(e >> 63 == 0)  // padding bit clear
                // Decoding tolerates noise below Δ/2.
                let noise = Torus.delta(bits: bits) / 2 - 1
                #expect(Torus.decode(e &+ noise, bits: bits) == UInt64(m))
                #expect(Torus.decode(e &- noise, bits: bits) == UInt64(m))
            }
            for v in -(1 << (bits - 1))..<(1 << (bits - 1)) {
                #expect(Torus.decodeSigned(Torus.encode(Int64(v), bits: bits), bits: bits) == Int64(v))
            }
        }
    }
}
