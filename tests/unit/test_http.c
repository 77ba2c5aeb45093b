/* SPDX-License-Identifier: ISC */
/* Tests for the libcurl transport against a tiny HTTP server in a thread. */
#include "config.h"

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "dynload.h"
#include "err.h"
#include "http.h"

enum srv_mode {
	SRV_RESPOND,	/* answer with srv.response */
	SRV_CLOSE,	/* read the request, close without an answer */
	SRV_CLOSE_ONCE,	/* SRV_CLOSE for one request, then SRV_RESPOND */
	SRV_HANG	/* read the request, never answer */
};

#define SRV_CLIENTS 16

/* The server: one thread polling the listener and its clients. */
static struct {
	int		 lfd;
	int		 port;
	int		 stop[2];
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	int		 accepts;
	int		 requests;
	enum srv_mode	 mode;
	char		*response;
	char		 last_head[8192];
	size_t		 last_body_len;
	int		 cfd[SRV_CLIENTS];
	struct buf	 cin[SRV_CLIENTS];
} srv;

/* Write all of p to fd, ignoring a client that went away. */
static void
srv_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Drop client i. */
static void
srv_drop(int i)
{
	close(srv.cfd[i]);
	srv.cfd[i] = -1;
	buf_cleanup(&srv.cin[i]);
}

/* Handle every complete request buffered for client i. */
static void
srv_serve(int i)
{
	struct buf *in = &srv.cin[i];
	const char *end, *cl;
	size_t head, body;
	enum srv_mode mode;
	char *response;

	for (;;) {
		end = in->len > 0 ? strstr(in->data, "\r\n\r\n") : NULL;
		if (end == NULL)
			return;
		head = (size_t)(end - in->data) + 4;
		cl = strcasestr(in->data, "\r\ncontent-length:");
		body = cl != NULL && cl < end ?
		    strtoul(cl + 17, NULL, 10) : 0;
		if (in->len < head + body)
			return;

		pthread_mutex_lock(&srv.lock);
		snprintf(srv.last_head, sizeof srv.last_head, "%.*s",
		    (int)head, in->data);
		srv.last_body_len = body;
		srv.requests++;
		mode = srv.mode;
		if (mode == SRV_CLOSE_ONCE) {
			mode = SRV_CLOSE;
			srv.mode = SRV_RESPOND;
		}
		response = srv.response != NULL ? strdup(srv.response) : NULL;
		pthread_mutex_unlock(&srv.lock);

		memmove(in->data, in->data + head + body,
		    in->len - head - body);
		in->len -= head + body;
		in->data[in->len] = '\0';
		if (mode == SRV_CLOSE) {
			free(response);
			srv_drop(i);
			return;
		}
		if (mode == SRV_RESPOND && response != NULL)
			srv_write_all(srv.cfd[i], response, strlen(response));
		free(response);
	}
}

/* The server thread: accept, read, answer until told to stop. */
static void *
srv_main(void *arg)
{
	struct pollfd pfd[SRV_CLIENTS + 2];
	int map[SRV_CLIENTS + 2];
	char tmp[65536];
	int i, n, fd;
	ssize_t r;

	(void)arg;
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = srv.stop[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = srv.lfd, .events = POLLIN };
		n = 2;
		for (i = 0; i < SRV_CLIENTS; i++)
			if (srv.cfd[i] != -1) {
				map[n] = i;
				pfd[n++] = (struct pollfd){ .fd = srv.cfd[i],
				    .events = POLLIN };
			}
		if (poll(pfd, (nfds_t)n, -1) == -1)
			continue;
		if (pfd[0].revents != 0)
			break;
		if (pfd[1].revents & POLLIN) {
			fd = accept(srv.lfd, NULL, NULL);
			for (i = 0; fd != -1 && i < SRV_CLIENTS; i++)
				if (srv.cfd[i] == -1) {
					srv.cfd[i] = fd;
					buf_init(&srv.cin[i]);
					pthread_mutex_lock(&srv.lock);
					srv.accepts++;
					pthread_mutex_unlock(&srv.lock);
					break;
				}
		}
		for (i = 2; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			r = recv(pfd[i].fd, tmp, sizeof tmp, 0);
			if (r <= 0) {
				srv_drop(map[i]);
				continue;
			}
			buf_add(&srv.cin[map[i]], tmp, (size_t)r);
			srv_serve(map[i]);
		}
	}
	for (i = 0; i < SRV_CLIENTS; i++)
		if (srv.cfd[i] != -1)
			srv_drop(i);
	return NULL;
}

