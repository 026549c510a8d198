/*
 * fuzz_audit: what kuncictl audit verify and search read from files an
 * attacker may have written: syslog lines, journal JSON and export
 * forms (arec_read_stream), checkpoint files (acheck_parse), then the
 * chain check and the linked search over whatever was read.
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

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct arecs R = { NULL, 0, 0 };
	struct achecks C = { NULL, 0 };
	struct asearch q;
	unsigned char *sel;
	char err[512], *text;
	FILE *fp, *null;
	size_t i;

	if (n == 0 || (fp = fmemopen((void *)(uintptr_t)d, n, "r")) == NULL)
		return 0;
	(void)arec_read_stream(&R, "fuzz", fp, err, sizeof(err));
	fclose(fp);
	for (i = 0; i < R.n; i++) {
		if (strncmp(R.v[i].msg, "event=", 6) != 0)
			abort();
		if (R.v[i].chained && (!chain_host_ok(R.v[i].host) ||
		    R.v[i].seq == 0))
			abort();
	}
	if ((text = malloc(n + 1)) != NULL) {
		memcpy(text, d, n);
		text[n] = '\0';
		(void)acheck_parse(&C, text, err, sizeof(err));
		free(text);
	}
	if ((null = fopen("/dev/null", "w")) != NULL) {
		/* checkpoints unsigned here: without a certificate verify
		 * checks the chains alone */
		(void)audit_verify(&R, NULL, NULL, (int)(n & 1), null);
		if ((sel = calloc(R.n + 1, 1)) != NULL) {
			memset(&q, 0, sizeof(q));
			q.request = "2026-000001";
			q.person = "lputri";
			audit_select(&R, &q, sel);
			(void)audit_print(&R, sel, (int)(n & 2), null);
			(void)audit_csv(&R, sel, null);
			free(sel);
		}
		fclose(null);
	}
	acheck_free(&C);
	arec_free(&R);
	return 0;
}
