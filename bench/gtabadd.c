/*
 * gtabadd: what it costs to bring a new grant to the gate table, at the
 * sizes of issue 18.  An index of N grants over N/10 people (the shape
 * of bench/gengrants.py: five resources, one window in eight grants) is
 * built in memory; then, on the same published table:
 *   - a whole rebuild: gtab_build() plus gtab_publish() (write, map,
 *     rename), as kuncid did for every new grant before the spare room;
 *   - an add in place: gtab_add_grant() of one new grant into the
 *     published table (kuncid's path now), until the room is used up;
 * each timed in wall and thread CPU, R times.  Also the table's size
 * with its spare room and how many adds the room takes.
 *
 *	gtabadd [-n N] [-r R] [-d DIR]
 *
 * One line per figure on stdout.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gindex.h"
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

int
main(int argc, char **argv)
{
	static const struct gtab_policy pol = { .hostname = "srv-web1" };
	char path[4096], dir[2048] = "/tmp";
	unsigned char u[GINDEX_UUID_LEN], *buf;
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
	rw = calloc(r, sizeof(*rw));
	rc = calloc(r, sizeof(*rc));
	memset(&pub, 0, sizeof(pub));
	pub.fd = -1;
	for (k = 0; k < r; k++) {
		struct gtab_pub np;

		w0 = now_us(CLOCK_MONOTONIC);
		c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
		if (gtab_build(ix, &pol, &buf, &len) == -1 ||
		    gtab_publish(path, buf, len, &np) == -1) {
			perror("gtabadd: build");
			return 1;
		}
		rw[k] = (now_us(CLOCK_MONOTONIC) - w0) / 1e3;
		rc[k] = (now_us(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3;
		free(buf);
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
