// Topological order of nodes (Kahn's algorithm), with missing-value and cycle detection.

/// Orders nodes so that every value is produced before it is read.
public enum GraphOrdering {
    /// `nodes` in a topological order that keeps the file order among independent nodes.
    /// - Parameter available: values that exist before any node runs (inputs, initializers).
    /// - Throws: `.missingInput` naming the node and input nobody produces; `.cycle` naming a
    ///   node on a cycle.
    public static func topologicallySorted(_ nodes: [Node], available: Set<String>) throws -> [Node] {
        var producerIndex: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { producerIndex[output] = index }
        }
        var pending = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty && !available.contains(input) {
                guard let producer = producerIndex[input] else {
                    throw CompilerError(.missingInput, at: node,
                                        "input '\(input)' is not a graph input, an initializer, or any node's output")
                }
                pending[index] += 1
                consumers[producer].append(index)
            }
        }
        // A min-heap would be O(n log n); graphs are small, so a sorted ready list is enough.
        var ready = (0..<nodes.count).filter { pending[$0] == 0 }
        var order: [Node] = []
        order.reserveCapacity(nodes.count)
        while !ready.isEmpty {
            let next = ready.removeFirst()
            order.append(nodes[next])
            for consumer in consumers[next] {
                pending[consumer] -= 1
                if pending[consumer] == 0 {
                    let position = ready.firstIndex { $0 > consumer } ?? ready.count
                    ready.insert(consumer, at: position)
                }
            }
        }
        if order.count < nodes.count, var current = (0..<nodes.count).first(where: { pending[$0] > 0 }) {
            // Walk back through unfinished producers until a node repeats: that node is on a cycle
            // (the first stuck node may only sit downstream of one).
            var seen: Set<Int> = []
            while seen.insert(current).inserted {
                let waiting = nodes[current].inputs.compactMap { producerIndex[$0] }.first { pending[$0] > 0 }
                guard let waiting else { break }
                current = waiting
            }
            throw CompilerError(.cycle, at: nodes[current], "the graph has a cycle through this node (its inputs depend on its own outputs)")
        }
        return order
    }
}