/* Start the server on 127.0.0.1, port 0. */
static void
srv_start(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	int i, one = 1;

	memset(&srv, 0, sizeof srv);
	for (i = 0; i < SRV_CLIENTS; i++)
		srv.cfd[i] = -1;
	pthread_mutex_init(&srv.lock, NULL);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv.lfd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_neq(srv.lfd, -1);
	setsockopt(srv.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	cr_assert_eq(bind(srv.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(listen(srv.lfd, 16), 0);
	cr_assert_eq(getsockname(srv.lfd, (struct sockaddr *)&sa, &len), 0);
	srv.port = ntohs(sa.sin_port);
	cr_assert_eq(pipe(srv.stop), 0);
	cr_assert_eq(pthread_create(&srv.thread, NULL, srv_main, NULL), 0);
}

/* Stop the server and free what it holds. */
static void
srv_stop(void)
{
	cr_assert_eq(write(srv.stop[1], "x", 1), 1);
	pthread_join(srv.thread, NULL);
	close(srv.stop[0]);
	close(srv.stop[1]);
	close(srv.lfd);
	free(srv.response);
	pthread_mutex_destroy(&srv.lock);
}

/* Set the mode and the canned answer for the next requests. */
static void
srv_script(enum srv_mode mode, const char *response)
{
	pthread_mutex_lock(&srv.lock);
	srv.mode = mode;
	free(srv.response);
	srv.response = response != NULL ? strdup(response) : NULL;
	pthread_mutex_unlock(&srv.lock);
}

TestSuite(http, .init = srv_start, .fini = srv_stop);

static const char ok_200[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

static const struct http_header test_headers[] = {
	{ "Content-Type", "application/x-amz-json-1.0" },
	{ "X-Amz-Target", "DynamoDB_20120810.GetItem" },
	{ "Authorization", "AWS4-HMAC-SHA256 SECRETSIGNATURE" },
};

/* Send body to the server with the test headers; a 200 answer's body to
 * sink when it is not NULL. */
static int
send_req_sink(struct http_ops *h, const char *body, size_t len,
    long timeout_ms, const struct http_sink *sink, struct http_response *resp,
    struct err *e)
{
	char url[64];

	snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv.port);
	return h->perform(h->ctx, &(struct http_request){
		.method = "POST",
		.url = url,
		.headers = test_headers,
		.nheaders = 3,
		.body = body,
		.body_len = len,
		.connect_timeout_ms = 2000,
		.timeout_ms = timeout_ms,
		.sink = sink,
	    }, resp, e);
}

/* Send body to the server with the test headers. */
static int
send_req(struct http_ops *h, const char *body, size_t len, long timeout_ms,
    struct http_response *resp, struct err *e)
{
	return send_req_sink(h, body, len, timeout_ms, NULL, resp, e);
}

#define CANNED_BODY "{\"__type\":\"x#ValidationException\",\"message\":\"bad\"}"
static const char canned[] =
    "HTTP/1.1 400 Bad Request\r\n"
    "date: Wed, 25 Nov 2026 07:14:03 GMT\r\n"
    "X-AMZ-CRC32: 3862211423\r\n"
    "X-Amzn-RequestID: REQ123\r\n"
    "CONTENT-TYPE: application/x-amz-json-1.0\r\n"
    "Connection: keep-alive\r\n"
    "Content-Length: 50\r\n"
    "\r\n"
    CANNED_BODY;

/* Status, body and the four headers are captured, names in any case. */
Test(http, captures_answer)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct err e;

	cr_assert_eq(strlen(CANNED_BODY), 50);
	srv_script(SRV_RESPOND, canned);
	http_response_init(&resp);
	cr_assert_eq(send_req(h, "{\"a\":1}", 7, 5000, &resp, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(resp.status, 400);
	cr_assert_str_eq(buf_cstr(&resp.body), CANNED_BODY);
	cr_assert_str_eq(resp.date, "Wed, 25 Nov 2026 07:14:03 GMT");
	cr_assert_str_eq(resp.crc32, "3862211423");
	cr_assert_str_eq(resp.request_id, "REQ123");
	cr_assert_str_eq(resp.content_type, "application/x-amz-json-1.0");
	cr_assert(resp.request_sent);

	/* What went out: our headers, the body, nothing curl adds on its
	 * own that would break the signature or the CRC. */
	cr_assert(strncmp(srv.last_head, "POST / HTTP/1.1\r\n", 17) == 0);
	cr_assert_not_null(strstr(srv.last_head,
	    "X-Amz-Target: DynamoDB_20120810.GetItem\r\n"));
	cr_assert_not_null(strstr(srv.last_head,
	    "Content-Type: application/x-amz-json-1.0\r\n"));
	cr_assert_null(strcasestr(srv.last_head, "expect:"));
	cr_assert_null(strcasestr(srv.last_head, "accept-encoding"));
	cr_assert_eq(srv.last_body_len, 7);

	/* A second answer without the optional headers clears them. */
	srv_script(SRV_RESPOND, ok_200);
	cr_assert_eq(send_req(h, "{}", 2, 5000, &resp, &e), 0, "%s", e.msg);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(buf_cstr(&resp.body), "{}");
	cr_assert_null(resp.date);
	cr_assert_null(resp.crc32);
	cr_assert_null(resp.request_id);
	http_response_cleanup(&resp);
	http_free(h);
}

/* Three requests travel over one kept-alive connection. */
Test(http, reuses_connection)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct err e;
	int i;

	srv_script(SRV_RESPOND, canned);
	http_response_init(&resp);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(send_req(h, "{}", 2, 5000, &resp, &e), 0, "%s",
		    e.msg);
		cr_assert_eq(resp.status, 400);
	}
	pthread_mutex_lock(&srv.lock);
	cr_assert_eq(srv.requests, 3);
	cr_assert_eq(srv.accepts, 1);
	pthread_mutex_unlock(&srv.lock);
	http_response_cleanup(&resp);
	http_free(h);
}

/* A megabyte goes out whole, without a 100-continue round trip. */
Test(http, large_body)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	size_t n = 1 << 20;
	char *body = malloc(n);
	struct err e;

	memset(body, 'x', n);
	srv_script(SRV_RESPOND, ok_200);
	http_response_init(&resp);
	cr_assert_eq(send_req(h, body, n, 10000, &resp, &e), 0, "%s", e.msg);
	cr_assert_eq(resp.status, 200);
	cr_assert_eq(srv.last_body_len, n);
	cr_assert_null(strcasestr(srv.last_head, "expect:"));
	http_response_cleanup(&resp);
	http_free(h);
	free(body);
}

/* http_sink.write: append to the buffer ctx. */
static void
sink_to_buf(void *ctx, const char *p, size_t n)
{
	buf_add(ctx, p, n);
}

/* With a sink, a 200 answer's body goes there as it arrives and is never
 * held whole (not even reserved from its Content-Length); any other
 * answer's body is kept for its error and never reaches the sink. */
Test(http, sink_takes_200_bodies)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct buf got = BUF_INIT, answer = BUF_INIT;
	const struct http_sink sink = { sink_to_buf, &got };
	size_t n = 600000, i;
	struct err e;

	buf_printf(&answer, "HTTP/1.1 200 OK\r\nx-amz-crc32: 1\r\n"
	    "Content-Length: %zu\r\n\r\n", n);
	for (i = 0; i < n; i++)
		buf_addc(&answer, (char)('a' + i % 26));
	srv_script(SRV_RESPOND, answer.data);
	http_response_init(&resp);
	cr_assert_eq(send_req_sink(h, "{}", 2, 10000, &sink, &resp, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(resp.status, 200);
	cr_assert(resp.streamed);
	cr_assert_eq(got.len, n);
	cr_assert(memcmp(got.data, answer.data + answer.len - n, n) == 0);
	cr_assert_eq(resp.body.len, 0);
	cr_assert_leq(resp.body.cap, 64, "%zu bytes of body buffer",
	    resp.body.cap);
	cr_assert_str_eq(resp.crc32, "1");

	buf_reset(&got);
	srv_script(SRV_RESPOND, canned);
	cr_assert_eq(send_req_sink(h, "{}", 2, 5000, &sink, &resp, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(resp.status, 400);
	cr_assert(!resp.streamed);
	cr_assert_str_eq(buf_cstr(&resp.body), CANNED_BODY);
	cr_assert_eq(got.len, 0);
	http_response_cleanup(&resp);
	http_free(h);
	buf_cleanup(&got);
	buf_cleanup(&answer);
}

/* A refused connection: ERR_NETWORK naming the host, nothing was sent. */
Test(http, connection_refused)
{
	struct http_ops *h = http_new_curl(NULL);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof sa;
	struct http_response resp;
	struct err e;
	char url[64];
	int fd;

	/* A port that was free a moment ago and has no listener. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(sa.sin_port));

	http_response_init(&resp);
	cr_assert_eq(h->perform(h->ctx, &(struct http_request){
		.method = "POST", .url = url, .headers = test_headers,
		.nheaders = 3, .body = "{}", .body_len = 2,
		.timeout_ms = 2000 }, &resp, &e), -1);
	cr_assert_eq(e.code, ERR_NETWORK);
	cr_assert_eq(resp.status, 0);
	cr_assert_not(resp.request_sent);
	cr_assert_not(resp.timed_out);
	cr_assert_not_null(strstr(e.msg, "127.0.0.1"), "%s", e.msg);
	cr_assert_null(strstr(e.msg, "SECRETSIGNATURE"));
	http_response_cleanup(&resp);
	http_free(h);
}

/* The server read the request and hung up: it may have been received. */
Test(http, closed_after_request)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct err e;

	srv_script(SRV_CLOSE, NULL);
	http_response_init(&resp);
	cr_assert_eq(send_req(h, "{\"k\":1}", 7, 5000, &resp, &e), -1);
	cr_assert_eq(e.code, ERR_NETWORK);
	cr_assert_eq(resp.status, 0);
	cr_assert(resp.request_sent);
	cr_assert_not(resp.permanent);
	cr_assert_eq(srv.requests, 1);
	cr_assert_null(strstr(e.msg, "SECRETSIGNATURE"));
	http_response_cleanup(&resp);
	http_free(h);
}

/* A kept-alive connection that dies once a request went out on it: libcurl
 * would send the request again on a new connection by itself, which for a
 * write could apply it twice. The transfer fails instead, as sent, and the
 * server saw it once; a small body (sent with the headers) and a large one
 * (sent after them) alike. */
Test(http, no_second_attempt_after_a_reused_connection_died)
{
	static const size_t sizes[] = { 7, 200000 };
	struct http_ops *h;
	struct http_response resp;
	struct err e;
	char *body;
	size_t i;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		h = http_new_curl(NULL);
		body = malloc(sizes[i]);
		memset(body, 'x', sizes[i]);
		pthread_mutex_lock(&srv.lock);
		srv.requests = 0;
		pthread_mutex_unlock(&srv.lock);
		srv_script(SRV_RESPOND, ok_200);
		http_response_init(&resp);
		cr_assert_eq(send_req(h, body, sizes[i], 5000, &resp, &e), 0,
		    "%s", e.msg);
		srv_script(SRV_CLOSE, NULL);
		cr_assert_eq(send_req(h, body, sizes[i], 5000, &resp, &e), -1);
		cr_assert_eq(e.code, ERR_NETWORK);
		cr_assert(resp.request_sent);
		cr_assert_not(resp.permanent);
		pthread_mutex_lock(&srv.lock);
		cr_assert_eq(srv.requests, 2, "%zu bytes: %d requests",
		    sizes[i], srv.requests);
		pthread_mutex_unlock(&srv.lock);
		http_response_cleanup(&resp);
		http_free(h);
		free(body);
	}
}

/* A GET (no body) on a kept-alive connection that dies is sent again on
 * a new one by libcurl itself, which counts such retries over the
 * handle's life and gives up after five: the handle is reset after each,
 * so a long-lived one (the instance metadata's) keeps its retries. */
Test(http, a_handle_keeps_retrying_dead_connections_for_gets)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct err e;
	char url[64];
	int i, rc;

	snprintf(url, sizeof url, "http://127.0.0.1:%d/", srv.port);
	http_response_init(&resp);
	for (i = 0; i < 8; i++) {
		srv_script(SRV_RESPOND, ok_200);
		rc = h->perform(h->ctx, &(struct http_request){
			.method = "GET", .url = url,
			.connect_timeout_ms = 2000, .timeout_ms = 5000,
		    }, &resp, &e);
		cr_assert_eq(rc, 0, "%d: %s", i, e.msg);
		/* The connection kept alive dies at the next request. */
		srv_script(SRV_CLOSE_ONCE, ok_200);
		rc = h->perform(h->ctx, &(struct http_request){
			.method = "GET", .url = url,
			.connect_timeout_ms = 2000, .timeout_ms = 5000,
		    }, &resp, &e);
		cr_assert_eq(rc, 0, "dead connection %d: %s", i + 1, e.msg);
		cr_assert_eq(resp.status, 200);
	}
	pthread_mutex_lock(&srv.lock);
	cr_assert_eq(srv.requests, 8 * 3);
	pthread_mutex_unlock(&srv.lock);
	http_response_cleanup(&resp);
	http_free(h);
}

/* An answer that closes its connection: the next request goes out once,
 * on a new connection, and is answered. */
Test(http, a_connection_closed_by_its_answer_is_replaced)
{
	static const char answer_close[] = "HTTP/1.1 200 OK\r\n"
	    "Connection: close\r\nContent-Length: 2\r\n\r\n{}";
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct err e;
	int i;

	http_response_init(&resp);
	for (i = 0; i < 2; i++) {
		srv_script(SRV_RESPOND, i == 0 ? answer_close : ok_200);
		cr_assert_eq(send_req(h, "{\"k\":1}", 7, 5000, &resp, &e), 0,
		    "%s", e.msg);
		cr_assert_eq(resp.status, 200);
	}
	pthread_mutex_lock(&srv.lock);
	cr_assert_eq(srv.requests, 2);
	cr_assert_eq(srv.accepts, 2);
	pthread_mutex_unlock(&srv.lock);
	http_response_cleanup(&resp);
	http_free(h);
}

/* No answer within the timeout: timed out, after the request went out. */
Test(http, timeout)
{
	struct http_ops *h = http_new_curl(NULL);
	struct http_response resp;
	struct err e;

	srv_script(SRV_HANG, NULL);
	http_response_init(&resp);
	cr_assert_eq(send_req(h, "{}", 2, 300, &resp, &e), -1);
	cr_assert_eq(e.code, ERR_NETWORK);
	cr_assert(resp.timed_out);
	cr_assert(resp.request_sent);
	cr_assert_not_null(strstr(e.msg, "127.0.0.1"), "%s", e.msg);
	http_response_cleanup(&resp);
	http_free(h);
}

/* TLS is verified: a CA bundle that does not exist fails for good. */
Test(http, tls_bundle_missing)
{
	struct http_options o = { .ca_bundle = "/nonexistent/ca.pem" };
	struct http_ops *h = http_new_curl(&o);
	struct http_response resp;
	struct err e;
	char url[64];

	snprintf(url, sizeof url, "https://127.0.0.1:%d/", srv.port);
	srv_script(SRV_HANG, NULL);
	http_response_init(&resp);
	cr_assert_eq(h->perform(h->ctx, &(struct http_request){
		.method = "POST", .url = url, .headers = test_headers,
		.nheaders = 3, .body = "{}", .body_len = 2,
		.timeout_ms = 2000 }, &resp, &e), -1);
	cr_assert_eq(e.code, ERR_NETWORK);
	cr_assert_not(resp.request_sent);
	cr_assert(resp.permanent, "%s", e.msg);
	http_response_cleanup(&resp);
	http_free(h);
}

/*
 * The configured libcurl is a path into the build tree: loaded only when
 * it and every directory above it are owned by root or the person
 * running the program and not writable by others (a root-owned sticky
 * directory such as /tmp aside).
 */
Test(http, a_library_by_path_is_loaded_only_when_safe)
{
	char dir[] = "/tmp/dynrepo-dynload-XXXXXX", lib[64], link[64];
	char msg[256];
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(lib, sizeof lib, "%s/lib.so", dir);
	snprintf(link, sizeof link, "%s/lib.so.4", dir);
	cr_assert_not_null(f = fopen(lib, "w"));
	fclose(f);
	cr_assert_eq(chmod(lib, 0644), 0);
	cr_assert_eq(symlink("lib.so", link), 0);
	cr_assert_eq(dynload_trusted(lib, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(dynload_trusted(link, msg, sizeof msg), 0, "%s", msg);

	cr_assert_eq(chmod(lib, 0666), 0);
	cr_assert_eq(dynload_trusted(link, msg, sizeof msg), -1);
	cr_assert(strstr(msg, "lib.so is writable by others"), "%s", msg);
	cr_assert_eq(chmod(lib, 0644), 0);

	cr_assert_eq(chmod(dir, 0777), 0);
	cr_assert_eq(dynload_trusted(lib, msg, sizeof msg), -1);
	cr_assert(strstr(msg, "writable by others"), "%s", msg);
	cr_assert_eq(chmod(dir, 0700), 0);

	if (geteuid() == 0) {
		cr_assert_eq(chown(lib, 12345, 12345), 0);
		cr_assert_eq(dynload_trusted(lib, msg, sizeof msg), -1);
		cr_assert(strstr(msg, "belongs to another user (uid 12345)"),
		    "%s", msg);
		cr_assert_eq(chown(lib, 0, 0), 0);
	}
	cr_assert_eq(dynload_trusted(dir, msg, sizeof msg), -1, "a directory");
	cr_assert_eq(unlink(link), 0);
	cr_assert_eq(unlink(lib), 0);
	cr_assert_eq(dynload_trusted(lib, msg, sizeof msg), -1, "gone");
	cr_assert_eq(rmdir(dir), 0);
}
