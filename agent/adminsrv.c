/*
 * adminsrv.c: the admin socket's event loop and workers; see adminsrv.h.
 *
 * A connection moves through these states:
 *
 *	READ	the main thread reads a request frame (POLLIN)
 *	READY	a whole frame is here; waits while its uid has its share of
 *		the workers busy
 *	QUEUED	handed to the workers (root's queue or everyone else's);
 *		a worker takes it, runs the command, encodes the reply
 *	WRITE	the main thread writes the reply (POLLOUT), then READ again
 *		or, when it was the last one allowed, closes
 *
 * The main thread owns the list of connections and every field but body,
 * reply, last and drop while a connection is QUEUED (inflight); the queues and the
 * done list are under mtx.  A worker hands a connection back through the
 * done list and a byte on the wake pipe.
 *
 * A connection over the per-uid limit is read like any other (one per
 * uid at a time, ADMINSRV_REFUSE_MS to send its request) and answered
 * with the reason, so kuncictl prints it rather than a broken pipe.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "adminsrv.h"
#include "cfg.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "proto.h"
#include "wf.h"

#define ADMINSRV_REFUSE_MS	2000	/* a refused caller's request */
#define ACCEPT_BURST		64	/* accepts per loop turn */
#define WARN_EVERY		10	/* seconds between like warnings */
#define WORKERS_MAX		64

enum cstate { C_READ, C_READY, C_QUEUED, C_WRITE };

struct conn {
	struct conn	*next, *prev;	/* every connection: main thread */
	struct conn	*qnext;		/* a queue or the done list */
	int		 fd;
	struct peer	 peer;
	enum cstate	 state;
	int		 inflight;	/* QUEUED: a worker's */
	int		 refused;	/* over admin_per_uid */
	int64_t		 idle_due;	/* ms: the request or the reply by */
	int64_t		 life_due;	/* ms; 0: root, no end */
	unsigned	 nreq;
	unsigned char	 hdr[PROTO_HDR_LEN];
	size_t		 got;		/* of hdr, then of body */
	uint32_t	 blen;
	unsigned char	*body;
	struct pbuf	 reply;
	unsigned char	 rhdr[PROTO_HDR_LEN];
	size_t		 woff;		/* of rhdr + reply */
	int		 last;		/* close once the reply is out */
	int		 drop;		/* malformed: close, no reply */
};

/* A warning said at most once per WARN_EVERY seconds, with a count. */
struct ratelimit {
	time_t		 last;
	unsigned long	 skipped;
};

