/*
 * gtabadd: what it costs to bring a new grant to the gate table, at the
 * sizes of issue 18.  An index of N grants over N/10 people (the shape
 * of bench/gengrants.py: five resources, one window in eight grants) is
 * built in memory; then, on the same published table:
 *   - a whole rebuild: gtab_publish() (the table written in pieces,
 *     mapped, renamed), as kuncid did for every new grant before the
 *     spare room, and does when the room is used up;
 *   - an add in place: gtab_add_grant() of one new grant into the
 *     published table (kuncid's path now), until the room is used up;
 * each timed in wall and thread CPU, R times.  Also the table's size
 * with its spare room and how many adds the room takes; the snapshot
 * (snapshot.h) of the same index: encoding under the index's lock (in
 * 1 MiB pieces, written after each, as kuncid does) and
 * storing (write, fsync, rename), in thread CPU, and reading it back
 * (what kuncid's start-up from the snapshot does before it can answer);
 * and the process's resident memory after the index is built (VmRSS):
 * kuncid's index alone, without its LDAP library and sync buffers.
 *
 *	gtabadd [-n N] [-r R] [-d DIR]
 *
 * One line per figure on stdout.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gindex.h"
#include "snapshot.h"
#include "gtab.h"
#include "gtab_build.h"

static const char *res[] = { "server-room:dc1", "server-room:dc2",
    "control-panel:webmin", "host:srv-web1", "host:srv-db1" };

static double
now_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long
rss_kib(const char *what)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, what, strlen(what)) == 0)
			v = strtol(line + strlen(what), NULL, 10);
	fclose(f);
	return v;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
uuid(unsigned char *u, uint32_t n, unsigned char kind)
{
	memset(u, 0, GINDEX_UUID_LEN);
	memcpy(u, &n, sizeof(n));
	u[15] = kind;
}

static void
grant(struct gindex *ix, uint32_t i, uint32_t people, int64_t t)
{
	struct gindex_grant_in in;
	unsigned char u[GINDEX_UUID_LEN];
	char id[32], dn[96], sub[32];
	const char *w[1] = { "mon-fri 07:00-19:00" };

	snprintf(id, sizeof(id), "B-%07u", i);
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants,ou=kunci,dc=x", id);
	snprintf(sub, sizeof(sub), "bench%06u", i % people);
	memset(&in, 0, sizeof(in));
	in.dn = dn;
	in.id = id;
	in.subject = sub;
	in.resource = res[i % 5];
	in.status = "active";
	in.not_before = t - 100 * 86400;
	in.not_after = t + (int64_t)((i * 7919u) % (400 * 86400u));
	in.windows = w;
	in.nwindows = i % 8 == 0;
	uuid(u, i, 0);
	if (gindex_put_grant(ix, u, &in) == -1) {
		fprintf(stderr, "gtabadd: out of memory\n");
		exit(1);
	}
}

/* The snapshot of ix: encode + store in CPU, read back in wall/CPU. */
struct walk {
	int64_t		until;
	uint32_t	due;
};

static void
walk_one(void *arg, const struct gindex_grant *g)
{
	struct walk *w = arg;

	if (g->status == GINDEX_ACTIVE && g->not_after <= w->until)
		w->due++;
}

/*
 * The expiry jobs' candidate search (agent/prov_due.c): every grant of
 * the index visited under the read lock, those active and ending before
 * a time counted.
 */
