// A readable summary of chosen parameters, for `cml-dev compile --verbose` and `cml-dev inspect`.
import Foundation
import FHECore

extension CircuitParameters: CustomStringConvertible {
    /// Parameter sets per partition, precision and error probability per group, key sizes, cost.
    public var description: String {
        var lines: [String] = []
        for (index, partition) in partitions.enumerated() {
            lines.append("partition \(index): \(partition.parameters) — \(partition.tluCount) TLUs: \(partition.groupNames.joined(separator: ", "))")
        }
        for key in crossKeyswitches {
            lines.append("keyswitch key partition \(key.sourcePartition) → \(key.targetPartition): "
                         + "\(key.inputDimension) → \(key.outputDimension), \(key.decomposition)")
        }
        for report in groups {
            let role = report.group.role == .tluInput ? "TLU" : "output"
            lines.append(String(format: "  %@ %@: %d bits, ν² = %.4g, ×%d, p_error = %@", role, report.group.name,
                                report.group.precision, report.group.squaredNorm, report.group.count,
                                ParameterSearchError.format(probability: report.errorProbability)))
        }
        let target = globalErrorProbabilityTarget.map { "global target \(ParameterSearchError.format(probability: $0)), " } ?? ""
        lines.append("p_error per PBS ≤ \(ParameterSearchError.format(probability: errorProbabilityTarget)) (\(target)"
                     + "global \(ParameterSearchError.format(probability: globalErrorProbability)), \(optimizerCalls) search(es))")
        let mb = 1_000_000.0
        lines.append(String(format: "cost %.4g; evaluation keys %.1f MB (seeded %.1f MB)", totalCost,
                            Double(keySizes.totalBytes) / mb, Double(keySizes.seededTotalBytes) / mb))
        if let alternatives, !alternatives.isEmpty {
            lines.append("cheapest set per shape (cost relative to the chosen one; evaluation keys full / seeded):")
            let chosen = partitions.count == 1 ? partitions[0].parameters : nil
            for alternative in alternatives {
                let set = alternative.parameters
                lines.append(String(format: "  k=%d N=%d: %@ — cost ×%.2f, keys %.0f / %.0f MB%@", set.glweDimension.rawValue,
                                    set.polynomialSize.rawValue, set.description, alternative.relativeCost,
                                    Double(alternative.keySizes.totalBytes) / mb, Double(alternative.keySizes.seededTotalBytes) / mb,
                                    set == chosen ? "  ← chosen" : ""))
            }
        }
        return lines.joined(separator: "\n")
    }
}
