/*
 * test_proto.c: the socket codec, including truncated, oversized and
 * random frames (the decoder faces kuncid's callers and pam_kunci faces
 * whatever listens on the socket path).
 */
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "proto.h"

static void
fill_query(struct proto_query *q)
{
	memset(q, 0, sizeof(*q));
	strcpy(q->user, "rwulandari");
	strcpy(q->service, "sshd");
	strcpy(q->rhost, "192.0.2.7");
	strcpy(q->tty, "ssh");
	strcpy(q->host, "srv-web1");
}

static void
query_roundtrip(void **state)
{
	struct proto_query q, r;
	struct pbuf b;

	(void)state;
	fill_query(&q);
	pbuf_init(&b, PROTO_QUERY_MAX);
	assert_int_equal(proto_query_encode(&b, &q), PROTO_OK);
	assert_int_equal(proto_query_decode(&b, &r), PROTO_OK);
	assert_memory_equal(&q, &r, sizeof(q));
	pbuf_free(&b);
}

static void
answer_roundtrip(void **state)
{
	struct proto_answer a, r;
	struct pbuf b;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.decision = PROTO_DENY;
	strcpy(a.resource, "host:srv-web1");
	strcpy(a.message, "no active grant; request one with kuncictl");
	pbuf_init(&b, PROTO_QUERY_MAX);
	assert_int_equal(proto_answer_encode(&b, &a), PROTO_OK);
	assert_int_equal(proto_answer_decode(&b, &r), PROTO_OK);
	assert_memory_equal(&a, &r, sizeof(a));
	/* A decision outside the enum is malformed. */
	pbuf_reset(&b);
	a.decision = 99;
	assert_int_equal(proto_answer_encode(&b, &a), PROTO_OK);
	assert_int_equal(proto_answer_decode(&b, &r), PROTO_EPROTO);
	assert_int_equal(r.decision, 0);
	pbuf_free(&b);
}

