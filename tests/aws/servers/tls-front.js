// SPDX-License-Identifier: ISC
// An HTTPS front with a certificate the test made (its own CA), forwarding
// every request to a plain-http server on loopback (dynalite).
'use strict';
const http = require('http');

module.exports = function tlsFront(log, target) {
	const t = new URL(target);
	return (req, res) => {
		log(`tls ${req.method} ${req.url} for ${req.headers.host}`);
		const out = http.request({ host: t.hostname, port: t.port,
		    path: req.url, method: req.method,
		    headers: { ...req.headers, host: t.host } }, (r) => {
			res.writeHead(r.statusCode, r.headers);
			r.pipe(res);
		});
		out.on('error', (e) => {
			res.writeHead(502);
			res.end(String(e));
		});
		req.pipe(out);
	};
};
