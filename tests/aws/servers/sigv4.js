// SPDX-License-Identifier: ISC
// SigV4 checking for the stand-in servers: the canonical request, the
// string to sign and the signature, computed here from the request as it
// arrived (node's crypto), never from the client's code.
'use strict';
const crypto = require('crypto');

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

// RFC 3986 encoding as SigV4 wants it.
function uriEncode(s, keepSlash) {
	let out = '';
	for (const b of Buffer.from(s, 'utf8')) {
		const c = String.fromCharCode(b);
		if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === '/'))
			out += c;
		else
			out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
	}
	return out;
}

// The canonical URI of a non-S3 service: the path normalised, then
// encoded (the path on the wire is encoded once already: twice in all).
function canonicalUri(path) {
	const segs = [];
	for (const s of path.split('/')) {
		if (s === '..')
			segs.pop();
		else if (s !== '.' && s !== '')
			segs.push(s);
	}
	let p = '/' + segs.join('/');
	if (path.endsWith('/') && p !== '/')
		p += '/';
	return uriEncode(p, true);
}

function canonicalQuery(q) {
	if (!q)
		return '';
	return q.split('&').filter((x) => x !== '').map((kv) => {
		const i = kv.indexOf('=');
		const k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
		const v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));
		return [uriEncode(k, false), uriEncode(v, false)];
	}).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 :
	    a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)
	    .map(([k, v]) => k + '=' + v).join('&');
}

// Header values as received (rawHeaders), lower-case names, repeated
// headers joined with ','.
function headerMap(req) {
	const m = new Map();
	for (let i = 0; i < req.rawHeaders.length; i += 2) {
		const k = req.rawHeaders[i].toLowerCase();
		const v = req.rawHeaders[i + 1].trim().replace(/\s+/g, ' ');
		m.set(k, m.has(k) ? m.get(k) + ',' + v : v);
	}
	return m;
}

