/*
 * test_decide.c: the text a denied user reads (kd_message() in
 * agent/decide.c, the same in pam_kunci.so and kuncid), and that
 * kd_finish() hands it the grant that is not valid yet.  Ends with "N
 * passed, N failed"; exits 1 on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"

#include "check.h"

/* A source with one person (budi) and one grant for budi on host:a. */
static struct kd_grant the_grant;

static int
unmanaged(void *arg, const char *user)
{
	(void)arg;
	(void)user;
	return 0;
}

static const char *
service(void *arg, const char *svc)
{
	(void)arg;
	(void)svc;
	return NULL;
}

static int
has_person(void *arg, const char *uid)
{
	(void)arg;
	return strcmp(uid, "budi") == 0;
}

static int
grants(void *arg, const char *user, const char *res,
    int (*fn)(void *, const struct kd_grant *), void *fnarg)
{
	(void)arg;
	if (strcmp(user, "budi") == 0 && strcmp(res, "host:a") == 0)
		(void)fn(fnarg, &the_grant);
	return 0;
}

static void
decide(int64_t now, struct kd_result *r)
{
	struct kd_source src = { NULL, 1, "h", unmanaged, service, has_person,
	    grants };
	struct proto_query q;
	struct kd_when t = { now, 0, 0 };

	memset(&q, 0, sizeof(q));
	strcpy(q.user, "budi");
	strcpy(q.resource, "host:a");
	CHECK(kd_begin(&src, &q, r) == 0);
	CHECK(kd_finish(&src, q.user, &t, r) == 0);
}

int
main(void)
{
	struct kd_result r;
	char msg[PROTO_MSG_MAX + 1];
	/* 2026-12-07 01:00 UTC = 08:00 in Asia/Jakarta (UTC+7) */
	int64_t starts = 1796605200;

	the_grant.status = KD_ACTIVE;
	the_grant.not_before = starts;
	the_grant.not_after = starts + 86400;
	the_grant.id = "2026-000007";

	/* A service no login.services entry maps: say so, not "request
	 * access to (empty)" (issue 11: "izin akses aktif untuk . Ajukan
	 * dengan ... --resource  ..."). */
	{
		struct kd_source src = { NULL, 1, "h", unmanaged, service,
		    has_person, grants };
		struct proto_query q;

		memset(&q, 0, sizeof(q));
		strcpy(q.user, "budi");
		strcpy(q.service, "cockpit");
		CHECK(kd_begin(&src, &q, &r) == 1);
		CHECK_LL(r.decision, PROTO_DENY);
		CHECK_LL(r.why, KD_W_UNMAPPED);
		kd_message(&r, 1, NULL, 0, msg, sizeof(msg));
		CHECK(strstr(msg, "not mapped to a resource") != NULL);
		CHECK(strstr(msg, "--resource") == NULL);
		kd_message(&r, 0, NULL, 0, msg, sizeof(msg));
		CHECK(strstr(msg, "belum dipetakan") != NULL);
		CHECK(strstr(msg, "--resource") == NULL);
	}

	/* Not valid yet: the date it starts, no new request. */
	decide(starts - 3600, &r);
	CHECK_LL(r.decision, PROTO_DENY);
	CHECK_LL(r.why, KD_W_NOT_YET);
	CHECK_LL(r.starts, starts);
	CHECK_STR(r.grant, "2026-000007");
	kd_message(&r, 1, NULL, 7 * 3600, msg, sizeof(msg));
	CHECK_STR(msg, "kunci: your access grant 2026-000007 for host:a is "
	    "not valid yet: it starts at 2026-12-07 08:00.  No new request "
	    "is needed.");
	CHECK(strstr(msg, "request submit") == NULL);
	kd_message(&r, 0, NULL, 7 * 3600, msg, sizeof(msg));
	CHECK(strstr(msg, "belum berlaku: mulai berlaku 2026-12-07 08:00") !=
	    NULL);
	CHECK(strstr(msg, "request submit") == NULL);

	/* Expired: the hint to ask again, with the type given ... */
	decide(starts + 2 * 86400, &r);
	CHECK_LL(r.why, KD_W_EXPIRED);
	kd_message(&r, 1, "card", 0, msg, sizeof(msg));
	CHECK_STR(msg, "kunci: you have no active access grant for host:a. "
	    "Request one with: kuncictl request submit --resource host:a "
	    "--type card --reason TEXT");
	/* ... or, unknown (a login: the table holds no resources), no
	 * --type at all: submit takes the one the workflow issues (a door's
	 * hint used to say --type account). */
	kd_message(&r, 0, NULL, 0, msg, sizeof(msg));
	CHECK(strstr(msg, "--resource host:a --reason TEKS") != NULL);
	CHECK(strstr(msg, "--type") == NULL);

	/* Valid: no text. */
	decide(starts + 60, &r);
	CHECK_LL(r.decision, PROTO_ALLOW);
	kd_message(&r, 1, "card", 0, msg, sizeof(msg));
	CHECK_STR(msg, "");

	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
