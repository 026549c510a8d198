/*
 * test_log.c: audit records cannot be split or forged by their values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static void
bare_and_quoted(void **state)
{
	char rec[256] = "";

	(void)state;
	assert_int_equal(log_kv_append(rec, sizeof(rec), "event",
	    "request.submit"), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "actor", "budi"), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "as", ""), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "reason",
	    "need it\nevent=forged \"x\" \\ \t\x01"), 0);
	assert_string_equal(rec, "event=request.submit actor=budi as=\"\" "
	    "reason=\"need it\\nevent=forged \\\"x\\\" \\\\ \\t\\x01\"");
	assert_null(strchr(rec, '\n'));
}

static void
no_partial_pair(void **state)
{
	char rec[24] = "";

	(void)state;
	assert_int_equal(log_kv_append(rec, sizeof(rec), "event", "a"), 0);
	assert_int_equal(log_kv_append(rec, sizeof(rec), "reason",
	    "far too long for this record"), -1);
	assert_string_equal(rec, "event=a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_and_quoted),
		cmocka_unit_test(no_partial_pair),
	};
	int n = (int)(sizeof(tests) / sizeof(tests[0]));
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%d passed, %d failed\n", n - failed, failed);
	return failed != 0;
}
