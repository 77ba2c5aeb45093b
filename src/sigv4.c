/* SPDX-License-Identifier: ISC */
/* AWS Signature Version 4, in stages over one state, the date injected. */
#include "config.h"

#include "sigv4.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dynload.h"
#include "xmalloc.h"

#define SIGV4_ALGORITHM		"AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR	"aws4_request"
#define SIGV4_MAX_EXPIRES	604800L	/* seven days, the AWS limit */
/* The soname of the libcrypto the program was built against. */
#define SIGV4_LIBCRYPTO		"libcrypto.so.3"

/* One canonical header: lower-case name, trimmed and joined value. */
struct sigv4_hdr {
	char		*name;
	struct buf	 value;
	size_t		 order;		/* input position, for stability */
};

/* One canonical query parameter, key and value already encoded. */
struct sigv4_param {
	char	*key;
	char	*value;
};

/* A growable list of canonical query parameters. */
struct sigv4_params_list {
	struct sigv4_param	*v;
	size_t			 n;
	size_t			 cap;
};

/* The query parameters a presigned URL adds; a request may not carry them. */
static const char *const sigv4_presign_keys[] = {
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-Security-Token", "X-Amz-SignedHeaders", "X-Amz-Signature",
};

void
sigv4_state_init(struct sigv4_state *st)
{
	memset(st, 0, sizeof *st);
	buf_init(&st->canonical_request);
	buf_init(&st->string_to_sign);
	buf_init(&st->signed_headers);
	buf_init(&st->authorization);
	buf_init(&st->query);
}

void
sigv4_state_cleanup(struct sigv4_state *st)
{
	buf_cleanup(&st->canonical_request);
	buf_cleanup(&st->string_to_sign);
	buf_cleanup(&st->signed_headers);
	buf_cleanup(&st->authorization);
	buf_cleanup(&st->query);
	memset(st->signature, 0, sizeof st->signature);
}

/* Empty every output of the state, keeping its memory. */
static void
sigv4_state_reset(struct sigv4_state *st)
{
	st->amz_date[0] = '\0';
	st->scope_date[0] = '\0';
	st->signature[0] = '\0';
	st->payload_hash[0] = '\0';
	buf_reset(&st->canonical_request);
	buf_reset(&st->string_to_sign);
	buf_reset(&st->signed_headers);
	buf_reset(&st->authorization);
	buf_reset(&st->query);
}

/* Lower-case hex of n bytes into out[2n + 1]. */
static void
sigv4_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/*
 * libcrypto, loaded at the first signature rather than linked: its
 * dynamic loading would cost every start of the program ~5 ms, and by
 * the first signature libcurl has usually brought it in already.
 * SHA-256 is fetched once: OpenSSL 3 looks an algorithm up again at each
 * EVP_Digest given EVP_sha256() and at each EVP_Q_mac, which was half
 * of the cost of signing a request. HMAC is built on it (RFC 2104).
 */
static struct {
	int		 (*digest)(const void *, size_t, unsigned char *,
			     unsigned int *, const EVP_MD *, ENGINE *);
	const EVP_MD	*(*sha256)(void);
	EVP_MD		*(*md_fetch)(OSSL_LIB_CTX *, const char *,
			     const char *);
	EVP_MD_CTX	*(*ctx_new)(void);
	void		 (*ctx_free)(EVP_MD_CTX *);
	int		 (*init)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
	int		 (*update)(EVP_MD_CTX *, const void *, size_t);
	int		 (*final)(EVP_MD_CTX *, unsigned char *,
			     unsigned int *);
	const EVP_MD	*md;		/* SHA-256, fetched once */
} sigv4_lib;
static bool		 sigv4_loaded;
static char		 sigv4_load_error[256];
static pthread_once_t	 sigv4_once = PTHREAD_ONCE_INIT;

