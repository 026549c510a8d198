/*
 * auditverify.c: "kuncictl audit verify": every host's hash chain and
 * every checkpoint, and exactly what is wrong (doc/audit.md).
 *
 * Per host, the chained records of kuncid are split into chains where a
 * record says a new one begins (audit.start begins=new or lost, seq 1).
 * In each chain, records are taken by seq: a record is intact when its
 * chain value is SHA-256 of the previous record's value and its own text.
 * Then:
 *   - a seq missing between two present ones is a gap, unless the first
 *     record after a crash declared those positions may never have been
 *     sent (a declared gap);
 *   - a record whose value does not follow is altered (its text, or its
 *     chain value when the next record follows from the true value);
 *   - two records with one seq: the one that does not follow is forged;
 *   - records whose seqs fall in the file are out of order (two records
 *     that trade places: swapped);
 *   - a checkpoint whose seq is past the last record: the tail was cut;
 *     one whose value differs from its record's, or whose signature does
 *     not verify with the certificate given: refused.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "auditcli.h"
#include "chain.h"
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

static struct finding	*F;
static size_t		 NF;
static int		 oom;

static void
add(enum sev sev, const char *kind, const char *host, uint64_t seq,
    const struct arec *r, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
add(enum sev sev, const char *kind, const char *host, uint64_t seq,
    const struct arec *r, const char *fmt, ...)
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
	f->src = r != NULL ? r->src : NULL;
	f->line = r != NULL ? r->line : 0;
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
follows(const unsigned char prev[CHAIN_VAL_LEN], const struct arec *r,
    unsigned char out[CHAIN_VAL_LEN])
{
	unsigned char md[CHAIN_VAL_LEN];

	if (chain_hash(prev, r->msg, r->bodylen, md) == -1)
		return 0;
	if (out != NULL)
		memcpy(out, md, CHAIN_VAL_LEN);
	return CRYPTO_memcmp(md, r->val, CHAIN_VAL_LEN) == 0;
}

/* One chain: recs[idx[0..n)] in file order. */
struct item {
	size_t		 i;	/* index in the records */
	size_t		 pos;	/* position in file order */
	int		 forged, genuine;
};

static struct arecs *verify_recs;	/* for by_seq() */

