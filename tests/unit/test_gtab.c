/*
 * test_gtab: the gate table (gtab.c, gtab_build.c) and the shared
 * decision (decide.c): a table built from an index decides exactly as the
 * index does for every kind of grant, user and service; its live header
 * (online flag, live_until, the sequence counter); local time from an
 * offset; patches written into a published table, seen through a
 * separate mapping; and a reader fed truncated, mutated and hand-damaged tables
 * (chains that loop, offsets outside the file) never crashes and never
 * reads outside the mapping (run under ASan by make asan); and a record
 * flipped in place by a writer thread while reader threads decide, which
 * must never allow (the per-record sequence counter).
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "decide.h"
#include "gindex.h"
#include "gtab.h"
#include "gtab_build.h"
#include "mapguard.h"

#define NOW	1790000000	/* 2026-09-21 */

/* decide.h's source over an index, as gate.c builds it. */
static const char *unm[] = { "darurat", "rescue" };
static const char *svc[] = { "sshd", "webmin", "weird" };
static const char *tmpl[] = { "host:%h", "control-panel:%h-webmin", "x%%y" };

static int
ix_unmanaged(void *arg, const char *user)
{
	size_t i;

	(void)arg;
	for (i = 0; i < 2; i++)
		if (strcmp(unm[i], user) == 0)
			return 1;
	return 0;
}

