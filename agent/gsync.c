/*
 * gsync.c: see gsync.h.
 *
 * The Sync Info decoder is a bounded BER reader of its own (definite
 * lengths only, as LDAP requires), so every length is checked against
 * what is left before it is used.
 */
#include <stdlib.h>
#include <string.h>

#include "gsync.h"

/* ------------------------------------------------------------ heartbeat */

void
gsync_hb_init(struct gsync_hb *h, int64_t interval, int64_t timeout,
    int64_t now)
{
	memset(h, 0, sizeof(*h));
	h->interval = interval > 0 ? interval : 1000;
	h->timeout = timeout > 0 ? timeout : 3000;
	h->last_sent = now;	/* the first probe one interval after start */
	h->last_rx = now;
}

void
gsync_hb_rx(struct gsync_hb *h, int64_t now)
{
	h->last_rx = now;
}

void
gsync_hb_answered(struct gsync_hb *h, int64_t now)
{
	h->sent = 0;
	h->last_rx = now;
}

int
gsync_hb_due(const struct gsync_hb *h, int64_t now)
{
	return h->sent == 0 && now - h->last_sent >= h->interval;
}

void
gsync_hb_sent(struct gsync_hb *h, int64_t now)
{
	h->sent = now;
	h->last_sent = now;
}

/* How long a probe must have been out before its silence counts. */
static int64_t
probe_age(const struct gsync_hb *h)
{
	return h->interval < h->timeout ? h->interval : h->timeout;
}

int
gsync_hb_dead(const struct gsync_hb *h, int64_t now)
{
	return h->sent != 0 && now - h->last_rx >= h->timeout &&
	    now - h->sent >= probe_age(h);
}

int64_t
gsync_hb_wait(const struct gsync_hb *h, int64_t now)
{
	int64_t at, a2;

	if (h->sent == 0)
		at = h->last_sent + h->interval;
	else {
		at = h->last_rx + h->timeout;
		a2 = h->sent + probe_age(h);
		if (a2 > at)
			at = a2;
	}
	if (at <= now)
		return 0;
	return at - now;
}

/* ------------------------------------------------------------ Sync Info */

struct ber {
	const unsigned char	*p;
	size_t			 n;
};

/* Read one TLV: its tag, and its contents in *v.  0 or -1. */
static int
ber_tlv(struct ber *b, unsigned *tag, struct ber *v)
{
	size_t len = 0, i, k;

	if (b->n < 2)
		return -1;
	*tag = b->p[0];
	if ((*tag & 0x1f) == 0x1f)
		return -1;		/* multi-byte tags: none here */
	if (b->p[1] < 0x80) {
		len = b->p[1];
		i = 2;
	} else {
		k = b->p[1] & 0x7f;
		if (k == 0 || k > 4 || b->n < 2 + k)
			return -1;	/* indefinite or absurd */
		for (i = 0; i < k; i++)
			len = len << 8 | b->p[2 + i];
		i = 2 + k;
	}
	if (len > b->n - i)
		return -1;
	v->p = b->p + i;
	v->n = len;
	b->p += i + len;
	b->n -= i + len;
	return 0;
}

static int
ber_bool(const struct ber *v, int *out)
{
	if (v->n != 1)
		return -1;
	*out = v->p[0] != 0;
	return 0;
}

int
gsync_info_decode(const unsigned char *buf, size_t len, struct gsync_info *i)
{
	struct ber b = { buf, len }, seq, v, set;
	unsigned tag, t;

	memset(i, 0, sizeof(*i));
	i->done = 1;
	if (ber_tlv(&b, &tag, &seq) == -1 || b.n != 0)
		return -1;
	switch (tag) {
	case 0x80:			/* newcookie [0] syncCookie */
		i->kind = GSYNC_NEWCOOKIE;
		i->cookie = seq.p;
		i->cookie_len = seq.n;
		return 0;
	case 0xa1:
	case 0xa2:			/* refreshDelete / refreshPresent */
		i->kind = tag == 0xa1 ? GSYNC_REFRESH_DELETE :
		    GSYNC_REFRESH_PRESENT;
		while (seq.n > 0) {
			if (ber_tlv(&seq, &t, &v) == -1)
				return -1;
			if (t == 0x04 && i->cookie == NULL) {
				i->cookie = v.p;
				i->cookie_len = v.n;
			} else if (t == 0x01) {
				if (ber_bool(&v, &i->done) == -1)
					return -1;
			} else
				return -1;
		}
		return 0;
	case 0xa3:			/* syncIdSet */
		i->kind = GSYNC_ID_SET;
		i->done = 0;
		if (seq.n > 0 && seq.p[0] == 0x04) {
			if (ber_tlv(&seq, &t, &v) == -1)
				return -1;
			i->cookie = v.p;
			i->cookie_len = v.n;
		}
		if (seq.n > 0 && seq.p[0] == 0x01) {
			if (ber_tlv(&seq, &t, &v) == -1 ||
			    ber_bool(&v, &i->deletes) == -1)
				return -1;
		}
		if (ber_tlv(&seq, &t, &set) == -1 || t != 0x31 || seq.n != 0)
			return -1;
		i->uuids = set.p;
		/* each member: 04 10 <16 bytes>; checked, then compacted */
		if (set.n % (GSYNC_UUID_LEN + 2) != 0)
			return -1;
		i->nuuids = set.n / (GSYNC_UUID_LEN + 2);
		for (size_t k = 0; k < i->nuuids; k++) {
			const unsigned char *m = set.p + k *
			    (GSYNC_UUID_LEN + 2);

			if (m[0] != 0x04 || m[1] != GSYNC_UUID_LEN)
				return -1;
		}
		return 0;
	default:
		return -1;
	}
}

const unsigned char *
gsync_info_uuid(const struct gsync_info *i, size_t k)
{
	return i->uuids + k * (GSYNC_UUID_LEN + 2) + 2;
}

/* ---------------------------------------------------------------- cookie */

void
gsync_cookie_set(struct gsync_cookie *c, const unsigned char *val,
    size_t len, int uri)
{
	if (val == NULL || len == 0 || len > sizeof(c->val)) {
		gsync_cookie_clear(c);
		return;
	}
	memcpy(c->val, val, len);
	c->len = len;
	c->uri = uri;
}

void
gsync_cookie_clear(struct gsync_cookie *c)
{
	c->len = 0;
	c->uri = -1;
}