static struct {
	struct kunci_ctx	*ctx;
	const struct kunci_cfg	*cfg;
	int			(*away)(void);
	struct conn		*conns;
	size_t			 nconns;
	int			 wake[2];
	pthread_t		 thr[WORKERS_MAX];
	int			 nthr;
	int			 uid_busy_max;
	/* under mtx */
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	struct conn		*rootq, *rootq_tail;
	struct conn		*userq, *userq_tail;
	struct conn		*done;
	int			 stopping;
	struct ratelimit	 rl_uid, rl_full, rl_life, rl_proto, rl_accept;
} A = {
	.wake = { -1, -1 },
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

static void	warn_limited(struct ratelimit *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Any local user can make these happen: say so, but not once each. */
static void
warn_limited(struct ratelimit *rl, const char *fmt, ...)
{
	char msg[256];
	time_t now = time(NULL);
	va_list ap;

	if (rl->last != 0 && now - rl->last < WARN_EVERY) {
		rl->skipped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rl->skipped > 0)
		log_warnx("admin: %s (and %lu more like it in %lld s)", msg,
		    rl->skipped, (long long)(now - rl->last));
	else
		log_warnx("admin: %s", msg);
	rl->last = now;
	rl->skipped = 0;
}

/* ----------------------------------------------------------- workers */

static void
run_one(struct conn *c, struct wf *w, struct ldapc *lc)
{
	struct pbuf in;
	char **argv = NULL;
	int argc = 0;

	pbuf_init(&in, ADMINSRV_REQ_MAX);
	if (pbuf_set(&in, c->body, c->blen) != PROTO_OK ||
	    proto_admin_decode(&in, &argc, &argv) != PROTO_OK) {
		/* Not from kuncictl: no answer, as before a frame is read. */
		c->drop = 1;
	} else {
		/*
		 * Everyone's command gets a bounded LDAP time, and one
		 * connection attempt now: the backoff paces the retries of
		 * a lost directory, it must not refuse a person's command
		 * for up to backoff_max after the directory is back.
		 */
		if (lc->ld == NULL)
			lc->next_try = 0;
		lc->deadline = ldapc_now() + (time_t)A.cfg->agent.
		    admin_command_timeout;
		(void)admin_run(A.ctx, &c->peer, argc, argv, &c->reply);
		lc->deadline = 0;
		proto_argv_free(argc, argv);
	}
	/* w->info may have held a one-time password. */
	explicit_bzero(w->info, sizeof(w->info));
	w->info_secret = 0;
	explicit_bzero(c->body, c->blen);
	free(c->body);
	c->body = NULL;
	pbuf_free(&in);
}

static void *
worker_main(void *arg)
{
	struct ldapc lc;
	struct wf w;
	struct conn *c;
	char b = 'w';

	(void)arg;
	ldapc_init(&lc, A.cfg);
	lc.writer = 1;		/* commands write to the one writer */
	lc.away = A.away;
	wf_init(&w, A.cfg, &lc);
	admin_thread_engine(&w, &lc);
	pthread_mutex_lock(&A.mtx);
	for (;;) {
		while (!A.stopping && A.rootq == NULL && A.userq == NULL)
			pthread_cond_wait(&A.cv, &A.mtx);
		if (A.stopping)
			break;
		if ((c = A.rootq) != NULL) {
			if ((A.rootq = c->qnext) == NULL)
				A.rootq_tail = NULL;
		} else {
			c = A.userq;
			if ((A.userq = c->qnext) == NULL)
				A.userq_tail = NULL;
		}
		c->qnext = NULL;
		pthread_mutex_unlock(&A.mtx);

		run_one(c, &w, &lc);

		pthread_mutex_lock(&A.mtx);
		c->qnext = A.done;
		A.done = c;
		/* The pipe full means a wake-up is pending anyway. */
		(void)!write(A.wake[1], &b, 1);
	}
	pthread_mutex_unlock(&A.mtx);
	admin_thread_engine(NULL, NULL);
	ldapc_close(&lc);
	return NULL;
}

int
adminsrv_start(struct kunci_ctx *ctx, int (*away)(void))
{
	int i, e;

	A.ctx = ctx;
	A.cfg = ctx->cfg;
	A.away = away;
	A.nthr = ctx->cfg->agent.admin_workers;
	if (A.nthr > WORKERS_MAX)
		A.nthr = WORKERS_MAX;
	A.uid_busy_max = A.nthr / 2 > 0 ? A.nthr / 2 : 1;
	if (pipe2(A.wake, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("admin: pipe");
		return -1;
	}
	for (i = 0; i < A.nthr; i++)
		if ((e = pthread_create(&A.thr[i], NULL, worker_main,
		    NULL)) != 0) {
			errno = e;
			log_warn("admin: pthread_create");
			A.nthr = i;
			return -1;
		}
	return 0;
}

/* --------------------------------------------------------- connections */

static void
conn_close(struct conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		A.conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	A.nconns--;
	close(c->fd);
	if (c->body != NULL) {
		explicit_bzero(c->body, c->blen);
		free(c->body);
	}
	pbuf_free(&c->reply);		/* wipes: it may hold a password */
	free(c);
}

static void
conn_add(int fd, const struct peer *p, int64_t now)
{
	const struct cfg_agent *ag = &A.cfg->agent;
	struct conn *c, *o;
	int mine = 0, refused = 0;

	for (o = A.conns; o != NULL; o = o->next)
		if (o->peer.uid == p->uid) {
			if (o->refused)
				refused++;
			else
				mine++;
		}
	if (A.nconns >= ADMINSRV_CONN_MAX || (p->uid != 0 &&
	    A.nconns >= ADMINSRV_CONN_MAX - ADMINSRV_ROOT_RESERVE)) {
		warn_limited(&A.rl_full, "%zu connections open; uid %u "
		    "refused", A.nconns, (unsigned)p->uid);
		close(fd);
		return;
	}
	if (p->uid != 0 && mine >= ag->admin_per_uid && refused > 0) {
		close(fd);		/* told already, on the other one */
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("admin: calloc");
		close(fd);
		return;
	}
	c->fd = fd;
	c->peer = *p;
	c->state = C_READ;
	c->idle_due = now + ADMINSRV_IDLE_MS;
	if (p->uid != 0)
		c->life_due = now + ag->admin_lifetime * 1000;
	if (p->uid != 0 && mine >= ag->admin_per_uid) {
		c->refused = 1;
		c->idle_due = now + ADMINSRV_REFUSE_MS;
		warn_limited(&A.rl_uid, "uid %u has %d connections open "
		    "(agent.admin_per_uid); another refused",
		    (unsigned)p->uid, mine);
	}
	pbuf_init(&c->reply, PROTO_MAX);
	c->next = A.conns;
	if (A.conns != NULL)
		A.conns->prev = c;
	A.conns = c;
	A.nconns++;
}

static void
accept_some(int lfd, int64_t now)
{
	struct peer p;
	int i, fd;

	for (i = 0; i < ACCEPT_BURST; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd == -1) {
			if (errno != EINTR && errno != EAGAIN &&
			    errno != ECONNABORTED)
				warn_limited(&A.rl_accept, "accept: %s",
				    strerror(errno));
			return;
		}
		if (kuncid_peer(fd, &p) == -1) {
			log_warn("admin: SO_PEERCRED");
			close(fd);
			continue;
		}
		conn_add(fd, &p, now);
	}
}

/* Start writing the reply now in c->reply. */
static void
reply_ready(struct conn *c, int64_t now)
{
	proto_hdr_make(c->rhdr, PROTO_T_REPLY, (uint32_t)c->reply.len);
	c->woff = 0;
	c->state = C_WRITE;
	c->idle_due = now + ADMINSRV_IDLE_MS;
	c->nreq++;
	if (c->peer.uid != 0 && (c->nreq >= (unsigned)A.cfg->agent.
	    admin_requests || now >= c->life_due))
		c->last = 1;
}

static void
refuse(struct conn *c, int64_t now)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "kuncictl: refused: uid %u has %d "
	    "admin connections open already (agent.admin_per_uid); close "
	    "one and try again\n", (unsigned)c->peer.uid,
	    A.cfg->agent.admin_per_uid);
	pbuf_reset(&c->reply);
	(void)proto_reply_encode(&c->reply, EX_TEMPFAIL, "", 0, msg);
	reply_ready(c, now);
	c->last = 1;
}