static const char *
ix_service(void *arg, const char *s)
{
	size_t i;

	(void)arg;
	for (i = 0; i < 3; i++)
		if (strcmp(svc[i], s) == 0)
			return tmpl[i];
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

static int seq_uuid;

static void
put(struct gindex *ix, const char *sub, const char *res, const char *st,
    int64_t nb, int64_t na, const char *win)
{
	struct gindex_grant_in in;
	unsigned char u[GINDEX_UUID_LEN];
	char id[32], dn[96];
	const char *w[1] = { win };

	memset(u, 0, sizeof(u));
	seq_uuid++;
	memcpy(u, &seq_uuid, sizeof(seq_uuid));
	snprintf(id, sizeof(id), "G-%d", seq_uuid);
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants", id);
	memset(&in, 0, sizeof(in));
	in.dn = dn;
	in.id = id;
	in.subject = sub;
	in.resource = res;
	in.status = st;
	in.not_before = nb;
	in.not_after = na;
	in.windows = w;
	in.nwindows = win != NULL;
	if (gindex_put_grant(ix, u, &in) == -1)
		abort();
}

static void
person(struct gindex *ix, const char *uid)
{
	unsigned char u[GINDEX_UUID_LEN];

	memset(u, 0, sizeof(u));
	seq_uuid++;
	memcpy(u, &seq_uuid, sizeof(seq_uuid));
	u[15] = 0x70;
	if (gindex_put_person(ix, u, uid) == -1)
		abort();
}

/* A decision through either source; -1 if the source failed. */
static int
decide(const struct kd_source *src, const struct proto_query *q,
    const struct kd_when *w, struct kd_result *r)
{
	if (kd_begin(src, q, r) == 1)
		return 0;
	return kd_finish(src, q->user, w, r);
}

static struct gindex *
sample(void)
{
	struct gindex *ix = gindex_new();
	char u[32];
	int i;

	if (ix == NULL)
		abort();
	for (i = 0; i < 300; i++) {
		snprintf(u, sizeof(u), "p%03d", i);
		person(ix, u);
		put(ix, u, "host:srv1", (const char *[]){ "active", "revoked",
		    "suspended", "expired", "bogus" }[i % 5], NOW - 10,
		    NOW + 10, NULL);
		if (i % 3 == 0)
			put(ix, u, "host:srv2", "active", NOW - 10, NOW + 10,
			    i % 2 ? "mon-fri 08:00-17:00" : "daily 22:00-06:00");
		if (i % 7 == 0)
			put(ix, u, "host:srv2", "active", NOW + 100, NOW + 200,
			    NULL);
		if (i % 11 == 0)
			put(ix, u, "host:srv3", "active", NOW - 10, NOW + 10,
			    "someday 99:00-00:00");
		if (i % 13 == 0)
			put(ix, u, "control-panel:kantor-webmin", "active",
			    NOW - 100, NOW - 1, NULL);
	}
	person(ix, "*");
	put(ix, "*", "host:srv1", "active", NOW - 10, NOW + 10, NULL);
	person(ix, "darurat");
	return ix;
}

static const struct gtab_policy POL = {
	.lang_en = 1,
	.hostname = "kantor",
	.unmanaged = (char *const *)(uintptr_t)unm,
	.nunmanaged = 2,
	.service = svc,
	.tmpl = tmpl,
	.nservices = 3,
};

static void
ix_source(struct gindex *ix, struct kd_source *s)
{
	memset(s, 0, sizeof(*s));
	s->arg = ix;
	s->lang_en = 1;
	s->hostname = "kantor";
	s->unmanaged = ix_unmanaged;
	s->service = ix_service;
	s->has_person = ix_has_person;
	s->grants = ix_grants;
}

/* Every query of the sample, at several local times. */
static void
t_same_as_index(void)
{
	struct gindex *ix = sample();
	unsigned char *buf;
	size_t len;
	struct gtab t;
	struct kd_source a, b;
	struct kd_result ra, rb;
	struct kd_when w;
	struct proto_query q;
	static const char *users[] = { "p000", "p001", "p002", "p003",
	    "p004", "p006", "p011", "p013", "p021", "p033", "p299", "*",
	    "P000", "p00", "p0000", "ghost", "darurat", "rescue", "" };
	static const char *res[] = { "host:srv1", "host:srv2", "host:srv3",
	    "host:none", "" };
	static const char *services[] = { "sshd", "webmin", "weird",
	    "cron" };
	static const int64_t times[] = { NOW, NOW + 150, NOW - 50,
	    NOW + 3 * 3600, NOW + 9 * 3600, NOW + 15 * 3600 };
	size_t ui, ri, si, ti;
	int n = 0, same = 0;

	CHECK(gtab_build(ix, &POL, &buf, &len) == 0);
	CHECK(gtab_check(&t, buf, len) == 0);
	ix_source(ix, &a);
	gtab_source(&t, &b);
	for (ti = 0; ti < sizeof(times) / sizeof(times[0]); ti++)
	for (ui = 0; ui < sizeof(users) / sizeof(users[0]); ui++)
	for (ri = 0; ri < sizeof(res) / sizeof(res[0]); ri++)
	for (si = 0; si < sizeof(services) / sizeof(services[0]); si++) {
		memset(&q, 0, sizeof(q));
		snprintf(q.user, sizeof(q.user), "%s", users[ui]);
		snprintf(q.resource, sizeof(q.resource), "%s", res[ri]);
		snprintf(q.service, sizeof(q.service), "%s", services[si]);
		if (si == 1)
			snprintf(q.host, sizeof(q.host), "kantor");
		gtab_when(times[ti], 7 * 3600, &w);
		n++;
		if (decide(&a, &q, &w, &ra) == 0 &&
		    decide(&b, &q, &w, &rb) == 0 &&
		    ra.decision == rb.decision &&
		    strcmp(ra.reason, rb.reason) == 0 &&
		    strcmp(ra.resource, rb.resource) == 0 &&
		    strcmp(ra.grant, rb.grant) == 0 && ra.known == rb.known)
			same++;
		else
			printf("differs: user=%s res=%s service=%s: %s/%s\n",
			    q.user, q.resource, q.service, ra.reason,
			    rb.reason);
	}
	CHECK_LL(same, n);

	/* and the cases mean what they should */
	memset(&q, 0, sizeof(q));
	gtab_when(NOW, 7 * 3600, &w);
	snprintf(q.user, sizeof(q.user), "p000");
	snprintf(q.resource, sizeof(q.resource), "host:srv1");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_LL(rb.decision, PROTO_ALLOW);
	snprintf(q.user, sizeof(q.user), "p001");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_LL(rb.decision, PROTO_DENY);
	CHECK_STR(rb.reason, "grant revoked");
	snprintf(q.user, sizeof(q.user), "ghost");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_LL(rb.decision, PROTO_UNKNOWN);
	CHECK(rb.known == 0);
	snprintf(q.user, sizeof(q.user), "darurat");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_LL(rb.decision, PROTO_IGNORE);
	snprintf(q.user, sizeof(q.user), "p0*");	/* no pattern matching */
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_LL(rb.decision, PROTO_UNKNOWN);
	snprintf(q.user, sizeof(q.user), "p013");
	q.resource[0] = '\0';
	snprintf(q.service, sizeof(q.service), "webmin");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_STR(rb.resource, "control-panel:kantor-webmin");
	CHECK_STR(rb.reason, "grant expired (not-after passed)");
	snprintf(q.service, sizeof(q.service), "weird");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_STR(rb.resource, "x%y");
	snprintf(q.user, sizeof(q.user), "p011");
	snprintf(q.resource, sizeof(q.resource), "host:srv3");
	CHECK(decide(&b, &q, &w, &rb) == 0);
	CHECK_STR(rb.reason, "bad time window");
	free(buf);
	gindex_free(ix);
}

static void
t_live(void)
{
	struct gindex *ix = sample();
	unsigned char *buf;
	size_t len;
	struct gtab t;
	struct gtab_hdr *h;
	int32_t off = 0;

	CHECK(gtab_build(ix, &POL, &buf, &len) == 0);
	CHECK(gtab_check(&t, buf, len) == 0);
	h = (struct gtab_hdr *)(void *)buf;
	CHECK(!gtab_live(&t, NOW, &off));		/* never set: dead */
	gtab_set_live(h, GTAB_F_ONLINE, NOW + GTAB_LIVE, 25200);
	CHECK(gtab_live(&t, NOW, &off));
	CHECK_LL(off, 25200);
	CHECK(!gtab_live(&t, NOW + GTAB_LIVE, &off));	/* kuncid silent */
	CHECK(!gtab_live(&t, NOW - 10 * GTAB_LIVE, &off)); /* far future */
	gtab_set_live(h, 0, NOW + GTAB_LIVE, 25200);
	CHECK(!gtab_live(&t, NOW, &off));		/* offline */
	gtab_set_live(h, GTAB_F_ONLINE, NOW + GTAB_LIVE, 25200);
	h->seq |= 1;					/* mid-write */
	CHECK(!gtab_live(&t, NOW, &off));
	h->seq++;
	CHECK(gtab_live(&t, NOW, &off));
	gtab_set_live(h, GTAB_F_ONLINE, NOW + GTAB_LIVE, 90000);
	CHECK(!gtab_live(&t, NOW, &off));		/* absurd offset */
	free(buf);
	gindex_free(ix);
}

static void
t_when(void)
{
	struct kd_when w;

	gtab_when(0, 0, &w);			/* 1970-01-01 00:00 Thursday */
	CHECK_LL(w.wday, 4);
	CHECK_LL(w.minute, 0);
	gtab_when(0, -3600, &w);		/* Wednesday 23:00 */
	CHECK_LL(w.wday, 3);
	CHECK_LL(w.minute, 23 * 60);
	/* 2026-11-23 17:44 UTC is a Monday; in Jakarta (+7) Tuesday 00:44 */
	gtab_when(1795455840, 0, &w);
	CHECK_LL(w.wday, 1);
	CHECK_LL(w.minute, 17 * 60 + 44);
	gtab_when(1795455840, 7 * 3600, &w);
	CHECK_LL(w.wday, 2);
	CHECK_LL(w.minute, 44);
	gtab_when(1795455840, 9 * 3600, &w);	/* WIT */
	CHECK_LL(w.minute, 2 * 60 + 44);
}

/* Decide a few queries on a (possibly damaged) table; never crash. */
static int
poke(const unsigned char *buf, size_t len)
{
	struct gtab t;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;
	static const char *users[] = { "p000", "p003", "ghost", "*" };
	size_t i;
	int fails = 0;

	if (gtab_check(&t, buf, len) == -1)
		return -1;
	gtab_source(&t, &s);
	gtab_when(NOW, 0, &w);
	for (i = 0; i < 4; i++) {
		memset(&q, 0, sizeof(q));
		snprintf(q.user, sizeof(q.user), "%s", users[i]);
		snprintf(q.service, sizeof(q.service), "sshd");
		if (i % 2)
			snprintf(q.resource, sizeof(q.resource), "host:srv1");
		fails += decide(&s, &q, &w, &r) == -1;
	}
	return fails;
}

static void
t_damaged(void)
{
	struct gindex *ix = sample();
	unsigned char *buf, *copy;
	size_t len, cut, i, k;
	struct gtab_hdr *h;
	struct gtab_grant *g;
	struct gtab t;
	int refused = 0, checked = 0;
	uint32_t *b;

	CHECK(gtab_build(ix, &POL, &buf, &len) == 0);
	/* every shorter length is refused (the size is in the header) */
	for (cut = 0; cut < len; cut += cut < 512 ? 1 : 97) {
		copy = malloc(cut + 8);
		memcpy(copy, buf, cut);
		refused += poke(copy, cut) == -1;
		checked++;
		free(copy);
	}
	CHECK_LL(refused, checked);

	/* random damage: any outcome but a crash or a stray read */
	srand(4533);
	copy = malloc(len);
	for (i = 0; i < 20000; i++) {
		memcpy(copy, buf, len);
		for (k = 0; k < 1 + (size_t)rand() % 4; k++)
			copy[(size_t)rand() % (i % 2 ? 256 : len)] ^=
			    (unsigned char)(1 + rand() % 255);
		(void)poke(copy, len);
	}
	CHECK(1);	/* reached: no crash */

	/* a chain that loops is caught by the step bound */
	memcpy(copy, buf, len);
	h = (struct gtab_hdr *)(void *)copy;
	g = (struct gtab_grant *)(void *)(copy + h->g_off);
	b = (uint32_t *)(void *)(copy + h->gb_off);
	for (k = 0; k < h->ngb; k++)
		if (b[k] != 0)
			g[b[k] - 1].next = b[k];	/* points at itself */
	CHECK(poke(copy, len) > 0);

	/* a string offset outside the area */
	memcpy(copy, buf, len);
	g = (struct gtab_grant *)(void *)(copy + h->g_off);
	for (k = 0; k < h->ng; k++)
		g[k].subject = 0xfffffff0u;
	CHECK(poke(copy, len) > 0);

	/* windows beyond the window array */
	memcpy(copy, buf, len);
	for (k = 0; k < h->ng; k++) {
		g[k].win = h->nw;
		g[k].nwin = 3;
	}
	CHECK(poke(copy, len) > 0);

	/* sections outside the file, bad magic, bucket count not 2^n */
	memcpy(copy, buf, len);
	h->g_off = (uint32_t)len - 8;
	CHECK(gtab_check(&t, copy, len) == -1);
	memcpy(copy, buf, len);
	h->magic[0] ^= 1;
	CHECK(gtab_check(&t, copy, len) == -1);
	memcpy(copy, buf, len);
	h->ngb = 3;
	CHECK(gtab_check(&t, copy, len) == -1);
	memcpy(copy, buf, len);
	copy[h->str_off + h->strsz - 1] = 'x';	/* unterminated strings */
	CHECK(gtab_check(&t, copy, len) == -1);
	free(copy);
	free(buf);
	gindex_free(ix);
}

/* An empty index still gives a valid table that knows no one. */
static void
t_empty(void)
{
	struct gindex *ix = gindex_new();
	struct gtab_policy pol = { 0 };
	unsigned char *buf;
	size_t len;
	struct gtab t;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;

	pol.hostname = "h";
	CHECK(gtab_build(ix, &pol, &buf, &len) == 0);
	CHECK(gtab_check(&t, buf, len) == 0);
	gtab_source(&t, &s);
	gtab_when(NOW, 0, &w);
	memset(&q, 0, sizeof(q));
	snprintf(q.user, sizeof(q.user), "p000");
	snprintf(q.service, sizeof(q.service), "sshd");
	CHECK(decide(&s, &q, &w, &r) == 0);
	CHECK_STR(r.reason, "no resource configured for the service");
	snprintf(q.resource, sizeof(q.resource), "host:x");
	CHECK(decide(&s, &q, &w, &r) == 0);
	CHECK_LL(r.decision, PROTO_UNKNOWN);
	free(buf);
	gindex_free(ix);
}

/* A published table patched in place; a separate read-only mapping of
 * the same file (as the module has) sees each patch at once. */
static void
t_patch(void)
{
	struct gindex *ix = sample();
	char path[] = "/tmp/kunci-gtab-test.XXXXXX";
	struct gtab_hdr *h;
	struct gtab_pub pub;
	struct gtab t;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;
	struct stat st;
	void *ro;
	size_t len;
	int fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	CHECK(gtab_publish(path, ix, &POL, &pub) == 0);
	len = pub.len;
	h = pub.h;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    (size_t)st.st_size == len);
	fd = open(path, O_RDONLY);
	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	CHECK(ro != MAP_FAILED && gtab_check(&t, ro, len) == 0);
	gtab_source(&t, &s);
	gtab_when(NOW, 0, &w);
	memset(&q, 0, sizeof(q));
	snprintf(q.user, sizeof(q.user), "p000");
	snprintf(q.resource, sizeof(q.resource), "host:srv1");
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_ALLOW);
	CHECK(gtab_patch_grant(&pub, "p000", "host:srv1", r.grant, KD_REVOKED,
	    NOW - 10, NOW + 10) == 0);
	CHECK(decide(&s, &q, &w, &r) == 0);
	CHECK_STR(r.reason, "grant revoked");
	CHECK(gtab_patch_grant(&pub, "p000", "host:srv1", r.grant, KD_ACTIVE,
	    NOW - 10, NOW - 5) == 0);
	CHECK(decide(&s, &q, &w, &r) == 0);
	CHECK_STR(r.reason, "grant expired (not-after passed)");
	CHECK(gtab_patch_grant(&pub, "p000", "host:srv1", r.grant, KD_ACTIVE,
	    NOW - 10, NOW + 10) == 0);
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_ALLOW);
	/* no such record: the caller must rebuild */
	CHECK(gtab_patch_grant(&pub, "p000", "host:srv1", "G-none", KD_REVOKED,
	    0, 0) == -1);
	CHECK(gtab_patch_grant(&pub, "p000", "host:nowhere", r.grant,
	    KD_REVOKED, 0, 0) == -1);
	/* a person who went away is unknown at once */
	CHECK(gtab_patch_person_gone(&pub, "p000") == 0);
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_UNKNOWN);
	CHECK(gtab_patch_person_gone(&pub, "p000") == -1);
	CHECK(gtab_patch_person_gone(&pub, "nobody-at-all") == -1);
	snprintf(q.user, sizeof(q.user), "p005");	/* others untouched */
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_ALLOW);
	/* the live header written through kuncid's mapping */
	gtab_set_live(h, GTAB_F_ONLINE, NOW + 3, 0);
	CHECK(gtab_live(&t, NOW, &(int32_t){ 0 }));
	munmap(ro, len);
	gtab_unpublish(&pub);
	unlink(path);
	gindex_free(ix);
}

