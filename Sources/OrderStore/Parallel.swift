import Foundation

/// `transform` applied to every item on every core, in order. Each worker gets its own `context` (an encoder,
/// a decoder: they are not shared between threads).
package func parallelMap<T, R, C>(_ items: [T], _ transform: (T, C) -> R, makeContext: () -> C) -> [R] {
    guard items.count > 1 else {
        let c = makeContext()
        return items.map { transform($0, c) }
    }
    // Each slot is written by exactly one iteration, and read only after all iterations end.
    nonisolated(unsafe) let out = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
    out.initialize(repeating: nil)
    defer { _ = out.deinitialize(); out.deallocate() }
    let ways = min(items.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
    let contexts = (0..<ways).map { _ in makeContext() }
    withoutActuallyEscaping(transform) { transform in
        nonisolated(unsafe) let work = transform
        nonisolated(unsafe) let ctx = contexts
        nonisolated(unsafe) let input = items
        DispatchQueue.concurrentPerform(iterations: ways) { w in
            var i = w
            while i < input.count {
                out[i] = work(input[i], ctx[w])
                i += ways
            }
        }
    }
    return out.map { $0! }
}
