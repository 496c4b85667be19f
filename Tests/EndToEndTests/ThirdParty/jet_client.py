#!/usr/bin/env python3
"""A Jet merchant client written the way the public clients were, against Jet's documented API, with only
the Python standard library. It knows nothing about the sandbox: only its base URL changes.

It deliberately uses the quirks of the real clients:
  - jet-python: POST /token with {"user", "pass"}, a lower-case `bearer` scheme, dates formatted
    '%Y-%m-%dT%H:%M:%S.0000000-00:00', carrier and method 'Other', order ids taken from the last path segment;
  - Aerodrome: the token path spelled /Token, status words in other cases, a shipment method read back from
    either response_shipment_method or response_shipping_method;
  - ruby-jet: returns listed by 'completed by merchant' (sent as %20), refunds posted to /refunds/{id}/{alt}.
Prints one line per check and exits non-zero at the first surprise.
"""
import json, sys, urllib.error, urllib.parse, urllib.request
from datetime import datetime, timezone

BASE, USER, SECRET = sys.argv[1], sys.argv[2], sys.argv[3]


def call(method, path, body=None, token=None, scheme="bearer", expect=(200,)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"{scheme} {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    if status not in expect:
        sys.exit(f"FAIL {method} {path}: HTTP {status} {raw[:300]!r}")
    return status, (json.loads(raw) if raw else None)


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


def jet_date():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.0000000-00:00")


# Token, as jet-python and (with /Token) Aerodrome did.
_, bad = call("POST", "/token", {"user": USER, "pass": "wrong"}, expect=(400,))
check("bad credentials: 400 with an errors array", ". ".join(bad.get("errors", [])) != "")
_, tok = call("POST", "/Token", {"user": USER, "pass": SECRET})
check("token: id_token, token_type, expires_on without fraction digits",
      tok["token_type"] == "Bearer" and len(tok["expires_on"]) == 20 and tok["expires_on"].endswith("Z"))
token = tok["id_token"]
_, msg = call("GET", "/authcheck", token=token, scheme="Bearer")
check("authcheck answers the quoted string", msg == "This message is authorized.")
call("GET", "/orders/ready", token="not-a-token", expect=(401,))
check("a bad token is 401", True)

# Orders: lists hold relative urls whose last segment is the id.
_, lst = call("GET", "/orders/ready", token=token)
ids = [u.rsplit("/")[-1] for u in lst["order_urls"]]
check("GET /orders/ready lists order_urls", len(ids) >= 3 and all(u.startswith("/orders/withoutShipmentDetail/") for u in lst["order_urls"]))
_, o = call("GET", "/orders/withoutShipmentDetail/" + ids[0], token=token)
check("order ids are strings, money is numbers",
      isinstance(o["merchant_order_id"], str) and isinstance(o["reference_order_id"], str)
      and isinstance(o["order_items"][0]["item_price"]["base_price"], (int, float)))
check("dates have seven fraction digits and Z", o["order_placed_date"].endswith("Z") and len(o["order_placed_date"].split(".")[1]) == 8)
check("jet_request_directed_cancel is a JSON boolean", o["jet_request_directed_cancel"] is False)

# Acknowledge (jet-python's body), then ship with jet-python's Shipment.to_dict shape.
status, body = call("PUT", f"/orders/{ids[0]}/acknowledge", {
    "acknowledgement_status": "accepted",
    "order_items": [{"order_item_acknowledgement_status": "fulfillable", "order_item_id": it["order_item_id"]} for it in o["order_items"]],
}, token=token, expect=(200, 201, 202, 204))
check("acknowledge: success with an empty body", status == 204 and body is None)
_, again = call("PUT", f"/orders/{ids[0]}/acknowledge", {"acknowledgement_status": "accepted", "order_items": []},
                token=token, expect=(400,))
check("acknowledging twice: 400 with Jet's errors", "not in a valid state" in again["errors"][0])
shipment = {"alt_shipment_id": "PY-1", "shipment_items": [
    {"merchant_sku": it["merchant_sku"], "response_shipment_sku_quantity": it["request_order_quantity"]} for it in o["order_items"]],
    "shipment_tracking_number": "1Z999AA10123456784", "response_shipment_method": "Other", "ship_from_zip_code": "07030",
    "carrier": "Other", "response_shipment_date": jet_date(), "expected_delivery_date": jet_date(), "carrier_pick_up_date": jet_date()}
status, _ = call("PUT", f"/orders/{ids[0]}/shipped", {"shipments": [shipment]}, token=token, expect=(200, 201, 202, 204))
check("shipped: 204", status == 204)
_, done = call("GET", "/orders/withoutShipmentDetail/" + ids[0], token=token)
s = done["shipments"][0]
check("the order is complete and shows the shipment",
      done["status"] == "complete" and s["alt_shipment_id"] == "PY-1"
      and (s.get("response_shipment_method") or s.get("response_shipping_method")) == "Other")

# A rejection, and a cancel-only shipment after accepting.
call("PUT", f"/orders/{ids[1]}/acknowledge", {"acknowledgement_status": "rejected - fraud", "order_items": []},
     token=token, expect=(204,))
_, rej = call("GET", "/orders/withoutShipmentDetail/" + ids[1], token=token)
check("a rejected order ends complete with exception_state", rej["status"] == "complete" and rej["exception_state"] == "exception - order rejected")
_, o2 = call("GET", "/orders/withoutShipmentDetail/" + ids[2], token=token)
call("PUT", f"/orders/{ids[2]}/acknowledge", {"acknowledgement_status": "accepted", "order_items": []}, token=token, expect=(204,))
call("PUT", f"/orders/{ids[2]}/shipped", {"shipments": [{"alt_shipment_id": "CXL-1", "shipment_items": [
    {"merchant_sku": it["merchant_sku"], "response_shipment_sku_quantity": 0, "response_shipment_cancel_qty": it["request_order_quantity"]}
    for it in o2["order_items"]]}]}, token=token, expect=(204,))
_, cancelled = call("GET", "/orders/complete?isCancelled=true", token=token)
check("a cancel-only shipment cancels the order (isCancelled=true lists it)", any(u.endswith(ids[2]) for u in cancelled["order_urls"]))

# Returns: the late statuses, with %20, and completion as jet-python sent it.
_, rl = call("GET", "/returns/created", token=token)
rids = [u.rsplit("/")[-1] for u in rl["return_urls"]]
check("GET /returns/created lists return_urls", len(rids) >= 1)
_, r = call("GET", "/returns/state/" + rids[0], token=token)
items = [{"order_item_id": k["order_item_id"], "total_quantity_returned": k["return_quantity"], "order_return_refund_qty": k["return_quantity"],
          "refund_amount": k["requested_refund_amount"]} for k in r["return_merchant_SKUs"]]
status, _ = call("PUT", f"/returns/{rids[0]}/complete", {"merchant_order_id": r["merchant_order_id"], "items": items,
                                                          "agree_to_return_charge": True}, token=token, expect=(200, 201, 204))
check("complete return: 204", status == 204)
_, cl = call("GET", "/returns/" + urllib.parse.quote("completed by merchant"), token=token)
check("GET /returns/completed%20by%20merchant lists it", any(u.endswith(rids[0]) for u in cl["return_urls"]))

# Merchant refunds, as ruby-jet posted them.
status, ref = call("POST", f"/refunds/{ids[0]}/RF-PY-1", {"items": [{"order_item_id": o["order_items"][0]["order_item_id"],
    "total_quantity_returned": 1, "order_return_refund_qty": 1, "refund_reason": "better price available",
    "refund_amount": {"principal": 1.5, "tax": 0.1, "shipping_cost": 0, "shipping_tax": 0}}]}, token=token, expect=(201,))
check("POST /refunds/{order}/{alt_refund_id}: 201 with an id", status == 201 and isinstance(ref["refund_authorization_id"], str))
_, st = call("GET", "/refunds/state/" + ref["refund_authorization_id"], token=token)
check("refund state", st["alt_refund_id"] == "RF-PY-1" and st["refund_status"] in ("created", "processing", "accepted"))
_, rlist = call("GET", "/refunds/Created", token=token)
check("refund lists (status in any case) use refund_urls", any(u.endswith(ref["refund_authorization_id"]) for u in rlist["refund_urls"]))
print("third-party client: all checks passed")