/* The index record of the grant put() added last (its uuid is seq_uuid). */
static const struct gindex_grant *
last_put(const struct gindex *ix)
{
	unsigned char u[GINDEX_UUID_LEN];

	memset(u, 0, sizeof(u));
	memcpy(u, &seq_uuid, sizeof(seq_uuid));
	return gindex_grant_by_uuid(ix, u);
}

/*
 * Issue 18: a grant and a person added to a published table in its spare
 * room are seen at once through a separate read-only mapping, the file
 * neither grows nor moves, windows and strings of the added record are
 * the ones given, and when the room is used up the add says so (-1: the
 * caller rebuilds) while every record added before still decides.
 */
static void
t_add(void)
{
	struct gindex *ix = sample();
	char path[] = "/tmp/kunci-gtab-add.XXXXXX", uid[32];
	const struct gindex_grant *g;
	struct gtab_pub pub;
	struct gtab t;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;
	struct stat st, st2;
	void *ro;
	size_t len;
	int fd, n, i;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	CHECK(gtab_publish(path, ix, &POL, &pub) == 0);
	len = pub.len;
	CHECK(stat(path, &st) == 0);
	fd = open(path, O_RDONLY);
	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	CHECK(ro != MAP_FAILED && gtab_check(&t, ro, len) == 0);
	CHECK(t.h->ng > t.h->ng_used && t.h->np > t.h->np_used);
	gtab_source(&t, &s);
	gtab_when(NOW, 0, &w);	/* Monday 14:13 UTC */
	memset(&q, 0, sizeof(q));
	snprintf(q.user, sizeof(q.user), "newcomer");
	snprintf(q.resource, sizeof(q.resource), "host:fresh");
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_UNKNOWN);
	person(ix, "newcomer");
	CHECK(gtab_add_person(&pub, "newcomer") == 0);
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_DENY);
	CHECK_STR(r.reason, "no grant");
	/* a window that excludes now, then one that includes it */
	put(ix, "newcomer", "host:fresh", "active", NOW - 10, NOW + 10,
	    "sat 00:00-00:01");
	CHECK((g = last_put(ix)) != NULL && g->nwin == 1);
	CHECK(gtab_add_grant(&pub, g) == 0);
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_DENY);
	put(ix, "newcomer", "host:fresh", "active", NOW - 10, NOW + 10, NULL);
	CHECK((g = last_put(ix)) != NULL);
	CHECK(gtab_add_grant(&pub, g) == 0);
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_ALLOW);
	CHECK_STR(r.grant, g->id);
	/* an added record is patched like a built one */
	CHECK(gtab_patch_grant(&pub, "newcomer", "host:fresh", g->id,
	    KD_REVOKED, NOW - 10, NOW + 10) == 0);
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_DENY);
	/* the same file, the same size: no rebuild, no rename */
	CHECK(stat(path, &st2) == 0 && st2.st_ino == st.st_ino &&
	    st2.st_size == st.st_size);
	/* fill the room: the add fails cleanly, the earlier ones stay */
	for (n = 0; n < 100000; n++) {
		snprintf(uid, sizeof(uid), "fill%05d", n);
		put(ix, uid, "host:fresh", "active", NOW - 10, NOW + 10, NULL);
		if (gtab_add_grant(&pub, last_put(ix)) == -1 ||
		    gtab_add_person(&pub, uid) == -1)
			break;
	}
	CHECK(n > 0 && n < 100000);
	for (i = 0; i < n; i += n / 7 + 1) {
		snprintf(q.user, sizeof(q.user), "fill%05d", i);
		CHECK(decide(&s, &q, &w, &r) == 0 &&
		    r.decision == PROTO_ALLOW);
	}
	CHECK(gtab_check(&t, ro, len) == 0);
	munmap(ro, len);
	gtab_unpublish(&pub);
	unlink(path);
	gindex_free(ix);
}

