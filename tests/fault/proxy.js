// SPDX-License-Identifier: ISC
// A fault-injecting HTTP proxy for dynrepo's tests: it listens on
// 127.0.0.1 only, forwards DynamoDB JSON-RPC requests to a loopback
// server (dynalite) and, per request, answers with a fault instead:
// throttling, 5xx with JSON or HTML bodies, connection resets, stalls,
// truncated or corrupted bodies, a skewed clock, unprocessed batch
// entries. Faults come from a script (in order, per operation) or at a
// rate drawn from a seeded generator; every request is counted per
// operation and the counts can be read back.
//
// Start:
//   node proxy.js --upstream http://127.0.0.1:8000 [--port 0]
//       [--rate 0.2] [--seed 1] [--faults k1,k2,...] [--ops Op1,Op2,...]
//       [--script JSON|@FILE] [--clock-skew SECONDS] [--skew SECONDS]
//       [--stall-ms MS] [--slow-ms MS] [--max-body BYTES] [--log FILE]
//       [--port-file FILE] [--parent PID]
//   It prints "listening PORT" once it accepts connections.
// Control (same port, paths no DynamoDB client uses):
//   GET  /__fault/stats    counts as JSON (see resetStats below)
//   POST /__fault/config   JSON with any of rate, seed, faults, ops,
//                          script, clock_skew, skew, stall_ms, slow_ms,
//                          max_body;
//                          "reset": true also zeroes the counts
//   POST /__fault/reset    zero the counts
//   From a shell: node proxy.js ctl PORT stats | reset | config JSON
//
// Fault kinds (what the client sees; "forwarded" means dynalite did the
// work before the fault was applied):
//   throttle        400 ProvisionedThroughputExceededException (JSON)
//   throttling      400 ThrottlingException (JSON)
//   limit           400 RequestLimitExceeded (JSON)
//   http429         429 Too Many Requests, a text/html body
//   e500 e500html   500 InternalServerError JSON / an HTML page (forwarded)
//   e502 e502html   502 JSON {"message": ...} / an HTML page
//   e503 e503html   503 ServiceUnavailable JSON / an HTML page
//   e504 e504html   504 JSON {"message": ...} / an HTML page (forwarded)
//   reset_before    the connection is reset, nothing forwarded (the
//                   server never saw it; the client's bytes have left by
//                   then, so to it this looks like reset_after)
//   reset_after     forwarded, then the connection is reset, no answer
//   truncate        forwarded; the headers and half the body, then EOF
//   crc             forwarded; one letter of the body changed, the
//                   original x-amz-crc32 kept
//   skew            400 InvalidSignatureException "Signature expired",
//                   Date = now + skew seconds (default 3600)
//   stall           no answer for stall_ms (default 120000), then reset
//   slow            the answer held back slow_ms (default 2000), then sent
//   unprocessed     BatchWriteItem / BatchGetItem: half of the entries
//                   forwarded, the rest returned as UnprocessedItems /
//                   UnprocessedKeys (other operations: passed through)
//   unprocessed_all the same with nothing forwarded
// With --clock-skew S the proxy plays a server whose clock is S seconds
// ahead: every request whose X-Amz-Date is more than 5 minutes from that
// clock gets "Signature expired" (before any other fault), and every
// answer carries that clock in its Date header. With --max-body N a
// request body over N bytes is answered with DynamoDB's "Item size has
// exceeded the maximum allowed size" and not forwarded. With --parent
// PID it exits once that process is gone, however the test script died.
'use strict';

const http = require('http');
const fs = require('fs');

const THROTTLE_KINDS = ['throttle', 'throttling', 'limit', 'http429'];
const ALL_KINDS = [
	'throttle', 'throttling', 'limit', 'http429',
	'e500', 'e500html', 'e502', 'e502html', 'e503', 'e503html',
	'e504', 'e504html', 'reset_before', 'reset_after', 'truncate', 'crc',
	'skew', 'stall', 'slow', 'unprocessed', 'unprocessed_all',
];
// The mix drawn at a rate unless --faults says otherwise: everything that
// a retrying client must survive without a long wait. skew is left out
// (a second skew error inside one call is fatal by design; use
// --clock-skew), stall and slow cost seconds each.
const DEFAULT_MIX = ALL_KINDS.filter((k) =>
    !['skew', 'stall', 'slow'].includes(k));
