// SPDX-License-Identifier: ISC
// A stand-in for the ECS / CodeBuild / EKS container credential endpoint
// on loopback. The path picks the answer: /creds/ok, /creds/expired,
// /creds/malformed, /creds/slow (answers after 20 s), /creds/500 (always
// 500), /creds/flaky (500, then fresh credentials), /creds/auth (wants
// Authorization equal to STANDIN_AUTH_TOKEN, else 401).
'use strict';
const keys = require('./keys');

function credsJson(k) {
	return JSON.stringify({
		RoleArn: 'arn:aws:iam::123456789012:role/task-role',
		AccessKeyId: k.id,
		SecretAccessKey: k.secret,
		Token: k.token,
		Expiration: keys.iso(k.expires),
	});
}

module.exports = function container(log) {
	let flaky = 0;
	return (req, res) => {
		const send = (status, body) => {
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(body);
		};
		const path = req.url.replace(/\?.*$/, '');
		const auth = req.headers.authorization;
		log(`container ${req.method} ${path}` +
		    (auth ? ' with authorization' : ''));
		if (req.method !== 'GET')
			return send(405, '{"message": "GET only"}');
		const arn = 'arn:aws:sts::123456789012:assumed-role/task-role/ecs';
		switch (path) {
		case '/creds/ok':
			return send(200, credsJson(keys.issue('ctr', arn)));
		case '/creds/expired':
			return send(200, credsJson(keys.issue('ctr', arn, 120)));
		case '/creds/malformed':
			return send(200, '{"AccessKeyId": "ASIABROKEN", ' +
			    '"SecretAccessKey": "broken-secret", "Token": ');
		case '/creds/slow':
			setTimeout(() => send(200, credsJson(keys.issue('ctr', arn))),
			    20000).unref();
			return;
		case '/creds/500':
			return send(500, '{"message": "agent is restarting"}');
		case '/creds/flaky':
			if (flaky++ % 2 === 0)
				return send(500, '{"message": "try again"}');
			return send(200, credsJson(keys.issue('ctr', arn)));
		case '/creds/auth':
			if (auth !== process.env.STANDIN_AUTH_TOKEN)
				return send(401, '{"message": "bad authorization token"}');
			return send(200, credsJson(keys.issue('ctr', arn)));
		default:
			return send(404, '{"message": "no such path"}');
		}
	};
};
