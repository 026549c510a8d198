/*
 * auditverify.c: "kuncictl audit verify": every host's hash chain and
 * every checkpoint, and exactly what is wrong (doc/audit.md).
 *
 * The records stream through: nothing is kept of a record once it has
 * been checked, so a year of a province's records verifies in the
 * memory of a few thousand.  Per host, the chained records of kuncid are
 * split into chains where a record says a new one begins (audit.start
 * begins=new or lost, seq 1).  Each chain keeps a window of its last
 * AVERIFY_WINDOW records, ordered by seq, and checks the lowest seq when
 * the window is full (at the end of the chain, all of them): a record is
 * intact when its chain value is SHA-256 of the previous record's value
 * and its own text.  Then:
 *   - a seq missing between two present ones is a gap, unless the first
 *     record after a crash declared those positions may never have been
 *     sent (a declared gap);
 *   - a record whose value does not follow is altered (its text, or its
 *     chain value when the next record follows from the true value);
 *   - two records with one seq: the one that does not follow is forged;
 *   - records whose seqs fall in the file are out of order (two records
 *     that trade places: swapped); a record arriving after its seq was
 *     checked (more than the window from its place) is out of order too,
 *     and its place was reported as a gap;
 *   - a checkpoint whose seq is past the last record: the tail was cut;
 *     one whose value differs from its record's, or whose signature does
 *     not verify with the certificate given: refused.
 * Memory: the window of each open chain, a few numbers per chain and per
 * checkpoint, and the findings.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "auditcli.h"
#include "chain.h"
#include "log.h"
#include "sign.h"

enum sev { S_INFO, S_DECLARED, S_DAMAGE };

struct finding {
	enum sev	 sev;
	const char	*kind;
	char		 host[CHAIN_HOST_MAX + 1];
	uint64_t	 seq;
	const char	*src;
	unsigned long	 line;
	char		 text[512];
};

/* Where a record is: its source, line, seq and position in file order. */
struct where {
	const char	*src;
	unsigned long	 line;
	uint64_t	 seq;
	uint64_t	 pos;		/* from 1; 0: none */
};

/* A record in a chain's window. */
struct wrec {
	struct where	 w;
	time_t		 t;
	unsigned char	 val[CHAIN_VAL_LEN];
	char		*msg;
	size_t		 bodylen;
	int		 crash;		/* audit.start begins=crashed */
	uint64_t	 after, from;	/* what it declares */
	int		 havehead;	/* and the value it is chained from */
	unsigned char	 head[CHAIN_VAL_LEN];
};

/* Two neighbours in seq order whose file order is the other way. */
struct descent {
	uint64_t	 pp;		/* the position before a's; 0 none */
	struct where	 a, b;		/* a's seq < b's, a found after b */
	uint64_t	 next;		/* the position after b's */
};

struct gap {
	uint64_t	 a, b;
	struct where	 at;		/* the record after it */
	/* for a record of it found later: the value before it, and the
	 * record after it (a one-record gap only) */
	int		 havepv;
	unsigned char	 pv[CHAIN_VAL_LEN];
	struct wrec	*after;
};

/* A genuine crash record's durable head: a checkpoint may sign that
 * seq, whose record was never sent. */
struct crashd {
	uint64_t	 d;
	unsigned char	 head[CHAIN_VAL_LEN];
};

/* One chain of a host, as the checkpoints need it when it is done. */
struct seg {
	time_t		 t0;		/* its first record's time */
	uint64_t	 maxseq;
	struct where	 last;		/* the record with maxseq */
	struct crashd	*crashes;
	size_t		 ncrashes;
	uint64_t	 minseq;	/* its first seq in the input */
};

struct chainst {
	struct wrec	**heap;		/* the window, a min-heap by seq, pos */
	size_t		  nheap, window;
	int		  popped;	/* a seq was checked */
	uint64_t	  lastseq;	/* the last seq checked */
	int		  havepv;
	unsigned char	  pv[CHAIN_VAL_LEN];
	struct where	  prevg, prevprev;	/* genuine, in seq order */
	struct descent	 *d;
	size_t		  nd;
	int		  fill_next;	/* d[nd - 1].next is still open */
	struct gap	 *gaps;		/* not (yet) declared */
	size_t		  ngaps;
	time_t		  t0;
	uint64_t	  maxseq;
	struct where	  last;
	/* a run of records found after their seqs were checked, with
	 * consecutive seqs: one finding */
	struct where	  run0, run1;
	uint64_t	  runafter;
	size_t		  nrun;
	int		  first;	/* the host's first chain */
	int		  open;
	struct crashd	 *crashes;	/* the crash records checked */
	size_t		  ncrashes;
	uint64_t	  minseq;	/* the first seq checked */
};

struct cpst {
	const struct acheck *c;
	time_t		 ct;
	int		 refused;
	char		 err[256];
	/* the latest time of a record with its seq signed before it, and
	 * of one whose value it matches; -1 none */
	time_t		 tany, tmatch;
};

struct vhost {
	char		 name[CHAIN_HOST_MAX + 1];
	struct chainst	 ch;
	struct seg	*sg;
	size_t		 nsg;
	struct cpst	*cp;		/* its checkpoints, by seq */
	size_t		 ncp;
};

struct averify {
	const struct achecks *C;
	const char	*cert;
	struct cpst	*cps;
	struct vhost	*h;
	size_t		 nh;
	uint64_t	 pos;
	size_t		 window;
	size_t		 nchained, nun;
	int		 seen_chained;
};