/*
 * Issue 18: a writer adds people and grants in place while readers
 * decide for the one added last (which must allow: it was linked whole)
 * and the one being added (which is not yet there, or there whole: a
 * reader that reached a half-written record would see a zero validity
 * or status and deny it for some other reason).
 */
#define ADD_READERS	2

struct addrace {
	struct gtab_pub	 pub;
	struct gindex	*ix;
	struct gtab	 t;
	int		 added;		/* records linked so far */
	int		 stop;
	long		 allows[ADD_READERS], absent[ADD_READERS];
	long		 wrong[ADD_READERS], gaveup[ADD_READERS];
};

static struct addrace *add_arg;

static void *
add_writer(void *arg)
{
	struct addrace *a = arg;
	char uid[32];
	int n;

	for (n = 0; ; n++) {
		snprintf(uid, sizeof(uid), "race%06d", n);
		put(a->ix, uid, "host:fresh", "active", NOW - 10, NOW + 10,
		    "daily 00:00-23:59");
		if (gtab_add_person(&a->pub, uid) == -1 ||
		    gtab_add_grant(&a->pub, last_put(a->ix)) == -1)
			break;
		__atomic_store_n(&a->added, n + 1, __ATOMIC_RELEASE);
		if (n % 64 == 0)
			(void)sched_yield();
	}
	__atomic_store_n(&a->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *
add_reader(void *arg)
{
	struct addrace *a = add_arg;
	int me = (int)(intptr_t)arg, k, j;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;

	gtab_source(&a->t, &s);
	gtab_when(NOW, 0, &w);
	memset(&q, 0, sizeof(q));
	snprintf(q.resource, sizeof(q.resource), "host:fresh");
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		k = __atomic_load_n(&a->added, __ATOMIC_ACQUIRE);
		for (j = k - 1; j <= k; j++) {
			if (j < 0)
				continue;
			snprintf(q.user, sizeof(q.user), "race%06d", j);
			if (decide(&s, &q, &w, &r) == -1)
				a->gaveup[me]++;
			else if (r.decision == PROTO_ALLOW)
				a->allows[me]++;
			else if (j == k && (r.decision == PROTO_UNKNOWN ||
			    strcmp(r.reason, "no grant") == 0))
				a->absent[me]++;
			else
				a->wrong[me]++;
		}
	}
	return NULL;
}

static void
t_addrace(void)
{
	struct addrace a;
	char path[] = "/tmp/kunci-gtab-race.XXXXXX", uid[32];
	pthread_t wr, rd[ADD_READERS];
	long allows = 0, absent = 0, wrong = 0, gaveup = 0;
	void *ro;
	size_t len;
	int fd, i;

	memset(&a, 0, sizeof(a));
	a.ix = sample();
	/* a bigger table, so its spare room takes thousands of adds */
	for (i = 0; i < 64000; i++) {
		snprintf(uid, sizeof(uid), "bulk%05d", i);
		person(a.ix, uid);
		put(a.ix, uid, "host:srv2", "active", NOW - 10, NOW + 10, NULL);
	}
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	CHECK(gtab_publish(path, a.ix, &POL, &a.pub) == 0);
	len = a.pub.len;
	fd = open(path, O_RDONLY);
	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	CHECK(ro != MAP_FAILED && gtab_check(&a.t, ro, len) == 0);
	add_arg = &a;
	for (i = 0; i < ADD_READERS; i++)
		CHECK(pthread_create(&rd[i], NULL, add_reader,
		    (void *)(intptr_t)i) == 0);
	CHECK(pthread_create(&wr, NULL, add_writer, &a) == 0);
	pthread_join(wr, NULL);
	for (i = 0; i < ADD_READERS; i++) {
		pthread_join(rd[i], NULL);
		allows += a.allows[i];
		absent += a.absent[i];
		wrong += a.wrong[i];
		gaveup += a.gaveup[i];
	}
	printf("add race: %d added, %ld allowed, %ld not yet there, %ld "
	    "wrong, %ld gave up\n", a.added, allows, absent, wrong, gaveup);
	CHECK(a.added >= 64000 / GTAB_SPARE - 1);
	CHECK_LL(wrong, 0);
	CHECK_LL(gaveup, 0);
	CHECK(allows > 0);
	munmap(ro, len);
	gtab_unpublish(&a.pub);
	unlink(path);
	gindex_free(a.ix);
}

/*
 * Item 4 of issue 13: a writer flips a grant between "expired" (both
 * times past) and "not yet valid" (both ahead) while readers decide.
 * Neither state allows; a reader pairing the new not_before with the old
 * not_after (or the reverse) would.  With the per-record sequence counter
 * no decision may allow; a reader that finds the record mid-patch too
 * often gets -1 (the module then asks the socket), which is counted but
 * is no wrong answer.  Built at the normal -O2.
 */
#define FLIP_READERS	2
#define FLIP_DECISIONS	1500000		/* per reader */

struct flip {
	struct gtab_pub	 pub;
	struct gtab	 t;
	char		 grant[PROTO_FIELD_MAX + 1];
	int		 stop;
	long		 flips;
	long		 allows[FLIP_READERS], gaveup[FLIP_READERS];
	long		 decided[FLIP_READERS], notyet[FLIP_READERS];
};

static void *
flip_writer(void *arg)
{
	struct flip *f = arg;
	long n = 0;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		if (n++ & 1)
			(void)gtab_patch_grant(&f->pub, "flip", "host:srv1",
			    f->grant, KD_ACTIVE, NOW - 200, NOW - 100);
		else
			(void)gtab_patch_grant(&f->pub, "flip", "host:srv1",
			    f->grant, KD_ACTIVE, NOW + 100, NOW + 200);
	}
	f->flips = n;
	return NULL;
}

