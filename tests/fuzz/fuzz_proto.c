/*
 * fuzz_proto: every decoder of the socket codec (proto.c): the query, the
 * answer, the audit note the PAM module writes into kuncid's note FIFO,
 * the admin request and the reply, each fed the input as a payload; and
 * the input as a whole frame read from a pipe by proto_recv() (header,
 * version, length limit) and, for a note, split as kuncid's FIFO reader
 * does (proto_hdr_parse, then the payload).
 *
 * Oracle: the encoding is canonical, so whatever a decoder accepts must
 * encode back to exactly the bytes it was given; a decoder that fails
 * leaves its output cleared (nothing half-filled is used).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decide.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The encoding of the decoded message must be the payload itself. */
static void
same(const struct pbuf *enc, const uint8_t *data, size_t size)
{
	if (enc->err != 0 || enc->len != size ||
	    (size > 0 && memcmp(enc->data, data, size) != 0))
		abort();
}

static int
zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n-- > 0)
		if (*c++ != 0)
			return 0;
	return 1;
}

static void
payload(uint32_t only, const uint8_t *data, size_t size, size_t max)
{
	struct pbuf b, e;
	struct proto_query q;
	struct proto_answer a;
	struct proto_note n;
	uint32_t status;
	char **argv, *out, *err;
	int argc, rc;

	pbuf_init(&b, max);
	pbuf_init(&e, PROTO_MAX);
	if (pbuf_set(&b, data, size) != PROTO_OK)
		goto out;

	if (only == 0 || only == PROTO_T_QUERY) {
		b.off = 0, b.err = 0;
		rc = proto_query_decode(&b, &q);
		if (rc == PROTO_OK) {
			pbuf_reset(&e);
			proto_query_encode(&e, &q);
			same(&e, data, size);
		} else if (!zero(&q, sizeof(q)))
			abort();
	}
	if (only == 0 || only == PROTO_T_ANSWER) {
		b.off = 0, b.err = 0;
		rc = proto_answer_decode(&b, &a);
		if (rc == PROTO_OK) {
			pbuf_reset(&e);
			proto_answer_encode(&e, &a);
			same(&e, data, size);
		} else if (!zero(&a, sizeof(a)))
			abort();
	}
	if (only == 0 || only == PROTO_T_NOTE) {
		b.off = 0, b.err = 0;
		rc = proto_note_decode(&b, &n);
		if (rc == PROTO_OK) {
			/* what kuncid checks before it audits a note */
			(void)kd_valid_name(n.q.user);
			(void)kd_decision_name(n.decision);
			pbuf_reset(&e);
			proto_note_encode(&e, &n);
			same(&e, data, size);
		} else if (!zero(&n, sizeof(n)))
			abort();
	}
	if (only == 0 || only == PROTO_T_ADMIN) {
		b.off = 0, b.err = 0;
		rc = proto_admin_decode(&b, &argc, &argv);
		if (rc == PROTO_OK) {
			if (argc < 1 || argc > PROTO_ARGC_MAX ||
			    argv[argc] != NULL)
				abort();
			pbuf_reset(&e);
			proto_admin_encode(&e, argc, argv);
			same(&e, data, size);
			proto_argv_free(argc, argv);
		} else if (argc != 0 || argv != NULL)
			abort();
	}
	if (only == 0 || only == PROTO_T_REPLY) {
		b.off = 0, b.err = 0;
		rc = proto_reply_decode(&b, &status, &out, &err);
		if (rc == PROTO_OK) {
			pbuf_reset(&e);
			proto_reply_encode(&e, status, out, strlen(out), err);
			same(&e, data, size);
			free(out);
			free(err);
		} else if (out != NULL || err != NULL)
			abort();
	}
out:
	pbuf_free(&b);
	pbuf_free(&e);
}

/* The input as one frame on a stream, as kuncid and kuncictl read it. */
static void
frame(const uint8_t *data, size_t size)
{
	struct pbuf b;
	uint32_t type, len;
	int fd[2], rc;

	/* a note as the FIFO reader splits it */
	if (size >= PROTO_HDR_LEN && proto_hdr_parse(data, PROTO_QUERY_MAX,
	    &type, &len) == PROTO_OK && type == PROTO_T_NOTE &&
	    size - PROTO_HDR_LEN >= len)
		payload(PROTO_T_NOTE, data + PROTO_HDR_LEN, len,
		    PROTO_QUERY_MAX);

	/* a pipe holds 64 KiB: enough for any input libFuzzer makes here */
	if (size > 60000 || pipe2(fd, O_CLOEXEC) == -1)
		return;
	if (size > 0 && write(fd[1], data, size) != (ssize_t)size) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	close(fd[1]);
	pbuf_init(&b, PROTO_QUERY_MAX);
	rc = proto_recv(fd[0], &type, &b, 1000);
	if (rc == PROTO_OK) {
		/* the frame's own length, never more than was sent */
		if (b.len > PROTO_QUERY_MAX || size < PROTO_HDR_LEN ||
		    b.len > size - PROTO_HDR_LEN ||
		    memcmp(b.data, data + PROTO_HDR_LEN, b.len) != 0)
			abort();
		payload(type, b.data, b.len, PROTO_QUERY_MAX);
	} else if (rc != PROTO_EPROTO && rc != PROTO_EIO)
		abort();
	pbuf_free(&b);
	close(fd[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	payload(0, data, size, PROTO_MAX);
	frame(data, size);
	return 0;
}
