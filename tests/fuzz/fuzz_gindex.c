/*
 * fuzz_gindex: the grant index's decoder, which kuncid runs on its
 * snapshot at start-up (only after the snapshot's MAC verified, so only on
 * what kuncid wrote itself: this checks the decoder holds on anything).
 *
 * Oracle: the whole-buffer decoder (gindex_decode) and the one that reads
 * in pieces (gindex_decode_from, the snapshot's path; the piece size taken
 * from the input) agree: both refuse, or both build an index that encodes
 * to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct src {
	const uint8_t	*p;
	size_t		 len, off, step;
};

static ssize_t
get(void *arg, unsigned char *dst, size_t n)
{
	struct src *s = arg;

	if (n > s->step)
		n = s->step;
	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(dst, s->p + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gindex *a, *b;
	struct src s = { data, size, 0, 1 };
	unsigned char *ea = NULL, *eb = NULL;
	size_t la = 0, lb = 0;

	if (size > 0)
		s.step = 1 + (size_t)data[size - 1] % 97;
	a = gindex_decode(data, size);
	b = gindex_decode_from(get, &s);
	if ((a == NULL) != (b == NULL))
		abort();
	if (a != NULL) {
		if (gindex_encode(a, &ea, &la) == -1 ||
		    gindex_encode(b, &eb, &lb) == -1)
			return 0;	/* out of memory */
		if (la != lb || memcmp(ea, eb, la) != 0)
			abort();
	}
	free(ea);
	free(eb);
	gindex_free(a);
	gindex_free(b);
	return 0;
}