static struct flip *flip_arg;

static void *
flip_reader(void *arg)
{
	struct flip *f = flip_arg;
	int me = (int)(intptr_t)arg;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;
	long i;

	gtab_source(&f->t, &s);
	gtab_when(NOW, 0, &w);
	memset(&q, 0, sizeof(q));
	snprintf(q.user, sizeof(q.user), "flip");
	snprintf(q.resource, sizeof(q.resource), "host:srv1");
	for (i = 0; i < FLIP_DECISIONS; i++) {
		if (decide(&s, &q, &w, &r) == -1)
			f->gaveup[me]++;
		else if (r.decision == PROTO_ALLOW)
			f->allows[me]++;
		else if (strcmp(r.reason, "grant not yet valid") == 0)
			f->notyet[me]++;
		f->decided[me]++;
	}
	return NULL;
}

static void
t_flip(void)
{
	struct gindex *ix = gindex_new();
	char path[] = "/tmp/kunci-gtab-flip.XXXXXX";
	pthread_t wr, rd[FLIP_READERS];
	struct flip f;
	struct kd_source s;
	struct kd_result r;
	struct kd_when w;
	struct proto_query q;
	long allows = 0, gaveup = 0, decided = 0, notyet = 0;
	void *ro;
	size_t len;
	int fd, i;

	memset(&f, 0, sizeof(f));
	person(ix, "flip");
	put(ix, "flip", "host:srv1", "active", NOW - 200, NOW - 100, NULL);
	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	CHECK(gtab_publish(path, ix, &POL, &f.pub) == 0);
	len = f.pub.len;
	fd = open(path, O_RDONLY);
	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	CHECK(ro != MAP_FAILED && gtab_check(&f.t, ro, len) == 0);
	/* the grant's id, from a decision before the flipping starts */
	gtab_source(&f.t, &s);
	gtab_when(NOW, 0, &w);
	memset(&q, 0, sizeof(q));
	snprintf(q.user, sizeof(q.user), "flip");
	snprintf(q.resource, sizeof(q.resource), "host:srv1");
	CHECK(decide(&s, &q, &w, &r) == 0 && r.decision == PROTO_DENY);
	snprintf(f.grant, sizeof(f.grant), "%s", r.grant);
	flip_arg = &f;
	CHECK(pthread_create(&wr, NULL, flip_writer, &f) == 0);
	for (i = 0; i < FLIP_READERS; i++)
		CHECK(pthread_create(&rd[i], NULL, flip_reader,
		    (void *)(intptr_t)i) == 0);
	for (i = 0; i < FLIP_READERS; i++)
		pthread_join(rd[i], NULL);
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELEASE);
	pthread_join(wr, NULL);
	for (i = 0; i < FLIP_READERS; i++) {
		allows += f.allows[i];
		gaveup += f.gaveup[i];
		decided += f.decided[i];
		notyet += f.notyet[i];
	}
	printf("flip: %ld decisions (%ld not yet valid, the rest expired), "
	    "%ld flips, %ld wrong allows, %ld gave up (socket)\n", decided,
	    notyet, f.flips, allows, gaveup);
	CHECK_LL(decided, (long)FLIP_READERS * FLIP_DECISIONS);
	CHECK_LL(allows, 0);
	/* the writer really ran meanwhile, and the readers decided from the
	 * table (a reader that gave up on it would prove nothing), seeing
	 * both states */
	CHECK(f.flips > 1000);
	CHECK(decided - gaveup >= 100000);
	CHECK(notyet > 0 && notyet < decided - gaveup);
	munmap(ro, len);
	gtab_unpublish(&f.pub);
	unlink(path);
	gindex_free(ix);
}

