// SPDX-License-Identifier: ISC
// The benchmark's tables: medians of the runs recorded by run.sh, per
// workload, with the ratios and the targets of the performance issue.
//
// usage: [BENCH_FLOOR_CURL=1] node report.js RESULTS META
// RESULTS lines: WORKLOAD CLIENT REP WALL_S USER_S SYS_S MAXRSS_KB ITEMS OK
// [WORK_CPU_S] (WORKLOAD "startup" for the start-up runs; OK is 1 when the
// run did all its work, else 0; WORK_CPU_S, when not -1, the CPU the client
// measured itself from its start-up done to its work done). META is
// gen.js's meta.json.
'use strict';
const fs = require('fs');

const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n')
  .filter((l) => l.trim()).map((l) => {
    const f = l.split(/\s+/);
    return { w: f[0], c: f[1], rep: +f[2], wall: +f[3], cpu: +f[4] + +f[5],
      rss: +f[6], items: +f[7], ok: f[8] === '1',
      work: f[9] !== undefined && +f[9] >= 0 ? +f[9] : NaN };
  });
const meta = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
// run.sh says whether the single-connection floor was curl (its start-up
// measured by `curl --version`) rather than node.
const floorCpu = process.env.BENCH_FLOOR_CURL === '1';

function median(xs) {
  if (!xs.length)
    return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const names = { dynrepo: 'dynrepo', boto3: 'boto3 client', js: 'AWS SDK JS v3',
  awscli: 'AWS CLI', floor: 'floor (raw HTTP)', 'floor-4': 'floor, 4 in flight',
  'dynrepo-version': 'dynrepo --version', 'dynrepo-profiles': 'dynrepo profiles',
  'dynrepo-first': 'dynrepo, empty Query', true: 'an empty program (true)', 'dynrepo-nojournal': 'dynrepo --no-journal' };
// The start-up that is taken off each client's CPU before dividing.
// dynrepo's is a run whose one request finds no item: it loads libcurl
// and libcrypto at its first request, not at start, as the SDKs are
// loaded before the client is made.
const startupOf = { dynrepo: 'dynrepo-first', 'dynrepo-nojournal': 'dynrepo-first', boto3: 'boto3', js: 'js',
  awscli: 'awscli', floor: 'floor', 'floor-4': 'floor' };
const order = ['floor', 'floor-4', 'dynrepo', 'dynrepo-nojournal', 'boto3', 'js', 'awscli'];
const peers = ['boto3', 'js', 'awscli'];

function stats(w, c) {
  const rs = rows.filter((r) => r.w === w && r.c === c);
  if (!rs.length)
    return null;
  const good = rs.filter((r) => r.ok);
  return { runs: rs.length, good: good.length,
    wall: median(good.map((r) => r.wall)), wallMin: Math.min(...good.map((r) => r.wall)),
    cpu: median(good.map((r) => r.cpu)),
    rss: median(good.map((r) => r.rss)), items: median(good.map((r) => r.items)),
    work: good.every((r) => Number.isFinite(r.work)) ?
      median(good.map((r) => r.work)) : NaN };
}

const fmt = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const pad = (s, n) => String(s).padStart(n);
const out = [];

// Start-up first: the per-item figures below are net of it.
const start = {};
out.push('== start-up: process start to exit, no request but the empty Query (median of the runs) ==');
out.push(`${'client'.padEnd(22)}${pad('wall ms', 9)}${pad('CPU ms', 9)}${pad('RSS MB', 8)}  runs`);
for (const c of ['true', 'dynrepo-version', 'dynrepo-profiles', 'dynrepo-first', 'floor', 'boto3', 'js', 'awscli']) {
  const s = stats('startup', c);
  if (!s)
    continue;
  start[c] = s;
  out.push(`${(names[c] || c).padEnd(22)}${pad(fmt(s.wall * 1e3, 1), 9)}` +
    `${pad(fmt(s.cpu * 1e3, 1), 9)}${pad(fmt(s.rss / 1024, 1), 8)}  ${s.good}/${s.runs}`);
}
for (const c of ['dynrepo-version', 'dynrepo-profiles']) {
  const s = start[c];
  if (s)
    out.push(`target ${names[c]}: <= 5 ms CPU and <= 10 MB RSS: ` +
      `${fmt(s.cpu * 1e3, 1)} ms, ${fmt(s.rss / 1024, 1)} MB -> ` +
      (s.cpu <= 0.005 && s.rss <= 10240 ? 'met' : 'MISSED'));
}

const workloads = [
  ['put_batch', `BatchWriteItem, ${meta.items} items in chunks of 25`],
  ['list', `Query, ${meta.items} items, every page`],
  ['get_batch', `BatchGetItem, ${meta.get} keys in chunks of 100`],
  ['filtered_list', `Query with a filter, ${meta.filter.matching} of ${meta.items} items`],
];
const cpuTarget = { put_batch: 5, list: 2, get_batch: 6, filtered_list: Infinity };
for (const [w, what] of workloads) {
  const st = {};
  for (const c of order) {
    const s = stats(w, c);
    if (s)
      st[c] = s;
  }
  if (!Object.keys(st).length)
    continue;
  // µs/item: the CPU the client measured for its work alone, else its
  // CPU less its median start-up CPU.
  for (const c of Object.keys(st)) {
    const su = start[startupOf[c]];
    const work = Number.isFinite(st[c].work) ? st[c].work :
      st[c].cpu - (su ? su.cpu : 0);
    st[c].net = work / st[c].items * 1e6;
    // The wall of the work alone, to compare with the floor's, which is
    // its requests' time without curl's start-up: the client's wall less
    // its median start-up wall (dynrepo's start-up holds one empty
    // Query, a round trip of a few ms, taken off with it). The floor's
    // own wall is its work already.
    st[c].workWall = c.startsWith('floor') || !su ? st[c].wall :
      Math.max(0, st[c].wall - su.wall);
  }
  const floor = st.floor;
  out.push('');
  out.push(`== ${w}: ${what} (median of the runs) ==`);
  out.push(`${'client'.padEnd(20)}${pad('items', 7)}${pad('wall s', 9)}${pad('min', 8)}` +
    `${pad('work s', 8)}${pad('CPU s', 8)}${pad('µs/item', 9)}${pad('RSS MB', 8)}` +
    `${pad('wall/floor', 11)}${pad('peer/dynrepo', 13)}  runs`);
  for (const c of order) {
    const s = st[c];
    if (!s)
      continue;
    const isFloor = c.startsWith('floor');
    // The curl floor's CPU is its transfers' alone (less `curl
    // --version`); node's 4-in-flight floor has no start-up of its own
    // measured, so its CPU is not divided.
    const showNet = !isFloor || (c === 'floor' && floorCpu);
    const vsFloor = floor ? s.workWall / floor.workWall : NaN;
    const vsDyn = st.dynrepo && !isFloor && c !== 'dynrepo-nojournal' &&
      s.net > 0 && st.dynrepo.net > 0 ?
      s.net / st.dynrepo.net : NaN;
    out.push(`${(names[c] || c).padEnd(20)}${pad(s.items, 7)}${pad(fmt(s.wall, 3), 9)}` +
      `${pad(fmt(s.wallMin, 3), 8)}${pad(fmt(s.workWall, 3), 8)}` +
      `${pad(fmt(s.cpu, 3), 8)}${pad(showNet ? fmt(s.net, 1) : '—', 9)}` +
      `${pad(fmt(s.rss / 1024, 1), 8)}${pad(fmt(vsFloor, 2), 11)}` +
      `${pad(Number.isFinite(vsDyn) ? fmt(vsDyn, 1) + '×' : '—', 13)}  ${s.good}/${s.runs}`);
  }
  const d = st.dynrepo;
  if (!d)
    continue;
  const present = peers.filter((p) => st[p] && Number.isFinite(st[p].net));
  if (present.length) {
    const best = present.reduce((a, b) => (st[a].net <= st[b].net ? a : b));
    const limit = Math.min(st[best].net / 10, cpuTarget[w]);
    for (const c of ['dynrepo', 'dynrepo-nojournal']) {
      if (st[c])
        out.push(`target CPU/item <= best peer/10 (${names[best]} ${fmt(st[best].net, 1)} µs)` +
          (cpuTarget[w] < Infinity ? ` and <= ${cpuTarget[w]} µs` : '') +
          `: ${names[c]} ${fmt(st[c].net, 1)} µs -> ${st[c].net <= limit ? 'met' : 'MISSED'}`);
    }
  }
  if (floor && floorCpu && floor.net > 0) {
    // Not a target: how much of the client's CPU is the transport's,
    // as far as curl sending the same requests, unsigned and
    // pre-rendered, and not reading the answers, shows it.
    for (const c of ['dynrepo', 'dynrepo-nojournal']) {
      if (st[c])
        out.push(`CPU/item against the floor's (curl, the same requests unsigned and pre-rendered, ` +
          `answers unread): ${names[c]} ${fmt(st[c].net, 1)} µs, floor ${fmt(floor.net, 1)} µs: ` +
          `${fmt(st[c].net / floor.net, 2)}×`);
    }
  }
  if (floor) {
    if (w === 'put_batch') {
      const f4 = st['floor-4'];
      for (const c of ['dynrepo', 'dynrepo-nojournal']) {
        const x = st[c];
        if (!x)
          continue;
        out.push(`target work wall <= floor: ${names[c]} ${fmt(x.workWall, 3)} s; floor 1 connection ` +
          `${fmt(floor.workWall, 3)} s -> ${x.workWall <= floor.workWall ? 'met' : 'MISSED'}` +
          (f4 ? `; floor 4 in flight ${fmt(f4.workWall, 3)} s -> ` +
            (x.workWall <= f4.workWall ? 'met' : 'MISSED') : ''));
      }
    } else if (w !== 'filtered_list') {
      out.push(`target work wall <= 1.10 × floor: ${fmt(d.workWall / floor.workWall, 2)} × -> ` +
        (d.workWall <= 1.10 * floor.workWall ? 'met' : 'MISSED'));
    }
  }
}
const failed = rows.filter((r) => !r.ok);
if (failed.length) {
  out.push('');
  out.push(`${failed.length} run(s) failed or were incomplete and are left out: ` +
    failed.map((r) => `${r.w}/${r.c}#${r.rep}`).join(' '));
}
console.log(out.join('\n'));
