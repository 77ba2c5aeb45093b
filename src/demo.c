/* SPDX-License-Identifier: ISC */
/* The demo repositories: a realistic data set written through the core. */
#include "config.h"

#include "demo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "json.h"
#include "repo.h"
#include "request.h"
#include "xmalloc.h"

#define DEMO_ACTORS	1500
#define DEMO_CHARACTERS	800
#define DEMO_EVENTS	1800

/* A small deterministic generator: the same demo on every machine. */
struct demo_rng {
	uint64_t	 s;
};

static uint32_t
demo_rand(struct demo_rng *r, uint32_t n)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 2685821657736338717ULL) >> 33) % n;
}

#define DEMO_PICK(r, a) ((a)[demo_rand((r), sizeof (a) / sizeof (a)[0])])

char *
demo_path(void)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (data != NULL && *data == '/')
		return xasprintf("%s/dynrepo/demo.db", data);
	if (home != NULL && *home == '/')
		return xasprintf("%s/.local/share/dynrepo/demo.db", home);
	return NULL;
}

/* Collects contents and writes them in batches. */
struct demo_writer {
	struct repo	*repo;
	struct content	*batch[250];
	size_t		 n;
	size_t		 written;
	int		 rc;
	struct err	*e;
};

/* Add one content from a PartitionedContent JSON text. */
static void
demo_add(struct demo_writer *w, struct buf *json)
{
	struct content *c;
	size_t done = 0, i;

	if (w->rc != 0)
		return;
	c = content_from_json(json->data, json->len, w->e);
	if (c == NULL) {
		/* A bug in this file, not bad input from anyone. */
		err_prefix(w->e, "demo data: ");
		w->e->code = ERR_INTERNAL;
		w->rc = -1;
		return;
	}
	w->batch[w->n++] = c;
	if (w->n < sizeof w->batch / sizeof w->batch[0])
		return;
	w->rc = repo_put_batch(w->repo, w->batch, w->n, &done, w->e);
	w->written += done;
	for (i = 0; i < w->n; i++)
		content_free(w->batch[i]);
	w->n = 0;
}

/* Write what is left. */
static int
demo_flush(struct demo_writer *w)
{
	size_t done = 0, i;

	if (w->rc == 0 && w->n > 0) {
		w->rc = repo_put_batch(w->repo, w->batch, w->n, &done, w->e);
		w->written += done;
	}
	for (i = 0; i < w->n; i++)
		content_free(w->batch[i]);
	w->n = 0;
	return w->rc;
}

static const char *const demo_first[] = {
	"Ana", "Bo", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan",
	"Jun", "Kofi", "Lea", "Mo", "Nia", "Oskar", "Priya", "Saoirse",
	"Tomás", "Ümit", "Zoë", "Łucja", "Søren", "Aoife", "Kenji",
};
static const char *const demo_last[] = {
	"Abbott", "Byrne", "Castillo", "Dubois", "Eriksen", "Fujita",
	"García", "Haddad", "Ivanova", "Jensen", "Kowalski", "Laurent",
	"Moreau", "Nakamura", "O'Neill", "Petrov", "Quinn", "Rossi",
	"Schmidt", "Tanaka", "Ó Ronáin", "Novák",
};

/* A place: content id segments and the address that goes with them. */
struct demo_place {
	const char	*ids;		/* joined with '#' */
	const char	*city;
	const char	*country;
	const char	*zip;		/* NULL: None */
};

static const struct demo_place demo_places[] = {
	{ "usa#ny#saratoga#12020", "Saratoga Springs", "USA", "12020" },
	{ "usa#ny#albany#12201", "Albany", "USA", "12201" },
	{ "usa#ny#brooklyn#11201", "Brooklyn", "USA", "11201" },
	{ "usa#ca#oakland#94601", "Oakland", "USA", "94601" },
	{ "usa#ca#los-angeles#90028", "Los Angeles", "USA", "90028" },
	{ "usa#ca#fresno#93650", "Fresno", "USA", "93650" },
	{ "usa#tx#austin#73301", "Austin", "USA", "73301" },
	{ "ireland#dublin", "Dublin", "Ireland", NULL },
	{ "ireland#galway", "Galway", "Ireland", NULL },
	{ "france#paris", "Paris", "France", "75001" },
	{ "france", "Lyon", "France", NULL },
	{ "japan#tokyo#shibuya", "Tokyo", "Japan", "150-0002" },
	{ "india#mh#mumbai", "Mumbai", "India", "400001" },
	{ "uk#london#camden", "London", "United Kingdom", "NW1" },
};

static const char *const demo_studios[] = {
	"\"studio-a\"", "\"studio-b\",\"east\"",
	"\"studio-c\",\"west\",\"2024\"",
};

