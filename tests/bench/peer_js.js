// SPDX-License-Identifier: ISC
// The AWS SDK for JavaScript v3 peer: the same workloads as peer_boto3.py
// through the low-level DynamoDBClient (items stay DynamoDB JSON, as with
// the boto3 client; the SDK still parses every answer).
//
// usage: NODE_PATH=DIR/node_modules node peer_js.js WORKLOAD DIR ENDPOINT
// WORKLOAD: startup (load the SDK and make the client, no request),
// put_batch, list, get_batch, filtered_list. Prints "items=N requests=R
// cpu_s=C", C the CPU time from the client made to the work done.
'use strict';
const fs = require('fs');
const path = require('path');
const { DynamoDBClient, BatchWriteItemCommand, QueryCommand,
  BatchGetItemCommand } = require('@aws-sdk/client-dynamodb');

const MAX_ROUNDS = 50;
const [workload, dir, endpoint] = process.argv.slice(2);

const client = new DynamoDBClient({
  endpoint: endpoint || 'http://127.0.0.1:1',
  region: process.env.AWS_REGION || 'us-east-1',
  maxAttempts: 3,
});

const lines = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
  .split('\n').filter((l) => l).map((l) => JSON.parse(l));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// BatchWriteItem in chunks of 25 with UnprocessedItems re-sent.
async function putBatch(meta) {
  const items = lines('items.ddb.jsonl');
  let requests = 0;
  for (let i = 0; i < items.length; i += 25) {
    let pending = { [meta.table]: items.slice(i, i + 25)
      .map((it) => ({ PutRequest: { Item: it } })) };
    for (let a = 0; ; a++) {
      if (a >= MAX_ROUNDS)
        throw new Error('UnprocessedItems never drained');
      requests++;
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems || {};
      if (!Object.keys(pending).length)
        break;
      await sleep(Math.min(50 * 2 ** a, 1000));
    }
  }
  return [items.length, requests];
}

// Query every page of the partition, optionally filtered.
async function query(meta, filtered) {
  const args = { TableName: meta.table,
    KeyConditionExpression: '#p = :p AND begins_with(#s, :s)',
    ExpressionAttributeNames: { '#p': meta.pkName, '#s': meta.skName },
    ExpressionAttributeValues: { ':p': { S: meta.pk }, ':s': { S: meta.skPrefix } } };
  if (filtered) {
    args.FilterExpression = '#f = :f';
    args.ExpressionAttributeNames['#f'] = meta.filter.name;
    args.ExpressionAttributeValues[':f'] = { S: meta.filter.value };
  }
  let n = 0;
  let requests = 0;
  for (;;) {
    requests++;
    const out = await client.send(new QueryCommand(args));
    n += out.Items.length;
    if (!out.LastEvaluatedKey)
      return [n, requests];
    args.ExclusiveStartKey = out.LastEvaluatedKey;
  }
}

// BatchGetItem in chunks of 100 with UnprocessedKeys re-sent.
async function getBatch(meta) {
  const keys = lines('keys.ddb.jsonl');
  let n = 0;
  let requests = 0;
  for (let i = 0; i < keys.length; i += 100) {
    let pending = { [meta.table]: { Keys: keys.slice(i, i + 100) } };
    for (let a = 0; ; a++) {
      if (a >= MAX_ROUNDS)
        throw new Error('UnprocessedKeys never drained');
      requests++;
      const out = await client.send(new BatchGetItemCommand({ RequestItems: pending }));
      n += (out.Responses[meta.table] || []).length;
      pending = out.UnprocessedKeys || {};
      if (!Object.keys(pending).length)
        break;
      await sleep(Math.min(50 * 2 ** a, 1000));
    }
  }
  return [n, requests];
}

async function main() {
  if (workload === 'startup')
    return;
  // The work's own CPU, without node's and the SDK's start-up.
  const t0 = process.cpuUsage();
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
  const run = { put_batch: () => putBatch(meta), list: () => query(meta, false),
    filtered_list: () => query(meta, true), get_batch: () => getBatch(meta) }[workload];
  if (!run)
    throw new Error('unknown workload ' + workload);
  const [n, r] = await run();
  const cpu = process.cpuUsage(t0);
  console.log(`items=${n} requests=${r} cpu_s=${((cpu.user + cpu.system) / 1e6).toFixed(6)}`);
}

main().then(() => client.destroy(),
  (e) => { console.error('peer_js: ' + e.message); process.exit(1); });
