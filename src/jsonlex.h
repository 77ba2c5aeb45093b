/* SPDX-License-Identifier: ISC */
/* A push JSON parser: text fed in pieces, events out through callbacks. */
#ifndef DYNREPO_JSONLEX_H
#define DYNREPO_JSONLEX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Events, in document order; the same signatures as yajl's callbacks.
 * Each returns nonzero to go on, 0 to stop the parse (JSONLEX_CANCELED).
 * Strings and names arrive unescaped, valid UTF-8, not NUL-terminated
 * (\u0000 gives a NUL byte); numbers as their exact text, in JSON's
 * syntax. Every pointer is borrowed: valid only during the call (it
 * points into the piece fed or into the parser's scratch buffer).
 * Every callback must be set.
 */
struct jsonlex_callbacks {
	int	(*null)(void *ctx);
	int	(*boolean)(void *ctx, int b);
	int	(*number)(void *ctx, const char *s, size_t len);
	int	(*string)(void *ctx, const unsigned char *s, size_t len);
	int	(*start_map)(void *ctx);
	int	(*map_key)(void *ctx, const unsigned char *s, size_t len);
	int	(*end_map)(void *ctx);
	int	(*start_array)(void *ctx);
	int	(*end_array)(void *ctx);
};

enum jsonlex_status {
	JSONLEX_OK,		/* so far a prefix of one JSON text */
	JSONLEX_ERROR,		/* not JSON: jsonlex_error says why */
	JSONLEX_CANCELED,	/* a callback returned 0 */
};

/* The state of one parse; its members are private. */
struct jsonlex {
	const struct jsonlex_callbacks *cb;
	void			*ctx;
	enum jsonlex_status	 status;
	int			 state;
	unsigned char		*stack;	/* '{' or '[' a level */
	size_t			 depth, stack_cap;
	int			 pending; /* kind of the token in tok */
	bool			 pending_bs; /* tok ends in odd '\'s */
	char			*tok;	/* the unfinished token */
	size_t			 tok_len, tok_cap, tok_start;
	char			*dec;	/* unescaped strings */
	size_t			 dec_cap;
	size_t			 fed;	/* bytes before this piece */
	size_t			 offset; /* where the parse stopped */
	const char		*msg;	/* JSONLEX_ERROR: static text */
};

/*
 * The grammar is RFC 8259 as yajl 2 accepts it by default, one value per
 * document, no comments; whitespace is also \v and \f, as in yajl.
 * Stricter than yajl on one point: strings must be valid UTF-8 in the
 * full sense (no overlong forms, no encoded surrogates, nothing past
 * U+10FFFF; yajl checks only the byte pattern) and \u escapes of
 * surrogates must come in high-low pairs (yajl turns a lone high one
 * into '?' and eats the next byte, and passes a lone low one through as
 * invalid UTF-8). And where yajl lets a string left open follow the
 * document's value (its check for trailing garbage sees only tokens that
 * have ended), this calls it trailing garbage. Depth is unbounded (one
 * byte of state a level): the callbacks bound it.
 *
 * init: a parser ready for a document (cannot fail; memory aborts).
 * feed: the next piece, of any length, a token may straddle pieces; only
 * the unfinished token's bytes are kept between calls. After an error or
 * a cancel the status sticks and further pieces are ignored.
 * finish: the end of the text; a missing end is an error ("premature
 * EOF"). reset: forget the document, start a new one (buffers kept).
 * offset: after an error, the byte (from the first piece) where it was
 * found; after a cancel, the byte after the token that was refused.
 * error: the message of JSONLEX_ERROR ("parse error: ..." or "lexical
 * error: ..."), static; NULL otherwise.
 */
void		 jsonlex_init(struct jsonlex *,
		     const struct jsonlex_callbacks *, void *ctx);
void		 jsonlex_reset(struct jsonlex *);
void		 jsonlex_cleanup(struct jsonlex *);
enum jsonlex_status jsonlex_feed(struct jsonlex *, const char *, size_t);
enum jsonlex_status jsonlex_finish(struct jsonlex *);
size_t		 jsonlex_offset(const struct jsonlex *);
const char	*jsonlex_error(const struct jsonlex *);

/* The first byte from p that ends a plain run of string: '"', '\\', a
 * control character or a non-ASCII byte; end if none. 16 bytes at a time
 * where the CPU can. */
const unsigned char *jsonlex_scan(const unsigned char *p,
		     const unsigned char *end);
/* The length of the UTF-8 sequence at p, p < end (Unicode's table 3-7:
 * no overlong forms, no surrogates, nothing past U+10FFFF); 0 if
 * invalid, -1 if valid so far but cut by end. */
int		 jsonlex_utf8(const unsigned char *p, const unsigned char *end);

#endif