/* Load libcrypto's functions and fetch SHA-256, once per process. */
static void
sigv4_load(void)
{
	const struct dynload_sym syms[] = {
		{ "EVP_Digest", &sigv4_lib.digest },
		{ "EVP_sha256", &sigv4_lib.sha256 },
		{ "EVP_MD_fetch", &sigv4_lib.md_fetch },
		{ "EVP_MD_CTX_new", &sigv4_lib.ctx_new },
		{ "EVP_MD_CTX_free", &sigv4_lib.ctx_free },
		{ "EVP_DigestInit_ex", &sigv4_lib.init },
		{ "EVP_DigestUpdate", &sigv4_lib.update },
		{ "EVP_DigestFinal_ex", &sigv4_lib.final },
		{ NULL, NULL }
	};

	sigv4_loaded = dynload_open(SIGV4_LIBCRYPTO, syms, sigv4_load_error,
	    sizeof sigv4_load_error) == 0;
	if (!sigv4_loaded)
		return;
	/* Kept for the process's life. Without a default provider's
	 * SHA-256 to fetch, the implicit lookup still works. */
	sigv4_lib.md = sigv4_lib.md_fetch(NULL, "SHA256", NULL);
	if (sigv4_lib.md == NULL)
		sigv4_lib.md = sigv4_lib.sha256();
}

/* True when libcrypto is there to use. */
static bool
sigv4_crypto(void)
{
	pthread_once(&sigv4_once, sigv4_load);
	return sigv4_loaded;
}

/* SHA-256 of data into md[32]; -1 when libcrypto fails. */
static int
sigv4_sha256(const void *data, size_t len, unsigned char md[32])
{
	unsigned int mdlen = 0;

	if (!sigv4_crypto())
		return -1;
	if (sigv4_lib.digest(data, len, md, &mdlen, sigv4_lib.md,
	    NULL) != 1 || mdlen != 32)
		return -1;
	return 0;
}

void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];

	/* Like out of memory: without a working SHA-256 nothing can go on. */
	if (sigv4_sha256(data != NULL ? data : "", len, md) == -1) {
		fprintf(stderr, "dynrepo: libcrypto cannot compute "
		    "SHA-256%s%s\n", sigv4_loaded ? "" : ": ",
		    sigv4_load_error);
		abort();
	}
	sigv4_hex(md, sizeof md, out);
}

/* SHA-256 of pad[64] then data, on ctx, into out[32]; -1 on failure. */
static int
sigv4_sha256_padded(EVP_MD_CTX *ctx, const unsigned char pad[64],
    const void *data, size_t len, unsigned char out[32])
{
	unsigned int outlen = 0;

	if (sigv4_lib.init(ctx, sigv4_lib.md, NULL) != 1 ||
	    sigv4_lib.update(ctx, pad, 64) != 1 ||
	    sigv4_lib.update(ctx, data, len) != 1 ||
	    sigv4_lib.final(ctx, out, &outlen) != 1 || outlen != 32)
		return -1;
	return 0;
}

/* HMAC-SHA256 of data under key into out[32] (RFC 2104: SHA-256 of the
 * key xor opad, then of the key xor ipad and data); -1 when libcrypto
 * fails. */
static int
sigv4_hmac(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[32])
{
	unsigned char k[64], ipad[64], opad[64], inner[32];
	EVP_MD_CTX *ctx;
	size_t i;
	int rc;

	if (!sigv4_crypto())
		return -1;
	memset(k, 0, sizeof k);
	if (keylen > sizeof k) {
		if (sigv4_sha256(key, keylen, k) == -1)
			return -1;
	} else if (keylen > 0) {
		memcpy(k, key, keylen);
	}
	for (i = 0; i < sizeof k; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	if ((ctx = sigv4_lib.ctx_new()) == NULL)
		return -1;
	rc = sigv4_sha256_padded(ctx, ipad, data, len, inner) == 0 &&
	    sigv4_sha256_padded(ctx, opad, inner, sizeof inner, out) == 0 ?
	    0 : -1;
	sigv4_lib.ctx_free(ctx);
	/* The key's material does not stay on the stack. */
	explicit_bzero(k, sizeof k);
	explicit_bzero(ipad, sizeof ipad);
	explicit_bzero(opad, sizeof opad);
	return rc;
}

/* True for the RFC 3986 unreserved bytes that SigV4 never encodes. */
static bool
sigv4_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Append s percent-encoded (upper-case hex), keeping '/' when asked. */
static void
sigv4_encode(struct buf *b, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3];

		if (sigv4_unreserved(c) || (keep_slash && c == '/')) {
			buf_addc(b, (char)c);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		buf_add(b, esc, 3);
	}
}

/* The value of one hex digit, or -1. */
static int
sigv4_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append s with %XX decoded; a '%' not followed by two hex digits and
 * '+' are kept as they are (AWS does not read '+' as a space). */
