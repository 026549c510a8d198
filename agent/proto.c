/*
 * proto.c: the socket codec (see proto.h for the wire format).
 *
 * Invariants: a pbuf never holds more than its max bytes; every get checks
 * the remaining length before it reads; nothing is allocated from a length
 * that has not been checked against a limit first.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

void
pbuf_init(struct pbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
pbuf_reset(struct pbuf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	b->len = b->off = 0;
	b->err = 0;
}

void
pbuf_free(struct pbuf *b)
{
	if (b->data != NULL) {
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->off = b->cap = 0;
	b->err = 0;
}

static int
reserve(struct pbuf *b, size_t n)
{
	size_t need, ncap;
	unsigned char *p;

	if (b->err)
		return b->err;
	if (n > b->max || b->len > b->max - n)
		return (b->err = PROTO_EPROTO);
	need = b->len + n;
	if (need <= b->cap)
		return PROTO_OK;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > b->max / 2 ? b->max : ncap * 2;
	if ((p = malloc(ncap)) == NULL)
		return (b->err = PROTO_ENOMEM);
	/* Copy rather than realloc, so an old copy of a secret is wiped. */
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = ncap;
	return PROTO_OK;
}

int
pbuf_set(struct pbuf *b, const void *src, size_t n)
{
	pbuf_reset(b);
	if (reserve(b, n) != PROTO_OK)
		return b->err;
	if (n > 0)
		memcpy(b->data, src, n);
	b->len = n;
	return PROTO_OK;
}

int
proto_put_u32(struct pbuf *b, uint32_t v)
{
	if (reserve(b, 4) != PROTO_OK)
		return b->err;
	b->data[b->len++] = (v >> 24) & 0xff;
	b->data[b->len++] = (v >> 16) & 0xff;
	b->data[b->len++] = (v >> 8) & 0xff;
	b->data[b->len++] = v & 0xff;
	return PROTO_OK;
}

int
proto_put_strn(struct pbuf *b, const char *s, size_t n)
{
	if (b->err)
		return b->err;
	if (n > PROTO_STR_MAX || (n > 0 && memchr(s, '\0', n) != NULL))
		return (b->err = PROTO_EPROTO);
	if (proto_put_u32(b, (uint32_t)n) != PROTO_OK ||
	    reserve(b, n) != PROTO_OK)
		return b->err;
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	return PROTO_OK;
}

int
proto_put_str(struct pbuf *b, const char *s)
{
	if (s == NULL)
		s = "";
	return proto_put_strn(b, s, strlen(s));
}

int
proto_get_u32(struct pbuf *b, uint32_t *v)
{
	const unsigned char *p;

	*v = 0;
	if (b->err)
		return b->err;
	if (b->len - b->off < 4)
		return (b->err = PROTO_EPROTO);
	p = b->data + b->off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
	b->off += 4;
	return PROTO_OK;
}

/* Find the next string's bytes without copying. */
static int
get_span(struct pbuf *b, size_t max, const unsigned char **s, size_t *n)
{
	uint32_t len;

	*s = NULL;
	*n = 0;
	if (proto_get_u32(b, &len) != PROTO_OK)
		return b->err;
	if (len > max || len > PROTO_STR_MAX || len > b->len - b->off)
		return (b->err = PROTO_EPROTO);
	if (len > 0 && memchr(b->data + b->off, '\0', len) != NULL)
		return (b->err = PROTO_EPROTO);
	*s = b->data + b->off;
	*n = len;
	b->off += len;
	return PROTO_OK;
}

int
proto_get_str(struct pbuf *b, size_t max, char **out)
{
	const unsigned char *s;
	size_t n;

	*out = NULL;
	if (get_span(b, max, &s, &n) != PROTO_OK)
		return b->err;
	if ((*out = malloc(n + 1)) == NULL)
		return (b->err = PROTO_ENOMEM);
	if (n > 0)
		memcpy(*out, s, n);
	(*out)[n] = '\0';
	return PROTO_OK;
}