static int
by_seq(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	const struct arec *p = &verify_recs->v[x->i], *q = &verify_recs->v[y->i];

	if (p->seq != q->seq)
		return p->seq < q->seq ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
by_pos(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The chained records of kuncid by host and seq, for the checkpoints. */
static size_t	*ix;
static size_t	 nix;

static int
by_host_seq(const void *a, const void *b)
{
	const struct arec *p = &verify_recs->v[*(const size_t *)a];
	const struct arec *q = &verify_recs->v[*(const size_t *)b];
	int c = strcmp(p->host, q->host);

	if (c != 0)
		return c;
	if (p->seq != q->seq)
		return p->seq < q->seq ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The first position in ix of (host, seq), or nix. */
static size_t
ix_find(const char *host, uint64_t seq)
{
	size_t lo = 0, hi = nix, mid;
	int c;

	while (lo < hi) {
		const struct arec *r;

		mid = lo + (hi - lo) / 2;
		r = &verify_recs->v[ix[mid]];
		c = strcmp(r->host, host);
		if (c < 0 || (c == 0 && r->seq < seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *
rname(const struct arec *r, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s:%lu", r->src, r->line);
	return buf;
}

/* Whether a crash record in the chain declared [a, b] as maybe unsent. */
static const struct arec *
declared(const struct arecs *R, const struct item *it, size_t n, uint64_t a,
    uint64_t b)
{
	char v[32];
	unsigned long long after, from;
	size_t k;

	for (k = 0; k < n; k++) {
		const struct arec *r = &R->v[it[k].i];

		if (strcmp(r->event, "audit.start") != 0 ||
		    arec_kv(r->msg, "begins", v, sizeof(v)) == -1 ||
		    strcmp(v, "crashed") != 0)
			continue;
		if (arec_kv(r->msg, "after", v, sizeof(v)) == -1)
			continue;
		after = strtoull(v, NULL, 10);
		if (arec_kv(r->msg, "unsent_from", v, sizeof(v)) == -1)
			continue;
		from = strtoull(v, NULL, 10);
		if (r->seq == after + 1 && from <= a && b <= after)
			return r;
	}
	return NULL;
}

/* One chain of a host, as the checkpoints need it. */
struct seg {
	uint64_t		 minseq, maxseq;
	time_t			 t0;	/* its first record's time */
	const struct arec	*last;	/* the record with maxseq */
};

static void
check_chain(const struct arecs *R, struct item *it, size_t n, int first,
    uint64_t *maxseq, const struct arec **last)
{
	unsigned char pv[CHAIN_VAL_LEN], cand[CHAIN_VAL_LEN];
	struct item *s;
	const struct arec *r0, *dr;
	char w1[300], w2[300];
	size_t k, j, g0, g1, nd, d1, d2;
	int havepv, newchain;
	uint64_t seq;

	if (n == 0)
		return;
	if ((s = calloc(n, sizeof(*s))) == NULL) {
		oom = 1;
		return;
	}
	memcpy(s, it, n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_seq);
	r0 = &R->v[s[0].i];
	newchain = r0->seq == 1;
	memset(pv, 0, sizeof(pv));
	havepv = newchain;
	if (r0->seq > 1 && first)
		add(S_INFO, "begins", r0->host, r0->seq, r0, AT(
		    "the records given begin at seq %" PRIu64 " (earlier ones "
		    "are not in the input)", "catatan yang diberikan mulai "
		    "pada seq %" PRIu64 " (yang lebih awal tidak ada di "
		    "masukan)"), r0->seq);
	for (g0 = 0; g0 < n; g0 = g1) {
		const struct arec *r = &R->v[s[g0].i];
		const struct arec *nx = NULL;
		int got = -1;

		seq = r->seq;
		for (g1 = g0; g1 < n && R->v[s[g1].i].seq == seq; g1++)
			;
		if (g1 < n && R->v[s[g1].i].seq == seq + 1)
			nx = &R->v[s[g1].i];
		if (g0 > 0 && R->v[s[g0 - 1].i].seq + 1 < seq) {
			uint64_t a = R->v[s[g0 - 1].i].seq + 1, b = seq - 1;

			havepv = 0;
			if ((dr = declared(R, s, n, a, b)) != NULL)
				add(S_DECLARED, "declared_gap", r->host, a, dr,
				    AT("seq %" PRIu64 "-%" PRIu64 " missing, "
				    "declared by the restart after a crash "
				    "(%s): reserved, maybe never sent",
				    "seq %" PRIu64 "-%" PRIu64 " tidak ada, "
				    "dinyatakan oleh mulai ulang setelah "
				    "crash (%s): dipesan, mungkin tak pernah "
				    "terkirim"), a, b, rname(dr, w1,
				    sizeof(w1)));
			else
				add(S_DAMAGE, "gap", r->host, a, r, AT(
				    "gap: seq %" PRIu64 "-%" PRIu64 " missing "
				    "(%" PRIu64 " record(s) deleted) before %s",
				    "celah: seq %" PRIu64 "-%" PRIu64 " tidak "
				    "ada (%" PRIu64 " catatan dihapus) sebelum "
				    "%s"), a, b, b - a + 1,
				    rname(r, w1, sizeof(w1)));
		}
		/* which of the records claiming this seq follows */
		for (k = g0; havepv && k < g1; k++)
			if (follows(pv, &R->v[s[k].i], NULL)) {
				got = (int)k;
				break;
			}
		if (got == -1 && g1 - g0 > 1 && nx != NULL)
			for (k = g0; k < g1; k++)
				if (follows(R->v[s[k].i].val, nx, NULL)) {
					got = (int)k;
					break;
				}
		if (got == -1)
			got = (int)g0;
		r = &R->v[s[got].i];
		s[got].genuine = 1;
		for (k = g0; k < g1; k++)
			if ((int)k != got) {
				s[k].forged = 1;
				add(S_DAMAGE, "forged", r->host, seq,
				    &R->v[s[k].i], AT("inserted record: %s "
				    "claims seq %" PRIu64 ", which %s holds; it "
				    "does not follow from the chain",
				    "catatan sisipan: %s mengaku seq %" PRIu64
				    ", milik %s; tidak mengikuti rantai"),
				    rname(&R->v[s[k].i], w1, sizeof(w1)), seq,
				    rname(r, w2, sizeof(w2)));
			}
		if (havepv && !follows(pv, r, cand)) {
			if (nx != NULL && !follows(r->val, nx, NULL) &&
			    follows(cand, nx, NULL)) {
				add(S_DAMAGE, "altered", r->host, seq, r, AT(
				    "record seq %" PRIu64 " (%s) altered: its "
				    "chain value was changed", "catatan seq %"
				    PRIu64 " (%s) diubah: nilai rantainya "
				    "diganti"), seq, rname(r, w1, sizeof(w1)));
				memcpy(pv, cand, sizeof(pv));
			} else {
				add(S_DAMAGE, "altered", r->host, seq, r, AT(
				    "record seq %" PRIu64 " (%s) altered after "
				    "it was written", "catatan seq %" PRIu64
				    " (%s) diubah setelah ditulis"), seq,
				    rname(r, w1, sizeof(w1)));
				memcpy(pv, r->val, sizeof(pv));
			}
		} else
			memcpy(pv, r->val, sizeof(pv));
		havepv = 1;
	}
	/* order: the genuine records' seqs in file order */
	{
		struct item *f = calloc(n, sizeof(*f));
		size_t m = 0, i;

		if (f == NULL) {
			oom = 1;
			free(s);
			return;
		}
		for (k = 0; k < n; k++)
			if (s[k].genuine)
				f[m++] = s[k];
		/* back to file order */
		qsort(f, m, sizeof(*f), by_pos);
		nd = 0;
		d1 = d2 = 0;
		for (i = 0; i + 1 < m; i++)
			if (R->v[f[i].i].seq > R->v[f[i + 1].i].seq) {
				if (nd++ == 0)
					d1 = i;
				d2 = i + 1;
			}
		if (nd > 0) {
			/* two records that traded places? */
			struct item t = f[d1];
			int sorted = 1;

			f[d1] = f[d2];
			f[d2] = t;
			for (i = 0; i + 1 < m; i++)
				if (R->v[f[i].i].seq > R->v[f[i + 1].i].seq)
					sorted = 0;
			f[d2] = f[d1];
			f[d1] = t;
			if (sorted)
				add(S_DAMAGE, "swapped", R->v[f[d1].i].host,
				    R->v[f[d2].i].seq, &R->v[f[d1].i], AT(
				    "records out of order: seq %" PRIu64
				    " (%s) and seq %" PRIu64 " (%s) swapped",
				    "catatan tidak berurutan: seq %" PRIu64
				    " (%s) dan seq %" PRIu64 " (%s) bertukar "
				    "tempat"), R->v[f[d1].i].seq,
				    rname(&R->v[f[d1].i], w1, sizeof(w1)),
				    R->v[f[d2].i].seq,
				    rname(&R->v[f[d2].i], w2, sizeof(w2)));
			else
				for (i = 0; i + 1 < m; i++)
					if (R->v[f[i].i].seq >
					    R->v[f[i + 1].i].seq)
						add(S_DAMAGE, "order",
						    R->v[f[i].i].host,
						    R->v[f[i + 1].i].seq,
						    &R->v[f[i + 1].i], AT(
						    "records out of order: seq %"
						    PRIu64 " (%s) comes after "
						    "seq %" PRIu64, "catatan "
						    "tidak berurutan: seq %"
						    PRIu64 " (%s) sesudah seq %"
						    PRIu64),
						    R->v[f[i + 1].i].seq,
						    rname(&R->v[f[i + 1].i], w1,
						    sizeof(w1)),
						    R->v[f[i].i].seq);
		}
		free(f);
	}
	for (j = n; j > 0; j--)
		if (s[j - 1].genuine)
			break;
	if (j > 0 && R->v[s[j - 1].i].seq > *maxseq) {
		*maxseq = R->v[s[j - 1].i].seq;
		*last = &R->v[s[j - 1].i];
	}
	free(s);
}

/*
 * Checkpoints of host against its chains.  A checkpoint speaks of the
 * chain in effect when it was signed: the last one that began at or
 * before its time (a host whose head was lost starts again at seq 1, and
 * the seqs of its chains repeat).  Its record is the one with its seq in
 * that chain.
 */
static void
check_points(const struct arecs *R, const char *host,
    const struct achecks *C, const char *cert, const struct seg *sg,
    size_t nsg)
{
	char err[512], w[300];
	size_t k, i, s;
	uint64_t best = 0;
	const struct acheck *top = NULL;
	const struct seg *in;

	for (k = 0; k < C->n; k++) {
		const struct acheck *c = &C->v[k];
		struct tm tm;
		time_t ct = 0;
		int found = 0, match = 0;

		if (strcmp(c->host, host) != 0)
			continue;
		if (sign_verify(cert, c->stmt, strlen(c->stmt), c->sig,
		    c->siglen, err, sizeof(err)) == -1) {
			add(S_DAMAGE, "checkpoint_refused", host, c->seq, NULL,
			    AT("checkpoint seq %" PRIu64 " (%s) refused: its "
			    "signature does not verify with %s: %s",
			    "titik periksa seq %" PRIu64 " (%s) ditolak: "
			    "tanda tangannya tidak sah untuk %s: %s"), c->seq,
			    c->time, cert, err);
			continue;
		}
		memset(&tm, 0, sizeof(tm));
		if (strptime(c->time, "%Y%m%d%H%M%SZ", &tm) != NULL)
			ct = timegm(&tm);
		/* the chain in effect at its time */
		in = NULL;
		for (s = 0; s < nsg; s++)
			if (sg[s].t0 == 0 || ct == 0 || sg[s].t0 <= ct)
				in = &sg[s];
		if (in == NULL)
			continue;	/* before every chain in the input */
		for (i = ix_find(host, c->seq); i < nix; i++) {
			const struct arec *r = &R->v[ix[i]];

			if (r->seq != c->seq || strcmp(r->host, host) != 0)
				break;
			if ((ct != 0 && r->t > ct) ||
			    (in->t0 != 0 && r->t < in->t0))
				continue;
			found = 1;
			if (CRYPTO_memcmp(r->val, c->val, CHAIN_VAL_LEN) == 0)
				match = 1;
		}
		if (found && !match)
			add(S_DAMAGE, "checkpoint_mismatch", host, c->seq, NULL,
			    AT("checkpoint seq %" PRIu64 " (%s) does not match "
			    "the record with that seq", "titik periksa seq %"
			    PRIu64 " (%s) tidak cocok dengan catatan seq itu"),
			    c->seq, c->time);
		if (match && in == &sg[nsg - 1] && c->seq >= best) {
			best = c->seq;
			top = c;
		}
		if (!found && c->seq > in->maxseq)
			add(S_DAMAGE, "tail_cut", host, c->seq, in->last, AT(
			    "tail cut: the last record is seq %" PRIu64 " (%s) "
			    "but a checkpoint signed %s covers up to seq %"
			    PRIu64 " (%" PRIu64 " record(s) missing)",
			    "ekor dipotong: catatan terakhir seq %" PRIu64
			    " (%s) tetapi titik periksa bertanda tangan %s "
			    "mencakup sampai seq %" PRIu64 " (%" PRIu64
			    " catatan hilang)"), in->maxseq,
			    in->last != NULL ? rname(in->last, w, sizeof(w)) :
			    "-", c->time, c->seq, c->seq - in->maxseq);
	}
	if (top != NULL && nsg > 0 && sg[nsg - 1].maxseq > best)
		add(S_INFO, "uncovered", host, best + 1, NULL, AT(
		    "seq %" PRIu64 "-%" PRIu64 " come after the last "
		    "checkpoint (seq %" PRIu64 ", %s): a cut there would show "
		    "only at the next checkpoint", "seq %" PRIu64 "-%" PRIu64
		    " sesudah titik periksa terakhir (seq %" PRIu64 ", %s): "
		    "pemotongan di situ baru terlihat pada titik periksa "
		    "berikutnya"), best + 1, sg[nsg - 1].maxseq, best,
		    top->time);
}

int
audit_verify(struct arecs *R, const struct achecks *C, const char *cert,
    int json, FILE *out)
{
	char **hosts = NULL, w[300], begins[16];
	size_t nh = 0, h, i, n, ndam = 0, ndec = 0, nchained = 0, nun = 0;
	struct item *it;
	int seen_chained = 0;
	json_t *jo, *ja;

	verify_recs = R;
	F = NULL;
	NF = 0;
	oom = 0;
	/* records of kuncid's without chain fields */
	for (i = 0; i < R->n; i++) {
		const struct arec *r = &R->v[i];

		if (!from_kuncid(r))
			continue;
		if (r->chained) {
			seen_chained = 1;
			nchained++;
			continue;
		}
		nun++;
		if (seen_chained)
			add(S_DAMAGE, "unchained", NULL, 0, r, AT(
			    "%s: a kuncid record without chain fields, among "
			    "chained ones (inserted, or its chain removed)",
			    "%s: catatan kuncid tanpa medan rantai di antara "
			    "catatan berantai (disisipkan, atau rantainya "
			    "dibuang)"), rname(r, w, sizeof(w)));
	}
	for (i = 0; i < R->n; i++) {
		const struct arec *r = &R->v[i];
		char **v;

		if (!r->chained || !from_kuncid(r))
			continue;
		for (h = 0; h < nh; h++)
			if (strcmp(hosts[h], r->host) == 0)
				break;
		if (h < nh)
			continue;
		if ((v = reallocarray(hosts, nh + 1, sizeof(*v))) == NULL) {
			oom = 1;
			break;
		}
		hosts = v;
		hosts[nh++] = R->v[i].host;
	}
	if ((it = calloc(R->n + 1, sizeof(*it))) == NULL ||
	    (ix = calloc(R->n + 1, sizeof(*ix))) == NULL)
		oom = 1;
	nix = 0;
	for (i = 0; ix != NULL && i < R->n; i++)
		if (R->v[i].chained && from_kuncid(&R->v[i]))
			ix[nix++] = i;
	if (ix != NULL)
		qsort(ix, nix, sizeof(*ix), by_host_seq);
	for (h = 0; it != NULL && h < nh; h++) {
		uint64_t maxseq = 0;
		const struct arec *last = NULL;
		struct seg *sg = NULL, *nv;
		size_t nsg = 0;
		int first = 1;

		n = 0;
		for (i = 0; i <= R->n; i++) {
			const struct arec *r = i < R->n ? &R->v[i] : NULL;
			int starts = 0;

			if (r != NULL && (!r->chained || !from_kuncid(r) ||
			    strcmp(r->host, hosts[h]) != 0))
				continue;
			if (r != NULL && r->seq == 1 &&
			    strcmp(r->event, "audit.start") == 0 &&
			    arec_kv(r->msg, "begins", begins,
			    sizeof(begins)) == 0 &&
			    (strcmp(begins, "new") == 0 ||
			    strcmp(begins, "lost") == 0))
				starts = 1;
			if ((r == NULL || starts) && n > 0) {
				/* one chain ends: check it; the next one's
				 * maximum is what counts for the tail */
				maxseq = 0;
				last = NULL;
				check_chain(R, it, n, first, &maxseq, &last);
				if ((nv = reallocarray(sg, nsg + 1,
				    sizeof(*sg))) == NULL)
					oom = 1;
				else {
					sg = nv;
					sg[nsg].minseq = R->v[it[0].i].seq;
					sg[nsg].maxseq = maxseq;
					sg[nsg].t0 = R->v[it[0].i].t;
					sg[nsg].last = last;
					nsg++;
				}
				first = 0;
				n = 0;
			}
			if (r == NULL)
				break;
			if (starts && strcmp(begins, "lost") == 0)
				add(S_DECLARED, "new_chain", r->host, 1, r, AT(
				    "%s: a new chain begins: kuncid found its "
				    "chain head unreadable (records before it "
				    "cannot be tied to it)", "%s: rantai baru "
				    "dimulai: kuncid mendapati kepala rantainya "
				    "tak terbaca (catatan sebelumnya tidak "
				    "bisa dikaitkan)"), rname(r, w, sizeof(w)));
			else if (starts && !first)
				add(S_DECLARED, "new_chain", r->host, 1, r, AT(
				    "%s: a new chain begins: kuncid found no "
				    "chain head (its state directory was "
				    "emptied?)", "%s: rantai baru dimulai: "
				    "kuncid tidak menemukan kepala rantai "
				    "(direktori statusnya dikosongkan?)"),
				    rname(r, w, sizeof(w)));
			it[n].i = i;
			it[n].pos = i;
			n++;
		}
		if (C != NULL && nsg > 0)
			check_points(R, hosts[h], C, cert, sg, nsg);
		free(sg);
	}
	free(it);
	free(ix);
	ix = NULL;
	/* checkpoints of hosts with no record at all */
	for (i = 0; C != NULL && i < C->n; i++) {
		for (h = 0; h < nh; h++)
			if (strcmp(hosts[h], C->v[i].host) == 0)
				break;
		if (h == nh)
			add(S_INFO, "no_records", C->v[i].host, C->v[i].seq,
			    NULL, AT("checkpoint seq %" PRIu64 " of host %s: "
			    "no record of that host in the input",
			    "titik periksa seq %" PRIu64 " host %s: tidak ada "
			    "catatan host itu di masukan"), C->v[i].seq,
			    C->v[i].host);
	}
	if (oom)
		add(S_DAMAGE, "error", NULL, 0, NULL, "%s",
		    AT("out of memory", "memori habis"));
	if (nchained == 0 && !oom) {
		/* nothing checked is not "intact" */
		fprintf(stderr, "kuncictl: %s\n", AT("no chained kuncid record "
		    "in the input (is it kuncid's log, from this version on?)",
		    "tidak ada catatan kuncid berantai di masukan (log kuncid "
		    "dari versi ini?)"));
		free(hosts);
		free(F);
		F = NULL;
		NF = 0;
		return 66;	/* EX_NOINPUT */
	}
	for (i = 0; i < NF; i++) {
		if (F[i].sev == S_DAMAGE)
			ndam++;
		else if (F[i].sev == S_DECLARED)
			ndec++;
	}
	if (json) {
		jo = json_object();
		ja = json_array();
		for (i = 0; i < NF; i++) {
			json_t *f = json_object();

			json_object_set_new(f, "severity", json_string(
			    F[i].sev == S_DAMAGE ? "damage" : F[i].sev ==
			    S_DECLARED ? "declared" : "info"));
			json_object_set_new(f, "kind", json_string(F[i].kind));
			if (F[i].host[0] != '\0')
				json_object_set_new(f, "host",
				    json_string(F[i].host));
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
		    json_integer((json_int_t)nchained));
		json_object_set_new(jo, "unchained",
		    json_integer((json_int_t)nun));
		json_object_set_new(jo, "hosts", json_integer((json_int_t)nh));
		json_object_set_new(jo, "checkpoints_checked",
		    json_boolean(C != NULL));
		json_object_set_new(jo, "result", json_string(ndam > 0 ?
		    "damaged" : ndec > 0 ? "declared_gaps" : "intact"));
		json_object_set_new(jo, "findings", ja);
		json_dumpf(jo, out, JSON_INDENT(2));
		fputc('\n', out);
		json_decref(jo);
	} else {
		for (i = 0; i < NF; i++)
			fprintf(out, "%s%s%s%s\n", F[i].sev == S_DAMAGE ?
			    AT("DAMAGE: ", "RUSAK: ") : F[i].sev ==
			    S_DECLARED ? AT("DECLARED: ", "DINYATAKAN: ") :
			    AT("note: ", "catatan: "), F[i].host[0] != '\0' ?
			    F[i].host : "", F[i].host[0] != '\0' ? ": " : "",
			    F[i].text);
		fprintf(out, AT("%zu chained record(s) of %zu host(s)%s: %s\n",
		    "%zu catatan berantai dari %zu host%s: %s\n"), nchained,
		    nh, C == NULL ? AT(", checkpoints not checked",
		    ", titik periksa tidak diperiksa") : "", ndam > 0 ?
		    AT("DAMAGED", "RUSAK") : ndec > 0 ? AT("intact but for "
		    "declared gaps", "utuh kecuali celah yang dinyatakan") :
		    AT("intact", "utuh"));
	}
	free(hosts);
	free(F);
	F = NULL;
	NF = 0;
	if (ndam > 0)
		return 65;	/* EX_DATAERR */
	return ndec > 0 ? 1 : 0;
}
