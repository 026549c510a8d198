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

struct walk {
	time_t		 until;
	int		 warn;
	int		 current;	/* the index was there and current */
	struct cand	*v;
	size_t		 n;
};

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
	qsort(S.v, S.n, sizeof(*S.v), cmp_seen);
}

static void
walk_grant(void *arg, const struct gindex_grant *g)
{
	struct walk *wk = arg;
	struct seen *s;
	struct cand *c;

	if (g->status != GINDEX_ACTIVE || g->not_after > (int64_t)wk->until)
		return;
	if (wk->warn && (s = seen_find(g->uuid, g->not_after)) != NULL) {
		s->hit = 1;
		return;
	}
	if (wk->n == PROV_DUE_MAX || strlen(g->id) > WF_ID_MAX)
		return;
	c = &wk->v[wk->n++];
	memset(c, 0, sizeof(*c));
	memcpy(c->id, g->id, strlen(g->id) + 1);
	memcpy(c->uuid, g->uuid, GINDEX_UUID_LEN);
	c->not_after = g->not_after;
}

static void
walk_index(void *arg, const struct gindex *ix, int online)
{
	struct walk *wk = arg;

	if (ix == NULL || !online)
		return;
	wk->current = 1;
	gindex_foreach(ix, walk_grant, NULL, wk);
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

	/* as (kunciNotAfter<=until) did; an end time kuncid cannot read
	 * (0) is due, as it is for the gate */
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
prov_due_grants(struct wf *w, time_t until, const char *warned_note,
    wf_grant_fn cb, void *arg)
{
	char note_esc[3 * 64 + 1], *ne = NULL;
	struct walk wk;
	struct batch b;
	size_t i, j, handed = 0;
	int st = EX_OK;

	if (warned_note != NULL) {
		if (ldapc_escape_filter(note_esc, sizeof(note_esc),
		    warned_note) == -1)
			return EX_SOFTWARE;
		ne = note_esc;
	}
	memset(&wk, 0, sizeof(wk));
	wk.until = until;
	wk.warn = warned_note != NULL;
	if ((wk.v = calloc(PROV_DUE_MAX, sizeof(*wk.v))) == NULL)
		return EX_OSERR;
	gate_index_read(walk_index, &wk);
	if (!wk.current) {
		free(wk.v);
		return old_search(w, until, ne, cb, arg);
	}
	if (wk.warn)
		seen_prune();
	for (i = 0; i < wk.n && st == EX_OK; i += BATCH) {
		memset(&b, 0, sizeof(b));
		b.v = wk.v + i;
		b.n = wk.n - i < BATCH ? wk.n - i : BATCH;
		b.until = until;
		b.handed = &handed;
		b.cb = cb;
		b.arg = arg;
		if ((st = read_batch(w, &b, ne)) != EX_OK)
			break;
		/* read, and not due: not read again at this end time */
		for (j = 0; wk.warn && j < b.n; j++)
			if (!b.v[j].handed)
				seen_add(&b.v[j]);
	}
	if (wk.warn)
		qsort(S.v, S.n, sizeof(*S.v), cmp_seen);
	free(wk.v);
	return st;
}
