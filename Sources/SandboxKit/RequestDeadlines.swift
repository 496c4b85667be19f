import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Deadlines for a request on the sandbox's server: the first head must arrive within `head` of the connection
/// opening, a body within `body` of its head. A client that sends a
/// byte now and then (or nothing) is cut off instead of holding a connection, and a file descriptor, for ever.
public final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    let head: TimeAmount
    let body: TimeAmount
    let waiting: WaitingConnections
    private var timer: Scheduled<Void>?

    public init(head: TimeAmount, body: TimeAmount, waiting: WaitingConnections) {
        self.head = head
        self.body = body
        self.waiting = waiting
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        arm(context, head)
        waiting.add(context.channel)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        waiting.remove(context.channel)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        disarm()
        waiting.remove(context.channel)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            waiting.remove(context.channel)
            arm(context, body)
        case .body: break
        case .end: disarm()  // Now the answer is being made, however long a latency fault makes it.
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // Kept alive: the connection waits for a next request like a new one (closed first under a flood),
            // but only the idle timeout ends it: a client's pool may reuse it any time before that, and a close
            // just as it does would reset its request.
            waiting.add(context.channel)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ after: TimeAmount) {
        disarm()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: after) { bound.value.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// Connections that have not sent a request head yet, oldest first. Past `limit` of them the oldest is closed:
/// a flood of connections that send nothing (20,000 half-open ones) costs the server at most `limit` file
/// descriptors, and a client that sends its request at once (any real one) is still answered at once.
public final class WaitingConnections: @unchecked Sendable {
    // Guarded by `lock`: channels of every event loop come and go here.
    private let lock = NSLock()
    private var order: [(id: ObjectIdentifier, since: ContinuousClock.Instant)] = []
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private var start = 0
    let limit: Int
    /// A connection is closed only once it has waited this long: by then the server has taken it up (closing
    /// one it is still setting up trips an assertion in NIO's async channel), and a real client has spoken.
    static let grace = Duration.milliseconds(200)

    public init(limit: Int) { self.limit = max(1, limit) }

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        var evict: [any Channel] = []
        let now = ContinuousClock.now
        lock.lock()
        if channels[id] == nil {
            channels[id] = channel
            order.append((id, now))
        }
        while channels.count > limit, start < order.count {
            let oldest = order[start]
            if channels[oldest.id] != nil, now - oldest.since < Self.grace { break }
            start += 1
            if let c = channels.removeValue(forKey: oldest.id) { evict.append(c) }
        }
        if start > 4096 && start * 2 > order.count {
            order.removeFirst(start)
            start = 0
        }
        lock.unlock()
        for c in evict { c.eventLoop.execute { c.close(promise: nil) } }
    }

    func remove(_ channel: any Channel) {
        lock.lock()
        channels[ObjectIdentifier(channel)] = nil
        lock.unlock()
    }
}
