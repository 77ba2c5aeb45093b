/* SPDX-License-Identifier: ISC */
/*
 * For the unit tests that write through a repository onto the embedded
 * store: CreateTable of "tbl" with the keys pydantic-dynamo names.
 * Included by one test file each (static).
 */
#ifndef DYNREPO_TESTS_LOCAL_TABLE_H
#define DYNREPO_TESTS_LOCAL_TABLE_H

#include "request.h"
#include "store.h"
#include "xmalloc.h"

/* Create "tbl" on s: 0, or -1 with e (the table exists already, ...). */
static int
local_table_create(struct store *s, struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	request_init(&rq, OP_CREATE_TABLE, "tbl");
	rq.hash_key = xstrdup("_table_item_id");
	rq.range_key = xstrdup("_table_content_id");
	response_init(&rs);
	rc = store_execute(s, &rq, &rs, e);
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}

#endif
