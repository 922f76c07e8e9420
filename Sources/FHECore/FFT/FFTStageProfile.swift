// TEMPORARY: per-pass timing of the forward/inverse FFT for the perf pass. Not to be committed.
import Foundation

extension FFTPlan {
    public func profileStages(iterations: Int) -> [(String, Double)] {
        let m = complexCount
        let pad = Int(ProcessInfo.processInfo.environment["CML_FFT_PAD"] ?? "0") ?? 0
        let buf = UnsafeMutablePointer<Double>.allocate(capacity: 2 * m + pad + 64)
        let re = buf, im = buf + 8 + 0 * pad
        for i in 0..<m { re[slot(i)] = Double(i % 7) - 3; im[slot(i)] = Double(i % 5) - 2 }
        var out = [(String, Double)]()
        func time(_ name: String, _ body: () -> Void) {
            var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            let t0 = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
            for _ in 0..<iterations { body() }
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            let t1 = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
            out.append((name, (t1 - t0) / Double(iterations) * 1e9))
            for i in 0..<m { re[slot(i)] = Double(i % 7) - 3; im[slot(i)] = Double(i % 5) - 2 }
        }
        twiddles.withUnsafeBufferPointer { twB in
            do {
                let twr = twB.baseAddress!, twi = twr + 8
                var h = m >> 1
                while h >= 8 {
                    let hh = h
                    time("dif4 half=\(h)") { Self.difRadix4Stage(re: re, im: im, count: m, half: hh, twr: twr, twi: twi) }
                    h >>= 2
                }
                if h == 4 { time("dif2 half=4") { Self.difRadix2Stage(re: re, im: im, count: m, half: 4, twr: twr, twi: twi) } }
                time("difLast2") { Self.difLastTwoStages(re: re, im: im, count: m) }
                time("ditFirst2") { Self.ditFirstTwoStages(re: re, im: im, count: m) }
                var g = 4
                while g < m {
                    let gg = g
                    time("dit4 half=\(g)") { Self.ditRadix4Stage(re: re, im: im, count: m, half: gg, twr: twr, twi: twi) }
                    g <<= 2
                }
                time("forward total") { self.forwardInPlace(re: re, im: im) }
                time("inverse total") { self.inverseInPlace(re: re, im: im) }
            }
        }
        buf.deallocate()
        return out
    }
}
