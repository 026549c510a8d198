/*
 * manyrev: one revocation's way to many gates (bench/many.sh).  Sets one
 * grant's kunciStatus to revoked over LDAP (SASL EXTERNAL on ldapi://, as
 * the directory manager), then reads every gate's table as pam_kunci.so
 * does (the mapped gate.table beside each query socket, decided by
 * decide.c) until each denies; then reinstates the grant and waits until
 * every gate allows again.  Reading the tables, not the query sockets,
 * writes no audit record and no last-used time at 200 kuncid.
 *
 *	manyrev -H LDAPI_URI -D GRANT_DN -u USER -r RESOURCE [-n N]
 *	    [-w SECONDS] TABLE...
 *
 * With -n 0 it only waits until every gate allows (each table online,
 * the grant in it) and prints ready_ms= (the time from its start).
 *
 * Prints one line: per gate p50/p99/max (ms from the moment the modify
 * was sent to that gate's first denial, over N x gates: syncprov may send
 * the change to its consumers before it answers the modify), the last
 * gate of each revocation p50/p99/max (the time to reach all of them),
 * the first gate's p50, the reinstatement's last gate p50/p99 (from the
 * acknowledgement), the modify's own round trip p50, and the
 * mean time of one sweep over the tables (the resolution).  Exit 1 when a
 * gate did not deny or allow within SECONDS (default 30).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

#include "decide.h"
#include "gtab.h"
#include "proto.h"
#include "revbench.h"

struct gate {
	const char	*path;
	void		*map;
	size_t		 size;
	struct stat	 st;
};

static double
pct(double *v, size_t n, double p)
{
	size_t i = (size_t)(n * p);

	return v[i < n ? i : n - 1];
}

/* Map the gate's table again when kuncid renamed a new one over it. */
static int
remap(struct gate *g)
{
	struct stat st;
	void *map;
	int fd;

	if (stat(g->path, &st) == -1)
		return -1;
	if (g->map != NULL && st.st_ino == g->st.st_ino &&
	    st.st_size == g->st.st_size &&
	    st.st_ctim.tv_nsec == g->st.st_ctim.tv_nsec &&
	    st.st_ctim.tv_sec == g->st.st_ctim.tv_sec)
		return 0;
	if (g->map != NULL)
		munmap(g->map, g->size);
	g->map = NULL;
	if ((fd = open(g->path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_size < (off_t)sizeof(struct
	    gtab_hdr)) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	g->map = map;
	g->size = (size_t)st.st_size;
	g->st = st;
	return 0;
}

/* The gate's decision as the module makes it, or 0 (table not usable). */
static uint32_t
decide(struct gate *g, const struct proto_query *q)
{
	struct kd_source src;
	struct kd_result r;
	struct kd_when when;
	struct gtab t;
	int64_t now = time(NULL);
	int32_t off;

	if (remap(g) == -1 || gtab_check(&t, g->map, g->size) == -1 ||
	    !gtab_live(&t, now, &off))
		return 0;
	gtab_when(now, off, &when);
	gtab_source(&t, &src);
	memset(&r, 0, sizeof(r));
	if (kd_begin(&src, q, &r) == 0 && kd_finish(&src, q->user, &when,
	    &r) == -1)
		return 0;
	return r.decision;
}

/*
 * Sweep the gates until each gives want; lat[i] = ms after t0.  -1 on
 * the time limit.
 */
static int
await(struct gate *g, size_t n, const struct proto_query *q, uint32_t want,
    double t0, double limit_ms, double *lat, double *sweep_ms,
    unsigned long *sweeps)
{
	size_t i, left = n;
	double t, s0;

	for (i = 0; i < n; i++)
		lat[i] = -1;
	while (left > 0) {
		s0 = rb_now_ms();
		for (i = 0; i < n; i++) {
			if (lat[i] >= 0)
				continue;
			if (decide(&g[i], q) == want) {
				lat[i] = rb_now_ms() - t0;
				left--;
			}
		}
		t = rb_now_ms();
		*sweep_ms += t - s0;
		(*sweeps)++;
		if (left > 0 && t - t0 > limit_ms) {
			fprintf(stderr, "manyrev: %zu of %zu gates not %s "
			    "after %.0f ms\n", left, n, want == PROTO_ALLOW ?
			    "allowing" : "denying", t - t0);
			return -1;
		}
		if (left > 0)
			usleep(200);
	}
	return 0;
}

static double
maxof(const double *v, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static double
minof(const double *v, size_t n)
{
	double m = v[0];
	size_t i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

int
main(int argc, char *argv[])
{
	const char *uri = NULL, *dn = NULL, *user = NULL, *res = NULL;
	struct proto_query q;
	struct gate *g;
	LDAP *ld;
	double *lat, *all, *last, *first, *back, *ack, t0, limit = 30e3;
	double sweep_ms = 0;
	unsigned long sweeps = 0;
	size_t ng, i;
	int n = 20, k, ch, r;

	while ((ch = getopt(argc, argv, "D:H:n:r:u:w:")) != -1) {
		switch (ch) {
		case 'D': dn = optarg; break;
		case 'H': uri = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'r': res = optarg; break;
		case 'u': user = optarg; break;
		case 'w': limit = atof(optarg) * 1e3; break;
		default: return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (!uri || !dn || !user || !res || n < 0 || argc < 1 ||
	    limit <= 0)
		return 2;
	ng = (size_t)argc;
	memset(&q, 0, sizeof(q));
	kd_copy(q.user, sizeof(q.user), user);
	kd_copy(q.service, sizeof(q.service), "sshd");
	kd_copy(q.resource, sizeof(q.resource), res);
	if ((g = calloc(ng, sizeof(*g))) == NULL ||
	    (lat = calloc(ng, sizeof(*lat))) == NULL ||
	    (all = calloc(ng * ((size_t)n + 1), sizeof(*all))) == NULL ||
	    (last = calloc((size_t)n + 1, sizeof(*last))) == NULL ||
	    (first = calloc((size_t)n + 1, sizeof(*first))) == NULL ||
	    (back = calloc((size_t)n + 1, sizeof(*back))) == NULL ||
	    (ack = calloc((size_t)n + 1, sizeof(*ack))) == NULL)
		return 1;
	for (i = 0; i < ng; i++)
		g[i].path = argv[i];
	t0 = rb_now_ms();
	if (await(g, ng, &q, PROTO_ALLOW, t0, limit, lat, &sweep_ms,
	    &sweeps) == -1)
		return 1;
	if (n == 0) {
		printf("gates=%zu ready_ms=%.0f\n", ng, maxof(lat, ng));
		return 0;
	}
	if ((ld = rb_connect("manyrev", uri)) == NULL)
		return 1;
	for (k = 0; k < n; k++) {
		t0 = rb_now_ms();
		if ((r = rb_set_status(ld, dn, "revoked")) != LDAP_SUCCESS) {
			fprintf(stderr, "manyrev: modify: %s\n",
			    ldap_err2string(r));
			return 1;
		}
		ack[k] = rb_now_ms() - t0;
		if (await(g, ng, &q, PROTO_DENY, t0, limit, lat, &sweep_ms,
		    &sweeps) == -1)
			return 1;
		memcpy(all + (size_t)k * ng, lat, ng * sizeof(*lat));
		last[k] = maxof(lat, ng);
		first[k] = minof(lat, ng);
		if ((r = rb_set_status(ld, dn, "active")) != LDAP_SUCCESS) {
			fprintf(stderr, "manyrev: modify: %s\n",
			    ldap_err2string(r));
			return 1;
		}
		t0 = rb_now_ms();
		if (await(g, ng, &q, PROTO_ALLOW, t0, limit, lat, &sweep_ms,
		    &sweeps) == -1)
			return 1;
		back[k] = maxof(lat, ng);
		usleep(300000);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	qsort(all, ng * (size_t)n, sizeof(double), rb_cmp_d);
	qsort(last, (size_t)n, sizeof(double), rb_cmp_d);
	qsort(first, (size_t)n, sizeof(double), rb_cmp_d);
	qsort(back, (size_t)n, sizeof(double), rb_cmp_d);
	qsort(ack, (size_t)n, sizeof(double), rb_cmp_d);
	printf("revocations=%d gates=%zu per_gate_p50_ms=%.1f "
	    "per_gate_p99_ms=%.1f per_gate_max_ms=%.1f all_gates_p50_ms=%.1f "
	    "all_gates_p99_ms=%.1f all_gates_max_ms=%.1f "
	    "first_gate_p50_ms=%.1f reinstate_all_p50_ms=%.1f "
	    "reinstate_all_p99_ms=%.1f modify_ack_p50_ms=%.1f sweep_ms=%.2f\n",
	    n, ng,
	    pct(all, ng * (size_t)n, 0.5), pct(all, ng * (size_t)n, 0.99),
	    all[ng * (size_t)n - 1], pct(last, (size_t)n, 0.5),
	    pct(last, (size_t)n, 0.99), last[n - 1],
	    pct(first, (size_t)n, 0.5), pct(back, (size_t)n, 0.5),
	    pct(back, (size_t)n, 0.99), pct(ack, (size_t)n, 0.5),
	    sweeps ? sweep_ms / sweeps : 0);
	return 0;
}
