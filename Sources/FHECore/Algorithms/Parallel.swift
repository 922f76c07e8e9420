// Independent work items spread over all cores (Dispatch), each worker with its own state.
import Dispatch
import Foundation

/// Runs independent iterations on all cores.
public enum Parallel {
    /// Number of workers: the active processor count.
    public static var workerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body(&state, index)` for every index in 0..<count, spread over `workers` workers that take
    /// indices round-robin; `makeState` builds one state per worker (e.g. a scratch), reused for its indices.
    public static func forEach<State>(
        count: Int, workers: Int = workerCount, makeState: () -> State, _ body: (inout State, Int) -> Void
    ) {
        let w = max(1, min(workers, count))
        if w == 1 {
            var state = makeState()
            for i in 0..<count { body(&state, i) }
            return
        }
        // The caller's closures write disjoint slices of shared buffers (its contract), so the boxes are sound.
        withoutActuallyEscaping(makeState) { makeState in
            withoutActuallyEscaping(body) { body in
                let make = UncheckedSendableBox(makeState)
                let work = UncheckedSendableBox(body)
                DispatchQueue.concurrentPerform(iterations: w) { worker in
                    var state = make.value()
                    var i = worker
                    while i < count {
                        work.value(&state, i)
                        i += w
                    }
                }
            }
        }
    }
}

/// A heap buffer owned by one worker, freed with it.
public final class WorkerBuffer<Element> {
    /// The storage, uninitialized-safe for trivial element types.
    public let pointer: UnsafeMutablePointer<Element>
    /// Capacity in elements.
    public let count: Int

    /// A buffer of `count` elements.
    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
    }

    deinit { pointer.deallocate() }
}

/// Carries a non-Sendable closure into Dispatch workers that run while the caller waits.
private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