/* FilmActor, the model of profiles/film_actor.schema.json. */
static void
demo_actor(struct demo_writer *w, struct demo_rng *r, int i)
{
	static const char *const genres[] = { "drama", "comedy", "noir" };
	static const char *const tags[] = {
		"method", "stunts", "voice", "indie", "award-winner",
		"newcomer",
	};
	const struct demo_place *pl = &DEMO_PICK(r, demo_places);
	struct buf b = BUF_INIT, ids = BUF_INIT;
	const char *p;
	int year = 1940 + (int)demo_rand(r, 65), nroles, k;

	for (p = pl->ids; *p != '\0'; p++) {
		if (*p == '#')
			buf_adds(&ids, "\",\"");
		else
			buf_addc(&ids, *p);
	}
	buf_printf(&b, "{\"partition_ids\":[%s],\"content_ids\":[\"%s\","
	    "\"actor%04d\"],\"item\":{", DEMO_PICK(r, demo_studios),
	    buf_cstr(&ids), i);
	buf_printf(&b, "\"id\":\"actor%04d\",\"name\":\"%s %s\",", i,
	    DEMO_PICK(r, demo_first), DEMO_PICK(r, demo_last));
	if (demo_rand(r, 3) == 0)
		buf_adds(&b, "\"review\":null,");
	else
		buf_printf(&b, "\"review\":\"%s\",", DEMO_PICK(r,
		    ((const char *const[]){ "A quiet, exact performance.",
		    "Steals every scene.", "Miscast, but charming.",
		    "Two words: \\\"the stairs\\\".",
		    "Best in a \\u201cnoir\\u201d role since 1947." })));
	buf_printf(&b, "\"year\":%d,\"rating\":%u.%u%u,", year,
	    demo_rand(r, 10), demo_rand(r, 10), demo_rand(r, 10));
	if (demo_rand(r, 4) == 0)
		buf_adds(&b, "\"score\":null,");
	else
		buf_printf(&b, "\"score\":%u.%u,", demo_rand(r, 100),
		    demo_rand(r, 10));
	buf_printf(&b, "\"tags\":[\"%s\",\"%s\"],", DEMO_PICK(r, tags),
	    DEMO_PICK(r, tags));
	buf_printf(&b, "\"nicknames\":[\"nick%d\"%s],\"lucky_numbers\":[%u,7],",
	    i, demo_rand(r, 2) ? ",\"the kid\"" : "", demo_rand(r, 99));
	buf_printf(&b, "\"address\":{\"city\":\"%s\",\"country\":\"%s\","
	    "\"zip\":", pl->city, pl->country);
	if (pl->zip != NULL)
		buf_printf(&b, "\"%s\"},", pl->zip);
	else
		buf_adds(&b, "null},");
	buf_printf(&b, "\"extra\":{\"agent\":\"%s\",\"sequels\":[1,2],"
	    "\"meta\":{\"source\":\"demo\",\"verified\":%s}},",
	    DEMO_PICK(r, demo_last), demo_rand(r, 2) ? "true" : "false");
	buf_adds(&b, "\"roles\":[");
	nroles = 1 + (int)demo_rand(r, 3);
	for (k = 0; k < nroles; k++)
		buf_printf(&b, "%s{\"title\":\"Role %d-%d\",\"year\":%d,"
		    "\"lead\":%s}", k ? "," : "", i, k + 1,
		    year + 18 + (int)demo_rand(r, 40),
		    k == 0 && demo_rand(r, 2) ? "true" : "false");
	buf_printf(&b, "],\"born\":\"%d-%02u-%02uT%02u:%02u:%02u.%06u+00:00\",",
	    year, 1 + demo_rand(r, 12), 1 + demo_rand(r, 28),
	    demo_rand(r, 24), demo_rand(r, 60), demo_rand(r, 60),
	    demo_rand(r, 1000000));
	buf_printf(&b, "\"birthday\":\"%d-%02u-%02u\",\"call_time\":"
	    "\"%02u:%02u:00\",", year, 1 + demo_rand(r, 12),
	    1 + demo_rand(r, 28), 5 + demo_rand(r, 5), demo_rand(r, 4) * 15);
	buf_printf(&b, "\"genre\":\"%s\",\"awards\":%u,"
	    "\"big_count\":%u%016u,\"active\":%s,\"nothing\":null},"
	    "\"current_version\":1,\"expiry\":null}", DEMO_PICK(r, genres),
	    demo_rand(r, 6), 1 + demo_rand(r, 9), demo_rand(r, 1000000000),
	    demo_rand(r, 5) ? "true" : "false");
	demo_add(w, &b);
	buf_cleanup(&b);
	buf_cleanup(&ids);
}