static void
sigv4_decode(struct buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len) {
			hi = sigv4_hexval(s[i + 1]);
			lo = sigv4_hexval(s[i + 2]);
			if (hi >= 0 && lo >= 0) {
				buf_addc(b, (char)(hi << 4 | lo));
				i += 2;
				continue;
			}
		}
		buf_addc(b, s[i]);
	}
}

/* Append the canonical form of one query key or value: decode, encode. */
static void
sigv4_query_component(struct buf *b, const char *s, size_t len)
{
	struct buf raw = BUF_INIT;

	sigv4_decode(&raw, s, len);
	sigv4_encode(b, buf_cstr(&raw), raw.len, false);
	buf_cleanup(&raw);
}

/* Append the canonical URI: the path, dot segments removed and slashes
 * merged when normalize is set, then percent-encoded once. */
static void
sigv4_canonical_path(struct buf *b, const char *path, bool normalize)
{
	const char **seg;
	size_t *seglen, nseg = 0, len = strlen(path), i, start;
	bool trailing;

	if (!normalize) {
		sigv4_encode(b, path, len, true);
		return;
	}
	seg = xcalloc(len + 1, sizeof *seg);
	seglen = xcalloc(len + 1, sizeof *seglen);
	for (start = 0; start <= len; start = i + 1) {
		for (i = start; i < len && path[i] != '/'; i++)
			continue;
		if (i == start || (i - start == 1 && path[start] == '.'))
			continue;
		if (i - start == 2 && path[start] == '.' &&
		    path[start + 1] == '.') {
			if (nseg > 0)
				nseg--;
			continue;
		}
		seg[nseg] = path + start;
		seglen[nseg++] = i - start;
	}
	/* "/a/b/" keeps its final slash; "/a/.." is "/" in any case. */
	trailing = len > 0 && path[len - 1] == '/';
	buf_addc(b, '/');
	for (i = 0; i < nseg; i++) {
		if (i > 0)
			buf_addc(b, '/');
		sigv4_encode(b, seg[i], seglen[i], true);
	}
	if (trailing && nseg > 0)
		buf_addc(b, '/');
	free(seg);
	free(seglen);
}

/* Add one parameter (already encoded) to the list; takes the strings. */
static void
sigv4_params_add(struct sigv4_params_list *l, char *key, char *value)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].key = key;
	l->v[l->n].value = value;
	l->n++;
}

/* Add one parameter given unencoded; key and value are encoded here. */
static void
sigv4_params_add_raw(struct sigv4_params_list *l, const char *key,
    const char *value)
{
	struct buf k = BUF_INIT, v = BUF_INIT;

	sigv4_encode(&k, key, strlen(key), false);
	sigv4_encode(&v, value, strlen(value), false);
	sigv4_params_add(l, buf_detach(&k, NULL), buf_detach(&v, NULL));
}

/* Free the list and its strings. */
static void
sigv4_params_cleanup(struct sigv4_params_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Order parameters by encoded key, then by encoded value. */
static int
sigv4_params_cmp(const void *a, const void *b)
{
	const struct sigv4_param *pa = a, *pb = b;
	int c = strcmp(pa->key, pb->key);

	return c != 0 ? c : strcmp(pa->value, pb->value);
}

/* Split a raw query on '&' and '=' into canonical parameters. Empty
 * pieces ("a=1&&b=2") are dropped; a key without '=' has value "". */
static void
sigv4_params_parse(struct sigv4_params_list *l, const char *q)
{
	const char *p = q, *end, *eq;

	if (q == NULL)
		return;
	while (*p != '\0') {
		struct buf k = BUF_INIT, v = BUF_INIT;

		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p) {
			p++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			eq = end;
		sigv4_query_component(&k, p, (size_t)(eq - p));
		if (eq < end)
			sigv4_query_component(&v, eq + 1,
			    (size_t)(end - eq - 1));
		sigv4_params_add(l, buf_detach(&k, NULL), buf_detach(&v, NULL));
		p = *end == '&' ? end + 1 : end;
	}
}

/* True when an (encoded) key is one that presigning adds itself. */
static bool
sigv4_params_reserved(const char *encoded_key)
{
	size_t i;

	for (i = 0; i < sizeof sigv4_presign_keys / sizeof *sigv4_presign_keys;
	    i++)
		if (strcmp(encoded_key, sigv4_presign_keys[i]) == 0)
			return true;
	return false;
}

/* Append the parameters, sorted, as "k=v&k=v". */
static void
sigv4_params_join(struct buf *b, struct sigv4_params_list *l)
{
	size_t i;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, sigv4_params_cmp);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_addc(b, '&');
		buf_adds(b, l->v[i].key);
		buf_addc(b, '=');
		buf_adds(b, l->v[i].value);
	}
}

