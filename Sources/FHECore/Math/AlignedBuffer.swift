// Cache-line-aligned storage for the vector kernels (FFT, Fourier products, bootstrap scratch).
//
// The kernels read and write 8-lane vectors (64 bytes). malloc and Swift arrays give 16-byte alignment, and a
// large block comes from mmap at 16 mod 32, where every vector straddles two cache lines, which slows the FFT
// (`cml-bench pbs --fft-sizes`, docs/PERFORMANCE.md#tuning-choices-in-the-engine); the bootstrap key, the FFT
// tables and the scratches all landed there.

/// Bytes of alignment of `AlignedBuffer` and `allocateAligned`: one cache line, one 8-lane vector of doubles.
public let vectorAlignment = 64

/// `count` uninitialized elements at a `vectorAlignment`-aligned address; free with `deallocate()`.
@inline(__always)
public func allocateAligned<Element: BitwiseCopyable>(_ type: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
    UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Element>.stride, alignment: vectorAlignment)
        .bindMemory(to: Element.self, capacity: count)
}

/// A fixed-size buffer of plain values at a `vectorAlignment`-aligned address, written once when it is made and
/// only read afterwards (which is why it may be shared across threads).
public final class AlignedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    /// The number of elements.
    public let count: Int
    /// The first element.
    public let baseAddress: UnsafePointer<Element>

    /// `count` elements written by `initialize(pointer)` (every element must be written).
    public init(count: Int, initialize: (UnsafeMutablePointer<Element>) throws -> Void) rethrows {
        let storage = allocateAligned(Element.self, count: count)
        do { try initialize(storage) } catch { storage.deallocate(); throw error }
        self.count = count
        self.baseAddress = UnsafePointer(storage)
    }

    /// A copy of `elements`.
    public convenience init(_ elements: [Element]) {
        self.init(count: elements.count) { p in
            elements.withUnsafeBufferPointer { if let b = $0.baseAddress { p.update(from: b, count: elements.count) } }
        }
    }

    /// A copy of the elements.
    public var array: [Element] { Array(UnsafeBufferPointer(start: baseAddress, count: count)) }

    deinit { UnsafeMutablePointer(mutating: baseAddress).deallocate() }
}
