/*
 * ipcfloor: what this machine charges for the IPC the login gate needs,
 * with no gate in it.  A forked server that answers every query with a
 * fixed PROTO_ALLOW (same codec, one connection per query, as pam_kunci
 * does) and a client timing each exchange; also a plain one-byte
 * ping-pong on a socketpair.
 *
 *	ipcfloor [-n N]
 *
 * Prints p50/p99 in microseconds for both.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
server(int lfd)
{
	struct proto_query q;
	struct proto_answer a;
	struct pbuf b;
	uint32_t t;
	int fd;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		pbuf_init(&b, PROTO_QUERY_MAX);
		if (proto_recv(fd, &t, &b, 1000) == PROTO_OK &&
		    proto_query_decode(&b, &q) == PROTO_OK) {
			memset(&a, 0, sizeof(a));
			a.decision = PROTO_ALLOW;
			pbuf_reset(&b);
			proto_answer_encode(&b, &a);
			proto_send(fd, PROTO_T_ANSWER, &b, 1000);
		}
		pbuf_free(&b);
		close(fd);
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	struct proto_query q;
	struct proto_answer a;
	struct pbuf b;
	uint32_t t;
	double *lat, x;
	char path[64], c = 'x';
	int n = 20000, i, lfd, fd, sv[2], ch;
	pid_t pid;

	while ((ch = getopt(argc, argv, "n:")) != -1)
		if (ch == 'n')
			n = atoi(optarg);
	if (n < 100 || (lat = calloc((size_t)n, sizeof(*lat))) == NULL)
		return 2;
	snprintf(path, sizeof(path), "/tmp/ipcfloor.%d", (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, 128) == -1)
		return 1;
	if ((pid = fork()) == 0)
		server(lfd);
	close(lfd);
	memset(&q, 0, sizeof(q));
	snprintf(q.user, sizeof(q.user), "b000001");
	snprintf(q.resource, sizeof(q.resource), "host:bench");
	for (i = 0; i < n; i++) {
		x = now_us();
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			return 1;
		pbuf_init(&b, PROTO_QUERY_MAX);
		proto_query_encode(&b, &q);
		if (proto_send(fd, PROTO_T_QUERY, &b, 1000) != PROTO_OK)
			return 1;
		if (proto_recv(fd, &t, &b, 1000) != PROTO_OK ||
		    proto_answer_decode(&b, &a) != PROTO_OK)
			return 1;
		pbuf_free(&b);
		close(fd);
		lat[i] = now_us() - x;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	printf("connect_query_answer p50_us=%.1f p99_us=%.1f", lat[n / 2],
	    lat[(int)(n * 0.99)]);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return 1;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		while (read(sv[1], &c, 1) == 1)
			if (write(sv[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(sv[1]);
	for (i = 0; i < n; i++) {
		x = now_us();
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			return 1;
		lat[i] = now_us() - x;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	printf(" pingpong p50_us=%.1f p99_us=%.1f\n", lat[n / 2],
	    lat[(int)(n * 0.99)]);
	return 0;
}