/*
 * Item 5: someone truncates the published file under kuncid.  Its stores
 * (the live header, a patch) must not kill it: mapguard catches the
 * SIGBUS, the patch finds nothing in the zeros (so the caller rebuilds),
 * and the hit is reported.  A fault outside any watched mapping is not
 * swallowed (checked in a child, which must die of SIGBUS).
 */
static void
t_truncated(void)
{
	struct gindex *ix = sample();
	char path[] = "/tmp/kunci-gtab-trunc.XXXXXX";
	struct gtab_pub pub;
	unsigned char *m;
	pid_t pid;
	int fd, slot, status;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	CHECK(gtab_publish(path, ix, &POL, &pub) == 0);
	CHECK(mapguard_init() == 0);
	CHECK((slot = mapguard_add(pub.h, pub.len)) >= 0);
	CHECK(!mapguard_hit(slot));
	CHECK(truncate(path, 0) == 0);
	gtab_set_live(pub.h, GTAB_F_ONLINE, NOW + 3, 0);	/* faults */
	CHECK(mapguard_hit(slot));
	CHECK(gtab_patch_grant(&pub, "p000", "host:srv1", "G-1", KD_REVOKED,
	    0, 0) == -1);
	CHECK(gtab_patch_person_gone(&pub, "p000") == -1);
	mapguard_del(slot);
	/* an unwatched mapping of a truncated file still faults */
	fd = open(path, O_RDWR);
	CHECK(ftruncate(fd, 8192) == 0);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && ftruncate(fd, 0) == 0);
	if ((pid = fork()) == 0) {
		m[0] = 1;
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
	munmap(m, 8192);
	close(fd);
	gtab_unpublish(&pub);
	unlink(path);
	gindex_free(ix);
}

