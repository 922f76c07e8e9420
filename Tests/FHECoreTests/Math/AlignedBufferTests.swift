import Testing
@testable import FHECore

/// The vector kernels rely on cache-line alignment (an 8-lane vector of a buffer at 16 mod 32 straddles two lines).
@Suite struct AlignedBufferTests {
    static func isAligned(_ p: UnsafeRawPointer) -> Bool { Int(bitPattern: p) % vectorAlignment == 0 }

    @Test(arguments: [0, 1, 7, 8, 1000, 1 << 16, 1 << 20])
    func buffersAreAlignedAndHoldTheirElements(count: Int) {
        let values = (0..<count).map { Double($0) * 0.5 - 3 }
        let buffer = AlignedBuffer(values)
        #expect(Self.isAligned(buffer.baseAddress))
        #expect(buffer.count == count)
        #expect(buffer.array == values)
        let raw = allocateAligned(UInt64.self, count: count)
        defer { raw.deallocate() }
        #expect(Self.isAligned(raw))
    }

    @Test func theBootstrapsBuffersAreAligned() {
        let parameters = ParameterSet.concrete(bits: 2)!
        let (_, keys) = TestKeys.shared.keys(parameters)
        #expect(Self.isAligned(keys.bootstrapKey.storage.baseAddress))
        for scratch in BootstrapScratch.batch(3, parameters: parameters) {
            let plan = scratch.plan
            for table in [plan.twiddles, plan.twiddles3, plan.kernelConstants, plan.twistRe, plan.twistIm] {
                #expect(Self.isAligned(table.baseAddress))
            }
            for p: UnsafeMutableRawPointer in [UnsafeMutableRawPointer(scratch.accumulator), UnsafeMutableRawPointer(scratch.fourierDigits),
                                               UnsafeMutableRawPointer(scratch.fourierSums)] {
                #expect(Self.isAligned(p))
            }
        }
    }
}
