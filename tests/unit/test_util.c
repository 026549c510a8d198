/*
 * test_util.c: unit tests of agent/util.c.  Ends with "N passed, N failed";
 * exits 1 on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "check.h"



/* parse ok: want seconds and business flag */
static void
dur_ok(const char *s, int allow_bd, int64_t want, int want_bd, int line)
{
	const char	*errstr;
	int64_t		 v;
	int		 bd;
	char		 what[128];

	snprintf(what, sizeof(what), "u_parse_duration(\"%s\")", s);
	check(u_parse_duration(s, allow_bd, &v, &bd, &errstr) == 0, what,
	    __FILE__, line);
	check_ll(v, want, what, __FILE__, line);
	check_ll(bd, want_bd, what, __FILE__, line);
}

static void
dur_bad(const char *s, int allow_bd, const char *want_err, int line)
{
	const char	*errstr = NULL;
	int64_t		 v = 42;
	int		 bd = 42;
	char		 what[128];

	snprintf(what, sizeof(what), "u_parse_duration(\"%s\") fails", s);
	check(u_parse_duration(s, allow_bd, &v, &bd, &errstr) == -1, what,
	    __FILE__, line);
	check_str(errstr, want_err, what, __FILE__, line);
	check(v == 0 && bd == 0, "outputs cleared", __FILE__, line);
}

static void
test_duration(void)
{
	char	buf[32];

	dur_ok("0s", 0, 0, 0, __LINE__);
	dur_ok("30s", 0, 30, 0, __LINE__);
	dur_ok("5m", 0, 300, 0, __LINE__);
	dur_ok("12h", 0, 43200, 0, __LINE__);
	dur_ok("1d", 0, 86400, 0, __LINE__);
	dur_ok("2w", 0, 14 * 86400, 0, __LINE__);
	dur_ok("3bd", 1, 3 * 86400, 1, __LINE__);
	dur_ok("007m", 0, 420, 0, __LINE__);
	dur_ok("9223372036854775807s", 0, INT64_MAX, 0, __LINE__);

	dur_bad("", 1, "empty", __LINE__);
	dur_bad("s", 1, "missing number", __LINE__);
	dur_bad("5", 1, "missing unit", __LINE__);
	dur_bad("5x", 1, "unknown unit", __LINE__);
	dur_bad("5ms", 1, "unknown unit", __LINE__);
	dur_bad("5S", 1, "unknown unit", __LINE__);
	dur_bad("5 m", 1, "unknown unit", __LINE__);
	dur_bad(" 5m", 1, "missing number", __LINE__);
	dur_bad("5m ", 1, "unknown unit", __LINE__);
	dur_bad("-5m", 1, "missing number", __LINE__);
	dur_bad("+5m", 1, "missing number", __LINE__);
	dur_bad("1.5h", 1, "unknown unit", __LINE__);
	dur_bad("0x10s", 1, "unknown unit", __LINE__);
	dur_bad("5mm", 1, "unknown unit", __LINE__);
	dur_bad("2bd", 0, "business days not allowed here", __LINE__);
	dur_bad("9223372036854775808s", 1, "too large", __LINE__);
	dur_bad("99999999999999999999999s", 1, "too large", __LINE__);
	dur_bad("106751991167301d", 1, "too large", __LINE__);
	dur_bad("15250284452472w", 1, "too large", __LINE__);

	CHECK(u_format_duration(0, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "0s");
	CHECK(u_format_duration(90, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "90s");
	CHECK(u_format_duration(300, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "5m");
	CHECK(u_format_duration(7200, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "2h");
	CHECK(u_format_duration(365 * 86400, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "365d");
	CHECK(u_format_duration(14 * 86400, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "2w");
	CHECK(u_format_duration(86400, 1, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "1bd");
	CHECK(u_format_duration(3600, 1, buf, sizeof(buf)) == -1);
	CHECK(u_format_duration(-1, 0, buf, sizeof(buf)) == -1);
	CHECK(u_format_duration(INT64_MAX, 0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "9223372036854775807s");
	CHECK(u_format_duration(300, 0, buf, 2) == -1);
}

static void
test_strtonum(void)
{
	const char	*e;
	long long	 v;

	CHECK(u_strtonum("42", 0, 100, &v, &e) == 0);
	CHECK_LL(v, 42);
	CHECK(u_strtonum("-3", -5, 5, &v, &e) == 0);
	CHECK_LL(v, -3);
	CHECK(u_strtonum("", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "empty");
	CHECK(u_strtonum(" 4", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "not a number");
	CHECK(u_strtonum("4 ", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "not a number");
	CHECK(u_strtonum("4x", 0, 100, &v, &e) == -1);
	CHECK(u_strtonum("101", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "too large");
	CHECK(u_strtonum("-1", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "too small");
	CHECK(u_strtonum("99999999999999999999", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "too large");
	CHECK(u_strtonum("-99999999999999999999", 0, 100, &v, &e) == -1);
	CHECK_STR(e, "too small");
	CHECK_LL(v, 0);
}

static void
test_strings(void)
{
	char	buf[8];

	CHECK(u_strlcpy(buf, "abc", sizeof(buf)) == 3);
	CHECK_STR(buf, "abc");
	CHECK(u_strlcpy(buf, "abcdefghij", sizeof(buf)) == 10);
	CHECK_STR(buf, "abcdefg");
	CHECK(u_strlcpy(buf, "", sizeof(buf)) == 0);
	CHECK_STR(buf, "");
	u_strlcpy(buf, "ab", sizeof(buf));
	CHECK(u_strlcat(buf, "cd", sizeof(buf)) == 4);
	CHECK_STR(buf, "abcd");
	CHECK(u_strlcat(buf, "efghij", sizeof(buf)) == 10);
	CHECK_STR(buf, "abcdefg");
}

static void
test_date(void)
{
	int	y, m, d;

	CHECK(u_parse_date("2026-12-25", &y, &m, &d) == 0);
	CHECK(y == 2026 && m == 12 && d == 25);
	CHECK(u_parse_date("2024-02-29", NULL, NULL, NULL) == 0);
	CHECK(u_parse_date("2000-02-29", NULL, NULL, NULL) == 0);
	CHECK(u_parse_date("1900-02-29", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-02-29", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-02-30", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-04-31", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-13-01", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-00-01", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-01-00", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-1-01", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("26-01-01", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026/01/01", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("2026-01-01 ", NULL, NULL, NULL) == -1);
	CHECK(u_parse_date("", NULL, NULL, NULL) == -1);
}

int
main(void)
{
	test_duration();
	test_strtonum();
	test_strings();
	test_date();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
