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
        return lines.joined(separator: "\n")
    }
}