const BATCH_OPS = ['BatchWriteItem', 'BatchGetItem'];

// ---- small helpers ------------------------------------------------------

let crcTable = null;
// CRC-32 (IEEE), as dynalite and DynamoDB put in x-amz-crc32.
function crc32(buf)
{
	if (crcTable === null) {
		crcTable = new Uint32Array(256);
		for (let i = 0; i < 256; i++) {
			let v = i;
			for (let k = 0; k < 8; k++)
				v = (v & 1) ? (0xedb88320 ^ (v >>> 1)) : (v >>> 1);
			crcTable[i] = v >>> 0;
		}
	}
	let c = 0xffffffff;
	for (let i = 0; i < buf.length; i++)
		c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

// mulberry32: a small seeded generator, the same sequence everywhere.
function rng(seed)
{
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// "20260101T000000Z" -> epoch ms, or NaN.
function parseAmzDate(s)
{
	const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(s || '');
	if (m === null)
		return NaN;
	return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

// epoch ms -> "20260101T000000Z".
function amzDate(ms)
{
	return new Date(ms).toISOString().replace(/[-:]/g, '')
	    .replace(/\.\d+Z$/, 'Z');
}

function htmlPage(status, text)
{
	return '<html>\r\n<head><title>' + status + ' ' + text +
	    '</title></head>\r\n<body>\r\n<center><h1>' + status + ' ' +
	    text + '</h1></center>\r\n<hr><center>nginx</center>\r\n' +
	    '</body>\r\n</html>\r\n';
}

// ---- configuration and counts ------------------------------------------

const cfg = {
	upstream: null,
	port: 0,
	rate: 0,
	seed: 1,
	faults: DEFAULT_MIX.slice(),
	ops: null,		// null: every operation
	script: [],		// [{fault, op?, times?, skip?}]
	clockSkew: 0,		// seconds; 0: the proxy does not check dates
	skew: 3600,		// seconds ahead in a "skew" fault's Date
	stallMs: 120000,
	slowMs: 2000,
	maxBody: 0,		// bytes; 0: no limit
	log: null,
	portFile: null,
	parent: 0,		// exit when this process is gone
};
let random = rng(cfg.seed);
let stats = null;
let logFd = null;

function resetStats()
{
	stats = {
		total: 0,		// DynamoDB requests received
		requests: {},		// op -> received
		forwarded: {},		// op -> sent on to the server
		faults: {},		// kind -> injected
		byop: {},		// op -> kind -> injected
		last: {},		// op -> the last request's fate
		sequence: [],		// [op, fate] of every request
		capacity: {},		// op -> asked for ReturnConsumedCapacity
		with_token: 0,		// requests with X-Amz-Security-Token
		token: null,		// the last one (test credentials only)
		too_large: 0,		// bodies refused by max_body
	};
}
resetStats();

function bump(obj, key)
{
	obj[key] = (obj[key] || 0) + 1;
}

// Apply a configuration object (from the command line or the control
// endpoint); throws on anything unknown.
function configure(o)
{
	for (const [k, v] of Object.entries(o)) {
		switch (k) {
		case 'rate':
			if (typeof v !== 'number' || v < 0 || v > 1)
				throw new Error('rate: a number from 0 to 1');
			cfg.rate = v;
			break;
		case 'seed':
			cfg.seed = Number(v) >>> 0;
			random = rng(cfg.seed);
			break;
		case 'faults': {
			const list = Array.isArray(v) ? v :
			    String(v).split(',').filter((s) => s !== '');
			const want = [];
			for (const f of list) {
				if (f === 'default')
					want.push(...DEFAULT_MIX);
				else if (f === 'throttles')
					want.push(...THROTTLE_KINDS);
				else if (ALL_KINDS.includes(f))
					want.push(f);
				else
					throw new Error('unknown fault ' + f);
			}
			if (want.length === 0)
				throw new Error('faults: an empty list');
			cfg.faults = want;
			break;
		}
		case 'ops':
			cfg.ops = v === null || v === '' ? null :
			    Array.isArray(v) ? v : String(v).split(',');
			break;
		case 'script': {
			let s = v;
			if (typeof s === 'string')
				s = JSON.parse(s.startsWith('@') ?
				    fs.readFileSync(s.slice(1), 'utf8') : s);
			if (!Array.isArray(s))
				throw new Error('script: a JSON array');
			for (const e of s)
				if (e === null || typeof e !== 'object' ||
				    (e.fault !== 'pass' &&
				    !ALL_KINDS.includes(e.fault)))
					throw new Error('script: bad entry ' +
					    JSON.stringify(e));
			cfg.script = s.map((e) => ({
				fault: e.fault,
				op: e.op || null,
				times: e.times === undefined ? 1 : e.times,
				skip: e.skip || 0,
			}));
			break;
		}
		case 'clock_skew':
			cfg.clockSkew = Number(v);
			break;
		case 'skew':
			cfg.skew = Number(v);
			break;
		case 'stall_ms':
			cfg.stallMs = Number(v);
			break;
		case 'slow_ms':
			cfg.slowMs = Number(v);
			break;
		case 'max_body':
			cfg.maxBody = Number(v);
			break;
		case 'reset':
			if (v)
				resetStats();
			break;
		default:
			throw new Error('unknown setting ' + k);
		}
	}
}

// ---- choosing a fault ---------------------------------------------------

// The fate of one request of operation op: a fault kind or "ok".
function choose(op)
{
	for (const e of cfg.script) {
		if (e.op !== null && e.op !== op)
			continue;
		if (e.skip > 0) {
			e.skip--;
			return 'ok';
		}
		if (e.times > 0) {
			e.times--;
			return e.fault === 'pass' ? 'ok' : e.fault;
		}
	}
	if (cfg.rate <= 0 || (cfg.ops !== null && !cfg.ops.includes(op)))
		return 'ok';
	// Draw both numbers always, so one seed gives one sequence whatever
	// the operations are.
	const hit = random() < cfg.rate;
	const pick = random();
	if (!hit)
		return 'ok';
	const kinds = cfg.faults.filter((k) => !k.startsWith('unprocessed') ||
	    BATCH_OPS.includes(op));
	if (kinds.length === 0)
		return 'ok';
	return kinds[Math.floor(pick * kinds.length)];
}

// ---- talking to the server ------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

// Send a request on to the server; resolves to {status, headers, body}.
function forward(req, body)
{
	const u = cfg.upstream;
	const headers = Object.assign({}, req.headers);
	headers['content-length'] = String(body.length);
	delete headers.connection;
	delete headers['keep-alive'];
	delete headers.expect;
	return new Promise((resolve, reject) => {
		const up = http.request({
			host: u.hostname, port: u.port, path: req.url,
			method: req.method, headers, agent,
		}, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({
				status: res.statusCode,
				headers: res.headers,
				body: Buffer.concat(chunks),
			}));
			res.on('error', reject);
		});
		up.on('error', reject);
		up.end(body);
	});
}

// The headers of an answer to the client, with a fresh length and CRC.
function answerHeaders(up, body, keepCrc)
{
	const h = {};
	for (const [k, v] of Object.entries(up || {})) {
		if (['connection', 'keep-alive', 'transfer-encoding',
		    'content-length', 'date'].includes(k))
			continue;
		h[k] = v;
	}
	h['content-length'] = String(body.length);
	if (!keepCrc)
		h['x-amz-crc32'] = String(crc32(body));
	h.date = new Date(Date.now() + cfg.clockSkew * 1000).toUTCString();
	return h;
}

// Answer with a status and body (JSON bodies get the server's headers).
function reply(res, status, body, contentType, extra)
{
	const b = Buffer.from(body);
	const h = {
		'content-type': contentType,
		'x-amzn-requestid': 'FAULT' + stats.total,
	};
	Object.assign(h, answerHeaders(h, b, false), extra || {});
	if (!contentType.startsWith('application/x-amz-json'))
		delete h['x-amz-crc32'];
	res.writeHead(status, h);
	res.end(b);
}

function replyJson(res, status, type, message, extra)
{
	const o = { __type: type };
	if (message !== null)
		o.message = message;
	reply(res, status, JSON.stringify(o), 'application/x-amz-json-1.0',
	    extra);
}

function replyHtml(res, status, text)
{
	reply(res, status, htmlPage(status, text), 'text/html');
}

// Reset the client's connection (an RST, not a FIN).
function resetSocket(res)
{
	const s = res.socket;
	if (s === null)
		return;
	if (typeof s.resetAndDestroy === 'function')
		s.resetAndDestroy();
	else
		s.destroy();
}

// Send an upstream answer on, as it came.
function relay(res, up)
{
	res.writeHead(up.status, answerHeaders(up.headers, up.body, false));
	res.end(up.body);
}

// BatchWriteItem / BatchGetItem with part of the entries held back.
async function unprocessed(req, res, op, body, all)
{
	const doc = JSON.parse(body.toString('utf8'));
	const send = {}, held = {};
	let nsend = 0;

	for (const [table, v] of Object.entries(doc.RequestItems || {})) {
		const list = op === 'BatchGetItem' ? v.Keys : v;
		const keep = all ? 0 : Math.floor(list.length / 2);
		const a = list.slice(0, keep), b = list.slice(keep);
		if (op === 'BatchGetItem') {
			if (a.length > 0)
				send[table] = Object.assign({}, v, { Keys: a });
			if (b.length > 0)
				held[table] = Object.assign({}, v, { Keys: b });
		} else {
			if (a.length > 0)
				send[table] = a;
			if (b.length > 0)
				held[table] = b;
		}
		nsend += a.length;
	}
	const heldName = op === 'BatchGetItem' ? 'UnprocessedKeys' :
	    'UnprocessedItems';
	let out;
	if (nsend === 0) {
		out = op === 'BatchGetItem' ? { Responses: {} } : {};
		out[heldName] = held;
	} else {
		const fwd = Object.assign({}, doc, { RequestItems: send });
		const up = await forward(req, Buffer.from(JSON.stringify(fwd)));
		bump(stats.forwarded, op);
		if (up.status !== 200) {
			relay(res, up);
			return;
		}
		out = JSON.parse(up.body.toString('utf8'));
		const merged = out[heldName] || {};
		for (const [table, v] of Object.entries(held)) {
			if (op === 'BatchGetItem') {
				if (merged[table])
					merged[table].Keys.push(...v.Keys);
				else
					merged[table] = v;
			} else {
				merged[table] = (merged[table] || []).concat(v);
			}
		}
		out[heldName] = merged;
	}
	reply(res, 200, JSON.stringify(out), 'application/x-amz-json-1.0');
}

// One DynamoDB request: count it, pick its fate, carry it out.
async function handle(req, res, body)
{
	const target = String(req.headers['x-amz-target'] || '');
	const op = target.includes('.') ? target.split('.').pop() : '?';
	stats.total++;
	bump(stats.requests, op);
	if (/"ReturnConsumedCapacity"\s*:\s*"(TOTAL|INDEXES)"/.test(
	    body.toString('utf8')))
		bump(stats.capacity, op);
	if (req.headers['x-amz-security-token'] !== undefined) {
		stats.with_token++;
		stats.token = req.headers['x-amz-security-token'];
	}

	// A body over max_body is refused as DynamoDB refuses an oversized
	// item, without troubling the server (dynalite takes ~30 s over a
	// 10 MB item).
	if (cfg.maxBody > 0 && body.length > cfg.maxBody) {
		stats.too_large++;
		note(op, 'too_large');
		replyJson(res, 400, 'com.amazonaws.dynamodb.v20120810#' +
		    'ValidationException', 'Item size has exceeded the ' +
		    'maximum allowed size');
		return;
	}

	// A server whose clock is ahead refuses stale signatures first.
	if (cfg.clockSkew !== 0) {
		const now = Date.now() + cfg.clockSkew * 1000;
		const sent = parseAmzDate(req.headers['x-amz-date']);
		if (!(Math.abs(now - sent) <= 5 * 60 * 1000)) {
			note(op, 'clock');
			replyJson(res, 400,
			    'com.amazon.coral.service#InvalidSignatureException',
			    'Signature expired: ' + amzDate(sent) + ' is now ' +
			    'earlier than ' + amzDate(now - 300000) + ' (' +
			    amzDate(now) + ' - 5 min.)');
			return;
		}
	}

	let fate = choose(op);
	if (fate.startsWith('unprocessed') && !BATCH_OPS.includes(op))
		fate = 'ok';
	note(op, fate);
	if (fate !== 'ok') {
		bump(stats.faults, fate);
		stats.byop[op] = stats.byop[op] || {};
		bump(stats.byop[op], fate);
	}

	switch (fate) {
	case 'throttle':
		return replyJson(res, 400, 'com.amazonaws.dynamodb.v20120810#' +
		    'ProvisionedThroughputExceededException', 'The level of ' +
		    'configured provisioned throughput for the table was ' +
		    'exceeded. Consider increasing your provisioning level ' +
		    'with the UpdateTable API.');
	case 'throttling':
		return replyJson(res, 400,
		    'com.amazon.coral.availability#ThrottlingException',
		    'Rate of requests exceeds the allowed throughput.');
	case 'limit':
		return replyJson(res, 400, 'com.amazonaws.dynamodb.v20120810#' +
		    'RequestLimitExceeded', 'Throughput exceeds the current ' +
		    'throughput limit for your account. Please contact AWS ' +
		    'Support at https://aws.amazon.com/support request a ' +
		    'limit increase');
	case 'http429':
		return replyHtml(res, 429, 'Too Many Requests');
	case 'e502':
		return reply(res, 502, '{"message": "Bad Gateway"}',
		    'application/json');
	case 'e502html':
		return replyHtml(res, 502, 'Bad Gateway');
	case 'e503':
		return replyJson(res, 503, 'com.amazonaws.dynamodb.v20120810#' +
		    'ServiceUnavailable', 'The service is currently ' +
		    'unavailable or busy.');
	case 'e503html':
		return replyHtml(res, 503, 'Service Temporarily Unavailable');
	case 'reset_before':
		return resetSocket(res);
	case 'skew': {
		const now = Date.now() + cfg.skew * 1000;
		return replyJson(res, 400,
		    'com.amazon.coral.service#InvalidSignatureException',
		    'Signature expired: ' + req.headers['x-amz-date'] +
		    ' is now earlier than ' + amzDate(now - 300000) + ' (' +
		    amzDate(now) + ' - 5 min.)',
		    { date: new Date(now).toUTCString() });
	}
	case 'stall':
		setTimeout(() => resetSocket(res), cfg.stallMs);
		return;
	case 'unprocessed':
	case 'unprocessed_all':
		return unprocessed(req, res, op, body,
		    fate === 'unprocessed_all');
	default:
		break;
	}

	// The rest see the server's answer first.
	const up = await forward(req, body);
	bump(stats.forwarded, op);
	switch (fate) {
	case 'ok':
		return relay(res, up);
	case 'slow':
		setTimeout(() => relay(res, up), cfg.slowMs);
		return;
	case 'e500':
		return replyJson(res, 500, 'com.amazonaws.dynamodb.v20120810#' +
		    'InternalServerError', 'Internal server error');
	case 'e500html':
		return replyHtml(res, 500, 'Internal Server Error');
	case 'e504':
		return reply(res, 504, '{"message": "Endpoint request timed ' +
		    'out"}', 'application/json');
	case 'e504html':
		return replyHtml(res, 504, 'Gateway Time-out');
	case 'reset_after':
		return resetSocket(res);
	case 'truncate': {
		res.writeHead(up.status, answerHeaders(up.headers, up.body,
		    false));
		const half = up.body.subarray(0, Math.floor(up.body.length / 2));
		// The first half, then a clean close: "transfer closed with
		// outstanding read data remaining".
		res.write(half, () => res.socket && res.socket.destroy());
		return;
	}
	case 'crc': {
		const b = Buffer.from(up.body);
		const h = answerHeaders(up.headers, up.body, false);
		// Change one letter past the middle; the JSON stays valid, so
		// only the CRC can tell.
		let i = Math.floor(b.length / 2);
		while (i < b.length && !(b[i] >= 0x61 && b[i] <= 0x7a))
			i++;
		if (i === b.length)
			i = b.length - 1;
		b[i] = b[i] === 0x7a ? 0x61 : b[i] + 1;
		res.writeHead(up.status, h);
		res.end(b);
		return;
	}
	default:
		throw new Error('no such fault ' + fate);
	}
}

function note(op, fate)
{
	stats.last[op] = fate;
	stats.sequence.push([op, fate]);
	if (logFd !== null)
		fs.writeSync(logFd, stats.total + ' ' + op + ' ' + fate + '\n');
}

// The control endpoint.
function control(req, res, body)
{
	const send = (status, o) => {
		const b = Buffer.from(JSON.stringify(o) + '\n');
		res.writeHead(status, { 'content-type': 'application/json',
		    'content-length': b.length });
		res.end(b);
	};
	try {
		if (req.url === '/__fault/stats')
			return send(200, stats);
		if (req.url === '/__fault/reset' && req.method === 'POST') {
			resetStats();
			return send(200, { ok: true });
		}
		if (req.url === '/__fault/config' && req.method === 'POST') {
			configure(JSON.parse(body.toString('utf8') || '{}'));
			return send(200, { ok: true });
		}
		return send(404, { error: 'no such control ' + req.url });
	} catch (e) {
		return send(400, { error: e.message });
	}
}

// ---- main -----------------------------------------------------------------

function parseArgs(argv)
{
	const o = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const v = argv[i + 1];
		const need = () => {
			if (v === undefined)
				throw new Error(a + ' needs a value');
			i++;
			return v;
		};
		switch (a) {
		case '--upstream': cfg.upstream = new URL(need()); break;
		case '--port': cfg.port = Number(need()); break;
		case '--rate': o.rate = Number(need()); break;
		case '--seed': o.seed = need(); break;
		case '--faults': o.faults = need(); break;
		case '--ops': o.ops = need(); break;
		case '--script': o.script = need(); break;
		case '--clock-skew': o.clock_skew = need(); break;
		case '--skew': o.skew = need(); break;
		case '--stall-ms': o.stall_ms = need(); break;
		case '--slow-ms': o.slow_ms = need(); break;
		case '--max-body': o.max_body = need(); break;
		case '--log': cfg.log = need(); break;
		case '--port-file': cfg.portFile = need(); break;
		case '--parent': cfg.parent = Number(need()); break;
		default: throw new Error('unknown option ' + a);
		}
	}
	configure(o);
	if (cfg.upstream === null)
		throw new Error('--upstream URL is required');
	if (cfg.upstream.protocol !== 'http:' ||
	    !['127.0.0.1', 'localhost', '[::1]'].includes(cfg.upstream.hostname))
		throw new Error('--upstream must be http:// on loopback');
}