/* True for the bytes RFC 7230 allows in a header name (a token). */
static bool
sigv4_token_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return false;
	return strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

/* Append a header value trimmed, runs of blanks collapsed to one space. */
static void
sigv4_trim_value(struct buf *b, const char *v)
{
	bool blank = false, any = false;

	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t') {
			blank = true;
			continue;
		}
		if (blank && any)
			buf_addc(b, ' ');
		buf_addc(b, *v);
		blank = false;
		any = true;
	}
}

/* Order headers by name, then by position so repeats keep their order. */
static int
sigv4_hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *ha = a, *hb = b;
	int c = strcmp(ha->name, hb->name);

	if (c != 0)
		return c;
	return ha->order < hb->order ? -1 : ha->order > hb->order;
}

/* Add one header to the array (name lower-cased, value trimmed). */
static void
sigv4_hdr_add(struct sigv4_hdr *h, size_t *n, const char *name,
    const char *value)
{
	struct sigv4_hdr *e = &h[*n];
	size_t i;

	e->name = xstrdup(name);
	for (i = 0; e->name[i] != '\0'; i++)
		if (e->name[i] >= 'A' && e->name[i] <= 'Z')
			e->name[i] = (char)(e->name[i] - 'A' + 'a');
	buf_init(&e->value);
	sigv4_trim_value(&e->value, value);
	e->order = *n;
	(*n)++;
}

/* Free n headers and the array. */
static void
sigv4_hdr_free(struct sigv4_hdr *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		buf_cleanup(&h[i].value);
	}
	free(h);
}

/* Check one request header; 0 or -1 with ERR_INPUT. */
static int
sigv4_check_header(const struct sigv4_header *h, bool query_mode,
    const struct sigv4_params *p, struct err *err)
{
	const char *c;

	if (h->name == NULL || h->name[0] == '\0' || h->value == NULL)
		return err_set(err, ERR_INPUT, "sigv4: empty header name");
	for (c = h->name; *c != '\0'; c++)
		if (!sigv4_token_char((unsigned char)*c))
			return err_set(err, ERR_INPUT,
			    "sigv4: invalid character in header name");
	if (strpbrk(h->value, "\r\n") != NULL)
		return err_set(err, ERR_INPUT,
		    "sigv4: line break in header %s", h->name);
	if (query_mode)
		return 0;
	/* Header mode adds these itself; a second copy would be joined
	 * with ',' and never match what the service computes. */
	if (strcasecmp(h->name, "authorization") == 0 ||
	    strcasecmp(h->name, "x-amz-date") == 0 ||
	    (p->sign_body &&
	    strcasecmp(h->name, "x-amz-content-sha256") == 0) ||
	    (p->session_token != NULL && p->session_token[0] != '\0' &&
	    strcasecmp(h->name, "x-amz-security-token") == 0))
		return err_set(err, ERR_INPUT,
		    "sigv4: header %s is added by the signer", h->name);
	return 0;
}

/* True when c may appear in a credential scope part or access key id. */
static bool
sigv4_scope_ok(const char *s)
{
	const char *c;

	if (s == NULL || s[0] == '\0')
		return false;
	for (c = s; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '/')
			return false;
	return true;
}

