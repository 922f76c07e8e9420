// KS + PBS across partitions (reference/tfhe.md §3.3): the inputs are under one partition's big key, the
// keyswitch key goes from there to another partition's small key, and the outputs come out under that
// partition's big key. The lockstep batches and their chunking are those of `programmableConcurrent`; only
// the input stride differs (the source's k·N + 1 words), which `programmableBatch` already reads from the
// keyswitch key.

extension Bootstrap {
    /// Many independent KS + PBS on all cores, from ciphertexts of the cross keyswitch key's input dimension
    /// into the big key of `keys.parameters`. `lookupTables` holds one table for all inputs or one per input.
    /// - Precondition: `keys` was made with `EvaluationKeys(parameters:crossKeyswitchKey:bootstrapKey:)` and the
    ///   inputs have its keyswitch key's input dimension.
    public static func programmableConcurrentAcross(
        _ inputs: LWECiphertextList, lookupTables: [LookupTable], keys: EvaluationKeys, workers: Int = Parallel.workerCount
    ) -> LWECiphertextList {
        let source = keys.keyswitchKey.inputDimension, target = keys.parameters.bigLWEDimension
        precondition(inputs.lweDimension == source, "cross KS+PBS reads ciphertexts of \(source), got \(inputs.lweDimension)")
        precondition(lookupTables.count == 1 || lookupTables.count == inputs.count,
                     "\(lookupTables.count) lookup tables for \(inputs.count) inputs")
        let count = inputs.count
        var outputs = LWECiphertextList(lweDimension: target, count: count)
        if count == 0 { return outputs }
        let batch = BootstrapScratch.preferredBatchSize(keys.parameters)
        let chunkCount = max(min(workers, count), (count + batch - 1) / batch)
        let chunk = (count + chunkCount - 1) / chunkCount
        let inputSize = source.lweSize, outputSize = target.lweSize
        inputs.data.withUnsafeBufferPointer { i in
            outputs.data.withUnsafeMutableBufferPointer { o in
                let ib = i.baseAddress!, ob = o.baseAddress!
                Parallel.forEach(count: (count + chunk - 1) / chunk, workers: workers, makeState: {
                    BootstrapScratch.batch(chunk, parameters: keys.parameters)
                }) { scratches, c in
                    let first = c * chunk
                    let items = min(chunk, count - first)
                    programmableBatch(ib + first * inputSize, count: items, lookupTable: {
                        lookupTables.count == 1 ? lookupTables[0] : lookupTables[first + $0]
                    }, keys: keys, scratches: scratches[0..<items], into: ob + first * outputSize)
                }
            }
        }
        return outputs
    }
}
