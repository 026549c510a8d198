/*
 * prov_due.c: the grants the scheduler's expiry jobs act on (see
 * prov_due.h): candidates from the gate's index, read back by kunciId.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "dir.h"
#include "gate.h"
#include "gindex.h"
#include "ldapc.h"
#include "prov_due.h"
#include "wf.h"

#define BATCH	40	/* kunciIds in one search */

/* A grant the warning job read and found not due, at this end time. */
struct seen {
	unsigned char	uuid[GINDEX_UUID_LEN];
	int64_t		not_after;
	int		hit;	/* still a candidate in this pass */
};

/* the warning job's memory (the scheduler thread's) */
static struct {
	struct seen	*v;
	size_t		 n, cap;
} S;

struct cand {
	char		id[WF_ID_MAX + 1];
	unsigned char	uuid[GINDEX_UUID_LEN];
	int64_t		not_after;
	int		handed;		/* given to the caller */
};

/* this pass's walk of the index (prov_due_walk()) */
static struct {
	time_t		 now, warn_until;
	int		 current;	/* the index was there and current */
	struct cand	 exp[PROV_DUE_MAX], warn[PROV_DUE_MAX];
	size_t		 nexp, nwarn;
} P;

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = memcmp(x->uuid, y->uuid, GINDEX_UUID_LEN);

	if (c != 0)
		return c;
	return x->not_after < y->not_after ? -1 : x->not_after > y->not_after;
}

static struct seen *
seen_find(const unsigned char *uuid, int64_t not_after)
{
	struct seen key;

	if (S.n == 0)
		return NULL;
	memcpy(key.uuid, uuid, GINDEX_UUID_LEN);
	key.not_after = not_after;
	return bsearch(&key, S.v, S.n, sizeof(*S.v), cmp_seen);
}

static void
seen_add(const struct cand *c)
{
	struct seen *nv;
	size_t ncap;

	if (S.n == S.cap) {
		ncap = S.cap ? S.cap * 2 : 256;
		if ((nv = reallocarray(S.v, ncap, sizeof(*nv))) == NULL)
			return;		/* read again next pass */
		S.v = nv;
		S.cap = ncap;
	}
	memcpy(S.v[S.n].uuid, c->uuid, GINDEX_UUID_LEN);
	S.v[S.n].not_after = c->not_after;
	S.v[S.n].hit = 0;	/* the next pass's walk marks it */
	S.n++;
}

/* Keep what is still a candidate, sorted for the next pass. */
static void
seen_prune(void)
{
	size_t i, k = 0;

	for (i = 0; i < S.n; i++)
		if (S.v[i].hit) {
			S.v[k] = S.v[i];
			S.v[k++].hit = 0;
		}
	S.n = k;
	if (S.n > 1)
		qsort(S.v, S.n, sizeof(*S.v), cmp_seen);
}

static void
cand_add(struct cand *v, size_t *n, const struct gindex_grant *g)
{
	struct cand *c;

	if (*n == PROV_DUE_MAX || strlen(g->id) > WF_ID_MAX)
		return;
	c = &v[(*n)++];
	memset(c, 0, sizeof(*c));
	memcpy(c->id, g->id, strlen(g->id) + 1);
	memcpy(c->uuid, g->uuid, GINDEX_UUID_LEN);
	c->not_after = g->not_after;
}

static void
walk_grant(void *arg, const struct gindex_grant *g)
{
	struct seen *s;

	(void)arg;
	if (g->status != GINDEX_ACTIVE)
		return;
	if (g->not_after <= (int64_t)P.now)
		cand_add(P.exp, &P.nexp, g);
	if (P.warn_until == 0 || g->not_after > (int64_t)P.warn_until)
		return;
	if ((s = seen_find(g->uuid, g->not_after)) != NULL)
		s->hit = 1;
	else
		cand_add(P.warn, &P.nwarn, g);
}

static void
walk_index(void *arg, const struct gindex *ix, int online)
{
	(void)arg;
	if (ix == NULL || !online)
		return;
	P.current = 1;
	gindex_foreach(ix, walk_grant, NULL, NULL);
}

