/* SPDX-License-Identifier: ISC */
/* Fuzz jsonlex against yajl: the same events and decision, and the same
 * result however the text is cut (tests/unit/jsonlex_diff.h). */
#include "config.h"

#include "fuzz.h"

#include "../tests/unit/jsonlex_diff.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *doc = (const char *)data;
	size_t cuts[3], i, h = 5381;
	const char *why;

	/* Cuts drawn from the text itself, so an input replays alike. */
	for (i = 0; i < len; i++)
		h = h * 33 + data[i];
	for (i = 0; i < 3; i++) {
		cuts[i] = len > 0 ? h % (len + 1) : 0;
		h = h / (len + 1) + h * 7;
		if (i > 0 && cuts[i] < cuts[i - 1])
			cuts[i] = cuts[i - 1];
	}
	why = jd_check(doc, len, cuts, len > 0 ? 3 : 0, len <= 4096);
	if (why != NULL)
		fuzz_fail(why, NULL);
	return 0;
}
