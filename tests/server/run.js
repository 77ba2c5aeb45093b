// SPDX-License-Identifier: ISC
// Start dynalite as its cli.js does (same arguments), but keep it serving
// when a client dies in the middle of a request. dynalite's request
// handler re-throws the request's 'error' event (index.js:
// `req.on('error', function (err) { throw err })`), so one client killed
// while its body was on the wire ends the server for every test after it.
// The tests kill clients on purpose (tests/fault/kill.sh, several
// BatchWriteItem requests in flight): such an error is logged, not fatal.
// Anything else still ends the server, as before.
'use strict'
const path = require('path')

const clientGone = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE'])

process.on('uncaughtException', (err) => {
	if (err && (clientGone.has(err.code) || err.message === 'aborted')) {
		console.error('dynalite: a client went away mid-request (' +
		    (err.code || err.message) + ')')
		return
	}
	console.error(err)
	process.exit(1)
})

require(path.join(process.argv[2], 'node_modules', 'dynalite', 'cli.js'))
