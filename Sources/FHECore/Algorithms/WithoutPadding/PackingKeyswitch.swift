// Private functional packing keyswitch, LWE → GLWE (Chillotti, Gama, Georgieva, Izabachène, "TFHE: Fast Fully
// Homomorphic Encryption over the Torus", J. Cryptology 2020, Algorithm 2 with one input).

/// Packing keyswitch of LWEs under the big key into GLWEs of f_r(m) (`CircuitBootstrapKey`).
enum PackingKeyswitch {
    /// For each of `count` LWEs at `inputs` (k·N + 1 words each, contiguous), the GLWE Σ_i Σ_j d_{i,j}·K[r][i][j]
    /// (d_{i,j} the digits of coefficient i) into `outputs` ((k+1)·N words each, overwritten). Key rows are applied
    /// to the whole batch in turn, so the key (hundreds of MB) streams from memory once per batch.
    static func apply(
        key: CircuitBootstrapKey, function r: Int, inputs: UnsafePointer<UInt64>, count: Int,
        outputs: UnsafeMutablePointer<UInt64>
    ) {
        let inputSize = key.inputDimension.lweSize
        let l = key.decomposition.levelCount.rawValue
        let glweWords = key.glweDimension.glweSize * key.polynomialSize.rawValue
        let keyWords = CircuitBootstrapKey.keyWordCount(inputDimension: key.inputDimension, glweDimension: key.glweDimension,
                                                        polynomialSize: key.polynomialSize, decomposition: key.decomposition)
        let decomposer = SignedDecomposer(key.decomposition)
        outputs.update(repeating: 0, count: count &* glweWords)
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: count &* l) { digitBuffer in
            let digits = digitBuffer.baseAddress!
            key.data.withUnsafeBufferPointer { keyBuffer in
                let rows = keyBuffer.baseAddress! + r &* keyWords
                for i in 0..<inputSize {
                    for item in 0..<count { decomposer.decompose(inputs[item &* inputSize &+ i], into: digits + item &* l) }
                    for j in 0..<l {
                        let row = rows + (i &* l &+ j) &* glweWords
                        for item in 0..<count {
                            let d = UInt64(bitPattern: digits[item &* l &+ j])
                            if d == 0 { continue }
                            let out = outputs + item &* glweWords
                            for w in 0..<glweWords { out[w] = out[w] &+ row[w] &* d }
                        }
                    }
                }
            }
        }
    }
}
