/* SPDX-License-Identifier: ISC */
/*
 * The cost of decoding Query pages alone: builds a page of N items from a
 * DynamoDB JSON lines file ({"Item": {...}} per line, cycled), then
 * parses it R times through ddbjson_stream fed 16 KiB pieces, as an
 * answer arrives, and prints the best and median ns per item and MB/s.
 * Built against a build's library, e.g.:
 *   cc -O2 -Isrc -I$BUILD -o /tmp/parse_page tests/bench/parse_page.c \
 *       $BUILD/libdynrepo.a -ljansson -lyajl -lz -lpthread
 *   /tmp/parse_page tests/data/pydantic-dynamo/items.ddb.jsonl 2500 40
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ddbjson.h"
#include "value.h"

/* Now, in ns. */
static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* For qsort: doubles, rising. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const char prefix[] = "{\"Item\": ";
	static const char *const pats[] = { "Items[]", NULL };
	struct buf file = BUF_INIT, page = BUF_INIT;
	struct ddbjson_stream *s;
	struct value *doc;
	struct err err;
	char chunk[65536], *line, *save = NULL;
	double *t;
	size_t n, i, at, items, reps, count = 0;
	FILE *f;

	if (argc != 4 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: parse_page FILE.jsonl ITEMS REPS\n");
		return 2;
	}
	items = strtoul(argv[2], NULL, 10);
	reps = strtoul(argv[3], NULL, 10);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&file, chunk, n);
	fclose(f);
	buf_adds(&page, "{\"Items\":[");
	while (count < items) {
		char *text = strdup(buf_cstr(&file));

		for (line = strtok_r(text, "\n", &save); line != NULL &&
		    count < items; line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, prefix, sizeof prefix - 1) != 0)
				continue;
			if (count++ > 0)
				buf_addc(&page, ',');
			buf_add(&page, line + sizeof prefix - 1,
			    strlen(line) - sizeof prefix);
		}
		free(text);
	}
	buf_printf(&page, "],\"Count\":%zu,\"ScannedCount\":%zu}", count,
	    count);
	t = calloc(reps, sizeof *t);
	s = ddbjson_stream_new(pats, true);
	for (i = 0; i < reps; i++) {
		double t0 = now_ns();

		ddbjson_stream_begin(s);
		for (at = 0; at < page.len; at += 16384)
			ddbjson_stream_feed(s, page.data + at,
			    page.len - at < 16384 ? page.len - at : 16384);
		doc = ddbjson_stream_finish(s, &err);
		if (doc == NULL) {
			fprintf(stderr, "parse_page: %s\n", err.msg);
			return 1;
		}
		value_free(doc);
		t[i] = now_ns() - t0;
	}
	qsort(t, reps, sizeof *t, cmp_double);
	printf("%zu items, %zu bytes: best %.0f ns/item, median %.0f "
	    "ns/item, %.0f MB/s at the median\n", count, page.len,
	    t[0] / count, t[reps / 2] / count, page.len / t[reps / 2] * 1e3);
	ddbjson_stream_free(s);
	buf_cleanup(&file);
	buf_cleanup(&page);
	free(t);
	return 0;
}
