# SPDX-License-Identifier: ISC
"""The boto3 peer: each workload as pydantic-dynamo drives the boto3 client.

usage: python3 peer_boto3.py WORKLOAD DIR ENDPOINT
WORKLOAD: startup (import boto3 and make the client, no request),
put_batch, list, get_batch, filtered_list. Reads DIR/meta.json and the
DynamoDB JSON files of tests/bench/gen.js; prints "items=N requests=R
cpu_s=C", C the CPU time from the client made to the work done (reading
the input included).
Like pydantic-dynamo: batch_write_item in chunks of 25, re-sending
UnprocessedItems; query page by page with ExclusiveStartKey; batch_get_item
in chunks of 100, re-sending UnprocessedKeys. The low-level client returns
items in DynamoDB JSON (botocore parses the answer; no TypeDeserializer).
"""
import json
import os
import sys
import time

import boto3
from botocore.config import Config

MAX_ROUNDS = 50


def client(endpoint):
    """The DynamoDB client, retries as the SDK's standard mode."""
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )


def lines(path):
    """The JSON values of a JSON-lines file."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def put_batch(ddb, meta, d):
    """BatchWriteItem in chunks of 25 with UnprocessedItems re-sent."""
    items = lines(os.path.join(d, "items.ddb.jsonl"))
    table = meta["table"]
    requests = 0
    for i in range(0, len(items), 25):
        pending = {table: [{"PutRequest": {"Item": it}}
                           for it in items[i:i + 25]]}
        for attempt in range(MAX_ROUNDS):
            requests += 1
            out = ddb.batch_write_item(RequestItems=pending)
            pending = out.get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(min(0.05 * 2 ** attempt, 1))
        else:
            raise SystemExit("put_batch: UnprocessedItems never drained")
    return len(items), requests


def query(ddb, meta, filtered):
    """Query every page of the partition, optionally filtered."""
    args = {
        "TableName": meta["table"],
        "KeyConditionExpression": "#p = :p AND begins_with(#s, :s)",
        "ExpressionAttributeNames": {"#p": meta["pkName"],
                                     "#s": meta["skName"]},
        "ExpressionAttributeValues": {":p": {"S": meta["pk"]},
                                      ":s": {"S": meta["skPrefix"]}},
    }
    if filtered:
        args["FilterExpression"] = "#f = :f"
        args["ExpressionAttributeNames"]["#f"] = meta["filter"]["name"]
        args["ExpressionAttributeValues"][":f"] = {
            "S": meta["filter"]["value"]}
    n = requests = 0
    while True:
        requests += 1
        out = ddb.query(**args)
        n += len(out["Items"])
        start = out.get("LastEvaluatedKey")
        if not start:
            return n, requests
        args["ExclusiveStartKey"] = start


def get_batch(ddb, meta, d):
    """BatchGetItem in chunks of 100 with UnprocessedKeys re-sent."""
    keys = lines(os.path.join(d, "keys.ddb.jsonl"))
    table = meta["table"]
    n = requests = 0
    for i in range(0, len(keys), 100):
        pending = {table: {"Keys": keys[i:i + 100]}}
        for attempt in range(MAX_ROUNDS):
            requests += 1
            out = ddb.batch_get_item(RequestItems=pending)
            n += len(out["Responses"].get(table, []))
            pending = out.get("UnprocessedKeys") or {}
            if not pending:
                break
            time.sleep(min(0.05 * 2 ** attempt, 1))
        else:
            raise SystemExit("get_batch: UnprocessedKeys never drained")
    return n, requests


def main():
    """Run one workload."""
    workload = sys.argv[1]
    if workload == "startup":
        client(sys.argv[3] if len(sys.argv) > 3 else "http://127.0.0.1:1")
        return
    d, endpoint = sys.argv[2], sys.argv[3]
    with open(os.path.join(d, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    ddb = client(endpoint)
    # The work's own CPU, without the interpreter's and boto3's start-up.
    t0 = time.process_time()
    if workload == "put_batch":
        n, r = put_batch(ddb, meta, d)
    elif workload == "list":
        n, r = query(ddb, meta, False)
    elif workload == "filtered_list":
        n, r = query(ddb, meta, True)
    elif workload == "get_batch":
        n, r = get_batch(ddb, meta, d)
    else:
        raise SystemExit("unknown workload " + workload)
    cpu = time.process_time() - t0
    print(f"items={n} requests={r} cpu_s={cpu:.6f}")


if __name__ == "__main__":
    main()