/* Check the parameters and the request line; 0 or -1 with err. */
static int
sigv4_check(const struct sigv4_request *req, const struct sigv4_params *p,
    bool query_mode, struct err *err)
{
	const char *c;

	if (p->access_key_id == NULL || p->access_key_id[0] == '\0' ||
	    p->secret_access_key == NULL || p->secret_access_key[0] == '\0')
		return err_set(err, ERR_AUTH, "sigv4: no credentials");
	if (!sigv4_scope_ok(p->access_key_id))
		return err_set(err, ERR_AUTH,
		    "sigv4: invalid character in the access key id");
	if (!sigv4_scope_ok(p->region))
		return err_set(err, ERR_CONFIG, "sigv4: missing or bad region");
	if (!sigv4_scope_ok(p->service))
		return err_set(err, ERR_CONFIG,
		    "sigv4: missing or bad service name");
	if (query_mode && (p->expires < 1 || p->expires > SIGV4_MAX_EXPIRES))
		return err_set(err, ERR_INPUT,
		    "sigv4: expiry %ld is not between 1 and %ld seconds",
		    p->expires, SIGV4_MAX_EXPIRES);
	if (req->method == NULL || req->method[0] == '\0')
		return err_set(err, ERR_INPUT, "sigv4: no method");
	for (c = req->method; *c != '\0'; c++)
		if (!sigv4_token_char((unsigned char)*c))
			return err_set(err, ERR_INPUT,
			    "sigv4: invalid character in the method");
	if (req->path == NULL || req->path[0] != '/')
		return err_set(err, ERR_INPUT,
		    "sigv4: the path must start with '/'");
	if (req->body == NULL && req->body_len > 0)
		return err_set(err, ERR_INPUT,
		    "sigv4: body length without body");
	return 0;
}

