/*
 * test_gfresh.c: unit tests of agent/gfresh.c's staleness rule (two
 * sites, doc/sites.md): a gate whose provider no longer hears the
 * writer's beat follows its offline policy, and a probe that brings no
 * beat (it failed, or the entry is gone) never makes it fresh again once
 * a beat was seen: the beat's age keeps running (fail closed).  The probe
 * itself (an LDAP search) is exercised by tests/integration/sites.sh.
 * Ends with "N passed, N failed"; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "gfresh.h"

#include "check.h"

/* As gfresh_entry() leaves it after reading a beat at time t (ms). */
static void
beat(struct gfresh *f, const char *v, int64_t t)
{
	f->seen = 1;
	snprintf(f->wid, sizeof(f->wid), "%.*s", (int)strcspn(v, " "), v);
	if (!f->have || strcmp(v, f->beat) != 0) {
		snprintf(f->beat, sizeof(f->beat), "%s", v);
		f->changed = t;
	}
	f->have = 1;
	f->ever = 1;
	gfresh_result(f);
}

/* A probe that returned no entry (an error, or no cn=beat). */
static void
nothing(struct gfresh *f)
{
	f->seen = 0;
	gfresh_result(f);
}

static void
test_stale(void)
{
	struct kunci_cfg cfg;
	struct gfresh f;

	memset(&cfg, 0, sizeof(cfg));
	cfg.directory.writer_timeout = 6;
	gfresh_init(&f);
	/* one server: no beat ever, never stale */
	nothing(&f);
	CHECK(gfresh_check(&f, &cfg, 60000, "u") == GFRESH_SAME);
	CHECK_LL(gfresh_age(&f, 60000), 0);
	/* a beat, renewed: fresh */
	beat(&f, "1 100", 60000);
	CHECK(gfresh_check(&f, &cfg, 62000, "u") == GFRESH_SAME);
	beat(&f, "1 101", 64000);
	CHECK(gfresh_check(&f, &cfg, 69000, "u") == GFRESH_SAME);
	/* the same beat for longer than writer_timeout: stale */
	beat(&f, "1 101", 70000);
	CHECK(gfresh_check(&f, &cfg, 70001, "u") == GFRESH_STALE);
	CHECK(strstr(f.why, "serverID 1") != NULL);
	/* a failed probe is no news: still stale, not fresh */
	nothing(&f);
	CHECK(gfresh_check(&f, &cfg, 71000, "u") == GFRESH_SAME);
	CHECK(f.stale == 1);
	CHECK_LL(gfresh_age(&f, 71000), 7000);
	/* nor is the same old beat read again afterwards */
	beat(&f, "1 101", 72000);
	CHECK(gfresh_check(&f, &cfg, 72000, "u") == GFRESH_SAME);
	CHECK(f.stale == 1);
	/* a new beat: fresh again */
	beat(&f, "1 102", 73000);
	CHECK(gfresh_check(&f, &cfg, 73000, "u") == GFRESH_FRESH);
	/* writer_timeout 0 turns the check off */
	cfg.directory.writer_timeout = 0;
	CHECK(gfresh_check(&f, &cfg, 999000, "u") == GFRESH_SAME);
}

int
main(void)
{
	test_stale();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
