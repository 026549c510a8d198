/*
 * fuzz_gtab_diff: kuncid's index and the table built from it decide
 * alike.  The input describes an index and a policy, one item a line:
 *
 *	p UID				a person
 *	g SUB TAB RES TAB STATUS TAB NB TAB NA [TAB WINDOW]...
 *					a grant; NB, NA seconds from
 *					FUZZ_NOW; STATUS as in kunciStatus
 *	d UID				remove the last item put for it
 *	u USER				login.unmanaged
 *	s SERVICE TAB TEMPLATE		login.services
 *	h HOST				the host name (%h)
 *	e				messages in English
 *	q USER TAB SERVICE TAB HOST TAB RES TAB DT TAB UTCOFF
 *					a query at FUZZ_NOW + DT, the zone
 *					UTCOFF seconds east
 *
 * The index is filled with gindex_put_grant/gindex_put_person (windows
 * parsed there), the table built with gtab_build() and read back through
 * gtab_check() as the module reads it.  Every query, and every grant's
 * and person's own pair at a few times, is decided from both sources
 * (decide.h over gindex as in gate.c, and over the table).
 *
 * Oracle: the same decision, reason and resource from both.  (Which of
 * two equally good grants is named may differ: the chains' order is not
 * part of the contract.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "gindex.h"
#include "gtab.h"
#include "gtab_build.h"

#define FUZZ_NOW	1790000000
#define MAXL		32	/* unmanaged users, services */
#define MAXQ		16	/* queries per input */
#define MAXG		64	/* grants and people asked about */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct pol {
	char		*unm[MAXL];
	size_t		 nunm;
	const char	*svc[MAXL], *tmpl[MAXL];
	size_t		 nsvc;
};

static struct pol *P;	/* for the index source's callbacks */

static int
ix_unmanaged(void *arg, const char *user)
{
	size_t i;

	(void)arg;
	for (i = 0; i < P->nunm; i++)
		if (strcmp(P->unm[i], user) == 0)
			return 1;
	return 0;
}

static const char *
ix_service(void *arg, const char *service)
{
	size_t i;

	(void)arg;
	for (i = 0; i < P->nsvc; i++)
		if (strcmp(P->svc[i], service) == 0)
			return P->tmpl[i];
	return NULL;
}

static int
ix_has_person(void *arg, const char *uid)
{
	return gindex_has_person(arg, uid);
}

static int
ix_grants(void *arg, const char *user, const char *res,
    int (*fn)(void *, const struct kd_grant *), void *fnarg)
{
	return gindex_kd_grants(arg, user, res, fn, fnarg);
}

/* Split s at tabs into at most n fields; the count. */
static int
fields(char *s, char **f, int n)
{
	int k = 0;

	while (k < n && s != NULL)
		f[k++] = strsep(&s, "\t");
	return k;
}

static void
uuid_of(unsigned char u[GINDEX_UUID_LEN], const char *key)
{
	uint32_t h = gtab_hash(key, NULL);

	/* a name keeps its uuid, so "d" and a second put replace it */
	memset(u, 0, GINDEX_UUID_LEN);
	memcpy(u, &h, sizeof(h));
	u[15] = 1;
}

static int
decide(const struct kd_source *src, const struct proto_query *q,
    const struct kd_when *w, struct kd_result *r)
{
	if (kd_begin(src, q, r) == 1)
		return 0;
	return kd_finish(src, q->user, w, r);
}

static void
compare(const struct kd_source *a, const struct kd_source *b,
    const struct proto_query *q, int64_t now, int32_t off)
{
	struct kd_result ra, rb;
	struct kd_when w;

	gtab_when(now, off, &w);
	if (decide(a, q, &w, &ra) != 0)
		abort();		/* the index never fails */
	if (decide(b, q, &w, &rb) != 0) {
		fprintf(stderr, "a built table failed to decide\n");
		abort();
	}
	if (ra.decision != rb.decision || strcmp(ra.reason, rb.reason) != 0 ||
	    strcmp(ra.resource, rb.resource) != 0 || ra.known != rb.known) {
		fprintf(stderr, "user \"%s\" service \"%s\" res \"%s\": index "
		    "%u \"%s\" \"%s\", table %u \"%s\" \"%s\"\n", q->user,
		    q->service, q->resource, ra.decision, ra.reason,
		    ra.resource, rb.decision, rb.reason, rb.resource);
		abort();
	}
	if ((ra.decision == PROTO_ALLOW) != (rb.grant[0] != '\0' &&
	    rb.decision == PROTO_ALLOW))
		abort();
}

static void
query(struct proto_query *q, const char *user, const char *service,
    const char *host, const char *res)
{
	memset(q, 0, sizeof(*q));
	kd_copy(q->user, sizeof(q->user), user);
	kd_copy(q->service, sizeof(q->service), service);
	kd_copy(q->host, sizeof(q->host), host);
	kd_copy(q->resource, sizeof(q->resource), res);
}

struct pair {
	const struct kd_source *a, *b;
	int n;
};

