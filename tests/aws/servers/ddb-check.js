// SPDX-License-Identifier: ISC
// A front for the suite's dynalite that checks what dynalite does not:
// every request's SigV4 signature (service dynamodb) with the known keys,
// and that a temporary key is still accepted (keys.js: STANDIN_USABLE);
// then it forwards the request. STANDIN_QUERY_LIMIT adds a Limit to Query
// requests that have none (long paginated lists from little data);
// STANDIN_DELAY_MS delays every request.
'use strict';
const http = require('http');
const { verify } = require('./sigv4');
const keys = require('./keys');

module.exports = function ddbCheck(log, target) {
	const t = new URL(target);
	return (req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			let body = Buffer.concat(chunks);
			const op = String(req.headers['x-amz-target'] || '')
			    .replace(/^.*\./, '');
			const refuse = (type, message) => {
				log(`ddb ${op} refused ${type}`);
				res.writeHead(400, {
				    'Content-Type': 'application/x-amz-json-1.0' });
				res.end(JSON.stringify({
				    __type: 'com.amazon.coral.service#' + type, message }));
			};
			const v = verify(req, body, keys.lookup, { service: 'dynamodb' });
			if (!v.ok)
				return refuse(v.code === 'InvalidClientTokenId' ?
				    'UnrecognizedClientException' :
				    'InvalidSignatureException', v.message);
			if (v.key.usableUntil !== undefined &&
			    v.key.usableUntil < Date.now())
				return refuse('ExpiredTokenException', 'The security ' +
				    'token included in the request is expired');
			log(`ddb ${op} by ${v.akid} ok`);
			const limit = Number(process.env.STANDIN_QUERY_LIMIT || 0);
			if (limit > 0 && op === 'Query') {
				const j = JSON.parse(body.toString('utf8'));
				if (j.Limit === undefined) {
					j.Limit = limit;
					body = Buffer.from(JSON.stringify(j));
				}
			}
			const headers = { ...req.headers, host: t.host,
			    'content-length': body.length };
			const go = () => {
				const out = http.request({ host: t.hostname, port: t.port,
				    path: req.url, method: req.method, headers }, (r) => {
					res.writeHead(r.statusCode, r.headers);
					r.pipe(res);
				});
				out.on('error', (e) => {
					res.writeHead(502);
					res.end(String(e));
				});
				out.end(body);
			};
			setTimeout(go, Number(process.env.STANDIN_DELAY_MS || 0));
		});
	};
};
