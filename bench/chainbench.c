/*
 * chainbench: what the audit hash chain costs per record (issue 14).
 *
 *	chainbench seal [N]		chain_seal() alone on a login record
 *	chainbench log on|off [N]	log_audit() end to end, chain on or off
 *	chainbench gen N [HOSTS]	a syslog capture of N chained records
 *					of HOSTS hosts (default 1), on stdout
 *
 * "seal" times N chain_seal() calls (SHA-256 over the previous value and
 * the record, the suffix written) on a typical login.allow record.
 * "log" starts a receiver thread on a private datagram socket, points
 * the log at it and times N log_audit() calls of that record: the
 * caller's latency per call (p50, p99) and the throughput until the
 * receiver has every record.  With "on" the chain's head lives in a
 * temporary directory (one fdatasync per batch, as in kuncid); the number
 * of batches is the head's write count.  Prints one line of key=value.
 * "gen" writes auth.log-style lines of that record, the hosts taking
 * turns, each host's records sealed by chain_seal() as kuncid seals
 * them: the input for timing kuncictl audit verify and search on a big
 * capture (bench/RESULTS.md).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "log.h"

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* This thread's CPU time: the cost, whatever else the machine runs. */
static int64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

#define REC	"event=login.allow user=lputri service=sshd rhost=192.0.2.7 " \
		"tty=ssh resource=host:web01 grant=2026-000123 decision=allow " \
		"reason=\"active grant\" via=table note=00000000deadbeef"

static int
bench_seal(long n)
{
	struct chain c;
	char rec[1024], dir[] = "/tmp/chainbench.XXXXXX", err[256];
	size_t len = strlen(REC), rl;
	int64_t t0, t1, c0, c1;
	long i;

	if (mkdtemp(dir) == NULL || chain_open(&c, dir, "bench", err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "chainbench: %s\n", err);
		return 1;
	}
	t0 = now_ns();
	c0 = cpu_ns();
	for (i = 0; i < n; i++) {
		memcpy(rec, REC, len + 1);
		if (chain_seal(&c, rec, sizeof(rec)) == -1)
			return 1;
	}
	c1 = cpu_ns();
	t1 = now_ns();
	rl = strlen(rec);
	chain_close(&c);
	unlink(strcat(strcpy(rec, dir), "/audit.head"));
	rmdir(dir);
	printf("what=seal records=%ld cpu_ns_per_record=%.0f "
	    "wall_ns_per_record=%.0f record_bytes=%zu\n", n,
	    (double)(c1 - c0) / (double)n, (double)(t1 - t0) / (double)n, rl);
	return 0;
}

static int	rfd = -1;
static long	received;

