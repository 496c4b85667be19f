import Foundation

/// A sandbox's state as saved: versioned JSON.
public protocol VersionedSandboxState: Codable, Sendable {
    var version: Int { get }
    static var currentVersion: Int { get }
}

/// Calls of one process taking turns with a shared state (the lock on the file is per process).
public actor TurnQueue {
    private var taken = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func take() async {
        if taken {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            taken = true
        }
    }

    public func pass() {
        if waiters.isEmpty { taken = false } else { waiters.removeFirst().resume() }
    }
}

/// Where a sandbox keeps its state between runs (nil: in memory only), and, when several processes share it,
/// the lock each call takes and the file's identity, to notice another process's save. A file that cannot be
/// read is reported, never replaced by a new scenario. Used only from its marketplace's actor.
public final class SandboxStateFile<S: VersionedSandboxState>: @unchecked Sendable {
    public let path: String?
    let lock: SharedStateLock?
    var stamp: SharedStateLock.Stamp?
    let turns = TurnQueue()

    public init(path: String?, shared: Bool) {
        self.path = path
        self.lock = shared ? path.map { SharedStateLock(statePath: $0) } : nil
    }

    public var isShared: Bool { lock != nil }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// The saved state, or `make()`'s, saved at once so the next run continues this scenario.
    public func open(_ make: () -> S) throws(SandboxStateError) -> S {
        try lock?.lockBlocking()
        defer { lock?.unlock() }
        guard let path else { return make() }
        let state: S
        if FileManager.default.fileExists(atPath: path) {
            state = try load()
        } else {
            state = make()
            try save(state)
        }
        stamp = SharedStateLock.stamp(path)
        return state
    }

    public func load() throws(SandboxStateError) -> S {
        guard let path else { throw SandboxStateError(summary: "the sandbox keeps no state file", remedy: "give it one") }
        let move = "move it aside (mv \(path) \(path).damaged) to start a new practice scenario, or restore it from a backup"
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
            throw SandboxStateError(
                summary: "the sandbox's state file \(path) is not a regular file (a link?); jom opens only files it made",
                remedy: "remove it (rm \(path)) to start a new practice scenario")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SandboxStateError(summary: "the sandbox's state file \(path) cannot be read", remedy: "check its owner and mode (chmod 600 \(path))")
        }
        let saved: S
        do {
            saved = try Self.decoder.decode(S.self, from: data)
        } catch {
            throw SandboxStateError(
                summary: "the sandbox's state file \(path) is damaged (\(data.isEmpty ? "it is empty" : "not the JSON this jom wrote"))", remedy: move)
        }
        guard saved.version == S.currentVersion else {
            throw SandboxStateError(
                summary: "the sandbox's state file \(path) is version \(saved.version); this jom reads version \(S.currentVersion)",
                remedy: "use the jom that wrote it, or " + move)
        }
        return saved
    }

    /// Writes the state (atomically, mode 0600).
    public func save(_ state: S) throws(SandboxStateError) {
        guard let path else { return }
        do {
            try Self.encoder.encode(state).write(to: URL(fileURLWithPath: path), options: .atomic)
            chmod(path, 0o600)
            stamp = SharedStateLock.stamp(path)
        } catch {
            throw SandboxStateError(
                summary: "the sandbox's state could not be saved to \(path): \(error.localizedDescription)",
                remedy: "check the disk and the file's permissions; the practice orders of this run may be lost")
        }
    }

    /// Before a call on a shared state: this process's turn, the lock, and the state another process saved since
    /// (nil when none did).
    public func begin() async throws(SandboxStateError) -> S? {
        guard let lock, let path else { return nil }
        await turns.take()
        do {
            try await lock.lock()
            let now = SharedStateLock.stamp(path)
            if now != stamp, now != nil {
                let fresh = try load()
                stamp = now
                return fresh
            }
            return nil
        } catch {
            lock.unlock()
            await turns.pass()
            throw error
        }
    }

    /// After a call on a shared state: the lock and the turn handed on (save first).
    public func end() async {
        guard let lock else { return }
        lock.unlock()
        await turns.pass()
    }
}
