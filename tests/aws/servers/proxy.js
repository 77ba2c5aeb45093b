// SPDX-License-Identifier: ISC
// An HTTPS proxy (HTTP CONNECT) that tunnels to loopback only, logging
// each tunnel; what curl does with HTTPS_PROXY and NO_PROXY shows in it.
'use strict';
const net = require('net');

module.exports = function proxy(log, server) {
	server.on('connect', (req, sock, head) => {
		const m = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(req.url);
		log(`proxy CONNECT ${req.url}` + (m ? '' : ' refused'));
		if (!m) {
			sock.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		const up = net.connect(Number(m[2]), '127.0.0.1', () => {
			sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			up.write(head);
			up.pipe(sock);
			sock.pipe(up);
		});
		up.on('error', () => sock.destroy());
		sock.on('error', () => up.destroy());
	});
	return (req, res) => {
		log(`proxy ${req.method} ${req.url} refused`);
		res.writeHead(405);
		res.end('CONNECT only');
	};
};
