/*
 * check.h: the small assert harness of the unit tests that do not use
 * cmocka.  Each check counts a pass or prints the failure with both values;
 * a test ends by printing "npass passed, nfail failed" and exiting 1 on
 * any failure.  Include once, in the test's only .c file.
 */
#ifndef KUNCI_TEST_CHECK_H
#define KUNCI_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int	npass, nfail;

static void __attribute__((unused))
check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		npass++;
		return;
	}
	nfail++;
	printf("FAIL %s:%d: %s\n", file, line, what);
}

static void __attribute__((unused))
check_ll(long long got, long long want, const char *what, const char *file,
    int line)
{
	if (got == want) {
		npass++;
		return;
	}
	nfail++;
	printf("FAIL %s:%d: %s: got %lld, want %lld\n", file, line, what, got,
	    want);
}

static void __attribute__((unused))
check_str(const char *got, const char *want, const char *what,
    const char *file, int line)
{
	if (got != NULL && want != NULL && strcmp(got, want) == 0) {
		npass++;
		return;
	}
	nfail++;
	printf("FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", file, line, what,
	    got != NULL ? got : "(null)", want != NULL ? want : "(null)");
}

#define CHECK(c)	check((c), #c, __FILE__, __LINE__)
#define CHECK_LL(a, b)	check_ll((a), (b), #a, __FILE__, __LINE__)
#define CHECK_STR(a, b)	check_str((a), (b), #a, __FILE__, __LINE__)

#endif /* KUNCI_TEST_CHECK_H */
