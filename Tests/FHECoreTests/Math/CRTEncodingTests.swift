import Testing
@testable import FHECore

@Suite struct CRTEncodingTests {
    /// Concrete's 12-bit basis: residues, torus plaintexts, the table index and the inverse, with the values its
    /// runtime computes for x = 1000 and x = −1.
    @Test func twelveBitBasisMatchesConcretesEncoding() throws {
        let encoding = try #require(CRTEncoding.concrete(bits: 12))
        #expect(encoding.moduli == [7, 8, 9, 11] && encoding.blockBits == [3, 3, 4, 4] && encoding.indexBits == 14)
        #expect(encoding.residues(1000) == [6, 0, 1, 10])
        #expect(encoding.plaintexts(1000) == [15_811_494_920_322_472_813, 0, 2_049_638_230_412_172_401, 16_769_767_339_735_956_014])
        #expect(encoding.index(1000) == 14406)
        #expect(encoding.residues(-1) == [6, 7, 8, 10])
        #expect(encoding.value(residues: [6, 0, 1, 10]) == 1000)
        for (r, m) in zip(encoding.residues(1000), encoding.moduli) {
            #expect(CRTEncoding.residue(phase: CRTEncoding.plaintext(residue: r, modulus: m) &+ 12345, modulus: m) == r)
        }
    }

    /// Every precision's basis covers its values (product ≥ 2^p) and maps distinct values to distinct indices.
    @Test(arguments: 1...16)
    func everyBasisIndexesItsValuesInjectively(bits: Int) throws {
        let encoding = try #require(CRTEncoding.concrete(bits: bits))
        #expect(encoding.product >= 1 << bits)
        let indices = Set((0..<encoding.product).map { encoding.index(Int64($0)) })
        #expect(indices.count == encoding.product)
        #expect(indices.allSatisfy { $0 < 1 << encoding.indexBits })
    }
}