static const char *const demo_films[] = {
	"the-long-road", "night-train", "paper-moon-2", "glass-harbour",
	"the-quiet-hour", "saltwater", "last-call", "north-of-nowhere",
};

/* Character, the model of profiles/character.schema.json (pydantic 2). */
static void
demo_character(struct demo_writer *w, struct demo_rng *r, int i)
{
	static const char *const importance[] = { "lead", "supporting",
	    "supporting", "cameo", "cameo", "cameo" };
	static const char *const quotes[] = {
		"We were never here.", "Keep the engine running.",
		"That's not a boat, that's a promise.", "Ask me tomorrow.",
		"Everybody lies; the tide doesn't.",
	};
	const char *film = DEMO_PICK(r, demo_films);
	const char *imp = DEMO_PICK(r, importance);
	struct buf b = BUF_INIT;
	int q, nq = (int)demo_rand(r, 3);

	buf_printf(&b, "{\"partition_ids\":[\"%s\"],\"content_ids\":[\"%s\","
	    "\"char%04d\"],\"item\":{", film, imp, i);
	buf_printf(&b, "\"name\":\"%s %s\",\"film\":\"%s\",",
	    DEMO_PICK(r, demo_first), DEMO_PICK(r, demo_last), film);
	if (demo_rand(r, 5) == 0)
		buf_adds(&b, "\"actor_id\":null,");
	else
		buf_printf(&b, "\"actor_id\":\"actor%04u\",",
		    1 + demo_rand(r, DEMO_ACTORS));
	buf_printf(&b, "\"importance\":\"%s\",\"lines\":%u,", imp,
	    demo_rand(r, strcmp(imp, "lead") == 0 ? 900 : 120));
	buf_printf(&b, "\"aliases\":[\"%s\"],\"quotes\":[",
	    DEMO_PICK(r, demo_first));
	for (q = 0; q < nq; q++)
		buf_printf(&b, "%s{\"text\":\"%s\",\"scene\":%u}", q ? "," : "",
		    DEMO_PICK(r, quotes), 1 + demo_rand(r, 80));
	buf_adds(&b, "],\"first_seen\":");
	if (demo_rand(r, 3) == 0)
		buf_adds(&b, "null,");
	else
		buf_printf(&b, "\"00:%02u:%02u\",", demo_rand(r, 60),
		    demo_rand(r, 60));
	buf_printf(&b, "\"screen_minutes\":%u.%u},\"current_version\":1,"
	    "\"expiry\":null}", demo_rand(r, 120), demo_rand(r, 10));
	demo_add(w, &b);
	buf_cleanup(&b);
}

/* Event, the model of profiles/event.schema.json (pydantic 2): an event
 * log keyed by ISO timestamps, so between-navigation means something. */
static void
demo_event(struct demo_writer *w, struct demo_rng *r, int i, int64_t *clock)
{
	static const char *const services[] = { "billing", "catalog",
	    "search" };
	static const char *const kinds[] = { "order.created", "order.paid",
	    "refund.issued", "item.updated", "item.deleted", "login",
	    "search.slow" };
	static const char *const severities[] = { "debug", "info", "info",
	    "info", "warning", "error" };
	char when[32], at[64];
	struct buf b = BUF_INIT;
	unsigned usec = demo_rand(r, 1000000);

	*clock += 30 + demo_rand(r, 1800);
	content_format_time(*clock, when);
	/* "2026-10-01T08:15:02" as the id; the full ISO time in the item. */
	when[19] = '\0';
	snprintf(at, sizeof at, "%s.%06u+00:00", when, usec);
	buf_printf(&b, "{\"partition_ids\":[\"%s\"],\"content_ids\":[\"%s\","
	    "\"evt%05d\"],\"item\":{", DEMO_PICK(r, services), when, i);
	buf_printf(&b, "\"kind\":\"%s\",\"severity\":\"%s\",\"at\":\"%s\",",
	    DEMO_PICK(r, kinds), DEMO_PICK(r, severities), at);
	if (demo_rand(r, 4) == 0)
		buf_adds(&b, "\"user\":null,");
	else
		buf_printf(&b, "\"user\":\"%s.%s@example.com\",",
		    DEMO_PICK(r, demo_first), DEMO_PICK(r, demo_last));
	buf_printf(&b, "\"request_id\":\"%08x-%04x\",", demo_rand(r,
	    0x7fffffff), demo_rand(r, 0xffff));
	if (demo_rand(r, 3) == 0)
		buf_adds(&b, "\"duration_ms\":null,");
	else
		buf_printf(&b, "\"duration_ms\":%u,", demo_rand(r, 5000));
	buf_printf(&b, "\"payload\":{\"amount\":\"%u.%02u\",\"currency\":"
	    "\"EUR\",\"items\":%u},\"tags\":[\"demo\"]},\"current_version\":1,"
	    "\"expiry\":%lld}", demo_rand(r, 500), demo_rand(r, 100),
	    demo_rand(r, 9), (long long)(*clock + 400LL * 86400));
	demo_add(w, &b);
	buf_cleanup(&b);
}

