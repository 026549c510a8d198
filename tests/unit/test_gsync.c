/*
 * test_gsync.c: the sync consumer's connection-free parts (gsync.h): the
 * heartbeat notices a silence within interval + timeout and never while
 * anything arrives; the Sync Info decoder reads what liblber encodes the
 * way slapd does, and refuses every truncation and mutation; the UUID set
 * and the cookie keep what they are given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lber.h>
#include <ldap.h>

#include "check.h"
#include "gsync.h"

static void
test_heartbeat(void)
{
	struct gsync_hb h;
	int64_t t, silence, noticed;

	/* a silence that starts at any moment is noticed within 3 s */
	for (silence = 0; silence < 3000; silence += 70) {
		gsync_hb_init(&h, 1000, 3000, 0);
		noticed = -1;
		for (t = 0; t < 20000; t += 10) {
			if (gsync_hb_dead(&h, t)) {
				noticed = t;
				break;
			}
			if (gsync_hb_due(&h, t))
				gsync_hb_sent(&h, t);
			/* before the silence, a probe is answered at once */
			if (t < silence && h.sent != 0)
				gsync_hb_answered(&h, t);
		}
		CHECK(noticed != -1);
		CHECK(noticed - silence <= 3000);
		CHECK(noticed - silence >= 2000);	/* 3 s after the last word */
		CHECK(gsync_hb_wait(&h, noticed) == 0);
	}

	/* traffic keeps an unanswered probe's connection alive */
	gsync_hb_init(&h, 1000, 3000, 0);
	CHECK(!gsync_hb_due(&h, 999));
	CHECK(gsync_hb_due(&h, 1000));
	gsync_hb_sent(&h, 1000);
	CHECK(!gsync_hb_due(&h, 2500));		/* one probe at a time */
	for (t = 1000; t < 30000; t += 500) {
		gsync_hb_rx(&h, t);
		CHECK(!gsync_hb_dead(&h, t + 499));
	}
	CHECK(!gsync_hb_dead(&h, 29500 + 2999));
	CHECK(gsync_hb_dead(&h, 29500 + 3000));
	CHECK_LL(gsync_hb_wait(&h, 29500), 3000);

	/* an answer ends the probe: the next one waits an interval */
	gsync_hb_answered(&h, 31000);
	CHECK(!gsync_hb_dead(&h, 60000));
	CHECK(!gsync_hb_due(&h, 1999));
	CHECK(gsync_hb_due(&h, 2000));		/* interval from the send */

	/* a probe just sent is given time even after a long idle spell */
	gsync_hb_init(&h, 60000, 3000, 0);
	CHECK(gsync_hb_due(&h, 60000));
	gsync_hb_sent(&h, 60000);
	CHECK(!gsync_hb_dead(&h, 62999));
	CHECK(gsync_hb_dead(&h, 63000));
	CHECK_LL(gsync_hb_wait(&h, 60000), 3000);
}

static void
check_mutations(const struct berval *bv)
{
	unsigned char *b;
	struct gsync_info in;
	size_t n, i;
	int bit;

	/* every truncation is refused */
	for (n = 0; n < bv->bv_len; n++)
		CHECK(gsync_info_decode((const unsigned char *)bv->bv_val, n,
		    &in) == -1);
	/* every bit flip either is refused or stays inside the buffer */
	b = malloc(bv->bv_len);
	for (i = 0; i < bv->bv_len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, bv->bv_val, bv->bv_len);
			b[i] ^= (unsigned char)(1 << bit);
			if (gsync_info_decode(b, bv->bv_len, &in) == 0) {
				CHECK(in.cookie == NULL ||
				    (in.cookie >= b && in.cookie + in.cookie_len
				    <= b + bv->bv_len));
				CHECK(in.nuuids == 0 || (in.uuids >= b &&
				    in.uuids + in.nuuids * 18 <=
				    b + bv->bv_len));
			}
		}
	free(b);
}