static void
each_grant(void *arg, const struct gindex_grant *g)
{
	static const int64_t dts[] = { 0, -3600, 3600, 9 * 3600 };
	struct pair *p = arg;
	struct proto_query q;
	size_t i;

	if (p->n++ >= MAXG)
		return;
	query(&q, g->subject, "sshd", "", g->resource);
	for (i = 0; i < sizeof(dts) / sizeof(dts[0]); i++)
		compare(p->a, p->b, &q, FUZZ_NOW + dts[i], 7 * 3600);
	/* the edges of its validity */
	compare(p->a, p->b, &q, g->not_before, 0);
	compare(p->a, p->b, &q, g->not_after, 0);
	compare(p->a, p->b, &q, g->not_after - 1, 0);
}

static void
each_person(void *arg, const char *uid)
{
	struct pair *p = arg;
	struct proto_query q;

	if (p->n++ >= MAXG)
		return;
	query(&q, uid, "sshd", "", "");
	compare(p->a, p->b, &q, FUZZ_NOW, 7 * 3600);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol pol;
	struct gindex *ix;
	struct gindex_grant_in in;
	struct gtab_policy gp;
	struct kd_source a, b;
	struct proto_query qs[MAXQ];
	int64_t qt[MAXQ];
	int32_t qo[MAXQ];
	struct gtab t;
	struct pair pr;
	unsigned char u[GINDEX_UUID_LEN], *buf = NULL;
	char *text, *line, *save = NULL, *f[12], id[32];
	const char *host = "srv1";
	size_t len, i, nq = 0;
	int nf, en = 0, ngr = 0;

	if (size > 16384 || (text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&pol, 0, sizeof(pol));
	P = &pol;
	if ((ix = gindex_new()) == NULL)
		abort();
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '\0' || line[1] != ' ')
			continue;
		nf = fields(line + 2, f, 12);
		switch (line[0]) {
		case 'p':
			uuid_of(u, f[0]);
			(void)gindex_put_person(ix, u, f[0]);
			break;
		case 'g':
			if (nf < 5)
				break;
			memset(&in, 0, sizeof(in));
			snprintf(id, sizeof(id), "G-%d", ++ngr);
			in.dn = id;
			in.id = id;
			in.subject = f[0];
			in.resource = f[1];
			in.status = f[2];
			in.not_before = FUZZ_NOW + strtoll(f[3], NULL, 10) %
			    ((int64_t)1 << 40);
			in.not_after = FUZZ_NOW + strtoll(f[4], NULL, 10) %
			    ((int64_t)1 << 40);
			in.windows = (const char *const *)(f + 5);
			in.nwindows = (size_t)(nf - 5);
			uuid_of(u, id);
			(void)gindex_put_grant(ix, u, &in);
			break;
		case 'd':
			uuid_of(u, f[0]);
			(void)gindex_del(ix, u);
			break;
		case 'u':
			if (pol.nunm < MAXL)
				pol.unm[pol.nunm++] = f[0];
			break;
		case 's':
			if (nf == 2 && pol.nsvc < MAXL) {
				pol.svc[pol.nsvc] = f[0];
				pol.tmpl[pol.nsvc++] = f[1];
			}
			break;
		case 'h':
			host = f[0];
			break;
		case 'e':
			en = 1;
			break;
		case 'q':
			if (nf != 6 || nq >= MAXQ)
				break;
			query(&qs[nq], f[0], f[1], f[2], f[3]);
			qt[nq] = FUZZ_NOW + strtoll(f[4], NULL, 10) %
			    ((int64_t)1 << 40);
			qo[nq] = (int32_t)(strtol(f[5], NULL, 10) % 86400);
			nq++;
			break;
		}
	}

	memset(&gp, 0, sizeof(gp));
	gp.lang_en = en;
	gp.hostname = host;
	gp.unmanaged = pol.unm;
	gp.nunmanaged = pol.nunm;
	gp.service = pol.svc;
	gp.tmpl = pol.tmpl;
	gp.nservices = pol.nsvc;
	if (gtab_build(ix, &gp, &buf, &len) != 0)
		abort();		/* nothing here is too big */
	if (gtab_check(&t, buf, len) != 0) {
		fprintf(stderr, "gtab_check refuses a built table\n");
		abort();
	}
	memset(&a, 0, sizeof(a));
	a.arg = ix;
	a.lang_en = en;
	a.hostname = host;
	a.unmanaged = ix_unmanaged;
	a.service = ix_service;
	a.has_person = ix_has_person;
	a.grants = ix_grants;
	gtab_source(&t, &b);
	if (b.lang_en != a.lang_en || b.hostname == NULL ||
	    strcmp(b.hostname, host) != 0)
		abort();

	for (i = 0; i < nq; i++)
		compare(&a, &b, &qs[i], qt[i], qo[i]);
	pr.a = &a;
	pr.b = &b;
	pr.n = 0;
	gindex_foreach(ix, each_grant, each_person, &pr);

	free(buf);
	gindex_free(ix);
	free(text);
	return 0;
}