void
prov_due_walk(time_t now, time_t warn_until)
{
	P.now = now;
	P.warn_until = warn_until;
	P.current = 0;
	P.nexp = P.nwarn = 0;
	gate_index_read(walk_index, NULL);
	if (P.current && warn_until > 0)
		seen_prune();
}

struct batch {
	struct cand	*v;
	size_t		 n;
	time_t		 until;
	size_t		*handed;	/* so far, all batches */
	wf_grant_fn	 cb;
	void		*arg;
};

static int
got_one(struct wf_grant *g, void *arg)
{
	struct batch *b = arg;
	size_t i;

	/* as (kunciNotAfter<=until) did (an end time kuncid cannot read
	 * reads as 0, but such a grant is not in the index to be asked) */
	if (g->not_after > b->until)
		return EX_OK;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].id, g->id) == 0)
			break;
	if (i == b->n || b->v[i].handed)
		return EX_OK;
	b->v[i].handed = 1;
	(*b->handed)++;
	return b->cb(g, b->arg);
}

/* One search for v[0..n-1] by kunciId, equality terms only. */
static int
read_batch(struct wf *w, struct batch *b, const char *note_esc)
{
	char esc[3 * WF_ID_MAX + 1];
	char filter[BATCH * (3 * WF_ID_MAX + 12) + 3 * 64 + 128];
	size_t i, len;

	len = (size_t)snprintf(filter, sizeof(filter), "(&(objectClass="
	    "kunciGrant)(kunciStatus=active)%s%s%s(|",
	    note_esc ? "(!(kunciNote=" : "", note_esc ? note_esc : "",
	    note_esc ? "))" : "");
	for (i = 0; i < b->n; i++) {
		if (ldapc_escape_filter(esc, sizeof(esc), b->v[i].id) == -1 ||
		    len >= sizeof(filter))
			return EX_SOFTWARE;
		len += (size_t)snprintf(filter + len, sizeof(filter) - len,
		    "(kunciId=%s)", esc);
	}
	if (len + 3 > sizeof(filter))
		return EX_SOFTWARE;
	memcpy(filter + len, "))", 3);
	return wf_grants(w, filter, 2 * BATCH, got_one, b);
}

/* The search this replaces, for an index not (yet) current. */
static int
old_search(struct wf *w, time_t until, const char *note_esc,
    wf_grant_fn cb, void *arg)
{
	char filter[512], ts[32];

	dir_gentime(ts, sizeof(ts), until);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciStatus=active)(kunciNotAfter<=%s)%s%s%s)", ts,
	    note_esc ? "(!(kunciNote=" : "", note_esc ? note_esc : "",
	    note_esc ? "))" : "");
	return wf_grants(w, filter, PROV_DUE_MAX, cb, arg);
}

int
prov_due_grants(struct wf *w, const char *warned_note, wf_grant_fn cb,
    void *arg)
{
	char note_esc[3 * 64 + 1], *ne = NULL;
	struct cand *v = warned_note != NULL ? P.warn : P.exp;
	struct batch b;
	size_t i, j, n = warned_note != NULL ? P.nwarn : P.nexp, handed = 0;
	time_t until = warned_note != NULL ? P.warn_until : P.now;
	int st = EX_OK;

	if (warned_note != NULL) {
		if (ldapc_escape_filter(note_esc, sizeof(note_esc),
		    warned_note) == -1)
			return EX_SOFTWARE;
		ne = note_esc;
	}
	if (!P.current)
		return old_search(w, until, ne, cb, arg);
	for (i = 0; i < n && st == EX_OK; i += BATCH) {
		memset(&b, 0, sizeof(b));
		b.v = v + i;
		b.n = n - i < BATCH ? n - i : BATCH;
		b.until = until;
		b.handed = &handed;
		b.cb = cb;
		b.arg = arg;
		if ((st = read_batch(w, &b, ne)) != EX_OK)
			break;
		/* read, and not due: not read again at this end time */
		for (j = 0; ne != NULL && j < b.n; j++)
			if (!b.v[j].handed)
				seen_add(&b.v[j]);
	}
	if (ne != NULL && S.n > 1)
		qsort(S.v, S.n, sizeof(*S.v), cmp_seen);
	return st;
}
