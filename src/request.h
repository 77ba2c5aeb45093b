/* SPDX-License-Identifier: ISC */
/* The one request model: what a store is asked to do, and what it answers. */
#ifndef DYNREPO_REQUEST_H
#define DYNREPO_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "expr.h"
#include "value.h"

enum request_op {
	OP_GET_ITEM,
	OP_PUT_ITEM,
	OP_UPDATE_ITEM,
	OP_DELETE_ITEM,
	OP_QUERY,
	OP_SCAN,
	OP_BATCH_GET_ITEM,
	OP_BATCH_WRITE_ITEM,
	OP_DESCRIBE_TABLE,
	OP_LIST_TABLES,
	OP_CREATE_TABLE,
	OP_DELETE_TABLE,
	OP_COUNT
};

enum return_values {
	RV_NONE,
	RV_ALL_OLD,
	RV_ALL_NEW,
	RV_UPDATED_OLD,
	RV_UPDATED_NEW
};

/* One entry of a BatchWriteItem: a put (item) or a delete (key). A put
 * may carry its item as text for a store that takes it (store.h's
 * write_text), sent as it is. */
struct write_request {
	bool		 is_delete;
	struct value	*value;		/* M, owned: the item or the key */
	char		*text;		/* owned, or NULL: DynamoDB JSON */
	size_t		 text_len;
	/* value is the key only: text is the item, its numbers as
	 * DynamoDB stores them (the journal's after-image). */
	bool		 value_is_key;
};

/*
 * A request owns everything it points to; request_cleanup frees it all.
 * Only the fields of its operation are used.
 */
struct request {
	enum request_op		 op;
	char			*table;

	struct value		*key;		/* Get/Update/Delete: M */
	struct value		*item;		/* Put: M */
	struct expr		*condition;	/* Put/Update/Delete */
	struct update		 update;	/* Update */
	enum return_values	 return_values;

	struct expr		*key_condition;	/* Query */
	struct expr		*filter;	/* Query/Scan */
	struct path		*projection;	/* Query/Scan/Get: paths */
	size_t			 nprojection;
	bool			 consistent_read;
	bool			 scan_forward;	/* Query; true by default */
	long			 limit;		/* 0: none; before the filter */
	struct value		*exclusive_start_key;
	int			 segment;	/* Scan: 0..total_segments-1 */
	int			 total_segments;/* Scan: 0 = no segments */
	bool			 select_count;	/* Query/Scan: Select COUNT */
	/* Query/Scan/BatchGet: the store may answer with the items' text
	 * (response.items_text) instead of values. */
	bool			 items_as_text;

	struct value		**keys;		/* BatchGet: M keys */
	size_t			 nkeys;
	struct write_request	*writes;	/* BatchWrite */
	size_t			 nwrites;

	char			*hash_key;	/* CreateTable: S key names */
	char			*range_key;
	char			*exclusive_start_table;	/* ListTables */
};

/* A response owns its values; response_cleanup frees them. */
struct response {
	struct value		*item;		/* Get; Attributes of writes */
	struct value		**items;	/* Query/Scan/BatchGetItem's */
	size_t			 nitems, items_cap;
	long			 count;		/* Query/Scan: after filter */
	long			 scanned_count;	/* before the filter */
	struct value		*last_evaluated_key;
	double			 consumed_capacity;	/* read/write units */
	/* With request.items_as_text, when the store kept them as text: the
	 * Items array ("[...]", DynamoDB JSON) inside items_body, which the
	 * response owns; items is then empty. */
	char			*items_body;
	const char		*items_text;
	size_t			 items_text_len;
	/* Who takes items_body back (NULL: free(3)), and its size: a
	 * response with items_body is cleaned up before its store is
	 * freed. */
	void			(*items_body_free)(void *owner, char *body,
				    size_t cap);
	void			*items_body_owner;
	size_t			 items_body_cap, items_body_len;
	/* The whole answer (items_body) parsed as if it had not been kept
	 * as text: items filled, or the parser's error; for items the text
	 * path finds wrong. rq: the request it answers. */
	int			(*items_reparse)(const struct request *rq,
				    struct response *, struct err *);

	struct value		**unprocessed_keys;	/* BatchGet */
	size_t			 nunprocessed_keys;
	struct write_request	*unprocessed_writes;	/* BatchWrite */
	size_t			 nunprocessed_writes;
	/* The answer came to a retry of an attempt that may have been
	 * carried out (awsclient_retried_maybe). */
	bool			 retried_maybe;

	char			**table_names;	/* ListTables */
	size_t			 ntable_names;
	char			*last_table_name;

	/* DescribeTable */
	char			*table_status;
	char			*hash_key;
	char			*range_key;
	long long		 item_count;
};

void	 request_init(struct request *, enum request_op, const char *table);
void	 request_cleanup(struct request *);
void	 response_init(struct response *);
void	 response_cleanup(struct response *);
/* Free a write request's value and text (not the struct). */
void	 write_request_cleanup(struct write_request *);
/* Append an item to a response (takes ownership). */
void	 response_add_item(struct response *, struct value *);
/* "GetItem", "Query", ...; cannot fail. */
const char *request_op_name(enum request_op);
/* True when retrying the request cannot apply it twice differently. */
bool	 request_idempotent(const struct request *);

#endif
