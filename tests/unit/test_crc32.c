/* SPDX-License-Identifier: ISC */
/* The folding CRC-32 against zlib's, at every length and alignment. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crc32.h"

static unsigned char data[(1 << 20) + 64];

static void
fill(unsigned seed)
{
	size_t i;

	srand(seed);
	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)rand();
}

Test(crc32, the_check_value)
{
	/* The catalogue's check value for CRC-32/ISO-HDLC. */
	cr_assert_eq(crc32_ieee(0, "123456789", 9), 0xcbf43926u);
	cr_assert_eq(crc32_ieee(0, "", 0), 0);
	cr_log_info("crc32: %s", crc32_folds() ? "folding" : "zlib only");
}

Test(crc32, every_length_and_alignment_as_zlib)
{
	size_t off, len;

	fill(1);
	for (off = 0; off < 16; off++)
		for (len = 0; len <= 600; len++)
			cr_assert_eq(crc32_ieee(0, data + off, len),
			    (uint32_t)crc32_z(0, data + off, len),
			    "offset %zu, length %zu", off, len);
}

Test(crc32, long_bodies_in_pieces_as_zlib)
{
	uint32_t want, got;
	size_t at, n;
	unsigned round;

	for (round = 0; round < 20; round++) {
		fill(round + 2);
		want = (uint32_t)crc32_z(0, data, sizeof data);
		cr_assert_eq(crc32_ieee(0, data, sizeof data), want);
		/* Continued piece by piece, as answers arrive. */
		srand(round);
		got = 0;
		for (at = 0; at < sizeof data; at += n) {
			n = (size_t)rand() % 70000;
			if (n > sizeof data - at)
				n = sizeof data - at;
			got = crc32_ieee(got, data + at, n);
		}
		cr_assert_eq(got, want, "round %u", round);
	}
}

Test(crc32, runs_of_one_byte_value)
{
	size_t len;
	int c;

	for (c = 0; c < 256; c += 51)
		for (len = 64; len <= 4096; len = len * 3 / 2) {
			memset(data, c, len);
			cr_assert_eq(crc32_ieee(0, data, len),
			    (uint32_t)crc32_z(0, data, len));
		}
}