static void *
receiver(void *arg)
{
	char buf[8192];

	(void)arg;
	for (;;) {
		if (recv(rfd, buf, sizeof(buf), 0) > 0)
			__atomic_add_fetch(&received, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int
bench_log(int on, long n)
{
	char dir[] = "/tmp/chainbench.XXXXXX", sock[64], err[256], path[160];
	struct sockaddr_un sun;
	pthread_t t;
	int64_t *lat, t0, t1, a, c0, c1;
	unsigned long q, lost;
	long i;
	FILE *fp;
	char head[600];
	unsigned long long gen = 0;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(sock, sizeof(sock), "%s/log.sock", dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	if ((rfd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(rfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    pthread_create(&t, NULL, receiver, NULL) != 0) {
		perror("chainbench: receiver");
		return 1;
	}
	log_init("chainbench", 0, 0, sock);
	if (on && log_audit_chain(dir, "bench", "bench", err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "chainbench: %s\n", err);
		return 1;
	}
	while (__atomic_load_n(&received, __ATOMIC_RELAXED) < on)
		usleep(100);
	if ((lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		return 1;
	t0 = now_ns();
	c0 = cpu_ns();
	for (i = 0; i < n; i++) {
		/* at most 1000 waiting: the writer keeps up (kuncid's records
		 * come at login rate, not in a tight loop); the wait is not
		 * in the caller's latency */
		if (i % 1000 == 0)
			do {
				log_audit_stats(&q, &lost);
				if (q > 0)
					usleep(50);
			} while (q > 0);
		a = now_ns();
		(void)log_audit("login.allow", "user", "lputri", "service",
		    "sshd", "rhost", "192.0.2.7", "tty", "ssh", "resource",
		    "host:web01", "grant", "2026-000123", "decision", "allow",
		    "reason", "active grant", "via", "table", "note",
		    "00000000deadbeef", NULL);
		lat[i] = now_ns() - a;
	}
	while (__atomic_load_n(&received, __ATOMIC_RELAXED) < n + on) {
		log_audit_stats(&q, &lost);
		if (q == 0 && (long)lost + __atomic_load_n(&received,
		    __ATOMIC_RELAXED) >= n + on)
			break;
		usleep(100);
	}
	t1 = now_ns();
	c1 = cpu_ns();
	log_audit_stats(&q, &lost);
	for (i = 0, a = 0; i < n; i++)
		a += lat[i];
	qsort(lat, (size_t)n, sizeof(*lat), cmp64);
	snprintf(path, sizeof(path), "%s/audit.head", dir);
	if (on && (fp = fopen(path, "r")) != NULL) {
		size_t k = fread(head, 1, sizeof(head) - 1, fp), j;
		unsigned long long g;
		char *p;

		head[k] = '\0';
		for (j = 0; j < k; j++)
			if (head[j] == '\0')
				head[j] = ' ';
		for (p = head; (p = strstr(p, "gen=")) != NULL; p += 4)
			if (sscanf(p, "gen=%llu", &g) == 1 && g > gen)
				gen = g;
		fclose(fp);
		unlink(path);
	}
	printf("what=log chain=%s records=%ld lost=%lu caller_p50_ns=%" PRId64
	    " caller_p99_ns=%" PRId64 " caller_mean_ns=%.0f records_per_s=%.0f"
	    " caller_cpu_ns_per_record=%.0f head_writes=%llu\n", on ? "on" : "off", n, lost, lat[n / 2],
	    lat[n * 99 / 100], (double)a / (double)n, (double)n * 1e9 /
	    (double)(t1 - t0), (double)(c1 - c0) / (double)n, gen);
	unlink(sock);
	rmdir(dir);
	return 0;
}

static int
bench_gen(long n, int nhosts)
{
	struct chain c[64];
	char rec[1024], dir[] = "/tmp/chainbench.XXXXXX", err[256];
	char host[16], path[64];
	size_t len = strlen(REC);
	long i;
	int h;

	if (nhosts < 1 || nhosts > 64 || mkdtemp(dir) == NULL)
		return 1;
	for (h = 0; h < nhosts; h++) {
		snprintf(path, sizeof(path), "%s/%d", dir, h);
		snprintf(host, sizeof(host), "kantor-%d", h);
		if (mkdir(path, 0700) == -1 ||
		    chain_open(&c[h], path, host, err, sizeof(err)) == -1) {
			fprintf(stderr, "chainbench: %s\n", err);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		h = (int)(i % nhosts);
		memcpy(rec, REC, len + 1);
		if (chain_seal(&c[h], rec, sizeof(rec)) == -1)
			return 1;
		printf("Dec  6 10:%02ld:%02ld %s kuncid[%d]: %s\n",
		    (i / 60) % 60, i % 60, c[h].host, 1000 + h, rec);
	}
	for (h = 0; h < nhosts; h++) {
		chain_close(&c[h]);
		snprintf(path, sizeof(path), "%s/%d/audit.head", dir, h);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%d", dir, h);
		rmdir(path);
	}
	rmdir(dir);
	return fflush(stdout) == EOF ? 1 : 0;
}

int
main(int argc, char **argv)
{
	long n;

	if (argc >= 2 && strcmp(argv[1], "seal") == 0) {
		n = argc > 2 ? strtol(argv[2], NULL, 10) : 200000;
		return bench_seal(n > 0 ? n : 200000);
	}
	if (argc >= 3 && strcmp(argv[1], "log") == 0) {
		n = argc > 3 ? strtol(argv[3], NULL, 10) : 100000;
		return bench_log(strcmp(argv[2], "on") == 0, n > 0 ? n :
		    100000);
	}
	if (argc >= 3 && strcmp(argv[1], "gen") == 0)
		return bench_gen(strtol(argv[2], NULL, 10), argc > 3 ?
		    (int)strtol(argv[3], NULL, 10) : 1);
	fprintf(stderr, "usage: chainbench seal [N] | log on|off [N] | "
	    "gen N [HOSTS]\n");
	return 64;
}
