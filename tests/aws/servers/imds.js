// SPDX-License-Identifier: ISC
// A stand-in for the EC2 instance metadata service (IMDSv2) on loopback.
// POST /__mode with one word sets how it answers: ok (the default),
// v1only (the token request is refused with 403, IMDSv1 works), expired,
// malformed, slow (the credentials come after 20 s), norole (404).
'use strict';
const crypto = require('crypto');
const keys = require('./keys');

const ROLE = 'standin-instance-role';
const BASE = '/latest/meta-data/iam/security-credentials/';

module.exports = function imds(log) {
	let mode = 'ok';
	const tokens = new Set();
	return (req, res) => {
		const send = (status, body, type) => {
			res.writeHead(status, { 'Content-Type': type || 'text/plain' });
			res.end(body);
		};
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8').trim();
			if (req.method === 'POST' && req.url === '/__mode') {
				mode = body;
				log(`imds mode ${mode}`);
				return send(200, mode);
			}
			const token = req.headers['x-aws-ec2-metadata-token'];
			const v2 = token !== undefined && tokens.has(token);
			log(`imds ${req.method} ${req.url}` + (token === undefined ?
			    ' without token' : v2 ? ' with token' : ' with a bad token'));
			if (req.method === 'PUT' && req.url === '/latest/api/token') {
				if (mode === 'v1only')
					return send(403, 'Forbidden');
				const ttl = Number(req.headers[
				    'x-aws-ec2-metadata-token-ttl-seconds']);
				if (!(ttl >= 1 && ttl <= 21600))
					return send(400, 'Bad Request');
				const t = 'imdsv2-' + crypto.randomBytes(16).toString('hex');
				tokens.add(t);
				return send(200, t);
			}
			if (req.method !== 'GET')
				return send(405, 'Method Not Allowed');
			if (token !== undefined && !v2)
				return send(401, 'Unauthorized');
			if (token === undefined && mode !== 'v1only')
				return send(401, 'Unauthorized');
			if (req.url === BASE)
				return mode === 'norole' ? send(404, 'Not Found') :
				    send(200, ROLE);
			if (req.url !== BASE + ROLE)
				return send(404, 'Not Found');
			const k = keys.issue('imds', 'arn:aws:sts::123456789012:' +
			    `assumed-role/${ROLE}/i-0standin`, mode === 'expired' ? 300 : 0);
			const doc = JSON.stringify({
				Code: 'Success',
				LastUpdated: keys.iso(Date.now()),
				Type: 'AWS-HMAC',
				AccessKeyId: k.id,
				SecretAccessKey: k.secret,
				Token: k.token,
				Expiration: keys.iso(k.expires),
			});
			if (mode === 'malformed')
				return send(200, doc.slice(0, doc.length / 2));
			if (mode === 'slow') {
				setTimeout(() => send(200, doc), 20000).unref();
				return;
			}
			return send(200, doc);
		});
	};
};
