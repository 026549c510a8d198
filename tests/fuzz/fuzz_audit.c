/*
 * fuzz_audit: what kuncictl audit verify and search read from files an
 * attacker may have written: syslog lines, journal JSON and export
 * forms (arec_scan_stream), checkpoint files (acheck_parse), then the
 * streaming chain check and the search over whatever was read (the
 * linked search's passes, as kuncictl makes them).
 *
 * Oracle: no crash, leak or sanitizer report; every record read has a
 * message starting with "event=", and a chained one a host name
 * chain.h accepts and a seq of at least 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditcli.h"
#include "chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The oracle, then verify. */
static int
check(const struct arec *r, void *v)
{
	if (strncmp(r->msg, "event=", 6) != 0)
		abort();
	if (r->chained && (!chain_host_ok(r->host) || r->seq == 0))
		abort();
	return averify_add(r, v);
}

/* The records of d through fn. */
static void
scan(const uint8_t *d, size_t n, arec_fn fn, void *arg)
{
	char err[512];
	FILE *fp;

	if ((fp = fmemopen((void *)(uintptr_t)d, n, "r")) == NULL)
		return;
	(void)arec_scan_stream("fuzz", fp, fn, arg, err, sizeof(err));
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct achecks C = { NULL, 0 };
	struct asearch q;
	struct averify *v;
	struct asel *s;
	char err[512], *text;
	FILE *null;
	int passes;

	if (n == 0 || (null = fopen("/dev/null", "w")) == NULL)
		return 0;
	if ((text = malloc(n + 1)) != NULL) {
		memcpy(text, d, n);
		text[n] = '\0';
		(void)acheck_parse(&C, text, err, sizeof(err));
		free(text);
	}
	/* checkpoints unsigned here: without a certificate verify checks
	 * the chains alone */
	/* a window of 1 to 8 records: records moved out of it, the gaps
	 * they leave and the moved ones found later are reached too */
	if ((v = averify_new(NULL, NULL, 1 + n % 8)) != NULL) {
		scan(d, n, check, v);
		(void)averify_end(v, (int)(n & 1), null);
	}
	memset(&q, 0, sizeof(q));
	q.request = "2026-000001";
	q.person = "lputri";
	if ((s = asel_new(&q, (enum asel_fmt)(n % 3), null)) != NULL) {
		passes = 0;
		do
			scan(d, n, asel_link, s);
		while (asel_grew(s) && ++passes < 64);
		scan(d, n, asel_out, s);
		(void)asel_end(s);
	}
	fclose(null);
	acheck_free(&C);
	return 0;
}
