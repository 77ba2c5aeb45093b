/* SPDX-License-Identifier: ISC */
/* CRC-32 (IEEE 802.3), as DynamoDB's x-amz-crc32 header carries it. */
#ifndef DYNREPO_CRC32_H
#define DYNREPO_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of crc's data followed by len bytes at data; 0 to start.
 * The same as zlib's crc32_z, faster where the CPU can fold. */
uint32_t	crc32_ieee(uint32_t crc, const void *data, size_t len);
/* Whether crc32_ieee folds on this CPU (for the tests). */
int		crc32_folds(void);

#endif