/*
 * A table larger than the builder's write buffers (gtab_write() streams
 * each section in 256 KiB pieces): 30,000 grants of 3,000 people, every
 * grant found by a lookup in the file with its own id and windows, and a
 * failed write reported, nothing published.
 */
static void
t_large(void)
{
	struct gindex *ix = gindex_new();
	struct gtab_hdr h;
	struct gtab t;
	struct kd_source a, b;
	struct kd_result ra, rb;
	struct kd_when w;
	struct proto_query q;
	struct gtab_pub pub;
	struct rlimit rl, old;
	struct dirent *de;
	DIR *d;
	unsigned char *buf;
	char u[32], res[32], dir[] = "/tmp/kunci-gtab-fail.XXXXXX", path[64];
	void (*oldxfsz)(int);
	size_t len;
	int i, n = 0, same = 0, fd, r;

	CHECK(ix != NULL);
	for (i = 0; i < 30000; i++) {
		snprintf(u, sizeof(u), "orang%04d", i / 10);
		snprintf(res, sizeof(res), "host:srv%d", i % 10);
		if (i % 10 == 0)
			person(ix, u);
		put(ix, u, res, i % 4 == 3 ? "revoked" : "active", NOW - 10,
		    NOW + 10 + i, i % 3 == 0 ? "mon-fri 08:00-17:00" : NULL);
	}
	CHECK(gtab_build(ix, &POL, &buf, &len) == 0);
	CHECK(len > 4 * 256 * 1024);
	CHECK(gtab_check(&t, buf, len) == 0);
	CHECK_LL(t.h->ng_used, 30000);
	CHECK_LL(t.h->np_used, 3000);
	ix_source(ix, &a);
	gtab_source(&t, &b);
	gtab_when(NOW, 7 * 3600, &w);
	for (i = 0; i < 30000; i += 7) {
		memset(&q, 0, sizeof(q));
		snprintf(q.user, sizeof(q.user), "orang%04d", i / 10);
		snprintf(q.resource, sizeof(q.resource), "host:srv%d", i % 10);
		n++;
		if (decide(&a, &q, &w, &ra) == 0 &&
		    decide(&b, &q, &w, &rb) == 0 &&
		    ra.decision == rb.decision &&
		    strcmp(ra.reason, rb.reason) == 0 &&
		    strcmp(ra.grant, rb.grant) == 0 && ra.known == rb.known)
			same++;
	}
	CHECK_LL(same, n);
	CHECK(n > 4000);

	/*
	 * A write that fails half way (a file size limit, as a full disk
	 * would): an error with its errno, and gtab_publish() leaves neither
	 * the table nor its temporary file behind.
	 */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/gate.table", dir);
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	rl = old;
	rl.rlim_cur = 300 * 1024;
	oldxfsz = signal(SIGXFSZ, SIG_IGN);
	CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	errno = 0;
	CHECK(gtab_write(fd, ix, &POL, &h) == -1 && errno == EFBIG);
	close(fd);
	unlink(path);
	errno = 0;
	r = gtab_publish(path, ix, &POL, &pub);
	CHECK(r == -1 && errno == EFBIG);
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	signal(SIGXFSZ, oldxfsz);
	if (r == 0) {
		gtab_unpublish(&pub);
		unlink(path);
	}
	CHECK(pub.h == NULL && pub.fd == -1);
	n = 0;
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			n += de->d_name[0] != '.';
		closedir(d);
	}
	CHECK_LL(n, 0);
	/* and without the limit the same file is published */
	CHECK(gtab_publish(path, ix, &POL, &pub) == 0);
	CHECK(pub.len == len && memcmp(pub.h, buf, len) == 0);
	gtab_unpublish(&pub);
	unlink(path);
	rmdir(dir);
	free(buf);
	gindex_free(ix);
}

int
main(void)
{
	t_same_as_index();
	t_live();
	t_when();
	t_damaged();
	t_empty();
	t_patch();
	t_add();
	t_addrace();
	t_flip();
	t_truncated();
	t_large();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