/* Set amz_date and scope_date from p->when; -1 when out of range. */
static int
sigv4_dates(struct sigv4_state *st, time_t when, struct err *err)
{
	struct tm tm;
	unsigned y, mo, d, h, mi, s;

	if (gmtime_r(&when, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return err_set(err, ERR_INPUT,
		    "sigv4: signing time out of range");
	y = (unsigned)(tm.tm_year + 1900) % 10000;
	mo = (unsigned)(tm.tm_mon + 1) % 100;
	d = (unsigned)tm.tm_mday % 100;
	h = (unsigned)tm.tm_hour % 100;
	mi = (unsigned)tm.tm_min % 100;
	s = (unsigned)tm.tm_sec % 100;
	snprintf(st->amz_date, sizeof st->amz_date,
	    "%04u%02u%02uT%02u%02u%02uZ", y, mo, d, h, mi, s);
	snprintf(st->scope_date, sizeof st->scope_date, "%04u%02u%02u", y, mo,
	    d);
	return 0;
}

/* Append "date/region/service/aws4_request". */
static void
sigv4_scope(struct buf *b, const struct sigv4_state *st,
    const struct sigv4_params *p)
{
	buf_printf(b, "%s/%s/%s/%s", st->scope_date, p->region, p->service,
	    SIGV4_TERMINATOR);
}

/* The session token to sign, or NULL (none, or added unsigned). */
static const char *
sigv4_signed_token(const struct sigv4_params *p)
{
	if (p->session_token == NULL || p->session_token[0] == '\0' ||
	    p->omit_session_token)
		return NULL;
	return p->session_token;
}

/* Build the canonical headers and signed headers; -1 without Host. */
static int
sigv4_headers(struct sigv4_state *st, struct buf *out,
    const struct sigv4_request *req, const struct sigv4_params *p,
    bool query_mode, struct err *err)
{
	struct sigv4_hdr *h;
	const char *token = sigv4_signed_token(p);
	size_t n = 0, i, j;
	bool host = false;

	for (i = 0; i < req->nheaders; i++) {
		if (sigv4_check_header(&req->headers[i], query_mode, p,
		    err) == -1)
			return -1;
		if (strcasecmp(req->headers[i].name, "host") == 0)
			host = true;
	}
	if (!host)
		return err_set(err, ERR_INPUT, "sigv4: no Host header");

	h = xcalloc(req->nheaders + 3, sizeof *h);
	for (i = 0; i < req->nheaders; i++)
		sigv4_hdr_add(h, &n, req->headers[i].name,
		    req->headers[i].value);
	if (!query_mode) {
		sigv4_hdr_add(h, &n, "x-amz-date", st->amz_date);
		if (token != NULL)
			sigv4_hdr_add(h, &n, "x-amz-security-token", token);
		if (p->sign_body)
			sigv4_hdr_add(h, &n, "x-amz-content-sha256",
			    st->payload_hash);
	}
	qsort(h, n, sizeof *h, sigv4_hdr_cmp);

	/* Repeated names become one line, values joined with ','. */
	for (i = 0; i < n; i = j) {
		buf_adds(out, h[i].name);
		buf_addc(out, ':');
		buf_add(out, buf_cstr(&h[i].value), h[i].value.len);
		for (j = i + 1; j < n && strcmp(h[j].name, h[i].name) == 0;
		    j++) {
			buf_addc(out, ',');
			buf_add(out, buf_cstr(&h[j].value), h[j].value.len);
		}
		buf_addc(out, '\n');
		if (i > 0)
			buf_addc(&st->signed_headers, ';');
		buf_adds(&st->signed_headers, h[i].name);
	}
	sigv4_hdr_free(h, n);
	return 0;
}

/* Build the canonical query; in query mode add the X-Amz-* parameters. */
static int
sigv4_query(struct sigv4_state *st, struct buf *out,
    const struct sigv4_request *req, const struct sigv4_params *p,
    bool query_mode, struct err *err)
{
	struct sigv4_params_list l = { NULL, 0, 0 };
	struct buf cred = BUF_INIT;
	const char *token = sigv4_signed_token(p);
	char expires[24];
	size_t i;

	sigv4_params_parse(&l, req->query);
	if (query_mode) {
		for (i = 0; i < l.n; i++) {
			if (sigv4_params_reserved(l.v[i].key)) {
				err_set(err, ERR_INPUT,
				    "sigv4: query parameter %s is added by "
				    "the signer", l.v[i].key);
				sigv4_params_cleanup(&l);
				return -1;
			}
		}
		buf_printf(&cred, "%s/", p->access_key_id);
		sigv4_scope(&cred, st, p);
		snprintf(expires, sizeof expires, "%ld", p->expires);
		sigv4_params_add_raw(&l, "X-Amz-Algorithm", SIGV4_ALGORITHM);
		sigv4_params_add_raw(&l, "X-Amz-Credential", buf_cstr(&cred));
		sigv4_params_add_raw(&l, "X-Amz-Date", st->amz_date);
		sigv4_params_add_raw(&l, "X-Amz-Expires", expires);
		if (token != NULL)
			sigv4_params_add_raw(&l, "X-Amz-Security-Token",
			    token);
		sigv4_params_add_raw(&l, "X-Amz-SignedHeaders",
		    buf_cstr(&st->signed_headers));
		buf_cleanup(&cred);
	}
	sigv4_params_join(out, &l);
	sigv4_params_cleanup(&l);
	return 0;
}

/* The canonical request of either mode, into st. */
static int
sigv4_build(struct sigv4_state *st, const struct sigv4_request *req,
    const struct sigv4_params *p, bool query_mode, struct err *err)
{
	struct buf headers = BUF_INIT, query = BUF_INIT;
	struct buf *cr = &st->canonical_request;

	sigv4_state_reset(st);
	if (sigv4_check(req, p, query_mode, err) == -1 ||
	    sigv4_dates(st, p->when, err) == -1)
		return -1;
	sigv4_sha256_hex(req->body, req->body_len, st->payload_hash);
	/* Headers first: the query of a presigned URL names them. */
	if (sigv4_headers(st, &headers, req, p, query_mode, err) == -1 ||
	    sigv4_query(st, &query, req, p, query_mode, err) == -1)
		goto fail;

	buf_adds(cr, req->method);
	buf_addc(cr, '\n');
	sigv4_canonical_path(cr, req->path, p->normalize_path);
	buf_addc(cr, '\n');
	buf_add(cr, buf_cstr(&query), query.len);
	buf_addc(cr, '\n');
	buf_add(cr, buf_cstr(&headers), headers.len);
	buf_addc(cr, '\n');
	buf_add(cr, buf_cstr(&st->signed_headers), st->signed_headers.len);
	buf_addc(cr, '\n');
	buf_adds(cr, st->payload_hash);
	if (query_mode)
		buf_add(&st->query, buf_cstr(&query), query.len);
	buf_cleanup(&headers);
	buf_cleanup(&query);
	return 0;

fail:
	buf_cleanup(&headers);
	buf_cleanup(&query);
	sigv4_state_reset(st);
	return -1;
}

int
sigv4_canonical_request(struct sigv4_state *st,
    const struct sigv4_request *req, const struct sigv4_params *p,
    struct err *err)
{
	return sigv4_build(st, req, p, false, err);
}

int
sigv4_string_to_sign(struct sigv4_state *st, const struct sigv4_params *p,
    struct err *err)
{
	unsigned char md[32];
	char hex[65];

	if (st->canonical_request.len == 0 || st->amz_date[0] == '\0')
		return err_set(err, ERR_INTERNAL,
		    "sigv4: string to sign without a canonical request");
	if (!sigv4_scope_ok(p->region) || !sigv4_scope_ok(p->service))
		return err_set(err, ERR_CONFIG,
		    "sigv4: missing or bad region or service");
	if (sigv4_sha256(st->canonical_request.data,
	    st->canonical_request.len, md) == -1)
		return err_set(err, ERR_INTERNAL, "sigv4: SHA-256 failed");
	sigv4_hex(md, sizeof md, hex);
	buf_reset(&st->string_to_sign);
	buf_printf(&st->string_to_sign, "%s\n%s\n", SIGV4_ALGORITHM,
	    st->amz_date);
	sigv4_scope(&st->string_to_sign, st, p);
	buf_addc(&st->string_to_sign, '\n');
	buf_adds(&st->string_to_sign, hex);
	return 0;
}

int
sigv4_signature(struct sigv4_state *st, const struct sigv4_params *p,
    struct err *err)
{
	const char *parts[3];
	unsigned char key[32], sig[32];
	char *secret;
	size_t secret_len, i;
	int rc = -1;

	if (st->string_to_sign.len == 0)
		return err_set(err, ERR_INTERNAL,
		    "sigv4: signature without a string to sign");
	if (p->secret_access_key == NULL || p->secret_access_key[0] == '\0')
		return err_set(err, ERR_AUTH, "sigv4: no credentials");

	/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region),
	 * service), "aws4_request"). */
	secret = xasprintf("AWS4%s", p->secret_access_key);
	secret_len = strlen(secret);
	if (sigv4_hmac(secret, secret_len, st->scope_date,
	    strlen(st->scope_date), key) == -1)
		goto done;
	parts[0] = p->region;
	parts[1] = p->service;
	parts[2] = SIGV4_TERMINATOR;
	for (i = 0; i < 3; i++)
		if (sigv4_hmac(key, sizeof key, parts[i], strlen(parts[i]),
		    key) == -1)
			goto done;
	if (sigv4_hmac(key, sizeof key, st->string_to_sign.data,
	    st->string_to_sign.len, sig) == -1)
		goto done;
	sigv4_hex(sig, sizeof sig, st->signature);
	rc = 0;