/* Read what is there; 0 to go on, -1 to close. */
static int
conn_read(struct conn *c, int64_t now)
{
	uint32_t type;
	ssize_t n;

	for (;;) {
		if (c->got < PROTO_HDR_LEN)
			n = read(c->fd, c->hdr + c->got, PROTO_HDR_LEN - c->got);
		else
			n = read(c->fd, c->body + (c->got - PROTO_HDR_LEN),
			    c->blen - (c->got - PROTO_HDR_LEN));
		if (n == 0)
			return -1;		/* closed, or cut short */
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->got += (size_t)n;
		if (c->got == PROTO_HDR_LEN && c->body == NULL) {
			if (proto_hdr_parse(c->hdr, ADMINSRV_REQ_MAX, &type,
			    &c->blen) != PROTO_OK || type != PROTO_T_ADMIN) {
				warn_limited(&A.rl_proto, "malformed or "
				    "oversized request; uid=%u",
				    (unsigned)c->peer.uid);
				return -1;
			}
			if ((c->body = malloc(c->blen > 0 ? c->blen : 1)) ==
			    NULL)
				return -1;
		}
		if (c->got >= PROTO_HDR_LEN && c->body != NULL &&
		    c->got - PROTO_HDR_LEN == c->blen)
			break;
	}
	/* A whole request. */
	c->got = 0;
	if (c->refused) {
		free(c->body);
		c->body = NULL;
		refuse(c, now);
	} else
		c->state = C_READY;
	return 0;
}

/* Write what fits; 0 to go on, -1 to close. */
static int
conn_write(struct conn *c, int64_t now)
{
	size_t total = PROTO_HDR_LEN + c->reply.len;
	ssize_t n;

	while (c->woff < total) {
		if (c->woff < PROTO_HDR_LEN)
			n = send(c->fd, c->rhdr + c->woff,
			    PROTO_HDR_LEN - c->woff, MSG_NOSIGNAL |
			    (c->reply.len > 0 ? MSG_MORE : 0));
		else
			n = send(c->fd, c->reply.data + (c->woff -
			    PROTO_HDR_LEN), total - c->woff, MSG_NOSIGNAL);
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->woff += (size_t)n;
	}
	if (c->reply.len > 0)
		explicit_bzero(c->reply.data, c->reply.len);
	pbuf_reset(&c->reply);
	if (c->last)
		return -1;
	c->state = C_READ;
	c->idle_due = now + ADMINSRV_IDLE_MS;
	return 0;
}

/* Hand READY connections to the workers, within each uid's share. */
static void
dispatch(void)
{
	struct conn *c, *o;
	int busy, queued = 0;

	for (c = A.conns; c != NULL; c = c->next) {
		if (c->inflight || c->state != C_READY)
			continue;
		if (c->peer.uid != 0) {
			busy = 0;
			for (o = A.conns; o != NULL; o = o->next)
				if (o->inflight && o->peer.uid == c->peer.uid)
					busy++;
			if (busy >= A.uid_busy_max)
				continue;
		}
		c->inflight = 1;
		pthread_mutex_lock(&A.mtx);
		c->state = C_QUEUED;
		c->qnext = NULL;
		if (c->peer.uid == 0) {
			if (A.rootq_tail != NULL)
				A.rootq_tail->qnext = c;
			else
				A.rootq = c;
			A.rootq_tail = c;
		} else {
			if (A.userq_tail != NULL)
				A.userq_tail->qnext = c;
			else
				A.userq = c;
			A.userq_tail = c;
		}
		pthread_mutex_unlock(&A.mtx);
		queued++;
	}
	if (queued > 0) {
		pthread_mutex_lock(&A.mtx);
		pthread_cond_broadcast(&A.cv);
		pthread_mutex_unlock(&A.mtx);
	}
}