static void
admin_roundtrip(void **state)
{
	char a0[] = "request", a1[] = "submit", a2[] = "--reason",
	    a3[] = "a\nb=c \"d\"";
	char *argv[] = { a0, a1, a2, a3, NULL };
	char **out = NULL, *o = NULL, *e = NULL;
	struct pbuf b;
	uint32_t st;
	int argc = 0, i;

	(void)state;
	pbuf_init(&b, PROTO_MAX);
	assert_int_equal(proto_admin_encode(&b, 4, argv), PROTO_OK);
	assert_int_equal(proto_admin_decode(&b, &argc, &out), PROTO_OK);
	assert_int_equal(argc, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(out[i], argv[i]);
	assert_null(out[4]);
	proto_argv_free(argc, out);

	pbuf_reset(&b);
	assert_int_equal(proto_reply_encode(&b, 65, "x\n", 2, "bad"),
	    PROTO_OK);
	assert_int_equal(proto_reply_decode(&b, &st, &o, &e), PROTO_OK);
	assert_int_equal(st, 65);
	assert_string_equal(o, "x\n");
	assert_string_equal(e, "bad");
	free(o);
	free(e);
	pbuf_free(&b);
}

static void
bad_strings(void **state)
{
	struct proto_query q;
	struct pbuf b;
	char big[PROTO_NAME_MAX + 2];

	(void)state;
	pbuf_init(&b, PROTO_QUERY_MAX);
	/* An embedded NUL is refused on encode... */
	assert_int_equal(proto_put_strn(&b, "ab\0c", 4), PROTO_EPROTO);
	/* ...and the error sticks. */
	assert_int_equal(proto_put_str(&b, "ok"), PROTO_EPROTO);
	pbuf_reset(&b);

	/* ...and on decode. */
	proto_put_strn(&b, "rw", 2);
	b.data[b.len - 1] = '\0';
	assert_int_equal(proto_query_decode(&b, &q), PROTO_EPROTO);

	/* A user name one byte over the limit. */
	pbuf_reset(&b);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	proto_put_str(&b, big);
	proto_put_str(&b, "sshd");
	proto_put_str(&b, "");
	proto_put_str(&b, "");
	proto_put_str(&b, "");
	proto_put_str(&b, "");
	assert_int_equal(b.err, 0);
	assert_int_equal(proto_query_decode(&b, &q), PROTO_EPROTO);
	assert_string_equal(q.user, "");

	/* Trailing bytes are an error. */
	pbuf_reset(&b);
	fill_query(&q);
	proto_query_encode(&b, &q);
	proto_put_u32(&b, 0);
	assert_int_equal(proto_query_decode(&b, &q), PROTO_EPROTO);

	/* A string length beyond the payload. */
	pbuf_reset(&b);
	proto_put_u32(&b, 0xffffffffu);
	assert_int_equal(proto_query_decode(&b, &q), PROTO_EPROTO);
	pbuf_free(&b);
}

static void
buffer_limit(void **state)
{
	struct pbuf b;
	char s[100];

	(void)state;
	memset(s, 'x', sizeof(s));
	pbuf_init(&b, 64);
	assert_int_equal(proto_put_strn(&b, s, 60), PROTO_OK);
	assert_int_equal(proto_put_u32(&b, 1), PROTO_EPROTO);
	assert_true(b.len <= 64);
	pbuf_free(&b);
}

/* Every proper prefix of a valid message fails to decode. */
/* The module's audit note: round trip, every truncation, bad decision,
 * trailing bytes, an over-long user. */
static void
note_codec(void **state)
{
	struct proto_note n, r;
	struct pbuf b, t;
	size_t i;

	(void)state;
	memset(&n, 0, sizeof(n));
	fill_query(&n.q);
	n.decision = PROTO_ALLOW;
	strcpy(n.resource, "host:srv-web1");
	strcpy(n.grant, "2026-000123");
	strcpy(n.reason, "active grant");
	strcpy(n.id, "0123456789abcdef");
	n.at = 1790000000;
	pbuf_init(&b, PROTO_QUERY_MAX);
	pbuf_init(&t, PROTO_QUERY_MAX);
	assert_int_equal(proto_note_encode(&b, &n), PROTO_OK);
	assert_int_equal(pbuf_set(&t, b.data, b.len), PROTO_OK);
	assert_int_equal(proto_note_decode(&t, &r), PROTO_OK);
	assert_memory_equal(&n, &r, sizeof(n));
	for (i = 0; i < b.len; i++) {
		assert_int_equal(pbuf_set(&t, b.data, i), PROTO_OK);
		assert_int_equal(proto_note_decode(&t, &r), PROTO_EPROTO);
		assert_int_equal(r.decision, 0);
	}
	/* a trailing byte */
	assert_int_equal(proto_put_u32(&b, 0), PROTO_OK);
	assert_int_equal(pbuf_set(&t, b.data, b.len), PROTO_OK);
	assert_int_equal(proto_note_decode(&t, &r), PROTO_EPROTO);
	/* an id that is not PROTO_NOTE_ID_LEN hex digits */
	strcpy(n.id, "0123456789ABCDEF");
	pbuf_reset(&b);
	assert_int_equal(proto_note_encode(&b, &n), PROTO_OK);
	assert_int_equal(proto_note_decode(&b, &r), PROTO_EPROTO);
	strcpy(n.id, "0123");
	pbuf_reset(&b);
	assert_int_equal(proto_note_encode(&b, &n), PROTO_OK);
	assert_int_equal(proto_note_decode(&b, &r), PROTO_EPROTO);
	strcpy(n.id, "0123456789abcdef");
	/* a decision outside the enum */
	n.decision = 0;
	pbuf_reset(&b);
	assert_int_equal(proto_note_encode(&b, &n), PROTO_OK);
	assert_int_equal(proto_note_decode(&b, &r), PROTO_EPROTO);
	/* a user longer than PROTO_NAME_MAX */
	pbuf_reset(&b);
	n.decision = PROTO_DENY;
	for (i = 0; i < 5; i++)
		proto_put_str(&b, i == 0 ? "a-login-name-that-is-longer-than-"
		    "sixty-four-bytes-is-no-login-name-at-all" : "x");
	proto_put_str(&b, "");
	proto_put_u32(&b, PROTO_DENY);
	proto_put_str(&b, "r");
	proto_put_str(&b, "g");
	proto_put_str(&b, "why");
	assert_int_equal(proto_note_decode(&b, &r), PROTO_EPROTO);
	pbuf_free(&b);
	pbuf_free(&t);
}

static void
truncated(void **state)
{
	struct proto_query q;
	struct proto_answer a;
	struct pbuf b, t;
	size_t n;

	(void)state;
	fill_query(&q);
	pbuf_init(&b, PROTO_QUERY_MAX);
	pbuf_init(&t, PROTO_QUERY_MAX);
	proto_query_encode(&b, &q);
	for (n = 0; n < b.len; n++) {
		assert_int_equal(pbuf_set(&t, b.data, n), PROTO_OK);
		assert_int_equal(proto_query_decode(&t, &q), PROTO_EPROTO);
	}
	memset(&a, 0, sizeof(a));
	a.decision = PROTO_ALLOW;
	pbuf_reset(&b);
	proto_answer_encode(&b, &a);
	for (n = 0; n < b.len; n++) {
		assert_int_equal(pbuf_set(&t, b.data, n), PROTO_OK);
		assert_int_equal(proto_answer_decode(&t, &a), PROTO_EPROTO);
		assert_int_equal(a.decision, 0);
	}
	pbuf_free(&b);
	pbuf_free(&t);
}

/* Random payloads and random mutations of valid ones never crash. */
static void
fuzz(void **state)
{
	struct proto_query q;
	struct proto_answer a;
	struct pbuf b, v;
	unsigned char raw[512];
	char **argv;
	char *o, *e;
	uint32_t st;
	int i, j, argc;
	size_t n;

	(void)state;
	srandom(4533);
	pbuf_init(&b, PROTO_QUERY_MAX);
	pbuf_init(&v, PROTO_QUERY_MAX);
	fill_query(&q);
	proto_query_encode(&v, &q);
	for (i = 0; i < 200000; i++) {
		if (i & 1) {
			n = (size_t)random() % sizeof(raw);
			for (j = 0; j < (int)n; j++)
				raw[j] = (unsigned char)random();
		} else {
			n = v.len;
			memcpy(raw, v.data, n);
			for (j = 0; j < 1 + (int)(random() % 4); j++)
				raw[random() % n] = (unsigned char)random();
		}
		pbuf_set(&b, raw, n);
		(void)proto_query_decode(&b, &q);
		pbuf_set(&b, raw, n);
		(void)proto_answer_decode(&b, &a);
		pbuf_set(&b, raw, n);
		if (proto_admin_decode(&b, &argc, &argv) == PROTO_OK)
			proto_argv_free(argc, argv);
		pbuf_set(&b, raw, n);
		if (proto_reply_decode(&b, &st, &o, &e) == PROTO_OK) {
			free(o);
			free(e);
		}
	}
	pbuf_free(&b);
	pbuf_free(&v);
}

static void
frames(void **state)
{
	unsigned char hdr[PROTO_HDR_LEN] = { 0, 0, 0, 1, 0, 0, 0, 1,
	    0x7f, 0xff, 0xff, 0xff };
	struct proto_query q, r;
	struct pbuf b;
	uint32_t type;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pbuf_init(&b, PROTO_QUERY_MAX);

	/* A good frame. */
	fill_query(&q);
	proto_query_encode(&b, &q);
	assert_int_equal(proto_send(sv[0], PROTO_T_QUERY, &b, 1000), PROTO_OK);
	assert_int_equal(proto_recv(sv[1], &type, &b, 1000), PROTO_OK);
	assert_int_equal(type, PROTO_T_QUERY);
	assert_int_equal(proto_query_decode(&b, &r), PROTO_OK);
	assert_string_equal(r.user, q.user);

	/* An oversized length is refused from the header alone. */
	assert_int_equal(write(sv[0], hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	assert_int_equal(proto_recv(sv[1], &type, &b, 1000), PROTO_EPROTO);
	assert_true(b.cap <= PROTO_QUERY_MAX);

	/* A wrong version. */
	hdr[3] = 2;
	hdr[8] = 0;
	hdr[9] = hdr[10] = hdr[11] = 0;
	assert_int_equal(write(sv[0], hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	assert_int_equal(proto_recv(sv[1], &type, &b, 1000), PROTO_EPROTO);

	/* A peer that says nothing: the deadline holds. */
	assert_int_equal(proto_recv(sv[1], &type, &b, 50), PROTO_ETIMEDOUT);

	/* Half a frame, then the peer goes away. */
	hdr[3] = 1;
	hdr[11] = 10;
	assert_int_equal(write(sv[0], hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	assert_int_equal(write(sv[0], "abc", 3), 3);
	close(sv[0]);
	assert_int_equal(proto_recv(sv[1], &type, &b, 1000), PROTO_EIO);
	close(sv[1]);
	pbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_roundtrip),
		cmocka_unit_test(answer_roundtrip),
		cmocka_unit_test(note_codec),
		cmocka_unit_test(admin_roundtrip),
		cmocka_unit_test(bad_strings),
		cmocka_unit_test(buffer_limit),
		cmocka_unit_test(truncated),
		cmocka_unit_test(fuzz),
		cmocka_unit_test(frames),
	};
	int n = (int)(sizeof(tests) / sizeof(tests[0]));
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	printf("%d passed, %d failed\n", n - failed, failed);
	return failed != 0;
}
