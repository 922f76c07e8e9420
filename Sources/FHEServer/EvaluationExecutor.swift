// Evaluations and key preparation run off the threads of Swift's global executor: they are CPU-bound
// for seconds to hours and block their thread (the engine's parallel loops are synchronous
// concurrentPerform calls), and that executor has one thread per core, so a thread they held could
// not answer /health or read an upload meanwhile. Their jobs go to a utility-QoS dispatch queue of
// their own. concurrentPerform still borrows its helper threads from libdispatch's default-QoS pool,
// the very threads of the global executor, so the helpers of all evaluations together are kept
// below that pool's width (one thread per core): one of its threads is always free for requests.
import Dispatch
import FHECore
import Foundation

/// A task executor whose jobs run on a concurrent dispatch queue of their own at utility QoS.
final class EvaluationExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    /// An executor running its jobs on a queue labelled `name`.
    init(name: String) {
        queue = DispatchQueue(label: name, qos: .utility, attributes: .concurrent)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// The helper threads the engine's parallel loops may borrow from libdispatch's default pool, shared
/// by every evaluation of the process (the pool is the process's).
final class HelperThreadBudget: @unchecked Sendable {
    /// One helper fewer than the pool has threads.
    static let shared = HelperThreadBudget(helpers: Parallel.workerCount - 1)

    private let lock = NSLock()
    private var free: Int

    /// A budget of `helpers` helper threads.
    init(helpers: Int) {
        free = max(0, helpers)
    }

    /// Runs `body` with a worker count for `Parallel.forEach`: the calling thread plus as many helpers
    /// as are free, up to `wanted - 1`; they are back in the budget when `body` returns.
    func withWorkers<T>(upTo wanted: Int = Parallel.workerCount, _ body: (_ workers: Int) throws -> T) rethrows -> T {
        let helpers = lock.withLock {
            let granted = min(free, max(0, wanted - 1))
            free -= granted
            return granted
        }
        defer { lock.withLock { free += helpers } }
        return try body(1 + helpers)
    }
}
