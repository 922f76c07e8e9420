// Private functional packing keyswitch, LWE → GLWE (Chillotti, Gama, Georgieva, Izabachène, "TFHE: Fast Fully
// Homomorphic Encryption over the Torus", J. Cryptology 2020, "private functional keyswitching", one input).

/// Packing keyswitch of LWEs under the big key into GLWEs of f_r(m) (`CircuitBootstrapKey`).
enum PackingKeyswitch {
    /// For each of `count` LWEs at `inputs` (k·N + 1 words each, contiguous), the GLWE Σ_i Σ_j d_{i,j}·K[r][i][j]
    /// (d_{i,j} the digits of coefficient i) into `outputs` ((k+1)·N words each, overwritten). Key rows are applied
    /// to the whole batch in turn, so the key (hundreds of MB) streams from memory once per batch.
    static func apply(
        key: CircuitBootstrapKey, function r: Int, inputs: UnsafePointer<UInt64>, count: Int,
        outputs: UnsafeMutablePointer<UInt64>, kernels: EngineKernels = .active
    ) {
        let l = key.decomposition.levelCount.rawValue
        let glweWords = key.glweDimension.glweSize * key.polynomialSize.rawValue
        let keyWords = CircuitBootstrapKey.keyWordCount(inputDimension: key.inputDimension, glweDimension: key.glweDimension,
                                                        polynomialSize: key.polynomialSize, decomposition: key.decomposition)
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: count &* l) { digits in
            key.data.withUnsafeBufferPointer { keyBuffer in
                kernels.functions.packing_keyswitch_batch(
                    inputs, Int64(count), Int64(key.inputDimension.lweSize), keyBuffer.baseAddress! + r &* keyWords,
                    Int64(glweWords), Int64(key.decomposition.baseLog.rawValue), Int64(l), digits.baseAddress!, outputs)
            }
        }
    }
}
