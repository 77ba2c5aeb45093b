// SPDX-License-Identifier: ISC
// Benchmark data: N pydantic-dynamo FilmActor items in one partition, the
// same items in every form a client needs. Each is ~470 bytes as DynamoDB
// counts them (~880 bytes of DynamoDB JSON): strings, exact numbers (a
// 20-digit one, Decimals), NULLs, a map, lists, a list of maps, a TTL on one
// in ten. Deterministic: the same N gives the same bytes (no clock, no
// Math.random).
//
// usage: node gen.js DIR N GET [SCHEMA]
//   DIR/put.jsonl       N PartitionedContent lines (the input of dynrepo put)
//   DIR/items.ddb.jsonl N stored items in DynamoDB JSON (the peers' input)
//   DIR/keys.jsonl      GET keys, {"partition_ids","content_ids"} (get-batch)
//   DIR/keys.ddb.jsonl  the same GET keys in DynamoDB JSON (the peers')
//   DIR/meta.json       table, key values, filter, sizes
//   DIR/film_actor.schema.json  SCHEMA (the profiles' FilmActor model) made
//                       to fit these items: only the fields they give a
//                       value are required, and Genre admits the genres
//                       they use
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const n = parseInt(process.argv[3] || '10000', 10);
const nget = Math.min(parseInt(process.argv[4] || '1000', 10), n);
if (!dir || !(n > 0) || !(nget > 0)) {
  process.stderr.write('usage: node gen.js DIR N GET\n');
  process.exit(2);
}

const table = 'bench';
const prefix = 'bench';
const pname = 'film_actor';
const ctype = 'film_actor';
const partitionIds = ['studio-a'];
const pk = `${prefix}#${pname}#${partitionIds.join('#')}`;
// Every client writes this timestamp; dynrepo writes its own clock, of the
// same length (UTC, microseconds, +00:00).
const stamp = '2026-11-25T09:14:03.512345+00:00';

let state = 20261125;
function rand(k) {
  state = (state * 1103515245 + 12345) % 2147483648;
  return Math.floor(state / 65536) % k;
}
const places = [
  ['usa', 'ny', 'saratoga', '12020'], ['usa', 'ny', 'albany', '12201'],
  ['usa', 'ca', 'oakland', '94601'], ['usa', 'ca', 'fresno', '93650'],
  ['usa', 'tx', 'austin', '73301'], ['ireland', 'dublin'], ['france'],
  ['japan', 'tokyo', 'shibuya'], ['india', 'mh', 'mumbai'],
];
const cities = { saratoga: 'Saratoga Springs', albany: 'Albany',
  oakland: 'Oakland', fresno: 'Fresno', austin: 'Austin', dublin: 'Dublin',
  tokyo: 'Tokyo', mumbai: 'Mumbai' };
const countries = { usa: 'USA', ireland: 'Ireland', france: 'France',
  japan: 'Japan', india: 'India' };
// genre = drama for exactly every tenth item: the filtered list's 10 %.
const others = ['comedy', 'action', 'documentary'];
const first = ['Ana', 'Bo', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gus', 'Hana',
  'Ivan', 'Jun', 'Kofi', 'Lea', 'Mo', 'Nia', 'Oskar', 'Priya', 'Saoirse'];
const pad = (v, w) => String(v).padStart(w, '0');
// A Decimal rating of tenths, 0.5 to 9.9, as DynamoDB normalises it.
const rating = (r) => ({ num: r % 10 ? `${Math.floor(r / 10)}.${r % 10}` :
  String(r / 10) });

// One plain value to DynamoDB JSON as pydantic-dynamo stores it (sets and
// lists are L, None is NULL, Decimal/int are N). Numbers are given as
// {num: "text"} so that 20-digit ones stay exact.
function ddb(v) {
  if (v === null) return { NULL: true };
  if (typeof v === 'boolean') return { BOOL: v };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (Array.isArray(v)) return { L: v.map(ddb) };
  if (v.num !== undefined) return { N: v.num };
  const m = {};
  for (const k of Object.keys(v)) m[k] = ddb(v[k]);
  return { M: m };
}

// Plain JSON with {num} written as a bare number (exact digits).
function plain(v) {
  return JSON.stringify(v, (k, x) =>
    x !== null && typeof x === 'object' && x.num !== undefined ?
      '#num#' + x.num : x).replace(/"#num#([0-9.]*)"/g, '$1');
}