static void
walk_bench(const struct gindex *ix, uint32_t n, uint32_t r, int64_t t)
{
	struct walk w = { t + 7 * 86400, 0 };
	double ww[16], wc[16], w0, c0;
	uint32_t k;

	if (r > 16)
		r = 16;
	for (k = 0; k < r; k++) {
		w.due = 0;
		w0 = now_us(CLOCK_MONOTONIC);
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		gindex_foreach(ix, walk_one, NULL, &w);
		ww[k] = (now_us(CLOCK_MONOTONIC) - w0) / 1e3;
		wc[k] = (now_us(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3;
	}
	qsort(ww, r, sizeof(*ww), cmp);
	qsort(wc, r, sizeof(*wc), cmp);
	printf("walk %u grants: the expiry jobs' index walk median %.1f ms "
	    "CPU (%.1f ms wall); %u due; %u runs\n", n, wc[r / 2], ww[r / 2],
	    w.due, r);
}

static void
snapshot_bench(const struct gindex *ix, const char *dir, uint32_t n,
    uint32_t r)
{
	static const unsigned char key[32] = "gtabadd bench key, not a secret";
	char path[4096], err[512];
	struct stat st;
	double ew[16], ec[16], sc[16], rw[16], rc[16], lc[16], lm[16], w0, c0;
	double l0, held, t;
	struct snapshot_out *w;
	struct gindex_enc *e;
	const unsigned char *p;
	struct gindex *back;
	size_t len = 0, pn;
	uint64_t plen;
	time_t at;
	uint32_t k;
	int s;

	if (r > 16)
		r = 16;
	snprintf(path, sizeof(path), "%s/gtabadd.%d.snapshot", dir,
	    (int)getpid());
	for (k = 0; k < r; k++) {
		/*
		 * as kuncid's snap_write(): the length counted and each
		 * 1 MiB piece encoded under the lock (timed: "held"), each
		 * piece written after it, then the MAC, fsync and rename
		 */
		w0 = now_us(CLOCK_MONOTONIC);
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		l0 = c0;
		plen = 0;
		lc[k] = lm[k] = 0;
		if ((e = gindex_enc_new(1)) == NULL)
			exit(1);
		while (gindex_enc_step(ix, e, 1024 * 1024, &p, &pn) == 1) {
			t = now_us(CLOCK_THREAD_CPUTIME_ID) - l0;
			if (t / 1e3 > lc[k])
				lc[k] = t / 1e3;
			plen += pn;
			l0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		}
		gindex_enc_free(e);
		held = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
		if (snapshot_begin(path, key, sizeof(key), time(NULL), NULL,
		    plen, &w, err, sizeof(err)) == -1 ||
		    (e = gindex_enc_new(0)) == NULL) {
			fprintf(stderr, "gtabadd: snapshot: %s\n", err);
			exit(1);
		}
		for (;;) {
			l0 = now_us(CLOCK_THREAD_CPUTIME_ID);
			s = gindex_enc_step(ix, e, 1024 * 1024, &p, &pn);
			t = now_us(CLOCK_THREAD_CPUTIME_ID) - l0;
			held += t;
			if (t / 1e3 > lm[k])
				lm[k] = t / 1e3;
			if (s == 0)
				break;
			if (s == -1 || snapshot_put(w, p, pn, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "gtabadd: snapshot: %s\n", err);
				exit(1);
			}
		}
		gindex_enc_free(e);
		ew[k] = (now_us(CLOCK_MONOTONIC) - w0) / 1e3;
		ec[k] = held / 1e3;
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		if (snapshot_end(path, w, err, sizeof(err)) == -1) {
			fprintf(stderr, "gtabadd: snapshot: %s\n", err);
			exit(1);
		}
		sc[k] = (now_us(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3;
		if (stat(path, &st) == 0)
			len = (size_t)st.st_size;
		w0 = now_us(CLOCK_MONOTONIC);
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		if (snapshot_read(path, key, sizeof(key), &back, &at, NULL, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "gtabadd: snapshot read: %s\n", err);
			exit(1);
		}
		rw[k] = (now_us(CLOCK_MONOTONIC) - w0) / 1e3;
		rc[k] = (now_us(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3;
		if (gindex_ngrants(back) != gindex_ngrants(ix)) {
			fprintf(stderr, "gtabadd: snapshot read back %zu "
			    "grants, not %zu\n", gindex_ngrants(back),
			    gindex_ngrants(ix));
			exit(1);
		}
		gindex_free(back);
	}
	unlink(path);
	qsort(ew, r, sizeof(*ew), cmp);
	qsort(ec, r, sizeof(*ec), cmp);
	qsort(sc, r, sizeof(*sc), cmp);
	qsort(rw, r, sizeof(*rw), cmp);
	qsort(rc, r, sizeof(*rc), cmp);
	qsort(lc, r, sizeof(*lc), cmp);
	qsort(lm, r, sizeof(*lm), cmp);
	printf("snapshot %u grants: %.1f MB; under the index lock median "
	    "%.0f ms CPU in all (the longest piece of the length's count %.2f ms, "
	    "of the encoding %.2f ms), encoded and written %.0f ms wall; "
	    "MAC+fsync+rename %.0f ms CPU; read back %.0f ms CPU (%.0f ms "
	    "wall); %u runs\n", n, len / 1048576.0, ec[r / 2], lc[r / 2],
	    lm[r / 2], ew[r / 2], sc[r / 2], rc[r / 2], rw[r / 2], r);
}

int
main(int argc, char **argv)
{
	static const struct gtab_policy pol = { .hostname = "srv-web1" };
	char path[4096], dir[2048] = "/tmp";
	unsigned char u[GINDEX_UUID_LEN];
	struct gtab_pub pub;
	struct gindex *ix;
	double *rw, *rc, *aw, w0, c0;
	uint32_t n = 1000000, r = 5, people, i, k, adds = 0, next;
	size_t len = 0;
	int c;
	int64_t t = time(NULL);

	while ((c = getopt(argc, argv, "n:r:d:")) != -1) {
		if (c == 'n')
			n = (uint32_t)strtoul(optarg, NULL, 10);
		else if (c == 'r')
			r = (uint32_t)strtoul(optarg, NULL, 10);
		else if (c == 'd')
			snprintf(dir, sizeof(dir), "%s", optarg);
		else {
			fprintf(stderr, "usage: gtabadd [-n N] [-r R] [-d DIR]\n");
			return 2;
		}
	}
	people = n / 10 > 0 ? n / 10 : 1;
	snprintf(path, sizeof(path), "%s/gtabadd.%d.table", dir, (int)getpid());
	if ((ix = gindex_new()) == NULL)
		return 1;
	for (i = 0; i < people; i++) {
		char uid[32];

		snprintf(uid, sizeof(uid), "bench%06u", i);
		uuid(u, i, 0x70);
		if (gindex_put_person(ix, u, uid) == -1)
			return 1;
	}
	for (i = 0; i < n; i++)
		grant(ix, i, people, t);
	printf("gtab %u grants: index built, VmRSS %ld MiB\n", n,
	    rss_kib("VmRSS:") / 1024);
	walk_bench(ix, n, r, t);
	snapshot_bench(ix, dir, n, r);
	rw = calloc(r, sizeof(*rw));
	rc = calloc(r, sizeof(*rc));
	memset(&pub, 0, sizeof(pub));
	pub.fd = -1;
	for (k = 0; k < r; k++) {
		struct gtab_pub np;

		w0 = now_us(CLOCK_MONOTONIC);
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		if (gtab_publish(path, ix, &pol, &np) == -1) {
			perror("gtabadd: build");
			return 1;
		}
		rw[k] = (now_us(CLOCK_MONOTONIC) - w0) / 1e3;
		rc[k] = (now_us(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3;
		len = np.len;
		gtab_unpublish(&pub);
		pub = np;
	}
	qsort(rw, r, sizeof(*rw), cmp);
	qsort(rc, r, sizeof(*rc), cmp);
	printf("gtab %u grants: table %.1f MB (with spare room for %u "
	    "grants, %u people)\n", n, len / 1048576.0,
	    pub.geo.ng - pub.geo.ng_used, pub.geo.np - pub.geo.np_used);
	printf("gtab %u grants: rebuild+publish median %.1f ms wall, "
	    "%.1f ms CPU (min %.1f, max %.1f ms wall; %u runs)\n", n,
	    rw[r / 2], rc[r / 2], rw[0], rw[r - 1], r);
	/* adds in place until the room is used up */
	aw = calloc(pub.geo.ng - pub.geo.ng_used + 1, sizeof(*aw));
	for (next = n; ; next++) {
		const struct gindex_grant *g;

		grant(ix, next, people, t);
		uuid(u, next, 0);
		g = gindex_grant_by_uuid(ix, u);
		w0 = now_us(CLOCK_MONOTONIC);
		if (gtab_add_grant(&pub, g) == -1)
			break;
		aw[adds++] = now_us(CLOCK_MONOTONIC) - w0;
	}
	qsort(aw, adds, sizeof(*aw), cmp);
	if (adds > 0)
		printf("gtab %u grants: add in place p50 %.2f us, p99 %.2f us, "
		    "max %.1f us wall; %u adds before a rebuild is due\n", n,
		    aw[adds / 2], aw[adds * 99 / 100], aw[adds - 1], adds);
	gtab_unpublish(&pub);
	unlink(path);
	free(rw);
	free(rc);
	free(aw);
	gindex_free(ix);
	return 0;
}
