/*
 * test_chain.c: the audit chain's head (chain.h): a new chain, a clean
 * and a crashed resumption, a torn slot (the other one is used), both
 * slots bad (lost), another host's head refused; each sealed record's
 * value is SHA-256 of the previous value and its text; a record with no
 * room is left unchanged.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "chain.h"

static char dir[64], head[96];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_chain.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(head, sizeof(head), "%s/audit.head", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(head);
	rmdir(dir);
	return 0;
}

/* Seal n records into c, committing after each; the last value. */
static void
seal_n(struct chain *c, int n, int clean_at_end)
{
	char rec[512];
	uint64_t first = c->seq + 1;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(rec, sizeof(rec), "event=test.x n=%d", i);
		assert_int_equal(chain_seal(c, rec, sizeof(rec)), 0);
	}
	assert_int_equal(chain_commit(c, first, c->seq, c->val, 0), 0);
	if (clean_at_end)
		assert_int_equal(chain_commit(c, c->seq + 1, c->seq, c->val,
		    1), 0);
}

static void
new_clean_crash(void **state)
{
	struct chain c;
	char err[256];
	unsigned char v[CHAIN_VAL_LEN];

	(void)state;
	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	assert_int_equal(c.state, CHAIN_NEW);
	seal_n(&c, 5, 1);
	memcpy(v, c.val, sizeof(v));
	chain_close(&c);

	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	assert_int_equal(c.state, CHAIN_CLEAN);
	assert_int_equal(c.after, 5);
	assert_memory_equal(c.val, v, sizeof(v));
	seal_n(&c, 3, 0);		/* ... then "killed" */
	chain_close(&c);

	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	assert_int_equal(c.state, CHAIN_CRASH);
	/* 6..8 may be unsent; past 8 up to the skip, sealed and lost */
	assert_int_equal(c.after, 8 + CHAIN_CRASH_SKIP);
	assert_int_equal(c.unsent_from, 6);
	assert_int_equal(c.seq, 8);	/* the head until the next seal */
	{
		char rec[512] = "event=audit.start begins=crashed";
		unsigned char want[CHAIN_VAL_LEN];
		const char *p;

		memcpy(v, c.val, sizeof(v));
		assert_int_equal(chain_seal(&c, rec, sizeof(rec)), 0);
		assert_int_equal(c.seq, 8 + CHAIN_CRASH_SKIP + 1);
		assert_non_null(strstr(rec, " seq=8201 "));	/* 8+8192+1 */
		/* chained from the last durable value */
		p = strstr(rec, " chain=");
		assert_non_null(p);
		assert_int_equal(chain_hash(v, rec, (size_t)(p - rec), want),
		    0);
		assert_memory_equal(c.val, want, sizeof(want));
	}
	chain_close(&c);

	/* another host's head is refused, not forked */
	assert_int_equal(chain_open(&c, dir, "kantor-b", err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "holds the chain of host kantor-a"));
}

static void
torn_and_lost(void **state)
{
	struct chain c;
	char err[256], junk[16];
	int fd;

	(void)state;
	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	seal_n(&c, 2, 0);	/* gen 1 -> slot 1 */
	seal_n(&c, 2, 0);	/* gen 2 -> slot 0: seq 4 */
	chain_close(&c);
	/* tear the newest slot (0): the older one (seq 2) is used */
	memset(junk, 'x', sizeof(junk));
	assert_true((fd = open(head, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 100), sizeof(junk));
	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	assert_int_equal(c.state, CHAIN_CRASH);
	assert_int_equal(c.after, 2 + CHAIN_CRASH_SKIP);
	chain_close(&c);
	/* both torn: lost */
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 356), sizeof(junk));
	close(fd);
	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	assert_int_equal(c.state, CHAIN_LOST);
	assert_int_equal(c.seq, 0);
	chain_close(&c);
}

static void
values_chain(void **state)
{
	struct chain c;
	char err[256], rec[512], small[40], hx[65];
	unsigned char prev[CHAIN_VAL_LEN], md[CHAIN_VAL_LEN];
	const char *p;

	(void)state;
	assert_int_equal(chain_open(&c, dir, "kantor-a", err, sizeof(err)), 0);
	memset(prev, 0, sizeof(prev));
	snprintf(rec, sizeof(rec), "event=test.a k=v");
	assert_int_equal(chain_seal(&c, rec, sizeof(rec)), 0);
	assert_non_null(strstr(rec, " host=kantor-a seq=1 time="));
	p = strstr(rec, " chain=");
	assert_non_null(p);
	assert_int_equal(strlen(p + 7), 64);
	assert_int_equal(chain_hash(prev, rec, (size_t)(p - rec), md), 0);
	chain_hex(md, hx);
	assert_string_equal(p + 7, hx);
	memcpy(prev, md, sizeof(prev));
	snprintf(rec, sizeof(rec), "event=test.b");
	assert_int_equal(chain_seal(&c, rec, sizeof(rec)), 0);
	p = strstr(rec, " chain=");
	assert_int_equal(chain_hash(prev, rec, (size_t)(p - rec), md), 0);
	chain_hex(md, hx);
	assert_string_equal(p + 7, hx);
	assert_non_null(strstr(rec, " seq=2 "));
	/* no room: unchanged, the head not advanced */
	snprintf(small, sizeof(small), "event=test.c");
	assert_int_equal(chain_seal(&c, small, sizeof(small)), -1);
	assert_string_equal(small, "event=test.c");
	assert_int_equal(c.seq, 2);
	assert_int_equal(chain_host_ok("kantor-a.example"), 1);
	assert_int_equal(chain_host_ok("a b"), 0);
	assert_int_equal(chain_host_ok(""), 0);
	chain_close(&c);
}

/* Which old checkpoints thinning keeps (auditprune.c): the last of each
 * UTC day, the last of each chain, the last of all. */
static void
prune_keep(void **state)
{
	/* day 0: seq 10, 20, 30; day 1: 40, then a new chain 2, 5; day 2:
	 * 9, 12 */
	const time_t D = 86400;
	const uint64_t seq[] = { 10, 20, 30, 40, 2, 5, 9, 12 };
	const time_t t[] = { 3600, 7200, D - 1, D + 10, D + 20, D + 30,
	    2 * D + 5, 2 * D + 6 };
	const int want[] = { 0, 0, 1, 1, 0, 1, 0, 1 };
	size_t i, n = sizeof(seq) / sizeof(seq[0]);

	(void)state;
	for (i = 0; i < n; i++)
		assert_int_equal(audit_prune_keep(seq, t, n, i), want[i]);
	/* one alone is kept */
	assert_int_equal(audit_prune_keep(seq, t, 1, 0), 1);
	/* a young chain's last (seq 3) before a new one signed at its
	 * start at the same seq: kept */
	{
		const uint64_t s2[] = { 3, 3, 7 };
		const time_t t2[] = { 100, 200, 300 };

		assert_int_equal(audit_prune_keep(s2, t2, 3, 0), 1);
		assert_int_equal(audit_prune_keep(s2, t2, 3, 1), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_clean_crash, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(torn_and_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(values_chain, setup, teardown),
		cmocka_unit_test(prune_keep),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%d passed, %d failed\n", (int)(sizeof(tests) /
	    sizeof(tests[0])) - failed, failed);
	return failed != 0;
}
