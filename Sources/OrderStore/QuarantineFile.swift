import Foundation
import OrderDesk

/// `quarantine.json`: the orders set aside (a damaged record, an unreadable or absurd answer of the
/// marketplace), as a JSON array a person can read. Small; replaced atomically; read again when it changed.
extension OrderStore {
    var quarantinePath: String { path + "/quarantine.json" }

    public func quarantined() -> [QuarantineEntry] {
        let stamp = FileIO.stamp(quarantinePath)
        if let cached = quarantineCache, cached.stamp == stamp { return cached.entries }
        // Unreadable (damaged by hand): nothing is set aside as far as jom can tell; the next change rewrites it.
        let entries = (try? FileIO.read(quarantinePath)).flatMap { $0 }.flatMap { try? Self.decoder.decode([QuarantineEntry].self, from: $0) } ?? []
        quarantineCache = (stamp, entries)
        return entries
    }

    public func setAside(_ entries: [QuarantineEntry]) throws(StoreError) {
        guard !entries.isEmpty, !readOnly else { return }
        try transaction { () throws(StoreError) in
            var all = quarantined()
            for e in entries {
                if let i = all.firstIndex(where: { $0.id == e.id && $0.reason == e.reason }) {
                    all[i].detail = e.detail
                    all[i].reference = e.reference ?? all[i].reference
                } else {
                    all.append(e)
                }
            }
            try writeQuarantine(all)
        }
    }

    public func release(_ ids: Set<String>) throws(StoreError) {
        guard !ids.isEmpty, !readOnly, quarantined().contains(where: { ids.contains($0.id) }) else { return }
        try transaction { () throws(StoreError) in
            try writeQuarantine(quarantined().filter { !ids.contains($0.id) })
        }
    }

    private func writeQuarantine(_ entries: [QuarantineEntry]) throws(StoreError) {
        if entries.isEmpty {
            unlink(quarantinePath)
        } else {
            try FileIO.atomicWrite(try Self.encode(entries, file: quarantinePath), to: quarantinePath)
        }
        quarantineCache = nil
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
