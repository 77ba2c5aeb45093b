/* SPDX-License-Identifier: ISC */
/* The embedded store: tables in one SQLite file, with DynamoDB's semantics. */
#ifndef DYNREPO_STORE_LOCAL_H
#define DYNREPO_STORE_LOCAL_H

#include "err.h"
#include "store.h"

/*
 * Open (creating when absent, mode 0600 in a 0700 directory) the SQLite
 * file at path as a store. WAL mode and a busy timeout let several
 * processes use one file; every write is one committed transaction.
 * NULL with ERR_IO (or ERR_CONFIG for a file that is not a dynrepo
 * database) and the reason.
 */
struct store	*store_local_open(const char *path, struct err *);

#endif