int
proto_get_strbuf(struct pbuf *b, char *dst, size_t dstsz)
{
	const unsigned char *s;
	size_t n;

	if (dstsz == 0)
		return (b->err = PROTO_EPROTO);
	dst[0] = '\0';
	if (get_span(b, dstsz - 1, &s, &n) != PROTO_OK)
		return b->err;
	if (n > 0)
		memcpy(dst, s, n);
	dst[n] = '\0';
	return PROTO_OK;
}

int
proto_get_end(const struct pbuf *b)
{
	if (b->err)
		return b->err;
	return b->off == b->len ? PROTO_OK : PROTO_EPROTO;
}

int
proto_hdr_parse(const unsigned char h[PROTO_HDR_LEN], size_t max,
    uint32_t *type, uint32_t *len)
{
	uint32_t v[3];
	int i;

	for (i = 0; i < 3; i++)
		v[i] = (uint32_t)h[4 * i] << 24 | (uint32_t)h[4 * i + 1] << 16 |
		    (uint32_t)h[4 * i + 2] << 8 | (uint32_t)h[4 * i + 3];
	*type = v[1];
	*len = v[2];
	if (v[0] != PROTO_VERSION || v[2] > max)
		return PROTO_EPROTO;
	return PROTO_OK;
}

/* Milliseconds left until deadline (a CLOCK_MONOTONIC time), or -1. */
static int
remaining(const struct timespec *dl)
{
	struct timespec now;
	long long ms;

	if (dl == NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(dl->tv_sec - now.tv_sec) * 1000 +
	    (dl->tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		ms = 0;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

static void
deadline(struct timespec *dl, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += timeout_ms / 1000;
	dl->tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (dl->tv_nsec >= 1000000000) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000;
	}
}

static int
wait_fd(int fd, short ev, const struct timespec *dl)
{
	struct pollfd pfd;
	int r;

	pfd.fd = fd;
	pfd.events = ev;
	for (;;) {
		pfd.revents = 0;
		r = poll(&pfd, 1, remaining(dl));
		if (r > 0)
			return PROTO_OK;
		if (r == 0)
			return PROTO_ETIMEDOUT;
		if (errno != EINTR)
			return PROTO_EIO;
	}
}

/*
 * Write the iovecs in full.  The syscall is tried first and poll() only
 * waits when the socket is full: on the login path the socket is almost
 * always writable, and header and payload leave in one sendmsg(), so the
 * peer is woken once per frame, not once per part (bench/RESULTS.md).
 */
static int
write_all(int fd, struct iovec *iov, int niov, const struct timespec *dl)
{
	struct msghdr mh;
	ssize_t w;
	size_t n;
	int r;

	while (niov > 0 && iov->iov_len == 0) {
		iov++;
		niov--;
	}
	while (niov > 0) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)niov;
		w = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return PROTO_EIO;
			if ((r = wait_fd(fd, POLLOUT, dl)) != PROTO_OK)
				return r;
			continue;
		}
		for (n = (size_t)w; niov > 0 && n >= iov->iov_len; niov--)
			n -= (iov++)->iov_len;
		if (niov > 0) {
			iov->iov_base = (unsigned char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return PROTO_OK;
}

static int
read_all(int fd, unsigned char *p, size_t n, const struct timespec *dl)
{
	ssize_t r;
	int e;

	/* recv() first, poll() only when nothing is there yet */
	while (n > 0) {
		r = recv(fd, p, n, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return PROTO_EIO;
			if ((e = wait_fd(fd, POLLIN, dl)) != PROTO_OK)
				return e;
			continue;
		}
		if (r == 0)
			return PROTO_EIO;
		p += r;
		n -= (size_t)r;
	}
	return PROTO_OK;
}

void
proto_hdr_make(unsigned char h[PROTO_HDR_LEN], uint32_t type, uint32_t len)
{
	uint32_t v[3] = { PROTO_VERSION, type, len };
	int i;

	for (i = 0; i < 3; i++) {
		h[4 * i] = (v[i] >> 24) & 0xff;
		h[4 * i + 1] = (v[i] >> 16) & 0xff;
		h[4 * i + 2] = (v[i] >> 8) & 0xff;
		h[4 * i + 3] = v[i] & 0xff;
	}
}

int
proto_send(int fd, uint32_t type, const struct pbuf *b, int timeout_ms)
{
	unsigned char h[PROTO_HDR_LEN];
	struct timespec dl;
	struct iovec iov[2];

	if (b->err)
		return b->err;
	if (b->len > PROTO_MAX)
		return PROTO_EPROTO;
	proto_hdr_make(h, type, (uint32_t)b->len);
	if (timeout_ms >= 0)
		deadline(&dl, timeout_ms);
	iov[0].iov_base = h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = b->data;
	iov[1].iov_len = b->len;
	return write_all(fd, iov, 2, timeout_ms >= 0 ? &dl : NULL);
}

int
proto_recv(int fd, uint32_t *type, struct pbuf *b, int timeout_ms)
{
	unsigned char h[PROTO_HDR_LEN];
	struct timespec dl, *dlp = NULL;
	uint32_t len;
	int r;

	*type = 0;
	pbuf_reset(b);
	if (timeout_ms >= 0) {
		deadline(&dl, timeout_ms);
		dlp = &dl;
	}
	if ((r = read_all(fd, h, sizeof(h), dlp)) != PROTO_OK)
		return r;
	if ((r = proto_hdr_parse(h, b->max, type, &len)) != PROTO_OK)
		return r;
	if ((r = reserve(b, len)) != PROTO_OK)
		return r;
	if (len > 0 && (r = read_all(fd, b->data, len, dlp)) != PROTO_OK)
		return r;
	b->len = len;
	return PROTO_OK;
}

int
proto_query_encode(struct pbuf *b, const struct proto_query *q)
{
	proto_put_str(b, q->user);
	proto_put_str(b, q->service);
	proto_put_str(b, q->rhost);
	proto_put_str(b, q->tty);
	proto_put_str(b, q->host);
	return proto_put_str(b, q->resource);
}

/* The six strings of a query (a note starts with them too). */
static void
get_query(struct pbuf *b, struct proto_query *q)
{
	proto_get_strbuf(b, q->user, sizeof(q->user));
	proto_get_strbuf(b, q->service, sizeof(q->service));
	proto_get_strbuf(b, q->rhost, sizeof(q->rhost));
	proto_get_strbuf(b, q->tty, sizeof(q->tty));
	proto_get_strbuf(b, q->host, sizeof(q->host));
	proto_get_strbuf(b, q->resource, sizeof(q->resource));
}

int
proto_query_decode(struct pbuf *b, struct proto_query *q)
{
	memset(q, 0, sizeof(*q));
	get_query(b, q);
	if (proto_get_end(b) != PROTO_OK) {
		memset(q, 0, sizeof(*q));
		return PROTO_EPROTO;
	}
	return PROTO_OK;
}

int
proto_answer_encode(struct pbuf *b, const struct proto_answer *a)
{
	proto_put_u32(b, a->decision);
	proto_put_str(b, a->resource);
	proto_put_str(b, a->grant);
	return proto_put_str(b, a->message);
}

int
proto_answer_decode(struct pbuf *b, struct proto_answer *a)
{
	memset(a, 0, sizeof(*a));
	proto_get_u32(b, &a->decision);
	proto_get_strbuf(b, a->resource, sizeof(a->resource));
	proto_get_strbuf(b, a->grant, sizeof(a->grant));
	proto_get_strbuf(b, a->message, sizeof(a->message));
	if (proto_get_end(b) != PROTO_OK ||
	    a->decision < PROTO_ALLOW || a->decision > PROTO_UNAVAIL) {
		memset(a, 0, sizeof(*a));
		return PROTO_EPROTO;
	}
	return PROTO_OK;
}

int
proto_note_encode(struct pbuf *b, const struct proto_note *n)
{
	proto_query_encode(b, &n->q);
	proto_put_u32(b, n->decision);
	proto_put_str(b, n->resource);
	proto_put_str(b, n->grant);
	proto_put_str(b, n->reason);
	proto_put_str(b, n->id);
	return proto_put_u32(b, n->at);
}

/* PROTO_NOTE_ID_LEN lowercase hex digits. */
static int
note_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return i == PROTO_NOTE_ID_LEN;
}

int
proto_note_decode(struct pbuf *b, struct proto_note *n)
{
	memset(n, 0, sizeof(*n));
	get_query(b, &n->q);
	proto_get_u32(b, &n->decision);
	proto_get_strbuf(b, n->resource, sizeof(n->resource));
	proto_get_strbuf(b, n->grant, sizeof(n->grant));
	proto_get_strbuf(b, n->reason, sizeof(n->reason));
	proto_get_strbuf(b, n->id, sizeof(n->id));
	proto_get_u32(b, &n->at);
	if (proto_get_end(b) != PROTO_OK ||
	    n->decision < PROTO_ALLOW || n->decision > PROTO_UNAVAIL ||
	    !note_id_ok(n->id)) {
		memset(n, 0, sizeof(*n));
		return PROTO_EPROTO;
	}
	return PROTO_OK;
}

int
proto_admin_encode(struct pbuf *b, int argc, char *const argv[])
{
	int i;

	if (argc < 1 || argc > PROTO_ARGC_MAX)
		return (b->err = PROTO_EPROTO);
	proto_put_u32(b, (uint32_t)argc);
	for (i = 0; i < argc; i++) {
		if (strlen(argv[i]) > PROTO_ARG_MAX)
			return (b->err = PROTO_EPROTO);
		proto_put_str(b, argv[i]);
	}
	return b->err;
}

void
proto_argv_free(int argc, char **argv)
{
	int i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int
proto_admin_decode(struct pbuf *b, int *argcp, char ***argvp)
{
	uint32_t n, i;
	char **argv = NULL;

	*argcp = 0;
	*argvp = NULL;
	if (proto_get_u32(b, &n) != PROTO_OK)
		return b->err;
	if (n < 1 || n > PROTO_ARGC_MAX)
		return (b->err = PROTO_EPROTO);
	if ((argv = calloc(n + 1, sizeof(*argv))) == NULL)
		return (b->err = PROTO_ENOMEM);
	for (i = 0; i < n; i++)
		if (proto_get_str(b, PROTO_ARG_MAX, &argv[i]) != PROTO_OK)
			break;
	if (proto_get_end(b) != PROTO_OK) {
		proto_argv_free((int)n, argv);
		return PROTO_EPROTO;
	}
	*argcp = (int)n;
	*argvp = argv;
	return PROTO_OK;
}

int
proto_reply_encode(struct pbuf *b, uint32_t status, const char *out,
    size_t outlen, const char *err)
{
	proto_put_u32(b, status);
	proto_put_strn(b, out != NULL ? out : "", out != NULL ? outlen : 0);
	return proto_put_str(b, err);
}

int
proto_reply_decode(struct pbuf *b, uint32_t *status, char **out, char **err)
{
	*out = *err = NULL;
	proto_get_u32(b, status);
	proto_get_str(b, PROTO_STR_MAX, out);
	proto_get_str(b, PROTO_STR_MAX, err);
	if (proto_get_end(b) != PROTO_OK || *status > 255) {
		free(*out);
		free(*err);
		*out = *err = NULL;
		return PROTO_EPROTO;
	}
	return PROTO_OK;
}

const char *
proto_strerror(int e)
{
	switch (e) {
	case PROTO_OK:
		return "success";
	case PROTO_EIO:
		return "connection failed or closed";
	case PROTO_ETIMEDOUT:
		return "timed out";
	case PROTO_EPROTO:
		return "malformed or oversized message";
	case PROTO_ENOMEM:
		return "out of memory";
	}
	return "unknown error";
}