static void
test_info(void)
{
	static char c0[] = "rid=001,c", a[] = "AAAAAAAAAAAAAAAA",
	    b[] = "BBBBBBBBBBBBBBBB";
	struct berval ck = { 9, c0 }, *bv;
	struct berval uu[3] = { { 16, a }, { 16, b }, { 0, NULL } };
	struct gsync_info in;
	BerElement *ber;

	/* newcookie */
	ber = ber_alloc_t(LBER_USE_DER);
	CHECK(ber_printf(ber, "tO", (ber_tag_t)LDAP_TAG_SYNC_NEW_COOKIE,
	    &ck) != -1);
	CHECK(ber_flatten(ber, &bv) == 0);
	CHECK(gsync_info_decode((unsigned char *)bv->bv_val, bv->bv_len,
	    &in) == 0);
	CHECK_LL(in.kind, GSYNC_NEWCOOKIE);
	CHECK_LL(in.cookie_len, 9);
	CHECK(memcmp(in.cookie, "rid=001,c", 9) == 0);
	check_mutations(bv);
	ber_bvfree(bv);
	ber_free(ber, 1);

	/* refreshPresent with a cookie and refreshDone FALSE */
	ber = ber_alloc_t(LBER_USE_DER);
	CHECK(ber_printf(ber, "t{Ob}",
	    (ber_tag_t)LDAP_TAG_SYNC_REFRESH_PRESENT, &ck, (ber_int_t)0) !=
	    -1);
	CHECK(ber_flatten(ber, &bv) == 0);
	CHECK(gsync_info_decode((unsigned char *)bv->bv_val, bv->bv_len,
	    &in) == 0);
	CHECK_LL(in.kind, GSYNC_REFRESH_PRESENT);
	CHECK_LL(in.done, 0);
	CHECK_LL(in.cookie_len, 9);
	check_mutations(bv);
	ber_bvfree(bv);
	ber_free(ber, 1);

	/* refreshDelete, empty: refreshDone defaults to TRUE */
	ber = ber_alloc_t(LBER_USE_DER);
	CHECK(ber_printf(ber, "t{}",
	    (ber_tag_t)LDAP_TAG_SYNC_REFRESH_DELETE) != -1);
	CHECK(ber_flatten(ber, &bv) == 0);
	CHECK(gsync_info_decode((unsigned char *)bv->bv_val, bv->bv_len,
	    &in) == 0);
	CHECK_LL(in.kind, GSYNC_REFRESH_DELETE);
	CHECK_LL(in.done, 1);
	CHECK(in.cookie == NULL);
	ber_bvfree(bv);
	ber_free(ber, 1);

	/* syncIdSet: cookie, refreshDeletes TRUE, two UUIDs */
	ber = ber_alloc_t(LBER_USE_DER);
	CHECK(ber_printf(ber, "t{Ob[W]}", (ber_tag_t)LDAP_TAG_SYNC_ID_SET,
	    &ck, (ber_int_t)1, uu) != -1);
	CHECK(ber_flatten(ber, &bv) == 0);
	CHECK(gsync_info_decode((unsigned char *)bv->bv_val, bv->bv_len,
	    &in) == 0);
	CHECK_LL(in.kind, GSYNC_ID_SET);
	CHECK_LL(in.deletes, 1);
	CHECK_LL(in.nuuids, 2);
	CHECK(in.nuuids == 2 && memcmp(gsync_info_uuid(&in, 0),
	    "AAAAAAAAAAAAAAAA", 16) == 0 && memcmp(gsync_info_uuid(&in, 1),
	    "BBBBBBBBBBBBBBBB", 16) == 0);
	check_mutations(bv);
	ber_bvfree(bv);
	ber_free(ber, 1);

	/* syncIdSet without cookie or flag: present UUIDs */
	ber = ber_alloc_t(LBER_USE_DER);
	CHECK(ber_printf(ber, "t{[W]}", (ber_tag_t)LDAP_TAG_SYNC_ID_SET,
	    uu) != -1);
	CHECK(ber_flatten(ber, &bv) == 0);
	CHECK(gsync_info_decode((unsigned char *)bv->bv_val, bv->bv_len,
	    &in) == 0);
	CHECK_LL(in.deletes, 0);
	CHECK_LL(in.nuuids, 2);
	ber_bvfree(bv);
	ber_free(ber, 1);

	/* a UUID of the wrong length, trailing bytes, an unknown choice */
	ber = ber_alloc_t(LBER_USE_DER);
	uu[1].bv_len = 15;
	CHECK(ber_printf(ber, "t{[W]}", (ber_tag_t)LDAP_TAG_SYNC_ID_SET,
	    uu) != -1);
	CHECK(ber_flatten(ber, &bv) == 0);
	CHECK(gsync_info_decode((unsigned char *)bv->bv_val, bv->bv_len,
	    &in) == -1);
	ber_bvfree(bv);
	ber_free(ber, 1);
	CHECK(gsync_info_decode((const unsigned char *)"\x80\x01x\x00", 4,
	    &in) == -1);
	CHECK(gsync_info_decode((const unsigned char *)"\xa4\x00", 2,
	    &in) == -1);
	CHECK(gsync_info_decode((const unsigned char *)"\xa1\x80\x00\x00",
	    4, &in) == -1);		/* indefinite length */
}

static void
test_cookie(void)
{
	struct gsync_cookie c;
	unsigned char big[GSYNC_COOKIE_MAX + 1];

	gsync_cookie_clear(&c);
	CHECK_LL(c.len, 0);
	gsync_cookie_set(&c, (const unsigned char *)"abc", 3, 1);
	CHECK(c.len == 3 && c.uri == 1 && memcmp(c.val, "abc", 3) == 0);
	memset(big, 'x', sizeof(big));
	gsync_cookie_set(&c, big, sizeof(big), 0);
	CHECK_LL(c.len, 0);		/* too long to keep: none */
}

int
main(void)
{
	test_heartbeat();
	test_info();
	test_cookie();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
