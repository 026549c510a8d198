/*
 * test_writer.c: unit tests of agent/writer.c's comparisons of contextCSN
 * (two sites, doc/sites.md): whether one provider has seen everything
 * another has, and how many seconds it lags.  The writer switch refuses a
 * provider that has not caught up on exactly this answer.
 * Ends with "N passed, N failed"; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "writer.h"

#include "check.h"

static void
add(struct writer_csns *s, const char *csn)
{
	struct writer_csn *w = &s->v[s->n++];
	const char *h = strchr(csn, '#');

	snprintf(w->csn, sizeof(w->csn), "%s", csn);
	/* the serverID is the third field */
	h = strchr(h + 1, '#');
	snprintf(w->sid, sizeof(w->sid), "%.3s", h + 1);
}

static void
test_sid(void)
{
	char s[8];

	writer_sid("1", s);
	CHECK_STR(s, "001");
	writer_sid("4095", s);
	CHECK_STR(s, "fff");
	writer_sid("4096", s);
	CHECK_STR(s, "?");
	writer_sid("1x", s);
	CHECK_STR(s, "?");
	writer_sid("", s);
	CHECK_STR(s, "?");
}

static void
test_covers(void)
{
	struct writer_csns a, b;
	char behind[16];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	add(&a, "20261206050000.000001Z#000000#001#000000");
	add(&a, "20261206040000.000001Z#000000#002#000000");
	add(&b, "20261206050000.000001Z#000000#001#000000");
	add(&b, "20261206040000.000001Z#000000#002#000000");
	CHECK(writer_covers(&a, &b, behind, sizeof(behind)) == 1);
	/* b wrote once more as serverID 1: a is behind on 001 */
	snprintf(b.v[0].csn, sizeof(b.v[0].csn), "%s",
	    "20261206050000.000002Z#000000#001#000000");
	CHECK(writer_covers(&a, &b, behind, sizeof(behind)) == 0);
	CHECK_STR(behind, "001");
	CHECK(writer_covers(&b, &a, behind, sizeof(behind)) == 1);
	/* a serverID a has never seen */
	add(&b, "20261206030000.000000Z#000000#003#000000");
	snprintf(b.v[0].csn, sizeof(b.v[0].csn), "%s",
	    "20261206050000.000001Z#000000#001#000000");
	CHECK(writer_covers(&a, &b, behind, sizeof(behind)) == 0);
	CHECK_STR(behind, "003");
	/* the change count breaks a tie of times */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	add(&a, "20261206050000.000001Z#000000#001#000000");
	add(&b, "20261206050000.000001Z#000001#001#000000");
	CHECK(writer_covers(&a, &b, behind, sizeof(behind)) == 0);
}

static void
test_lag(void)
{
	struct writer_csns a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	add(&a, "20261206050000.000001Z#000000#001#000000");
	add(&b, "20261206050042.000001Z#000000#001#000000");
	CHECK_LL(writer_lag(&a, &b, "1"), 42);
	CHECK_LL(writer_lag(&b, &a, "1"), 0);
	CHECK_LL(writer_lag(&a, &a, "1"), 0);
	/* the writer has no change of its own yet: nothing to lag on */
	CHECK_LL(writer_lag(&a, &b, "2"), 0);
	/* the local provider has none of the writer's: unknown */
	memset(&a, 0, sizeof(a));
	CHECK_LL(writer_lag(&a, &b, "1"), -1);
}

int
main(void)
{
	test_sid();
	test_covers();
	test_lag();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