done:
	explicit_bzero(secret, secret_len);
	explicit_bzero(key, sizeof key);
	free(secret);
	if (rc == -1) {
		st->signature[0] = '\0';
		return err_set(err, ERR_INTERNAL, "sigv4: HMAC-SHA256 "
		    "failed%s%s", sigv4_loaded ? "" : ": ",
		    sigv4_load_error);
	}
	return 0;
}

int
sigv4_sign(struct sigv4_state *st, const struct sigv4_request *req,
    const struct sigv4_params *p, struct err *err)
{
	struct buf *a = &st->authorization;

	if (sigv4_canonical_request(st, req, p, err) == -1 ||
	    sigv4_string_to_sign(st, p, err) == -1 ||
	    sigv4_signature(st, p, err) == -1)
		return -1;
	buf_printf(a, "%s Credential=%s/", SIGV4_ALGORITHM, p->access_key_id);
	sigv4_scope(a, st, p);
	buf_printf(a, ", SignedHeaders=%s, Signature=%s",
	    buf_cstr(&st->signed_headers), st->signature);
	return 0;
}

int
sigv4_presign(struct sigv4_state *st, const struct sigv4_request *req,
    const struct sigv4_params *p, struct err *err)
{
	if (sigv4_build(st, req, p, true, err) == -1 ||
	    sigv4_string_to_sign(st, p, err) == -1 ||
	    sigv4_signature(st, p, err) == -1)
		return -1;
	buf_printf(&st->query, "&X-Amz-Signature=%s", st->signature);
	/* omit_session_token: the token rides along but is not signed. */
	if (p->omit_session_token && p->session_token != NULL &&
	    p->session_token[0] != '\0') {
		buf_adds(&st->query, "&X-Amz-Security-Token=");
		sigv4_encode(&st->query, p->session_token,
		    strlen(p->session_token), false);
	}
	return 0;
}
