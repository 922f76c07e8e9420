// Evaluations and key preparation run on threads of their own, never on Swift's cooperative pool:
// they are CPU-bound for seconds to hours and block their thread (the engine's parallel loops are
// synchronous), and the pool has one thread per core, so a pool thread they held could not answer
// /health or read an upload meanwhile.
import Foundation

/// A task executor over a fixed number of dedicated threads, first come, first served.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Jobs waiting for a thread, oldest first; guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var next = 0
    private var stopped = false

    /// Starts `threads` threads named `name-0`, `name-1`, …
    init(threads: Int, name: String) {
        precondition(threads >= 1, "an executor needs a thread")
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Lets the threads end once the jobs already queued have run.
    func shutdown() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    private func work() {
        // Run at utility QoS: libdispatch then draws the helpers of the engine's concurrentPerform from
        // its utility root queue, whose threads are not the default-QoS ones that Swift's global
        // executor (requests, actors) runs on; at the thread's default QoS they took those.
        DispatchQueue(label: "\(Thread.current.name ?? "cml")", qos: .utility).sync {
            while let job = take() { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    private func take() -> UnownedJob? {
        condition.withLock {
            while next == jobs.count && !stopped { condition.wait() }
            guard next < jobs.count else { return nil }
            let job = jobs[next]
            next += 1
            // Compact now and then rather than removeFirst each time (quadratic in a long queue).
            if next == jobs.count || next >= 1024 {
                jobs.removeFirst(next)
                next = 0
            }
            return job
        }
    }
}
