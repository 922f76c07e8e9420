// LWE ciphertext (docs/ALGORITHMS.md#encoding): mask a_0 … a_{n−1} then body b, one flat UInt64 buffer.

/// An LWE ciphertext: n mask words followed by the body. No crypto here; see `LWE` for operations.
public struct LWECiphertext: Hashable, Sendable {
    /// Mask then body, `lweDimension.lweSize` words.
    public var data: [UInt64]
    /// n, the mask length.
    public let lweDimension: LWEDimension

    /// The trivial (noiseless, all-zero mask) encryption of `body`.
    public init(lweDimension: LWEDimension, body: UInt64 = 0) {
        self.lweDimension = lweDimension
        self.data = [UInt64](repeating: 0, count: lweDimension.lweSize)
        self.data[lweDimension.rawValue] = body
    }

    /// A ciphertext over existing words.
    /// - Precondition: `data.count == lweDimension.lweSize`.
    public init(data: [UInt64], lweDimension: LWEDimension) {
        precondition(data.count == lweDimension.lweSize,
                     "LWE ciphertext of dimension \(lweDimension.rawValue) needs \(lweDimension.lweSize) words, got \(data.count)")
        self.data = data
        self.lweDimension = lweDimension
    }

    /// b.
    public var body: UInt64 {
        get { data[lweDimension.rawValue] }
        set { data[lweDimension.rawValue] = newValue }
    }

    /// The mask a_0 … a_{n−1}.
    public var mask: ArraySlice<UInt64> { data[0..<lweDimension.rawValue] }
}

/// Many LWE ciphertexts of one dimension in one contiguous buffer (batches for concurrent PBS, wire lists).
public struct LWECiphertextList: Hashable, Sendable {
    /// Ciphertext i occupies words [i·(n+1), (i+1)·(n+1)).
    public var data: [UInt64]
    /// n.
    public let lweDimension: LWEDimension
    /// Number of ciphertexts.
    public var count: Int { data.count / lweDimension.lweSize }

    /// `count` trivial zero ciphertexts.
    public init(lweDimension: LWEDimension, count: Int) {
        self.lweDimension = lweDimension
        self.data = [UInt64](repeating: 0, count: lweDimension.lweSize * count)
    }

    /// The list of the given ciphertexts.
    /// - Precondition: all have dimension `lweDimension`.
    public init(_ ciphertexts: [LWECiphertext], lweDimension: LWEDimension) {
        self.lweDimension = lweDimension
        var d = [UInt64]()
        d.reserveCapacity(ciphertexts.count * lweDimension.lweSize)
        for c in ciphertexts {
            precondition(c.lweDimension == lweDimension, "list of \(lweDimension) given a ciphertext of \(c.lweDimension)")
            d.append(contentsOf: c.data)
        }
        self.data = d
    }

    /// Ciphertext `index`.
    public subscript(index: Int) -> LWECiphertext {
        get {
            let size = lweDimension.lweSize
            return LWECiphertext(data: Array(data[index * size..<(index + 1) * size]), lweDimension: lweDimension)
        }
        set {
            precondition(newValue.lweDimension == lweDimension, "list of \(lweDimension) given a ciphertext of \(newValue.lweDimension)")
            let size = lweDimension.lweSize
            data.replaceSubrange(index * size..<(index + 1) * size, with: newValue.data)
        }
    }
}
