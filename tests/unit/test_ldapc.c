/*
 * test_ldapc.c: the GeneralizedTime reader of agent/ldapc.c, which reads a
 * grant's validity (kunciNotBefore, kunciNotAfter) from the directory.
 * Only whole, real instants parse; anything else is refused, and the sync
 * then ignores the grant (fail closed).
 */
#include <stdio.h>
#include <time.h>

#include "ldapc.h"

#include "check.h"

static void
test_gentime(void)
{
	static const char *bad[] = {
		"", "2026", "20260817093000", "20260817093000+0700",
		"2026081709Z", "202608170930Z", "20260817093000Zx",
		"20260817093000.Z5", "20261317093000Z", "20260800093000Z",
		"20260817243000Z", "20260817096000Z",
		/* found by tests/fuzz/fuzz_when: strptime skips the blank */
		"202608170930 0.5Z", " 20260817093000Z", "2026 817093000Z",
		"+2026081709300Z", "-2026081709300Z",
		/* days the month lacks, a leap second: no such instant */
		"20260230000000Z", "20250229000000Z", "20260431120000Z",
		"20261231235960Z",
	};
	char buf[32];
	time_t t;
	size_t i;

	CHECK(ldapc_parse_gentime("20260817093000Z", &t) == 0);
	CHECK_LL(t, 1786959000);
	CHECK(ldapc_parse_gentime("20260817093000.25Z", &t) == 0);
	CHECK_LL(t, 1786959000);
	CHECK(ldapc_parse_gentime("20240229000000Z", &t) == 0);
	CHECK_LL(t, 1709164800);
	CHECK(ldapc_parse_gentime("19700101000000Z", &t) == 0);
	CHECK_LL(t, 0);
	CHECK(ldapc_gentime(buf, sizeof(buf), 1786959000) == 0);
	CHECK_STR(buf, "20260817093000Z");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 42;
		check(ldapc_parse_gentime(bad[i], &t) == -1 && t == 0, bad[i],
		    __FILE__, __LINE__);
	}
}

int
main(void)
{
	test_gentime();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
