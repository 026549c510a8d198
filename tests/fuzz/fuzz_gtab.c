/*
 * fuzz_gtab: the gate-table reader and the login decision, as
 * pam_kunci.so runs them over a mapped file (gtab_check, gtab_live,
 * gtab_source, kd_begin, kd_finish, kd_message).
 *
 * Input:
 *	u8  ctl		bit 0: set the header's size to the real size;
 *			bit 1: make the table live at now (online, live_until)
 *	i32 dt		now = FUZZ_NOW + dt (host order)
 *	u8  qlen	then qlen bytes: user NUL service NUL host NUL resource
 *	... the table, copied into a buffer of exactly its size (8-aligned,
 *	    so ASan sees any read past the end as the mapping's end would)
 *
 * Besides the given query, every grant and person the table names is
 * asked for, so the allowing paths are reached from the first seed.
 *
 * Oracle: a table decision never allows unless a plain scan of the table
 * (no hash, no chain) finds a person of that uid and a grant of exactly
 * that subject, resource and id that kd_judge() allows at that time: a
 * damaged chain may lose a grant (a denial), never invent one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "gtab.h"

#define FUZZ_NOW	1790000000	/* tests/fuzz/mkseed.c builds around it */
#define PRE		6		/* ctl, dt */
#define MAX_ASK		16		/* grants and people asked per input */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
tstr(const struct gtab *t, uint32_t off)
{
	if (off >= t->h->strsz)
		return NULL;
	return (const char *)t->base + t->h->str_off + off;
}

/* The oracle's plain scan. */
static int
scan_allows(const struct gtab *t, const char *user, const char *res,
    const char *id, const struct kd_when *w)
{
	const struct gtab_person *p = (const void *)(t->base + t->h->p_off);
	const struct gtab_grant *g = (const void *)(t->base + t->h->g_off);
	const struct kd_win *win = (const void *)(t->base + t->h->w_off);
	const char *s, *r, *i;
	char cut[PROTO_FIELD_MAX + 1];
	struct kd_grant k;
	uint32_t n;
	int person = 0;

	for (n = 0; n < t->h->np && !person; n++)
		if ((s = tstr(t, p[n].uid)) != NULL && strcmp(s, user) == 0)
			person = 1;
	if (!person)
		return 0;
	for (n = 0; n < t->h->ng; n++) {
		if ((s = tstr(t, g[n].subject)) == NULL ||
		    (r = tstr(t, g[n].resource)) == NULL ||
		    (i = tstr(t, g[n].id)) == NULL ||
		    (uint64_t)g[n].win + g[n].nwin > t->h->nw)
			continue;
		kd_copy(cut, sizeof(cut), i);	/* the result holds it cut */
		if (strcmp(s, user) != 0 || strcmp(r, res) != 0 ||
		    strcmp(cut, id) != 0)
			continue;
		memset(&k, 0, sizeof(k));
		k.status = g[n].status;
		k.badwin = g[n].badwin;
		k.not_before = g[n].not_before;
		k.not_after = g[n].not_after;
		k.win = g[n].nwin > 0 ? &win[g[n].win] : NULL;
		k.nwin = g[n].nwin;
		if (kd_judge(&k, w) == KD_W_ALLOW)
			return 1;
	}
	return 0;
}

static void
ask(const struct gtab *t, const struct kd_source *src,
    const struct proto_query *q, const struct kd_when *w)
{
	struct kd_result r;
	char msg[PROTO_MSG_MAX + 1];

	if (kd_begin(src, q, &r) == 0 && kd_finish(src, q->user, w, &r) == -1)
		return;		/* damaged: the module asks kuncid */
	kd_message(&r, src->lang_en, NULL, 0, msg, sizeof(msg));
	switch (r.decision) {
	case PROTO_DENY:
	case PROTO_UNKNOWN:
	case PROTO_IGNORE:
		break;
	case PROTO_ALLOW:
		if (!scan_allows(t, q->user, r.resource, r.grant, w))
			abort();
		break;
	default:
		abort();	/* the table never answers anything else */
	}
}

/* A query naming a table string pair directly (resource given). */
static void
ask_pair(const struct gtab *t, const struct kd_source *src, const char *user,
    const char *res, const struct kd_when *w)
{
	struct proto_query q;

	if (user == NULL || res == NULL || strlen(user) > PROTO_NAME_MAX ||
	    strlen(res) > PROTO_FIELD_MAX)
		return;
	memset(&q, 0, sizeof(q));
	kd_copy(q.user, sizeof(q.user), user);
	kd_copy(q.service, sizeof(q.service), "sshd");
	kd_copy(q.resource, sizeof(q.resource), res);
	ask(t, src, &q, w);
	/* and through the service map, when the resource is empty */
	q.resource[0] = '\0';
	ask(t, src, &q, w);
}

/* Split the query field: NUL-separated, each cut to its size. */
static void
query_from(const uint8_t *p, size_t n, struct proto_query *q)
{
	char *f[4] = { q->user, q->service, q->host, q->resource };
	size_t sz[4] = { sizeof(q->user), sizeof(q->service), sizeof(q->host),
	    sizeof(q->resource) };
	size_t i = 0, k = 0, len = 0;

	memset(q, 0, sizeof(*q));
	for (; i < n && k < 4; i++) {
		if (p[i] == '\0') {
			k++;
			len = 0;
			continue;
		}
		if (len + 1 < sz[k])
			f[k][len++] = (char)p[i];
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_query q;
	struct kd_source src;
	struct kd_when w;
	struct gtab t;
	struct gtab_hdr *h;
	const struct gtab_grant *g;
	const struct gtab_person *p;
	unsigned char *buf;
	uint8_t ctl, qlen;
	int32_t dt, off;
	int64_t now;
	size_t tlen;
	uint32_t i;

	if (size < PRE + 1)
		return 0;
	ctl = data[0];
	memcpy(&dt, data + 1, sizeof(dt));
	qlen = data[5];
	if (size < PRE + (size_t)qlen)
		return 0;
	query_from(data + PRE, qlen, &q);
	tlen = size - PRE - qlen;
	now = FUZZ_NOW + (int64_t)dt;
	/* malloc's alignment (16) is what mmap's page alignment gives */
	if ((buf = malloc(tlen > 0 ? tlen : 1)) == NULL)
		return 0;
	memcpy(buf, data + PRE + qlen, tlen);
	h = (struct gtab_hdr *)(void *)buf;
	if (tlen >= sizeof(*h)) {
		if (ctl & 1)
			h->size = tlen;
		if (ctl & 2) {
			h->flags |= GTAB_F_ONLINE;
			h->live_until = now + 1;
			h->seq &= ~1u;
		}
	}
	if (gtab_check(&t, buf, tlen) == -1 || !gtab_live(&t, now, &off))
		goto out;
	gtab_when(now, off, &w);
	if (w.wday < 0 || w.wday > 6 || w.minute < 0 || w.minute >= 1440)
		abort();
	gtab_source(&t, &src);
	ask(&t, &src, &q, &w);
	g = (const void *)(t.base + t.h->g_off);
	for (i = 0; i < t.h->ng && i < MAX_ASK; i++)
		ask_pair(&t, &src, tstr(&t, g[i].subject),
		    tstr(&t, g[i].resource), &w);
	p = (const void *)(t.base + t.h->p_off);
	for (i = 0; i < t.h->np && i < MAX_ASK; i++)
		ask_pair(&t, &src, tstr(&t, p[i].uid), "host:x", &w);
out:
	free(buf);
	return 0;
}
