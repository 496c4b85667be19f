import Foundation
import JetWire

#if canImport(Glibc)
import Glibc
#endif

/// Starts jom and kills it with SIGKILL after `delay` seconds (unless it finished first).
package enum Killer {
    package struct Outcome: Sendable {
        package var killed: Bool
        /// What it printed before it ended: the actions it confirmed to the operator.
        package var stdout: String
    }

    final class Box: @unchecked Sendable {
        // Written by the reader thread before `done` is signalled.
        var data = Data()
    }

    package static func run(_ arguments: [String], environment: [String: String], killAfter delay: Double) async throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: JomProcess.binary)
        p.arguments = arguments
        p.environment = environment
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in exited.signal() }
        try p.run()
        let pid = p.processIdentifier
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.data = out.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        return await withCheckedContinuation { c in
            Thread.detachNewThread {
                var killed = false
                if exited.wait(timeout: .now() + delay) == .timedOut {
                    kill(pid, SIGKILL)
                    killed = true
                    exited.wait()
                }
                done.wait()
                c.resume(returning: Outcome(killed: killed, stdout: String(decoding: box.data, as: UTF8.self)))
            }
        }
    }
}

/// Whether the long forms of the crash, fault and fuzz tests run (`JOM_LONG_TESTS=1`).
package var longTests: Bool { ProcessInfo.processInfo.environment["JOM_LONG_TESTS"] == "1" }
