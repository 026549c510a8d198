/*
 * adminlat: concurrent kuncictl-like callers on kuncid's admin socket, for
 * bench/admin.sh.
 *
 *	adminlat [-d seconds] [-p ms] socket < jobs
 *
 * Each line of jobs is "thread<TAB>word<TAB>word...": one request (the
 * words kuncictl would send).  Thread k runs its lines in order, each on a
 * fresh connection as kuncictl does (connect, send, read the reply,
 * close); with -d it cycles through them for that many seconds, else it
 * runs them once.  With -p each caller starts a request every that many
 * milliseconds (an offered load, not back to back).  A reply whose status is not 0 counts as an error.
 * Prints: requests, errors, wall time, requests per second, and the
 * latency (connect to reply) p50, p90, p99 and max in milliseconds.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

#define THREADS_MAX	256
#define WORDS_MAX	32

struct job {
	int	 argc;
	char	*argv[WORDS_MAX];
};

struct thr {
	pthread_t	 t;
	struct job	*jobs;
	size_t		 njobs, cap;
	double		*lat;		/* ms */
	size_t		 nlat, latcap;
	long		 errors;
	char		 firsterr[256];
};

static const char	*sockpath;
static double		 duration;
static double		 pace;		/* seconds between a caller's starts */
static struct thr	 thr[THREADS_MAX];
static int		 nthreads;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
one(const struct job *j, char *err, size_t errsz)
{
	struct sockaddr_un sun;
	struct pbuf b;
	uint32_t type, status = 1;
	char *out = NULL, *e = NULL;
	int fd, rc = -1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	pbuf_init(&b, PROTO_MAX);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errsz, "connect: %s", strerror(errno));
		goto out;
	}
	if (proto_admin_encode(&b, j->argc, j->argv) != PROTO_OK ||
	    proto_send(fd, PROTO_T_ADMIN, &b, 60000) != PROTO_OK) {
		snprintf(err, errsz, "send failed");
		goto out;
	}
	pbuf_reset(&b);
	if (proto_recv(fd, &type, &b, 60000) != PROTO_OK ||
	    proto_reply_decode(&b, &status, &out, &e) != PROTO_OK) {
		snprintf(err, errsz, "no reply");
		goto out;
	}
	if (status != 0)
		snprintf(err, errsz, "status %u: %s", status, e);
	rc = status == 0 ? 0 : -1;
out:
	free(out);
	free(e);
	pbuf_free(&b);
	close(fd);
	return rc;
}

static void *
run(void *arg)
{
	struct thr *t = arg;
	double t0 = now(), s;
	size_t i = 0;
	char err[256];

	if (t->njobs == 0)
		return NULL;
	double next = t0 + pace * (double)(t - thr) / nthreads;
	struct timespec ts;

	for (;;) {
		if (duration > 0 ? now() - t0 >= duration : i >= t->njobs)
			break;
		if (pace > 0) {
			/* Spread the callers' starts; then one per pace. */
			while ((s = next - now()) > 0) {
				ts.tv_sec = (time_t)s;
				ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
				nanosleep(&ts, NULL);
			}
			next += pace;
		}
		err[0] = '\0';
		s = now();
		if (one(&t->jobs[i % t->njobs], err, sizeof(err)) == -1) {
			if (t->errors++ == 0)
				snprintf(t->firsterr, sizeof(t->firsterr), "%s",
				    err);
		}
		if (t->nlat == t->latcap) {
			t->latcap = t->latcap ? t->latcap * 2 : 1024;
			if ((t->lat = realloc(t->lat, t->latcap *
			    sizeof(*t->lat))) == NULL)
				abort();
		}
		t->lat[t->nlat++] = (now() - s) * 1000;
		i++;
	}
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	char line[65536], *p, *w;
	double *all, t0, t1;
	size_t n = 0, i, k;
	long errors = 0;
	int ch, nthr = 0, idx;

	while ((ch = getopt(argc, argv, "d:p:")) != -1) {
		if (ch == 'd')
			duration = atof(optarg);
		else if (ch == 'p')
			pace = atof(optarg) / 1000;
		else {
			fprintf(stderr, "usage: adminlat [-d s] socket\n");
			return 64;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: adminlat [-d s] socket < jobs\n");
		return 64;
	}
	sockpath = argv[optind];
	while (fgets(line, sizeof(line), stdin) != NULL) {
		struct job j;
		struct thr *t;

		line[strcspn(line, "\n")] = '\0';
		p = line;
		if ((w = strsep(&p, "\t")) == NULL || p == NULL)
			continue;
		if ((idx = atoi(w)) < 0 || idx >= THREADS_MAX)
			continue;
		memset(&j, 0, sizeof(j));
		while ((w = strsep(&p, "\t")) != NULL && j.argc < WORDS_MAX)
			if ((j.argv[j.argc++] = strdup(w)) == NULL)
				abort();
		t = &thr[idx];
		if (t->njobs == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 16;
			if ((t->jobs = realloc(t->jobs, t->cap *
			    sizeof(*t->jobs))) == NULL)
				abort();
		}
		t->jobs[t->njobs++] = j;
		if (idx + 1 > nthr)
			nthr = idx + 1;
	}
	nthreads = nthr > 0 ? nthr : 1;
	t0 = now();
	for (i = 0; i < (size_t)nthr; i++)
		pthread_create(&thr[i].t, NULL, run, &thr[i]);
	for (i = 0; i < (size_t)nthr; i++)
		pthread_join(thr[i].t, NULL);
	t1 = now();
	for (i = 0; i < (size_t)nthr; i++)
		n += thr[i].nlat;
	if (n == 0) {
		printf("requests=0\n");
		return 1;
	}
	if ((all = malloc(n * sizeof(*all))) == NULL)
		abort();
	for (i = 0, k = 0; i < (size_t)nthr; i++) {
		memcpy(all + k, thr[i].lat, thr[i].nlat * sizeof(*all));
		k += thr[i].nlat;
		errors += thr[i].errors;
		if (thr[i].errors > 0)
			fprintf(stderr, "adminlat: thread %zu: %ld errors, first: "
			    "%s\n", i, thr[i].errors, thr[i].firsterr);
	}
	qsort(all, n, sizeof(*all), cmp);
	printf("callers=%d requests=%zu errors=%ld wall=%.2fs rate=%.1f/s "
	    "p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms\n", nthr, n, errors,
	    t1 - t0, (double)n / (t1 - t0), all[n / 2], all[n * 9 / 10],
	    all[n * 99 / 100], all[n - 1]);
	free(all);
	return errors > 0;
}