/* Take back what the workers finished. */
static void
collect(int64_t now)
{
	struct conn *c, *next;
	char buf[64];

	while (read(A.wake[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&A.mtx);
	c = A.done;
	A.done = NULL;
	pthread_mutex_unlock(&A.mtx);
	for (; c != NULL; c = next) {
		next = c->qnext;
		c->qnext = NULL;
		c->inflight = 0;
		if (c->drop) {
			warn_limited(&A.rl_proto, "malformed request; uid=%u",
			    (unsigned)c->peer.uid);
			conn_close(c);
			continue;
		}
		reply_ready(c, now);
		/* Most replies fit the socket buffer: no turn of the loop. */
		if (conn_write(c, now) == -1)
			conn_close(c);
	}
}

/* Close what is past a deadline: idle, or a non-root connection's life. */
static void
expire(int64_t now)
{
	struct conn *c, *next;

	for (c = A.conns; c != NULL; c = next) {
		next = c->next;
		if (c->inflight)
			continue;
		/* A request read is answered: the life ends between them. */
		if (c->state == C_READ && c->life_due != 0 &&
		    now >= c->life_due) {
			warn_limited(&A.rl_life, "uid %u: connection closed at "
			    "the end of agent.admin_lifetime",
			    (unsigned)c->peer.uid);
			conn_close(c);
		} else if (c->state != C_READY && now >= c->idle_due)
			conn_close(c);
	}
}

void
adminsrv_loop(int lfd, volatile sig_atomic_t *quit)
{
	struct pollfd *pfd = NULL;
	struct conn **who = NULL, *c, *next;
	size_t n, cap = 0, i;
	int64_t now, due;
	int r, timeout, fl;

	/* accept_some() takes what is there and must not wait for more. */
	if ((fl = fcntl(lfd, F_GETFL)) == -1 ||
	    fcntl(lfd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("admin: fcntl");
	while (!*quit) {
		if (cap < A.nconns + 2) {
			cap = A.nconns + 2 + 64;
			free(pfd);
			free(who);
			pfd = calloc(cap, sizeof(*pfd));
			who = calloc(cap, sizeof(*who));
			if (pfd == NULL || who == NULL)
				fatal("admin: calloc");
		}
		now = now_ms();
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = A.wake[0];
		pfd[1].events = POLLIN;
		n = 2;
		due = now + 1000;
		for (c = A.conns; c != NULL; c = c->next) {
			if (c->inflight)
				continue;
			if (c->idle_due < due && c->state != C_READY)
				due = c->idle_due;
			if (c->state == C_READ && c->life_due != 0 &&
			    c->life_due < due)
				due = c->life_due;
			if (c->state != C_READ && c->state != C_WRITE)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = c->state == C_READ ? POLLIN : POLLOUT;
			who[n++] = c;
		}
		timeout = due > now ? (int)(due - now) : 0;
		r = poll(pfd, n, timeout);
		if (r == -1 && errno != EINTR)
			fatal("admin: poll");
		now = now_ms();
		if (r > 0) {
			if (pfd[1].revents & POLLIN)
				collect(now);
			for (i = 2; i < n; i++) {
				if (pfd[i].revents == 0)
					continue;
				c = who[i];
				if (c->state == C_READ)
					r = conn_read(c, now);
				else
					r = conn_write(c, now);
				if (r == -1)
					conn_close(c);
			}
			if (pfd[0].revents & POLLIN)
				accept_some(lfd, now);
		}
		expire(now);
		dispatch();
	}
	free(pfd);
	free(who);
	/* Connections a worker holds are closed by adminsrv_stop(). */
	for (c = A.conns; c != NULL; c = next) {
		next = c->next;
		if (!c->inflight)
			conn_close(c);
	}
}

void
adminsrv_stop(void)
{
	struct conn *c, *next;
	int i;

	pthread_mutex_lock(&A.mtx);
	A.stopping = 1;
	pthread_cond_broadcast(&A.cv);
	pthread_mutex_unlock(&A.mtx);
	for (i = 0; i < A.nthr; i++)
		pthread_join(A.thr[i], NULL);
	A.nthr = 0;
	for (c = A.conns; c != NULL; c = next) {
		next = c->next;
		conn_close(c);
	}
	if (A.wake[0] != -1) {
		close(A.wake[0]);
		close(A.wake[1]);
		A.wake[0] = A.wake[1] = -1;
	}
}
