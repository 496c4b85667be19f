import Synchronization

/// The value of a task that several callers share (a login in flight), for one of them: a caller that is
/// cancelled (Ctrl-C) stops waiting at once with `CancellationError`, while the task goes on for the others.
/// Awaiting `task.value` alone (or in a child task, which its group must wait for) would wait on through the
/// cancellation, as long as the login takes.
public func sharedValue<T: Sendable>(of task: Task<T, any Error>) async throws -> T {
    let waiter = SharedWaiter<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            waiter.wait(continuation)
            // Forwards the task's outcome; ends when the task does (the task is bounded by its own deadlines).
            Task { waiter.finish(await task.result) }
        }
    } onCancel: {
        waiter.finish(.failure(CancellationError()))
    }
}

/// One waiter's continuation, resumed once: by the task's outcome or by the waiter's cancellation, whichever
/// comes first (the cancellation may even come before the continuation is there).
final class SharedWaiter<T: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<T, any Error>)
        case finished(Result<T, any Error>)
        case resumed
    }

    private let state = Mutex<State>(.empty)

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { s in
            if case .finished(let r) = s {
                s = .resumed
                return r
            }
            s = .waiting(continuation)
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = state.withLock { s in
            switch s {
            case .empty:
                s = .finished(result)
                return nil
            case .waiting(let c):
                s = .resumed
                return c
            case .finished, .resumed:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}