// node proxy.js ctl PORT stats|reset|config JSON: talk to a running proxy.
function ctl(argv)
{
	const [port, what, arg] = argv;
	const path = '/__fault/' + what;
	const body = Buffer.from(what === 'config' ? (arg || '{}') : '');
	const req = http.request({
		host: '127.0.0.1', port: Number(port), path,
		method: what === 'stats' ? 'GET' : 'POST',
		headers: { 'content-length': body.length },
	}, (res) => {
		let s = '';
		res.on('data', (c) => { s += c; });
		res.on('end', () => {
			process.stdout.write(s);
			process.exit(res.statusCode === 200 ? 0 : 1);
		});
	});
	req.on('error', (e) => {
		console.error('proxy ctl: ' + e.message);
		process.exit(1);
	});
	req.end(body);
}

function main()
{
	const argv = process.argv.slice(2);
	if (argv[0] === 'ctl')
		return ctl(argv.slice(1));
	try {
		parseArgs(argv);
	} catch (e) {
		console.error('proxy: ' + e.message);
		process.exit(2);
	}
	if (cfg.log !== null)
		logFd = fs.openSync(cfg.log, 'a');

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const run = req.url.startsWith('/__fault/') ?
			    Promise.resolve(control(req, res, body)) :
			    handle(req, res, body);
			run.catch((e) => {
				// The server went away or a body was not JSON:
				// a 500 the test will notice.
				console.error('proxy: ' + e.stack);
				if (!res.headersSent)
					replyHtml(res, 500, 'proxy error');
			});
		});
	});
	// Keep idle connections as long as a client would.
	server.keepAliveTimeout = 120000;
	server.headersTimeout = 130000;
	server.requestTimeout = 0;
	server.listen(cfg.port, '127.0.0.1', () => {
		const port = server.address().port;
		if (cfg.portFile !== null)
			fs.writeFileSync(cfg.portFile, port + '\n');
		process.stdout.write('listening ' + port + '\n');
	});
	const stop = () => {
		server.close();
		if (typeof server.closeAllConnections === 'function')
			server.closeAllConnections();
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	if (cfg.parent > 0)
		setInterval(() => {
			try {
				process.kill(cfg.parent, 0);
			} catch (e) {
				stop();
			}
		}, 1000).unref();
}

main();