static struct finding	*F;
static size_t		 NF;
static int		 oom;

static void
add(enum sev sev, const char *kind, const char *host, uint64_t seq,
    const struct where *at, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
add(enum sev sev, const char *kind, const char *host, uint64_t seq,
    const struct where *at, const char *fmt, ...)
{
	struct finding *f, *v;
	va_list ap;

	if ((v = reallocarray(F, NF + 1, sizeof(*F))) == NULL) {
		oom = 1;
		return;
	}
	F = v;
	f = &F[NF++];
	memset(f, 0, sizeof(*f));
	f->sev = sev;
	f->kind = kind;
	snprintf(f->host, sizeof(f->host), "%s", host != NULL ? host : "");
	f->seq = seq;
	f->src = at != NULL ? at->src : NULL;
	f->line = at != NULL ? at->line : 0;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

/* A record of kuncid's own (the one chained; pam_kunci's notes are not). */
static int
from_kuncid(const struct arec *r)
{
	return r->tag[0] == '\0' || strcmp(r->tag, "kuncid") == 0;
}

static int
follows(const unsigned char prev[CHAIN_VAL_LEN], const struct wrec *r,
    unsigned char out[CHAIN_VAL_LEN])
{
	unsigned char md[CHAIN_VAL_LEN];

	if (chain_hash(prev, r->msg, r->bodylen, md) == -1)
		return 0;
	if (out != NULL)
		memcpy(out, md, CHAIN_VAL_LEN);
	return CRYPTO_memcmp(md, r->val, CHAIN_VAL_LEN) == 0;
}

static const char *
rname(const struct where *w, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s:%lu", w->src, w->line);
	return buf;
}

/* ------------------------------------------------------------ the window */

static int
before(const struct wrec *x, const struct wrec *y)
{
	if (x->w.seq != y->w.seq)
		return x->w.seq < y->w.seq;
	return x->w.pos < y->w.pos;
}

static int
heap_push(struct chainst *c, struct wrec *r)
{
	struct wrec *t;
	size_t i;

	if (c->heap == NULL && (c->heap = calloc(c->window + 1,
	    sizeof(*c->heap))) == NULL)
		return -1;
	i = c->nheap++;
	c->heap[i] = r;
	while (i > 0 && before(c->heap[i], c->heap[(i - 1) / 2])) {
		t = c->heap[i];
		c->heap[i] = c->heap[(i - 1) / 2];
		c->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return 0;
}

static struct wrec *
heap_pop(struct chainst *c)
{
	struct wrec *top, *t;
	size_t i = 0, l, m;

	if (c->nheap == 0)
		return NULL;
	top = c->heap[0];
	c->heap[0] = c->heap[--c->nheap];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < c->nheap && before(c->heap[l], c->heap[m]))
			m = l;
		if (l + 1 < c->nheap && before(c->heap[l + 1], c->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		t = c->heap[i];
		c->heap[i] = c->heap[m];
		c->heap[m] = t;
		i = m;
	}
	return top;
}

static void
wrec_free(struct wrec *r)
{
	if (r != NULL)
		free(r->msg);
	free(r);
}

/* ------------------------------------------------------------ one chain */

/* Most positions a crash can declare: the batch being made durable
 * (at most the queue) and the skip past the durable head. */
#define CRASH_SPAN	((uint64_t)CHAIN_CRASH_SKIP + LOG_AUDIT_QMAX)

/* A crash record as kuncid writes one: it resumes just past what it
 * declares, declares no more than a crash can, and is chained from the
 * head it names.  (The chain has no key, so this alone does not make it
 * genuine: see crash_forged().) */
static int
crash_shape(const struct wrec *r)
{
	return r->crash && r->w.seq == r->after + 1 && r->from >= 1 &&
	    r->from <= r->after + 1 && r->after - r->from < CRASH_SPAN &&
	    r->after >= CHAIN_CRASH_SKIP && r->havehead &&
	    follows(r->head, r, NULL);
}

static const struct wrec *
declares(const struct wrec *r, uint64_t a, uint64_t b)
{
	/* records leave kuncid in order: what a crash lost is the end of
	 * what came before it, a gap that runs up to the record */
	return crash_shape(r) && r->from <= a && b == r->after ? r : NULL;
}

static void
declared_gap(const char *host, uint64_t a, uint64_t b, const struct wrec *dr)
{
	char w1[300];

	add(S_DECLARED, "declared_gap", host, a, &dr->w, AT("seq %" PRIu64
	    "-%" PRIu64 " missing, declared by the restart after a crash "
	    "(%s): reserved, maybe never sent", "seq %" PRIu64 "-%" PRIu64
	    " tidak ada, dinyatakan oleh mulai ulang setelah crash (%s): "
	    "dipesan, mungkin tak pernah terkirim"), a, b,
	    rname(&dr->w, w1, sizeof(w1)));
}

static void
undeclared_gap(const char *host, const struct gap *g)
{
	char w1[300];

	add(S_DAMAGE, "gap", host, g->a, &g->at, AT("gap: seq %" PRIu64 "-%"
	    PRIu64 " missing (%" PRIu64 " record(s) deleted) before %s",
	    "celah: seq %" PRIu64 "-%" PRIu64 " tidak ada (%" PRIu64
	    " catatan dihapus) sebelum %s"), g->a, g->b, g->b - g->a + 1,
	    rname(&g->at, w1, sizeof(w1)));
}

/* A gap a..b before group g[0..n): declared by a crash record in the
 * group or the window, or kept until one comes (or the chain ends). */
static void
on_gap(struct chainst *c, const char *host, uint64_t a, uint64_t b,
    struct wrec **g, size_t n)
{
	const struct wrec *dr = NULL;
	struct gap *v;
	struct wrec *after = NULL;
	size_t k;

	for (k = 0; dr == NULL && k < n; k++)
		dr = declares(g[k], a, b);
	for (k = 0; dr == NULL && k < c->nheap; k++)
		dr = declares(c->heap[k], a, b);
	if (dr != NULL) {
		declared_gap(host, a, b, dr);
		return;
	}
	if ((v = reallocarray(c->gaps, c->ngaps + 1, sizeof(*v))) == NULL) {
		oom = 1;
		return;
	}
	c->gaps = v;
	v = &c->gaps[c->ngaps++];
	memset(v, 0, sizeof(*v));
	v->a = a;
	v->b = b;
	v->at = g[0]->w;
	if (a == b && c->havepv && (after = calloc(1, sizeof(*after))) !=
	    NULL && (after->msg = strndup(g[0]->msg, g[0]->bodylen)) != NULL) {
		after->bodylen = g[0]->bodylen;
		memcpy(after->val, g[0]->val, CHAIN_VAL_LEN);
		v->havepv = 1;
		memcpy(v->pv, c->pv, CHAIN_VAL_LEN);
		v->after = after;
	} else
		free(after);
}

static void	late_run(struct chainst *, const char *host);

/*
 * A record whose seq was checked already.  When it is the one record of
 * a gap and fits there (follows the record before, the record after
 * follows it) it was moved: said once, and the gap is no gap.  Anything
 * else is out of order where it is found.
 */
static void
late(struct chainst *c, const char *host, const struct wrec *r)
{
	char w1[300], w2[300];
	size_t k;

	for (k = 0; k < c->ngaps; k++) {
		struct gap *g = &c->gaps[k];

		if (g->a != r->w.seq || g->b != r->w.seq || !g->havepv ||
		    !follows(g->pv, r, NULL) || !follows(r->val, g->after,
		    NULL))
			continue;
		add(S_DAMAGE, "order", host, r->w.seq, &r->w, AT("records out "
		    "of order: seq %" PRIu64 " (%s) was moved: it belongs "
		    "before %s, more than %d records earlier", "catatan tidak "
		    "berurutan: seq %" PRIu64 " (%s) dipindah: tempatnya "
		    "sebelum %s, lebih dari %d catatan sebelumnya"), r->w.seq,
		    rname(&r->w, w1, sizeof(w1)), rname(&g->at, w2,
		    sizeof(w2)), (int)c->window);
		wrec_free(g->after);
		c->gaps[k] = c->gaps[--c->ngaps];
		return;
	}
	if (c->nrun > 0 && r->w.seq == c->run1.seq + 1 &&
	    r->w.src == c->run1.src) {
		c->run1 = r->w;
		c->nrun++;
		return;
	}
	late_run(c, host);
	c->run0 = c->run1 = r->w;
	c->runafter = c->lastseq;
	c->nrun = 1;
}

/* The run of late records, said once. */
static void
late_run(struct chainst *c, const char *host)
{
	char w1[300];

	if (c->nrun == 0)
		return;
	if (c->nrun == 1)
		add(S_DAMAGE, "order", host, c->run0.seq, &c->run0, AT("records "
		    "out of order: seq %" PRIu64 " (%s) comes after seq %" PRIu64
		    ", more than %d records from its place (moved, or "
		    "inserted)", "catatan tidak berurutan: seq %" PRIu64
		    " (%s) sesudah seq %" PRIu64 ", lebih dari %d catatan dari "
		    "tempatnya (dipindah, atau disisipkan)"), c->run0.seq,
		    rname(&c->run0, w1, sizeof(w1)), c->runafter,
		    (int)c->window);
	else
		add(S_DAMAGE, "order", host, c->run0.seq, &c->run0, AT("records "
		    "out of order: seq %" PRIu64 "-%" PRIu64 " (%s-%lu, %zu "
		    "records) come after seq %" PRIu64 ", more than %d records "
		    "from their place (moved, or a file given out of order)",
		    "catatan tidak berurutan: seq %" PRIu64 "-%" PRIu64 " (%s-%lu,"
		    " %zu catatan) sesudah seq %" PRIu64 ", lebih dari %d catatan "
		    "dari tempatnya (dipindah, atau berkas diberikan tidak "
		    "berurutan)"), c->run0.seq, c->run1.seq, rname(&c->run0, w1,
		    sizeof(w1)), c->run1.line, c->nrun, c->runafter,
		    (int)c->window);
	c->nrun = 0;
}

/* A crash record checked: the gaps it declares. */
static void
on_crash(struct chainst *c, const char *host, const struct wrec *r)
{
	size_t k, m = 0;

	for (k = 0; k < c->ngaps; k++)
		if (declares(r, c->gaps[k].a, c->gaps[k].b)) {
			declared_gap(host, c->gaps[k].a, c->gaps[k].b, r);
			wrec_free(c->gaps[k].after);
		} else
			c->gaps[m++] = c->gaps[k];
	c->ngaps = m;
}

/* The genuine record of a seq, in seq order: its file order. */
static void
on_genuine(struct chainst *c, const struct wrec *r)
{
	struct descent *v;

	if (c->fill_next) {
		c->d[c->nd - 1].next = r->w.pos;
		c->fill_next = 0;
	}
	if (c->prevg.pos != 0 && r->w.pos < c->prevg.pos) {
		if ((v = reallocarray(c->d, c->nd + 1, sizeof(*v))) == NULL) {
			oom = 1;
			return;
		}
		c->d = v;
		v = &c->d[c->nd++];
		v->pp = c->prevprev.pos;
		v->a = c->prevg;
		v->b = r->w;
		v->next = UINT64_MAX;
		c->fill_next = 1;
	}
	c->prevprev = c->prevg;
	c->prevg = r->w;
	if (r->w.seq > c->maxseq || c->last.pos == 0) {
		c->maxseq = r->w.seq;
		c->last = r->w;
	}
}

/*
 * Whether crash record r is not kuncid's, given the record checked before
 * it (seq pseq, value ppv; pseq 0: none).  Its durable head D = after -
 * CHAIN_CRASH_SKIP: no record past D was ever sent before it, and the
 * record at D, when there, has the value it names.
 */
static int
crash_forged(const struct wrec *r, uint64_t pseq,
    const unsigned char ppv[CHAIN_VAL_LEN])
{
	uint64_t d;

	if (!crash_shape(r))
		return 1;
	d = r->after - CHAIN_CRASH_SKIP;
	if (pseq > d)
		return 1;
	return pseq == d && pseq != 0 &&
	    CRYPTO_memcmp(ppv, r->head, CHAIN_VAL_LEN) != 0;
}

/* A genuine crash record's head, for the checkpoints (check_points). */
static void
crash_note(struct chainst *c, const struct wrec *r)
{
	struct crashd *v;

	if ((v = reallocarray(c->crashes, c->ncrashes + 1,
	    sizeof(*v))) == NULL) {
		oom = 1;
		return;
	}
	c->crashes = v;
	v[c->ncrashes].d = r->after - CHAIN_CRASH_SKIP;
	memcpy(v[c->ncrashes].head, r->head, CHAIN_VAL_LEN);
	c->ncrashes++;
}

/* Check the lowest seq in the window: every record claiming it. */
static void
check_group(struct chainst *c, const char *host)
{
	struct wrec *g[64], *r, *nx;
	unsigned char cand[CHAIN_VAL_LEN];
	unsigned char ppv[CHAIN_VAL_LEN];
	char w1[300], w2[300];
	size_t n = 0, k, got;
	uint64_t seq, pseq;
	int found = 0;

	if ((g[n++] = heap_pop(c)) == NULL)
		return;
	seq = g[0]->w.seq;
	while (c->nheap > 0 && c->heap[0]->w.seq == seq) {
		r = heap_pop(c);
		if (n < sizeof(g) / sizeof(g[0]))
			g[n++] = r;
		else {	/* a flood of claims: forged, unchecked */
			add(S_DAMAGE, "forged", host, seq, &r->w, AT(
			    "inserted record: %s claims seq %" PRIu64,
			    "catatan sisipan: %s mengaku seq %" PRIu64),
			    rname(&r->w, w1, sizeof(w1)), seq);
			wrec_free(r);
		}
	}
	/* the record before, for a crash record's head (crash_forged) */
	pseq = c->popped ? c->lastseq : 0;
	memcpy(ppv, c->pv, sizeof(ppv));
	nx = c->nheap > 0 && c->heap[0]->w.seq == seq + 1 ? c->heap[0] : NULL;
	if (!c->popped) {
		c->minseq = seq;
		memset(c->pv, 0, sizeof(c->pv));
		c->havepv = seq == 1;
		if (seq > 1 && c->first)
			add(S_INFO, "begins", host, seq, &g[0]->w, AT(
			    "the records given begin at seq %" PRIu64 " (earlier"
			    " ones are not in the input)", "catatan yang "
			    "diberikan mulai pada seq %" PRIu64 " (yang lebih "
			    "awal tidak ada di masukan)"), seq);
	} else if (c->lastseq + 1 < seq) {
		on_gap(c, host, c->lastseq + 1, seq - 1, g, n);
		c->havepv = 0;
	}
	/* which of the records claiming this seq follows */
	got = 0;
	for (k = 0; c->havepv && !found && k < n; k++)
		if (follows(c->pv, g[k], NULL)) {
			got = k;
			found = 1;
		}
	for (k = 0; !found && n > 1 && nx != NULL && k < n; k++)
		if (follows(g[k]->val, nx, NULL)) {
			got = k;
			found = 1;
		}
	r = g[got];
	for (k = 0; k < n; k++)
		if (k != got)
			add(S_DAMAGE, "forged", host, seq, &g[k]->w, AT(
			    "inserted record: %s claims seq %" PRIu64 ", which "
			    "%s holds; it does not follow from the chain",
			    "catatan sisipan: %s mengaku seq %" PRIu64 ", milik "
			    "%s; tidak mengikuti rantai"), rname(&g[k]->w, w1,
			    sizeof(w1)), seq, rname(&r->w, w2, sizeof(w2)));
	if (c->havepv && !follows(c->pv, r, cand)) {
		if (nx != NULL && !follows(r->val, nx, NULL) &&
		    follows(cand, nx, NULL)) {
			add(S_DAMAGE, "altered", host, seq, &r->w, AT(
			    "record seq %" PRIu64 " (%s) altered: its chain "
			    "value was changed", "catatan seq %" PRIu64
			    " (%s) diubah: nilai rantainya diganti"), seq,
			    rname(&r->w, w1, sizeof(w1)));
			memcpy(c->pv, cand, sizeof(c->pv));
		} else {
			add(S_DAMAGE, "altered", host, seq, &r->w, AT(
			    "record seq %" PRIu64 " (%s) altered after it was "
			    "written", "catatan seq %" PRIu64 " (%s) diubah "
			    "setelah ditulis"), seq, rname(&r->w, w1,
			    sizeof(w1)));
			memcpy(c->pv, r->val, sizeof(c->pv));
		}
	} else
		memcpy(c->pv, r->val, sizeof(c->pv));
	c->havepv = 1;
	c->popped = 1;
	c->lastseq = seq;
	on_genuine(c, r);
	if (r->crash && crash_forged(r, pseq, ppv))
		/* the record after a gap is not checked against its
		 * predecessor: a crash record is, against the head it
		 * names, or a deletion could pass as a crash's gap */
		add(S_DAMAGE, "forged", host, seq, &r->w, AT("forged crash "
		    "record: seq %" PRIu64 " (%s) declares seq %" PRIu64 "-%"
		    PRIu64 " but does not follow from the chain head it "
		    "names%s", "catatan crash palsu: seq %" PRIu64 " (%s) "
		    "menyatakan seq %" PRIu64 "-%" PRIu64 " tetapi tidak "
		    "mengikuti kepala rantai yang disebutnya%s"), seq,
		    rname(&r->w, w1, sizeof(w1)), r->from, r->after,
		    r->havehead ? "" : AT(" (it names none)",
		    " (tidak menyebut satu pun)"));
	else if (r->crash) {
		on_crash(c, host, r);
		crash_note(c, r);
	}
	for (k = 0; k < n; k++)
		wrec_free(g[k]);
}

/* The chain's order, once all of it was checked. */
static void
check_order(struct chainst *c, const char *host)
{
	const struct descent *d1, *d2;
	const struct where *A, *B;
	char w1[300], w2[300];
	size_t i;
	int swap = 0;

	if (c->nd == 0)
		return;
	/* two records that traded places: A (lower seq) found where B
	 * belongs and B where A belongs; one descent when they are
	 * neighbours, two otherwise */
	d1 = &c->d[0];
	d2 = &c->d[c->nd - 1];
	A = &d1->a;
	B = &d2->b;
	if (c->nd == 1)
		swap = d1->pp < B->pos && A->pos < d1->next;
	else if (c->nd == 2)
		swap = d1->pp < B->pos && B->pos < d1->b.pos &&
		    d2->a.pos < A->pos && A->pos < d2->next;
	if (swap) {
		add(S_DAMAGE, "swapped", host, A->seq, B, AT("records out of "
		    "order: seq %" PRIu64 " (%s) and seq %" PRIu64 " (%s) "
		    "swapped", "catatan tidak berurutan: seq %" PRIu64 " (%s) "
		    "dan seq %" PRIu64 " (%s) bertukar tempat"), B->seq,
		    rname(B, w1, sizeof(w1)), A->seq, rname(A, w2,
		    sizeof(w2)));
		return;
	}
	for (i = 0; i < c->nd; i++)
		add(S_DAMAGE, "order", host, c->d[i].a.seq, &c->d[i].a, AT(
		    "records out of order: seq %" PRIu64 " (%s) comes after "
		    "seq %" PRIu64, "catatan tidak berurutan: seq %" PRIu64
		    " (%s) sesudah seq %" PRIu64), c->d[i].a.seq,
		    rname(&c->d[i].a, w1, sizeof(w1)), c->d[i].b.seq);
}

/* The end of a host's chain: check the rest of it, keep what the
 * checkpoints need. */
static void
chain_end(struct vhost *h)
{
	struct chainst *c = &h->ch;
	struct seg *v;
	size_t k;

	if (!c->open)
		return;
	while (c->nheap > 0)
		check_group(c, h->name);
	late_run(c, h->name);
	for (k = 0; k < c->ngaps; k++) {
		undeclared_gap(h->name, &c->gaps[k]);
		wrec_free(c->gaps[k].after);
	}
	check_order(c, h->name);
	if ((v = reallocarray(h->sg, h->nsg + 1, sizeof(*v))) == NULL)
		oom = 1;
	else {
		h->sg = v;
		v[h->nsg].t0 = c->t0;
		v[h->nsg].maxseq = c->maxseq;
		v[h->nsg].last = c->last;
		v[h->nsg].crashes = c->crashes;
		v[h->nsg].ncrashes = c->ncrashes;
		v[h->nsg].minseq = c->minseq;
		c->crashes = NULL;
		h->nsg++;
	}
	free(c->heap);
	free(c->d);
	free(c->gaps);
	free(c->crashes);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------ records */

static struct vhost *
host_get(struct averify *v, const char *name)
{
	struct vhost *h;
	size_t i, k;

	for (i = 0; i < v->nh; i++)
		if (strcmp(v->h[i].name, name) == 0)
			return &v->h[i];
	if ((h = reallocarray(v->h, v->nh + 1, sizeof(*h))) == NULL)
		return NULL;
	v->h = h;
	h = &v->h[v->nh++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	/* its checkpoints, by seq (they came sorted by host, seq) */
	for (k = 0; v->C != NULL && k < v->C->n; k++)
		if (strcmp(v->cps[k].c->host, name) == 0) {
			if (h->cp == NULL)
				h->cp = &v->cps[k];
			h->ncp++;
		}
	return h;
}

/* A record of this seq: what the checkpoints of its seq need. */
static void
observe(struct vhost *h, const struct wrec *r)
{
	size_t lo = 0, hi = h->ncp, mid;
	struct cpst *cp = h->cp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp[mid].c->seq < r->w.seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < h->ncp && cp[lo].c->seq == r->w.seq; lo++) {
		struct cpst *p = &cp[lo];

		if (p->refused || (p->ct != 0 && r->t > p->ct))
			continue;
		if (r->t > p->tany)
			p->tany = r->t;
		if (r->t > p->tmatch &&
		    CRYPTO_memcmp(r->val, p->c->val, CHAIN_VAL_LEN) == 0)
			p->tmatch = r->t;
	}
}

static struct wrec *
wrec_new(const struct arec *r, uint64_t pos)
{
	struct wrec *w;
	char v[32], hx[2 * CHAIN_VAL_LEN + 2];

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->msg = strndup(r->msg, r->bodylen)) == NULL) {
		free(w);
		return NULL;
	}
	w->w.src = r->src;
	w->w.line = r->line;
	w->w.seq = r->seq;
	w->w.pos = pos;
	w->t = r->t;
	memcpy(w->val, r->val, CHAIN_VAL_LEN);
	w->bodylen = r->bodylen;
	if (strcmp(r->event, "audit.start") == 0 &&
	    arec_kv(r->msg, "begins", v, sizeof(v)) == 0 &&
	    strcmp(v, "crashed") == 0 &&
	    arec_kv(r->msg, "after", v, sizeof(v)) == 0) {
		w->after = strtoull(v, NULL, 10);
		if (arec_kv(r->msg, "unsent_from", v, sizeof(v)) == 0) {
			w->from = strtoull(v, NULL, 10);
			w->crash = 1;
		}
		if (arec_kv(r->msg, "head", hx, sizeof(hx)) == 0 &&
		    strlen(hx) == 2 * CHAIN_VAL_LEN &&
		    chain_unhex(hx, w->head) == 0)
			w->havehead = 1;
	}
	return w;
}

/* Whether the record begins a new chain of its host. */
static int
starts_chain(const struct arec *r, char *begins, size_t sz)
{
	return r->seq == 1 && strcmp(r->event, "audit.start") == 0 &&
	    arec_kv(r->msg, "begins", begins, sz) == 0 &&
	    (strcmp(begins, "new") == 0 || strcmp(begins, "lost") == 0);
}

int
averify_add(const struct arec *r, void *arg)
{
	struct averify *v = arg;
	struct vhost *h;
	struct chainst *c;
	struct wrec *w;
	struct where at;
	char begins[16], w1[300];

	v->pos++;
	if (!from_kuncid(r))
		return 0;
	at.src = r->src;
	at.line = r->line;
	at.seq = r->seq;
	at.pos = v->pos;
	if (!r->chained) {
		v->nun++;
		if (v->seen_chained)
			add(S_DAMAGE, "unchained", NULL, 0, &at, AT(
			    "%s: a kuncid record without chain fields, among "
			    "chained ones (inserted, or its chain removed)",
			    "%s: catatan kuncid tanpa medan rantai di antara "
			    "catatan berantai (disisipkan, atau rantainya "
			    "dibuang)"), rname(&at, w1, sizeof(w1)));
		return oom ? -1 : 0;
	}
	v->seen_chained = 1;
	v->nchained++;
	if ((h = host_get(v, r->host)) == NULL) {
		oom = 1;
		return -1;
	}
	c = &h->ch;
	if (starts_chain(r, begins, sizeof(begins))) {
		int first = !c->open && h->nsg == 0;

		chain_end(h);
		if (strcmp(begins, "lost") == 0)
			add(S_DECLARED, "new_chain", h->name, 1, &at, AT(
			    "%s: a new chain begins: kuncid found its chain "
			    "head unreadable (records before it cannot be tied"
			    " to it)", "%s: rantai baru dimulai: kuncid "
			    "mendapati kepala rantainya tak terbaca (catatan "
			    "sebelumnya tidak bisa dikaitkan)"),
			    rname(&at, w1, sizeof(w1)));
		else if (!first)
			add(S_DECLARED, "new_chain", h->name, 1, &at, AT(
			    "%s: a new chain begins: kuncid found no chain "
			    "head (its state directory was emptied?)", "%s: "
			    "rantai baru dimulai: kuncid tidak menemukan "
			    "kepala rantai (direktori statusnya "
			    "dikosongkan?)"), rname(&at, w1, sizeof(w1)));
	}
	if (!c->open) {
		memset(c, 0, sizeof(*c));
		c->open = 1;
		c->first = h->nsg == 0;
		c->t0 = r->t;
		c->window = v->window;
	}
	if ((w = wrec_new(r, v->pos)) == NULL) {
		oom = 1;
		return -1;
	}
	observe(h, w);
	if (c->popped && r->seq <= c->lastseq) {
		/* its seq was checked already: too far from its place */
		late(c, h->name, w);
		wrec_free(w);
		return oom ? -1 : 0;
	}
	if (heap_push(c, w) == -1) {
		wrec_free(w);
		oom = 1;
		return -1;
	}
	if (c->nheap > c->window)
		check_group(c, h->name);
	return oom ? -1 : 0;
}

/* ------------------------------------------------------------ checkpoints */

static int
by_host_seq(const void *a, const void *b)
{
	const struct cpst *x = a, *y = b;
	int c = strcmp(x->c->host, y->c->host);

	if (c != 0)
		return c;
	if (x->c->seq != y->c->seq)
		return x->c->seq < y->c->seq ? -1 : 1;
	return x->c < y->c ? -1 : x->c > y->c;
}

struct averify *
averify_new(const struct achecks *C, const char *cert, size_t window)
{
	struct averify *v;
	struct tm tm;
	size_t k;

	F = NULL;
	NF = 0;
	oom = 0;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->C = C;
	v->cert = cert;
	v->window = window > 0 ? window : AVERIFY_WINDOW;
	if (C == NULL || C->n == 0)
		return v;
	if ((v->cps = calloc(C->n, sizeof(*v->cps))) == NULL) {
		free(v);
		return NULL;
	}
	for (k = 0; k < C->n; k++) {
		struct cpst *p = &v->cps[k];

		p->c = &C->v[k];
		if (sign_verify(cert, p->c->stmt, strlen(p->c->stmt),
		    p->c->sig, p->c->siglen, p->err, sizeof(p->err)) == -1)
			p->refused = 1;
		memset(&tm, 0, sizeof(tm));
		if (strptime(p->c->time, "%Y%m%d%H%M%SZ", &tm) != NULL)
			p->ct = timegm(&tm);
		p->tany = p->tmatch = -1;
	}
	qsort(v->cps, C->n, sizeof(*v->cps), by_host_seq);
	return v;
}

/* Whether checkpoint c signs a crash's durable head in chain in: that
 * record may never have been sent (log.c: the head emitted at a start). */
static int
crash_head(const struct seg *in, const struct acheck *c)
{
	size_t k;

	for (k = 0; k < in->ncrashes; k++)
		if (in->crashes[k].d == c->seq &&
		    CRYPTO_memcmp(in->crashes[k].head, c->val,
		    CHAIN_VAL_LEN) == 0)
			return 1;
	return 0;
}

/*
 * Checkpoints of a host against its chains.  A checkpoint speaks of the
 * chain in effect when it was signed: the last one that began at or
 * before its time (a host whose head was lost starts again at seq 1, and
 * the seqs of its chains repeat).  Its record is the one with its seq in
 * that chain.
 */
static void
check_points(const struct averify *v, const struct vhost *h)
{
	const struct seg *sg = h->sg, *in;
	const struct cpst *top = NULL;
	char w[300];
	size_t k, s, nsg = h->nsg;
	uint64_t best = 0;

	for (k = 0; k < h->ncp; k++) {
		const struct cpst *p = &h->cp[k];
		const struct acheck *c = p->c;
		int found = 0, match = 0;

		if (p->refused) {
			add(S_DAMAGE, "checkpoint_refused", h->name, c->seq,
			    NULL, AT("checkpoint seq %" PRIu64 " (%s) refused: "
			    "its signature does not verify with %s: %s",
			    "titik periksa seq %" PRIu64 " (%s) ditolak: "
			    "tanda tangannya tidak sah untuk %s: %s"), c->seq,
			    c->time, v->cert, p->err);
			continue;
		}
		/* the chain in effect at its time */
		in = NULL;
		for (s = 0; s < nsg; s++)
			if (sg[s].t0 == 0 || p->ct == 0 || sg[s].t0 <= p->ct)
				in = &sg[s];
		if (in == NULL)
			continue;	/* before every chain in the input */
		/* a record of its seq in that chain (by time, as the seqs
		 * of a host's chains repeat) */
		found = p->tany != -1 && (in->t0 == 0 || p->tany >= in->t0);
		match = p->tmatch != -1 && (in->t0 == 0 ||
		    p->tmatch >= in->t0);
		if (found && !match)
			add(S_DAMAGE, "checkpoint_mismatch", h->name, c->seq,
			    NULL, AT("checkpoint seq %" PRIu64 " (%s) does not "
			    "match the record with that seq", "titik periksa "
			    "seq %" PRIu64 " (%s) tidak cocok dengan catatan "
			    "seq itu"), c->seq, c->time);
		if (match && in == &sg[nsg - 1] && c->seq >= best) {
			best = c->seq;
			top = p;
		}
		if (!found && c->seq >= in->minseq && c->seq <= in->maxseq &&
		    !crash_head(in, c))
			add(S_DAMAGE, "checkpoint_missing", h->name, c->seq,
			    NULL, AT("checkpoint seq %" PRIu64 " (%s): its "
			    "record is missing from the chain (deleted)",
			    "titik periksa seq %" PRIu64 " (%s): catatannya "
			    "tidak ada di rantai (dihapus)"), c->seq, c->time);
		if (!found && c->seq > in->maxseq)
			add(S_DAMAGE, "tail_cut", h->name, c->seq, &in->last,
			    AT("tail cut: the last record is seq %" PRIu64
			    " (%s) but a checkpoint signed %s covers up to seq %"
			    PRIu64 " (%" PRIu64 " record(s) missing)",
			    "ekor dipotong: catatan terakhir seq %" PRIu64
			    " (%s) tetapi titik periksa bertanda tangan %s "
			    "mencakup sampai seq %" PRIu64 " (%" PRIu64
			    " catatan hilang)"), in->maxseq,
			    in->last.pos != 0 ? rname(&in->last, w, sizeof(w)) :
			    "-", c->time, c->seq, c->seq - in->maxseq);
	}
	if (top != NULL && nsg > 0 && sg[nsg - 1].maxseq > best)
		add(S_INFO, "uncovered", h->name, best + 1, NULL, AT(
		    "seq %" PRIu64 "-%" PRIu64 " come after the last "
		    "checkpoint (seq %" PRIu64 ", %s): a cut there would show "
		    "only at the next checkpoint", "seq %" PRIu64 "-%" PRIu64
		    " sesudah titik periksa terakhir (seq %" PRIu64 ", %s): "
		    "pemotongan di situ baru terlihat pada titik periksa "
		    "berikutnya"), best + 1, sg[nsg - 1].maxseq, best,
		    top->c->time);
}

void
averify_free(struct averify *v)
{
	size_t i, k;

	if (v == NULL)
		return;
	for (i = 0; i < v->nh; i++) {
		struct chainst *c = &v->h[i].ch;

		while (c->nheap > 0)
			wrec_free(heap_pop(c));
		while (c->ngaps > 0)
			wrec_free(c->gaps[--c->ngaps].after);
		free(c->heap);
		free(c->d);
		free(c->gaps);
		free(c->crashes);
		for (k = 0; k < v->h[i].nsg; k++)
			free(v->h[i].sg[k].crashes);
		free(v->h[i].sg);
	}
	free(v->cps);
	free(v->h);
	free(v);
	free(F);
	F = NULL;
	NF = 0;
}

static void
print_json(const struct averify *v, size_t ndam, size_t ndec, FILE *out)
{
	json_t *jo = json_object(), *ja = json_array();
	size_t i;

	for (i = 0; i < NF; i++) {
		json_t *f = json_object();

		json_object_set_new(f, "severity", json_string(
		    F[i].sev == S_DAMAGE ? "damage" : F[i].sev == S_DECLARED ?
		    "declared" : "info"));
		json_object_set_new(f, "kind", json_string(F[i].kind));
		if (F[i].host[0] != '\0')
			json_object_set_new(f, "host", json_string(F[i].host));
		if (F[i].seq > 0)
			json_object_set_new(f, "seq",
			    json_integer((json_int_t)F[i].seq));
		if (F[i].src != NULL) {
			json_object_set_new(f, "source",
			    json_string(F[i].src));
			json_object_set_new(f, "line",
			    json_integer((json_int_t)F[i].line));
		}
		json_object_set_new(f, "text", json_string(F[i].text));
		json_array_append_new(ja, f);
	}
	json_object_set_new(jo, "records",
	    json_integer((json_int_t)v->nchained));
	json_object_set_new(jo, "unchained", json_integer((json_int_t)v->nun));
	json_object_set_new(jo, "hosts", json_integer((json_int_t)v->nh));
	json_object_set_new(jo, "checkpoints_checked",
	    json_boolean(v->C != NULL));
	json_object_set_new(jo, "result", json_string(ndam > 0 ? "damaged" :
	    ndec > 0 ? "declared_gaps" : "intact"));
	json_object_set_new(jo, "findings", ja);
	json_dumpf(jo, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(jo);
}

int
averify_end(struct averify *v, int json, FILE *out)
{
	size_t h, i, ndam = 0, ndec = 0;
	int st;

	for (h = 0; h < v->nh; h++) {
		chain_end(&v->h[h]);
		if (v->C != NULL && v->h[h].nsg > 0)
			check_points(v, &v->h[h]);
	}
	/* checkpoints of hosts with no record at all */
	for (i = 0; v->C != NULL && i < v->C->n; i++) {
		const struct acheck *c = v->cps[i].c;

		for (h = 0; h < v->nh; h++)
			if (strcmp(v->h[h].name, c->host) == 0)
				break;
		if (h == v->nh)
			add(S_INFO, "no_records", c->host, c->seq, NULL, AT(
			    "checkpoint seq %" PRIu64 " of host %s: no record "
			    "of that host in the input", "titik periksa seq %"
			    PRIu64 " host %s: tidak ada catatan host itu di "
			    "masukan"), c->seq, c->host);
	}
	if (oom)
		add(S_DAMAGE, "error", NULL, 0, NULL, "%s",
		    AT("out of memory", "memori habis"));
	if (v->nchained == 0 && !oom) {
		/* nothing checked is not "intact" */
		fprintf(stderr, "kuncictl: %s\n", AT("no chained kuncid record "
		    "in the input (is it kuncid's log, from this version on?)",
		    "tidak ada catatan kuncid berantai di masukan (log kuncid "
		    "dari versi ini?)"));
		averify_free(v);
		return 66;	/* EX_NOINPUT */
	}
	for (i = 0; i < NF; i++) {
		if (F[i].sev == S_DAMAGE)
			ndam++;
		else if (F[i].sev == S_DECLARED)
			ndec++;
	}
	if (json)
		print_json(v, ndam, ndec, out);
	else {
		for (i = 0; i < NF; i++)
			fprintf(out, "%s%s%s%s\n", F[i].sev == S_DAMAGE ?
			    AT("DAMAGE: ", "RUSAK: ") : F[i].sev ==
			    S_DECLARED ? AT("DECLARED: ", "DINYATAKAN: ") :
			    AT("note: ", "catatan: "), F[i].host[0] != '\0' ?
			    F[i].host : "", F[i].host[0] != '\0' ? ": " : "",
			    F[i].text);
		fprintf(out, AT("%zu chained record(s) of %zu host(s)%s: %s\n",
		    "%zu catatan berantai dari %zu host%s: %s\n"), v->nchained,
		    v->nh, v->C == NULL ? AT(", checkpoints not checked",
		    ", titik periksa tidak diperiksa") : "", ndam > 0 ?
		    AT("DAMAGED", "RUSAK") : ndec > 0 ? AT("intact but for "
		    "declared gaps", "utuh kecuali celah yang dinyatakan") :
		    AT("intact", "utuh"));
	}
	st = ndam > 0 ? 65 : ndec > 0 ? 1 : 0;	/* EX_DATAERR */
	averify_free(v);
	return st;
}
