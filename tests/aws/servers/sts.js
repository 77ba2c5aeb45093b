// SPDX-License-Identifier: ISC
// A stand-in for AWS STS's Query API on loopback: AssumeRole and
// GetCallerIdentity (SigV4 checked with the known keys) and
// AssumeRoleWithWebIdentity (unsigned, the token checked). The role's
// name picks the answer: .../role/expired, /malformed, /slow, /denied,
// /mfa (wants SerialNumber and TokenCode 123456), /external (wants
// ExternalId ext-42); any other name gets fresh credentials.
'use strict';
const { verify } = require('./sigv4');
const keys = require('./keys');

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
// The token a web identity request must carry (the test writes it).
const WEB_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.standin-web-identity.c2ln';

function xmlEscape(s) {
	return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;')
	    .replace(/>/g, '&gt;');
}

function errorXml(code, message) {
	return `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>Sender` +
	    `</Type>\n    <Code>${code}</Code>\n    <Message>` +
	    `${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>` +
	    `standin</RequestId>\n</ErrorResponse>\n`;
}

function credsXml(action, k, role, session) {
	return `<${action}Response xmlns="${NS}">\n  <${action}Result>\n` +
	    `    <AssumedRoleUser>\n      <AssumedRoleId>AROASTANDIN:` +
	    `${xmlEscape(session)}</AssumedRoleId>\n      <Arn>` +
	    `${xmlEscape(k.arn)}</Arn>\n    </AssumedRoleUser>\n` +
	    `    <Credentials>\n      <AccessKeyId>${k.id}</AccessKeyId>\n` +
	    `      <SecretAccessKey>${xmlEscape(k.secret)}</SecretAccessKey>\n` +
	    `      <SessionToken>${xmlEscape(k.token)}</SessionToken>\n` +
	    `      <Expiration>${keys.iso(k.expires)}</Expiration>\n` +
	    `    </Credentials>\n  </${action}Result>\n  <ResponseMetadata>` +
	    `<RequestId>standin</RequestId></ResponseMetadata>\n` +
	    `</${action}Response>\n`;
}

// handler(log): a request listener; log(line) records what happened
// (never a secret).
module.exports = function sts(log) {
	return (req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const p = new URLSearchParams(body.toString('utf8'));
			const action = p.get('Action');
			const send = (status, xml) => {
				res.writeHead(status, { 'Content-Type': 'text/xml' });
				res.end(xml);
			};
			const fail = (status, code, msg) => {
				log(`sts ${action} -> ${status} ${code}`);
				send(status, errorXml(code, msg));
			};
			if (req.method !== 'POST' || p.get('Version') !== '2011-06-15')
				return fail(400, 'InvalidAction', 'POST with Version ' +
				    '2011-06-15 expected');
			const ct = req.headers['content-type'] || '';
			if (!ct.startsWith('application/x-www-form-urlencoded'))
				return fail(400, 'InvalidAction', 'form body expected');
			let who = null;
			if (action === 'AssumeRoleWithWebIdentity') {
				if (req.headers.authorization)
					return fail(400, 'InvalidAction', 'web identity ' +
					    'requests are not signed');
				if (p.get('WebIdentityToken') !== WEB_TOKEN)
					return fail(400, 'InvalidIdentityToken',
					    'Incorrect token audience');
			} else {
				const v = verify(req, body, keys.lookup,
				    { service: 'sts', region: process.env.STANDIN_STS_REGION });
				if (!v.ok)
					return fail(v.status, v.code, v.message);
				if (v.key.expires !== undefined &&
				    v.key.usableUntil < Date.now())
					return fail(403, 'ExpiredToken', 'The security ' +
					    'token included in the request is expired');
				who = v;
				log(`sts ${action} signed by ${v.akid} for ${v.region}`);
			}
			if (action === 'GetCallerIdentity') {
				const arn = who.key.arn;
				return send(200, `<GetCallerIdentityResponse xmlns="${NS}">\n` +
				    `  <GetCallerIdentityResult>\n    <Arn>${xmlEscape(arn)}` +
				    `</Arn>\n    <UserId>AIDASTANDIN</UserId>\n` +
				    `    <Account>123456789012</Account>\n` +
				    `  </GetCallerIdentityResult>\n  <ResponseMetadata>` +
				    `<RequestId>standin</RequestId></ResponseMetadata>\n` +
				    `</GetCallerIdentityResponse>\n`);
			}
			if (action !== 'AssumeRole' &&
			    action !== 'AssumeRoleWithWebIdentity')
				return fail(400, 'InvalidAction', `no action ${action}`);
			const roleArn = p.get('RoleArn') || '';
			const session = p.get('RoleSessionName') || '';
			const m = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@-]+)$/.exec(roleArn);
			if (!m || !/^[\w+=,.@-]{2,64}$/.test(session))
				return fail(400, 'ValidationError', 'bad RoleArn or ' +
				    'RoleSessionName');
			const d = p.get('DurationSeconds');
			if (d !== null && !(Number(d) >= 900 && Number(d) <= 43200))
				return fail(400, 'ValidationError', 'DurationSeconds');
			const role = m[2];
			log(`sts ${action} role=${role} session=${session}` +
			    (d ? ` duration=${d}` : '') +
			    (p.get('ExternalId') ? ` external=${p.get('ExternalId')}` : '') +
			    (p.get('SerialNumber') ? ` mfa=${p.get('SerialNumber')}` : ''));
			if (role === 'denied')
				return fail(403, 'AccessDenied', `User: ${who ? who.key.arn :
				    'web'} is not authorized to perform: sts:${action} ` +
				    `on resource: ${roleArn}`);
			if (role === 'mfa' && (p.get('TokenCode') !== '123456' ||
			    !p.get('SerialNumber')))
				return fail(403, 'AccessDenied', 'MultiFactorAuthentication ' +
				    'failed with invalid MFA one time pass code.');
			if (role === 'external' && p.get('ExternalId') !== 'ext-42')
				return fail(403, 'AccessDenied', 'wrong ExternalId');
			const arn = `arn:aws:sts::${m[1]}:assumed-role/${role}/${session}`;
			const k = keys.issue(action === 'AssumeRole' ? 'role' : 'web', arn,
			    role === 'expired' ? 60 : 0);
			if (role === 'malformed')
				return send(200, `<${action}Response><${action}Result>` +
				    `<Credentials><AccessKeyId>${k.id}</AccessKeyId>` +
				    `<SecretAccessKey>${k.secret}</SecretAccessKey>` +
				    `</Credentials>`);
			if (role === 'slow') {
				setTimeout(() => send(200, credsXml(action, k, role,
				    session)), 20000).unref();
				return;
			}
			send(200, credsXml(action, k, role, session));
		});
	};
};
module.exports.WEB_TOKEN = WEB_TOKEN;
