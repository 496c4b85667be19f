import Foundation
import JetWire

extension JetClient {
    /// `GET /returns/{status}`: the ids of returns in that status (`completed by merchant` is sent as `%20`).
    public func returnIDs(status: JetReturnStatus) async throws(JetAPIError) -> [String] {
        try await list("/returns/\(JetClient.escape(status.rawValue))")
    }

    /// `GET /returns/state/{id}`.
    public func returnDetail(_ id: String) async throws(JetAPIError) -> JetReturn {
        let path = "/returns/state/\(JetClient.escape(id))"
        return try await perform("GET", path, changesState: false) { data throws(JetAPIError) in
            try self.decode(JetReturn.self, data, call: "GET \(path)")
        }
    }

    /// Many return details, several at once (see ``fetchMany(_:connections:_:)``).
    public func returnDetails(_ ids: [String], connections: Int? = nil) async -> [String: Result<JetReturn, JetAPIError>] {
        await fetchMany(ids, connections: connections) { id throws(JetAPIError) in try await self.returnDetail(id) }
    }

    /// `PUT /returns/{id}/acknowledge`: the early API's return acknowledgement.
    public func acknowledgeReturn(_ id: String) async throws(JetAPIError) {
        let path = "/returns/\(JetClient.escape(id))/acknowledge"
        try await perform("PUT", path, body: Data("{}".utf8), changesState: true) { _ throws(JetAPIError) in () }
    }

    /// `PUT /returns/{id}/complete`: refunds (fully or partly) or denies a return.
    public func completeReturn(_ id: String, _ request: JetCompleteReturnRequest) async throws(JetAPIError) {
        let path = "/returns/\(JetClient.escape(id))/complete"
        let body = try encode(request, call: "PUT \(path)")
        try await perform("PUT", path, body: body, changesState: true) { _ throws(JetAPIError) in () }
    }
}

extension JetClient {
    /// `POST /refunds/{order}/{alt_refund_id}`: a refund the merchant starts, without a return.
    /// `altRefundID` is ours and makes the call safe to repeat.
    public func createRefund(order id: String, altRefundID: String, _ request: JetRefundRequest) async throws(JetAPIError) -> JetRefundCreated {
        let path = "/refunds/\(JetClient.escape(id))/\(JetClient.escape(altRefundID))"
        let body = try encode(request, call: "POST \(path)")
        return try await perform("POST", path, body: body, changesState: true) { data throws(JetAPIError) in
            try self.decode(JetRefundCreated.self, data, call: "POST \(path)")
        }
    }

    /// `GET /refunds/state/{refund_authorization_id}`.
    public func refund(_ id: String) async throws(JetAPIError) -> JetRefund {
        let path = "/refunds/state/\(JetClient.escape(id))"
        return try await perform("GET", path, changesState: false) { data throws(JetAPIError) in
            try self.decode(JetRefund.self, data, call: "GET \(path)")
        }
    }

    /// `GET /refunds/{status}`: refund ids in a status (`created`, `processing`, `accepted`, `rejected`).
    public func refundIDs(status: String) async throws(JetAPIError) -> [String] {
        try await list("/refunds/\(JetClient.escape(status))")
    }
}