// DynamoDB's item size: names plus values (strings in UTF-8, numbers about
// one byte per two digits plus one, 3 bytes per map or list plus 1 per
// element, 1 byte for BOOL and NULL).
function size(av) {
  const t = Object.keys(av)[0];
  const v = av[t];
  switch (t) {
  case 'S': return Buffer.byteLength(v);
  case 'N': return Math.ceil(v.replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
  case 'BOOL': case 'NULL': return 1;
  case 'L': return 3 + v.reduce((s, x) => s + 1 + size(x), 0);
  case 'M': return 3 + Object.keys(v).reduce((s, k) =>
    s + 1 + Buffer.byteLength(k) + size(v[k]), 0);
  }
  return 0;
}

fs.mkdirSync(dir, { recursive: true });
const put = [];
const items = [];
const keys = [];
const keysDdb = [];
let bytes = 0;
let wire = 0;
const getEvery = Math.floor(n / nget);
for (let i = 1; i <= n; i++) {
  const place = places[rand(places.length)];
  const id = 'actor' + pad(i, 6);
  const year = 1950 + rand(70);
  // Every field of the model, None ones too: the library stores
  // item.dict(), so the peers write what dynrepo and pydantic-dynamo do.
  const item = {
    id,
    name: first[rand(first.length)] + ' ' +
      String.fromCharCode(65 + rand(26)) + '. Actor-' + i,
    review: rand(4) === 0 ? null : 'review ' + i,
    year,
    rating: rating(rand(95) + 5),
    score: rand(3) === 0 ? null : rand(1000),
    tags: [others[rand(3)], 'tag' + i],
    nicknames: null,
    lucky_numbers: null,
    address: { city: cities[place[2] || place[1]] || 'Paris',
      country: countries[place[0]], zip: place[3] || null },
    extra: null,
    roles: [{ title: 'Role ' + i, year: 1970 + rand(50), lead: rand(2) === 1 }],
    born: `${year}-0${1 + rand(9)}-1${rand(9)}T12:30:15.${pad(i % 1000000, 6)}+00:00`,
    birthday: null,
    call_time: null,
    genre: i % 10 === 0 ? 'drama' : others[rand(3)],
    awards: rand(5),
    big_count: { num: '1234567890123456' + pad(i % 10000, 4) },
    active: rand(2) === 1,
    nothing: null,
  };
  const cids = place.concat([id]);
  const expiry = i % 10 === 5 ? 1893456000 + i : null;
  put.push(plain({ partition_ids: partitionIds, content_ids: cids, item,
    current_version: 1, expiry }));
  const stored = { _table_item_id: { S: pk },
    _table_content_id: { S: ctype + '#' + cids.join('#') },
    _object_version: { N: '1' }, _timestamp: { S: stamp } };
  if (expiry !== null) stored._ttl = { N: String(expiry) };
  for (const k of Object.keys(item)) stored[k] = ddb(item[k]);
  const line = JSON.stringify(stored);
  items.push(line);
  wire += line.length;
  bytes += size({ M: stored }) - 3 - Object.keys(stored).length;
  if (i % getEvery === 0 && keys.length < nget) {
    keys.push(JSON.stringify({ partition_ids: partitionIds, content_ids: cids }));
    keysDdb.push(JSON.stringify({ _table_item_id: stored._table_item_id,
      _table_content_id: stored._table_content_id }));
  }
}
// Lines in chunks: a million items is more than one string may hold.
function writeLines(file, lines) {
  const fd = fs.openSync(path.join(dir, file), 'w');
  for (let k = 0; k < lines.length; k += 10000)
    fs.writeSync(fd, lines.slice(k, k + 10000).join('\n') + '\n');
  fs.closeSync(fd);
}
writeLines('put.jsonl', put);
writeLines('items.ddb.jsonl', items);
writeLines('keys.jsonl', keys);
writeLines('keys.ddb.jsonl', keysDdb);
fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({
  table, pk, pkName: '_table_item_id', skName: '_table_content_id',
  skPrefix: ctype + '#', partition: partitionIds.join('#'),
  filter: { name: 'genre', value: 'drama', matching: Math.floor(n / 10) },
  items: n, get: keys.length, itemBytes: Math.round(bytes / n),
  wireBytes: Math.round(wire / n),
}) + '\n');
if (process.argv[5]) {
  const schema = JSON.parse(fs.readFileSync(process.argv[5], 'utf8'));
  // The fields these items give a value: the ones always None are
  // Optional in the model.
  const first = put.length ? JSON.parse(put[0]).item : {};
  const fields = new Set(Object.keys(first).filter((k) => first[k] !== null));
  schema.required = (schema.required || []).filter((k) => fields.has(k));
  const genre = schema.definitions && schema.definitions.Genre;
  if (genre && genre.enum)
    genre.enum = [...new Set(genre.enum.concat(['drama'], others))];
  fs.writeFileSync(path.join(dir, 'film_actor.schema.json'),
    JSON.stringify(schema, null, 2) + '\n');
}
fs.writeFileSync(path.join(dir, 'bench.ini'),
  '# dynrepo benchmark repository (tests/bench/gen.js)\n[repository]\n' +
  `table            = ${table}\nregion           = us-east-1\n` +
  `partition_prefix = ${prefix}\npartition_name   = ${pname}\n` +
  `content_type     = ${ctype}\nschema           = film_actor.schema.json\n`);
