// Binary secret keys (docs/ALGORITHMS.md#lwe-and-glwe, docs/PARAMETERS.md#security-curve), behind
// @_spi(KeyHolder): the server never sees them.
import CSodium

/// A uniform binary LWE secret key. Zeroized on deinit; never printed.
@_spi(KeyHolder)
public final class LWESecretKey: @unchecked Sendable {  // immutable after init
    /// n.
    public let lweDimension: LWEDimension
    /// The key bits, one per word.
    let bits: UnsafeMutableBufferPointer<UInt64>

    /// A key with the given bits (tests, and the big key view of a GLWE key).
    init(copying source: UnsafeBufferPointer<UInt64>) {
        lweDimension = LWEDimension(source.count)
        bits = .allocate(capacity: source.count)
        _ = bits.initialize(from: source)
    }

    /// A fresh uniform binary key of dimension n drawn from `stream`.
    public init(lweDimension: LWEDimension, stream: ChaCha20Stream) {
        self.lweDimension = lweDimension
        bits = .allocate(capacity: lweDimension.rawValue)
        stream.fill(bits)
        for i in 0..<bits.count { bits[i] &= 1 }
    }

    deinit {
        sodium_memzero(bits.baseAddress!, bits.count * 8)
        bits.deallocate()
    }

    /// ⟨a, s⟩ mod 2^64 for a mask of length n.
    @inline(__always)
    func dot(_ mask: UnsafePointer<UInt64>) -> UInt64 {
        var sum: UInt64 = 0
        let s = bits.baseAddress!
        for i in 0..<bits.count { sum = sum &+ (mask[i] &* s[i]) }
        return sum
    }
}

extension LWESecretKey: CustomStringConvertible {
    /// Dimension only; key material is never printed.
    public var description: String { "LWESecretKey(\(lweDimension), redacted)" }
}

/// A uniform binary GLWE secret key: k polynomials of N bits, with their Fourier transforms for exact products.
@_spi(KeyHolder)
public final class GLWESecretKey: @unchecked Sendable {  // immutable after init
    /// k.
    public let glweDimension: GLWEDimension
    /// N.
    public let polynomialSize: PolynomialSize
    /// k·N bits, polynomial i at [i·N, (i+1)·N). Also the big LWE key (docs/ALGORITHMS.md#encoding).
    let bits: UnsafeMutableBufferPointer<UInt64>
    /// Fourier polynomials of the k key polynomials.
    let fourier: UnsafeMutableBufferPointer<Double>
    /// FFT plan for N.
    let plan: FFTPlan

    /// A fresh key drawn from `stream`.
    public init(glweDimension: GLWEDimension, polynomialSize: PolynomialSize, stream: ChaCha20Stream) {
        self.glweDimension = glweDimension
        self.polynomialSize = polynomialSize
        let n = polynomialSize.rawValue
        let count = glweDimension.rawValue * n
        bits = .allocate(capacity: count)
        stream.fill(bits)
        for i in 0..<count { bits[i] &= 1 }
        plan = FFTPlan(polynomialSize: polynomialSize)
        fourier = .allocate(capacity: count)
        let ints = UnsafeMutablePointer<Int64>.allocate(capacity: n)
        defer {
            sodium_memzero(ints, n * 8)
            ints.deallocate()
        }
        for p in 0..<glweDimension.rawValue {
            for j in 0..<n { ints[j] = Int64(bits[p * n + j]) }
            plan.forwardInteger(ints, into: fourier.baseAddress! + p * n)
        }
    }

    deinit {
        sodium_memzero(bits.baseAddress!, bits.count * 8)
        sodium_memzero(fourier.baseAddress!, fourier.count * 8)
        bits.deallocate()
        fourier.deallocate()
    }

    /// The big LWE key (dimension k·N) that sample-extracted ciphertexts are encrypted under.
    public func bigLWEKey() -> LWESecretKey {
        LWESecretKey(copying: UnsafeBufferPointer(bits))
    }

    /// output += Σ_i A_i·S_i for the k mask polynomials at `mask` (exact).
    func addMaskProduct(_ mask: UnsafePointer<UInt64>, to output: UnsafeMutablePointer<UInt64>) {
        let n = polynomialSize.rawValue
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n)
        defer { scratch.deallocate() }
        for p in 0..<glweDimension.rawValue {
            NegacyclicPolynomial.addBinaryProduct(
                mask + p * n, binary: fourier.baseAddress! + p * n, plan: plan, to: output, scratch: scratch)
        }
    }
}

extension GLWESecretKey: CustomStringConvertible {
    /// Dimensions only; key material is never printed.
    public var description: String { "GLWESecretKey(\(glweDimension), \(polynomialSize), redacted)" }
}

/// The client's keys for one parameter set: small LWE key, GLWE key (whose coefficients are the big LWE key).
@_spi(KeyHolder)
public final class SecretKeys: Sendable {
    /// The parameter set.
    public let parameters: ParameterSet
    /// Small key (n): keyswitch output, PBS input.
    public let lweKey: LWESecretKey
    /// GLWE key (k, N).
    public let glweKey: GLWESecretKey
    /// The big LWE key (k·N): ciphertexts between bootstraps live under it.
    public let bigLWEKey: LWESecretKey

    /// Fresh keys from `seed` (secret!) or from `randombytes_buf`.
    public init(parameters: ParameterSet, seed: Seed = .random()) {
        self.parameters = parameters
        let stream = ChaCha20Stream(seed: seed, streamID: 0)
        lweKey = LWESecretKey(lweDimension: parameters.lweDimension, stream: stream)
        glweKey = GLWESecretKey(glweDimension: parameters.glweDimension, polynomialSize: parameters.polynomialSize,
                                stream: stream)
        bigLWEKey = glweKey.bigLWEKey()
    }
}

extension SecretKeys: CustomStringConvertible {
    /// Parameters only; key material is never printed.
    public var description: String { "SecretKeys(\(parameters), redacted)" }
}