/* Run one request that must succeed. */
static int
demo_request(struct store *st, struct request *rq, struct err *e)
{
	struct response rs;
	int rc;

	response_init(&rs);
	rc = store_execute(st, rq, &rs, e);
	response_cleanup(&rs);
	request_cleanup(rq);
	return rc;
}

/* The marker written last: a table without it was cut off while being
 * filled (a killed first run) and is filled again. */
static struct value *
demo_marker_key(void)
{
	struct value *k = value_new_m();

	value_map_set(k, "_table_item_id", value_new_str("dynrepo#demo#"));
	value_map_set(k, "_table_content_id", value_new_str("complete#"));
	return k;
}

/* Whether the marker is there. */
static int
demo_complete(struct store *st, bool *complete, struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	request_init(&rq, OP_GET_ITEM, DEMO_TABLE);
	rq.key = demo_marker_key();
	rq.consistent_read = true;
	response_init(&rs);
	rc = store_execute(st, &rq, &rs, e);
	*complete = rc == 0 && rs.item != NULL;
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}

/* Whether the demo table exists. */
static int
demo_exists(struct store *st, bool *exists, struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	request_init(&rq, OP_DESCRIBE_TABLE, DEMO_TABLE);
	response_init(&rs);
	rc = store_execute(st, &rq, &rs, e);
	response_cleanup(&rs);
	request_cleanup(&rq);
	*exists = rc == 0;
	if (rc == -1 && e != NULL && e->code == ERR_NOT_FOUND) {
		err_clear(e);
		return 0;
	}
	return rc;
}

/* Fill one repository of the demo table. */
static int
demo_repository(struct store *st, const char *prefix, const char *name,
    const char *type, int n, size_t *count, struct err *e)
{
	struct repo_config rc = {
		.table = DEMO_TABLE, .partition_prefix = prefix,
		.partition_name = name, .content_type = type, .name = "demo",
	};
	struct demo_writer w = { .e = e };
	struct demo_rng rng = { 0x9e3779b97f4a7c15ULL ^ (uint64_t)n };
	int64_t clock = 1790812800;	/* 2026-10-01T00:00:00Z */
	int i;

	w.repo = repo_new(&rc, st, NULL);
	for (i = 1; i <= n && w.rc == 0; i++) {
		if (strcmp(type, "film_actor") == 0)
			demo_actor(&w, &rng, i);
		else if (strcmp(type, "character") == 0)
			demo_character(&w, &rng, i);
		else
			demo_event(&w, &rng, i, &clock);
	}
	demo_flush(&w);
	*count = w.written;
	repo_free(w.repo);
	return w.rc;
}

int
demo_fill(struct store *st, bool reset, struct demo_counts *counts,
    struct err *e)
{
	struct request rq;
	bool exists;

	memset(counts, 0, sizeof *counts);
	if (demo_exists(st, &exists, e) == -1)
		return -1;
	if (exists && reset) {
		request_init(&rq, OP_DELETE_TABLE, DEMO_TABLE);
		if (demo_request(st, &rq, e) == -1)
			return -1;
		exists = false;
	}
	if (exists) {
		bool complete;

		if (demo_complete(st, &complete, e) == -1)
			return -1;
		if (complete)
			return 0;
	} else {
		request_init(&rq, OP_CREATE_TABLE, DEMO_TABLE);
		rq.hash_key = xstrdup("_table_item_id");
		rq.range_key = xstrdup("_table_content_id");
		if (demo_request(st, &rq, e) == -1)
			return -1;
	}
	counts->created = true;
	if (demo_repository(st, "content", "film_actor", "film_actor",
	    DEMO_ACTORS, &counts->actors, e) == -1 ||
	    demo_repository(st, "content", "movies", "character",
	    DEMO_CHARACTERS, &counts->characters, e) == -1 ||
	    demo_repository(st, "audit", "events", "event", DEMO_EVENTS,
	    &counts->events, e) == -1)
		return -1;
	request_init(&rq, OP_PUT_ITEM, DEMO_TABLE);
	rq.item = demo_marker_key();
	value_map_set(rq.item, "note", value_new_str("written by dynrepo "
	    "--demo once the demo repositories were complete"));
	return demo_request(st, &rq, e);
}
