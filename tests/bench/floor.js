// SPDX-License-Identifier: ISC
// The server-bound floor: a client that only sends request bodies rendered
// beforehand and reads the answers without decoding them, over keep-alive
// HTTP on loopback. What it takes is what the server takes.
//
// usage: node floor.js prepare DIR ENDPOINT   render DIR/floor-*.bodies and
//                                            the same as DIR/floor-*.curl
//        node floor.js WORKLOAD DIR ENDPOINT [IN_FLIGHT]
//        node floor.js startup
// The driver runs `curl -s -K DIR/floor-WORKLOAD.curl` (C, the least
// client work: its wall is the sum of the requests' times) for one
// connection, and this node client for 4 in flight and where curl is
// missing.
// WORKLOAD: put_batch, list, get_batch, filtered_list. Prints
// "items=N requests=R wall_s=W" (W: first request sent to last answer read).
// prepare runs the reads once and decodes their answers only to learn the
// pages' LastEvaluatedKey (not timed); it needs the table seeded.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const mode = process.argv[2];
if (mode === 'startup')
  process.exit(0);
const dir = process.argv[3];
const endpoint = new URL(process.argv[4]);
const inFlight = Math.max(1, parseInt(process.argv[5] || '1', 10));
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });

// A SigV4-shaped Authorization header: dynalite checks its shape only.
function headers(target, body) {
  return {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': 'DynamoDB_20120810.' + target,
    'X-Amz-Date': '20261125T091403Z',
    Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/20261125/' +
      'us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;' +
      'x-amz-date;x-amz-target, Signature=' + '0'.repeat(64),
    'Content-Length': Buffer.byteLength(body),
  };
}

// One request; resolves with the answer's bytes (kept only if decode).
function send(target, body, keep) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: endpoint.hostname, port: endpoint.port,
      method: 'POST', path: '/', agent, headers: headers(target, body) },
    (res) => {
      const parts = [];
      let n = 0;
      res.on('data', (c) => { n += c.length; if (keep) parts.push(c); });
      res.on('end', () => {
        if (res.statusCode !== 200)
          reject(new Error(`${target}: HTTP ${res.statusCode}: ` +
            Buffer.concat(parts).toString().slice(0, 200)));
        else
          resolve(keep ? Buffer.concat(parts) : n);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function query(meta, filter, start) {
  const q = { TableName: meta.table,
    KeyConditionExpression: '#p = :p AND begins_with(#s, :s)',
    ExpressionAttributeNames: { '#p': meta.pkName, '#s': meta.skName },
    ExpressionAttributeValues: { ':p': { S: meta.pk }, ':s': { S: meta.skPrefix } } };
  if (filter) {
    q.FilterExpression = '#f = :f';
    q.ExpressionAttributeNames['#f'] = meta.filter.name;
    q.ExpressionAttributeValues[':f'] = { S: meta.filter.value };
  }
  if (start)
    q.ExclusiveStartKey = start;
  return q;
}

async function prepare(meta) {
  const lines = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
    .split('\n').filter((l) => l);
  const out = {};
  const items = lines('items.ddb.jsonl');
  out.put_batch = [];
  for (let i = 0; i < items.length; i += 25)
    out.put_batch.push(JSON.stringify({ RequestItems: { [meta.table]:
      items.slice(i, i + 25).map((l) => ({ PutRequest: { Item: JSON.parse(l) } })) } }));
  const keys = lines('keys.ddb.jsonl');
  out.get_batch = [];
  for (let i = 0; i < keys.length; i += 100)
    out.get_batch.push(JSON.stringify({ RequestItems: { [meta.table]:
      { Keys: keys.slice(i, i + 100).map((l) => JSON.parse(l)) } } }));
  for (const [name, filter] of [['list', false], ['filtered_list', true]]) {
    out[name] = [];
    let start = null;
    for (let page = 0; page < 10000; page++) {
      const body = JSON.stringify(query(meta, filter, start));
      out[name].push(body);
      const ans = JSON.parse(await send('Query', body, true));
      start = ans.LastEvaluatedKey;
      if (!start)
        break;
    }
  }
  for (const w of Object.keys(out)) {
    fs.writeFileSync(path.join(dir, `floor-${w}.bodies`), out[w].join('\n') + '\n');
    curlConfig(w, out[w]);
  }
}

// The same requests as a curl config (curl -K): one transfer a body, on
// the connection curl keeps alive, answers to /dev/null, the status and
// the seconds of each on standard output.
function curlConfig(w, bodies) {
  const sub = path.join(dir, `floor-${w}`);
  fs.mkdirSync(sub, { recursive: true });
  const h = headers(targets[w], '');
  delete h['Content-Length'];
  const q = (v) => '"' + String(v).replace(/[\\"]/g, '\\$&') + '"';
  const cfg = bodies.map((b, i) => {
    const f = path.join(sub, `${String(i).padStart(5, '0')}.json`);
    fs.writeFileSync(f, b);
    return `url = ${q(endpoint.origin + '/')}\n` +
      Object.keys(h).map((k) => `header = ${q(k + ': ' + h[k])}\n`).join('') +
      'header = "Expect:"\n' +
      `data-binary = ${q('@' + f)}\noutput = "/dev/null"\n` +
      'write-out = "%{http_code} %{time_total}\\n"\n';
  });
  fs.writeFileSync(path.join(dir, `floor-${w}.curl`), cfg.join('next\n'));
}

const targets = { put_batch: 'BatchWriteItem', get_batch: 'BatchGetItem',
  list: 'Query', filtered_list: 'Query' };
const counts = { put_batch: (m) => m.items, get_batch: (m) => m.get,
  list: (m) => m.items, filtered_list: (m) => m.filter.matching };

async function run(meta) {
  const target = targets[mode];
  if (!target)
    throw new Error('unknown workload ' + mode);
  const bodies = fs.readFileSync(path.join(dir, `floor-${mode}.bodies`), 'utf8')
    .split('\n').filter((l) => l);
  // Pages depend on each other: one at a time. Batches: IN_FLIGHT at once.
  const lanes = target === 'Query' ? 1 : inFlight;
  let next = 0;
  const t0 = process.hrtime.bigint();
  async function lane() {
    while (next < bodies.length)
      await send(target, bodies[next++], false);
  }
  await Promise.all(Array.from({ length: lanes }, lane));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`items=${counts[mode](meta)} requests=${bodies.length} wall_s=${wall.toFixed(4)}`);
}

const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
(mode === 'prepare' ? prepare(meta) : run(meta)).then(() => agent.destroy(),
  (e) => { console.error('floor: ' + e.message); process.exit(1); });
