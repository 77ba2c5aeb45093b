// SPDX-License-Identifier: ISC
// Starts the stand-in servers the AWS tests ask for, each on its own
// 127.0.0.1 port, and prints {"sts": PORT, ...} as one line. Arguments:
//   --sts  --container  --imds  --proxy
//   --ddb URL           the signature-checking front for dynalite at URL
//   --tls URL --key F --cert F   an HTTPS front for URL
//   --log FILE          one line per request (never a secret)
// Runs until killed. Nothing listens on any address but 127.0.0.1.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const args = process.argv.slice(2);
const opt = (name) => {
	const i = args.indexOf(name);
	return i < 0 ? null : (args[i + 1] || '');
};
const has = (name) => args.includes(name);
const logFile = opt('--log');
const log = (line) => {
	if (logFile)
		fs.appendFileSync(logFile, line + '\n');
};

const want = [];
if (has('--sts'))
	want.push(['sts', http.createServer(require('./sts')(log))]);
if (has('--container'))
	want.push(['container', http.createServer(require('./container')(log))]);
if (has('--imds'))
	want.push(['imds', http.createServer(require('./imds')(log))]);
if (opt('--ddb'))
	want.push(['ddb', http.createServer(require('./ddb-check')(log,
	    opt('--ddb')))]);
if (opt('--tls'))
	want.push(['tls', https.createServer({ key: fs.readFileSync(opt('--key')),
	    cert: fs.readFileSync(opt('--cert')) },
	    require('./tls-front')(log, opt('--tls')))]);
if (has('--proxy')) {
	const s = http.createServer();
	s.on('request', require('./proxy')(log, s));
	want.push(['proxy', s]);
}

const ports = {};
let left = want.length;
for (const [name, server] of want) {
	server.on('clientError', (e, sock) => {
		log(`${name} client error: ${e.code || e.message}`);
		sock.destroy();
	});
	server.listen(0, '127.0.0.1', () => {
		ports[name] = server.address().port;
		if (--left === 0)
			console.log(JSON.stringify(ports));
	});
}
if (want.length === 0)
	console.log('{}');
process.on('SIGTERM', () => process.exit(0));
