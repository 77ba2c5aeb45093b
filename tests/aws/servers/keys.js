// SPDX-License-Identifier: ISC
// The stand-ins' shared registry of AWS keys: the suite's long-term test
// keys and every temporary key the stand-ins hand out, with when each was
// issued, when it says it expires and until when it is accepted.
'use strict';
const crypto = require('crypto');

// Long-term keys the tests configure (secrets are test values only).
const BASE = {
	AKIDTESTONLY: 'test-secret-key-do-not-log',	// tests/with-dynalite's
	AKIDSTANDIN: 'standin-secret-do-not-log',
	AKIDSOURCE2: 'source2-secret-do-not-log',
};

const issued = new Map();
let serial = 0;

// Seconds a temporary key says it lives (STANDIN_LIFETIME, default 3600)
// and seconds it is accepted (STANDIN_USABLE, default: its lifetime).
function lifetime() {
	return Number(process.env.STANDIN_LIFETIME || 3600);
}
function usable() {
	return Number(process.env.STANDIN_USABLE || lifetime());
}

// A new temporary key; expiredAgo > 0 makes one that expired already.
function issue(kind, arn, expiredAgo) {
	serial++;
	const id = 'ASIA' + kind.toUpperCase().slice(0, 6) + String(serial)
	    .padStart(6, '0');
	const now = Date.now();
	const k = {
		id,
		secret: 'tmpsecret-' + crypto.randomBytes(12).toString('hex'),
		token: 'tmptoken-' + crypto.randomBytes(24).toString('base64'),
		arn,
		issued: now,
		expires: expiredAgo ? now - expiredAgo * 1000 :
		    now + lifetime() * 1000,
		usableUntil: expiredAgo ? now - expiredAgo * 1000 :
		    now + usable() * 1000,
	};
	issued.set(id, k);
	return k;
}

// The key for an access key id: { secret, token, arn, ... } or null.
function lookup(id) {
	if (BASE[id])
		return { secret: BASE[id], token: null,
		    arn: `arn:aws:iam::123456789012:user/${id.toLowerCase()}` };
	return issued.get(id) || null;
}

// ISO-8601 without milliseconds, as STS writes it.
function iso(ms) {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

module.exports = { issue, lookup, iso, BASE };