// Check a request. lookup(akid) gives { secret, token } or null.
// Returns { ok: true, akid, region, service, date } or
// { ok: false, status, code, message }.
function verify(req, body, lookup, want) {
	const deny = (status, code, message) =>
	    ({ ok: false, status, code, message });
	const h = headerMap(req);
	const auth = h.get('authorization');
	if (!auth)
		return deny(403, 'MissingAuthenticationToken',
		    'Request is missing Authentication Token');
	const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
	if (!m)
		return deny(400, 'IncompleteSignature',
		    'Authorization header is not SigV4');
	const [, akid, date, region, service, signed, signature] = m;
	if (want.service && service !== want.service)
		return deny(403, 'SignatureDoesNotMatch',
		    `scope service ${service}, expected ${want.service}`);
	if (want.region && region !== want.region)
		return deny(403, 'SignatureDoesNotMatch',
		    `scope region ${region}, expected ${want.region}`);
	const amzDate = h.get('x-amz-date');
	if (!amzDate || !amzDate.startsWith(date))
		return deny(403, 'IncompleteSignature', 'X-Amz-Date missing or ' +
		    'not the scope date');
	const t = Date.parse(amzDate.replace(
	    /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
	const now = want.now !== undefined ? want.now : Date.now();
	if (!(Math.abs(now - t) < 15 * 60 * 1000))
		return deny(403, 'SignatureDoesNotMatch', 'Signature expired');
	const names = signed.split(';');
	for (const need of ['host', 'x-amz-date'])
		if (!names.includes(need))
			return deny(403, 'SignatureDoesNotMatch',
			    `${need} is not signed`);
	if (h.has('x-amz-security-token') &&
	    !names.includes('x-amz-security-token'))
		return deny(403, 'SignatureDoesNotMatch',
		    'x-amz-security-token is not signed');
	const key = lookup(akid);
	if (!key)
		return deny(403, 'InvalidClientTokenId', 'The security token ' +
		    'included in the request is invalid.');
	if ((key.token || null) !== (h.get('x-amz-security-token') || null))
		return deny(403, 'InvalidClientTokenId', 'The session token ' +
		    'does not go with the access key');
	const qi = req.url.indexOf('?');
	const creq = [
		req.method,
		canonicalUri(qi < 0 ? req.url : req.url.slice(0, qi)),
		canonicalQuery(qi < 0 ? '' : req.url.slice(qi + 1)),
		names.map((n) => n + ':' + (h.get(n) || '') + '\n').join(''),
		signed,
		sha256(body),
	].join('\n');
	const sts = ['AWS4-HMAC-SHA256', amzDate,
	    `${date}/${region}/${service}/aws4_request`, sha256(creq)].join('\n');
	let k = hmac('AWS4' + key.secret, date);
	k = hmac(k, region);
	k = hmac(k, service);
	k = hmac(k, 'aws4_request');
	const expect = crypto.createHmac('sha256', k).update(sts).digest('hex');
	if (!crypto.timingSafeEqual(Buffer.from(expect), Buffer.from(signature)))
		return deny(403, 'SignatureDoesNotMatch', 'The request ' +
		    'signature we calculated does not match the signature ' +
		    'you provided.');
	return { ok: true, akid, region, service, date, key };
}

// The AWS vectors (tests/data/sigv4) whose signed requests are plain
// HTTP/1.1: each must verify, and fail once its body or a signed header
// is changed. Returns the list of failures.
function selftest(dir) {
	const fs = require('fs');
	const path = require('path');
	const bad = [];
	let n = 0;
	for (const name of fs.readdirSync(dir).sort()) {
		const f = path.join(dir, name, 'header-signed-request.txt');
		if (!fs.existsSync(f))
			continue;
		const text = fs.readFileSync(f, 'utf8');
		const ctx = JSON.parse(fs.readFileSync(path.join(dir, name,
		    'context.json'), 'utf8'));
		// multi-line header values are not what HTTP/1.1 sends; S3's
		// unnormalised paths are not signed by the program; a token
		// left out of the signature is refused on purpose
		if (/\n[ \t]/.test(text.split('\n\n')[0]) || !ctx.normalize ||
		    name === 'post-sts-header-after')
			continue;
		const [head, ...rest] = text.split('\n\n');
		const lines = head.split('\n');
		const method = lines[0].slice(0, lines[0].indexOf(' '));
		const target = lines[0].slice(method.length + 1,
		    lines[0].lastIndexOf(' '));
		const raw = [];
		for (const l of lines.slice(1)) {
			const i = l.indexOf(':');
			raw.push(l.slice(0, i), l.slice(i + 1));
		}
		const body = Buffer.from(rest.join('\n\n'), 'utf8');
		const req = { method, url: target, rawHeaders: raw };
		const c = ctx.credentials;
		const lookup = (id) => id === c.access_key_id ?
		    { secret: c.secret_access_key, token: c.token } : null;
		const want = { now: Date.parse(ctx.timestamp) };
		const r = verify(req, body, lookup, want);
		n++;
		if (!r.ok)
			bad.push(`${name}: ${r.code} ${r.message}`);
		const r2 = verify(req, Buffer.concat([body, Buffer.from('x')]),
		    lookup, want);
		if (r2.ok)
			bad.push(`${name}: accepted a changed body`);
		const raw3 = raw.slice();
		const di = raw3.findIndex((x) => x.toLowerCase() === 'host');
		raw3[di + 1] = 'evil.example.com';
		if (verify({ method, url: target, rawHeaders: raw3 }, body,
		    lookup, want).ok)
			bad.push(`${name}: accepted a changed Host`);
	}
	if (n < 25)
		bad.push(`only ${n} vectors checked`);
	return { checked: n, bad };
}

module.exports = { verify, sha256, canonicalUri, canonicalQuery, uriEncode,
    selftest };

if (require.main === module && process.argv[2] === '--selftest') {
	const r = selftest(process.argv[3]);
	console.log(`${r.checked} vectors checked`);
	for (const b of r.bad)
		console.log('FAIL ' + b);
	process.exit(r.bad.length ? 1 : 0);
}
