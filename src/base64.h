/* SPDX-License-Identifier: ISC */
/* Standard base64 (RFC 4648, with padding), as DynamoDB uses for B. */
#ifndef DYNREPO_BASE64_H
#define DYNREPO_BASE64_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

void	 base64_encode(struct buf *, const void *, size_t);
/* Appends the decoded bytes; ERR_INPUT on bad characters or padding. */
int	 base64_decode(const char *, size_t, struct buf *, struct err *);
/* Decode into out, which has room for len / 4 * 3 bytes and may be the
 * input itself (decoding in place); *outlen gets the decoded length.
 * Errors as base64_decode; out may then hold a partial result. */
int	 base64_decode_to(const char *, size_t, char *out, size_t *outlen,
	     struct err *);

#endif
