/*
 * proto.h: the one socket codec of kunci, shared by kuncid, kuncictl and
 * pam_kunci.so.  This comment is the wire specification.
 *
 * Transport: a unix stream socket.  One request frame, one reply frame, then
 * the client closes (kuncictl may send several requests on one connection,
 * the module sends one).
 *
 * Frame:
 *
 *	u32 version	PROTO_VERSION; any other value closes the connection
 *	u32 type	enum proto_type
 *	u32 len		payload length in bytes, at most the receiver's limit
 *			(PROTO_QUERY_MAX for queries and answers, PROTO_MAX
 *			for admin requests and replies), checked before
 *			anything is allocated
 *	u8  payload[len]
 *
 * All integers are unsigned 32-bit, big-endian (network order).  A string is
 * u32 n followed by n bytes, no terminator; it may not contain a NUL byte
 * and each message type bounds n (PROTO_STR_MAX at most).  A payload must be
 * consumed exactly: trailing bytes are an error.
 *
 * PROTO_T_QUERY (module -> kuncid, query socket), six strings:
 *	user, service, rhost, tty, host, resource ("" = map from service)
 *	user at most PROTO_NAME_MAX bytes, the others PROTO_FIELD_MAX.
 *
 * PROTO_T_ANSWER (kuncid -> module):
 *	u32 decision (enum proto_decision), string resource, string grant,
 *	string message (shown to the user on a denial; PROTO_MSG_MAX)
 *
 * PROTO_T_NOTE (module -> kuncid, the note FIFO, one write() of at most
 * PIPE_BUF bytes holding GTAB_NOTE_MAGIC and one whole frame; no reply): a
 * decision the module made itself from the gate table (gtab.h), for kuncid
 * to check against its index, audit, and note the grant's use.
 *	the six query strings, u32 decision, string resource, string grant,
 *	string reason (PROTO_FIELD_MAX each but user), string id (the note's
 *	nonce, PROTO_NOTE_ID_LEN lowercase hex digits, also in the module's
 *	own syslog record), u32 at (the Unix time the module decided at)
 *
 * PROTO_T_ADMIN (kuncictl -> kuncid, admin socket):
 *	u32 argc (1..PROTO_ARGC_MAX), argc strings: the command line words
 *	after the program name (global options included, e.g. "--as" "budi").
 *
 * PROTO_T_REPLY (kuncid -> kuncictl):
 *	u32 status (an exit status from sysexits.h, 0 on success),
 *	string out (printed on stdout), string err (printed on stderr).
 *
 * Timeouts: every read and write runs against one deadline given by the
 * caller in milliseconds; a peer that stalls gets PROTO_ETIMEDOUT.
 */
#ifndef KUNCI_PROTO_H
#define KUNCI_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION	1
#define PROTO_HDR_LEN	12
#define PROTO_MAX	(16u * 1024 * 1024)	/* admin frames */
#define PROTO_QUERY_MAX	4096			/* query and answer frames */
#define PROTO_STR_MAX	(4u * 1024 * 1024)
#define PROTO_NAME_MAX	64	/* a login name */
#define PROTO_FIELD_MAX	255	/* service, rhost, tty, host, resource */
#define PROTO_MSG_MAX	512
#define PROTO_ARGC_MAX	64
#define PROTO_ARG_MAX	8192	/* one command-line word */
#define PROTO_NOTE_ID_LEN 16	/* a note's nonce: 64 random bits in hex */

enum proto_type {
	PROTO_T_QUERY = 1,
	PROTO_T_ANSWER = 2,
	PROTO_T_ADMIN = 3,
	PROTO_T_REPLY = 4,
	PROTO_T_NOTE = 5,
};

enum proto_decision {
	PROTO_ALLOW = 1,	/* an active grant matches */
	PROTO_DENY = 2,		/* a managed user without a matching grant */
	PROTO_UNKNOWN = 3,	/* a user kunci does not know: deny by default */
	PROTO_IGNORE = 4,	/* an unmanaged account (break-glass) */
	PROTO_UNAVAIL = 5,	/* kuncid cannot decide now */
};

/* Errors (negative). */
#define PROTO_OK	0
#define PROTO_EIO	(-1)	/* read/write failed, or the peer closed */
#define PROTO_ETIMEDOUT	(-2)
#define PROTO_EPROTO	(-3)	/* malformed, oversized or wrong version */
#define PROTO_ENOMEM	(-4)

/*
 * A growable byte buffer with a hard limit.  data is owned by the buffer;
 * pbuf_free() wipes and frees it (it may hold a password).  err sticks:
 * after one failed put or get every later call fails too, so a message can
 * be built or parsed with one check at the end.
 */
struct pbuf {
	unsigned char	*data;
	size_t		 len;	/* bytes written */
	size_t		 off;	/* read position */
	size_t		 cap;
	size_t		 max;	/* len never exceeds this */
	int		 err;
};

void	pbuf_init(struct pbuf *, size_t max);
void	pbuf_reset(struct pbuf *);
void	pbuf_free(struct pbuf *);
/* Replace the contents with a copy of n bytes; PROTO_EPROTO if n > max. */
int	pbuf_set(struct pbuf *, const void *, size_t n);

int	proto_put_u32(struct pbuf *, uint32_t);
/* n bytes of s; fails on an embedded NUL or n > PROTO_STR_MAX. */
int	proto_put_strn(struct pbuf *, const char *s, size_t n);
int	proto_put_str(struct pbuf *, const char *s);	/* NULL sends "" */

int	proto_get_u32(struct pbuf *, uint32_t *);
/* Copy a string of at most max bytes into a fresh NUL-terminated *out. */
int	proto_get_str(struct pbuf *, size_t max, char **out);
/* Copy a string into dst (dstsz includes the NUL); fails if it is longer. */
int	proto_get_strbuf(struct pbuf *, char *dst, size_t dstsz);
/* 0 if the whole payload was consumed without error. */
int	proto_get_end(const struct pbuf *);

/*
 * Frame I/O with a deadline of timeout_ms from the call (-1: none).
 * proto_recv() reads one frame into payload (whose max bounds len) and
 * checks the version.  Both return PROTO_OK or a negative PROTO_E*.
 */
int	proto_send(int fd, uint32_t type, const struct pbuf *, int timeout_ms);
int	proto_recv(int fd, uint32_t *type, struct pbuf *, int timeout_ms);

/* Write a frame header (for a datagram holding a whole frame). */
void	proto_hdr_make(unsigned char hdr[PROTO_HDR_LEN], uint32_t type,
	    uint32_t len);
/* Parse a frame header; PROTO_EPROTO on a bad version or len > max. */
int	proto_hdr_parse(const unsigned char hdr[PROTO_HDR_LEN], size_t max,
	    uint32_t *type, uint32_t *len);

/* Messages. */
struct proto_query {
	char	user[PROTO_NAME_MAX + 1];
	char	service[PROTO_FIELD_MAX + 1];
	char	rhost[PROTO_FIELD_MAX + 1];
	char	tty[PROTO_FIELD_MAX + 1];
	char	host[PROTO_FIELD_MAX + 1];
	char	resource[PROTO_FIELD_MAX + 1];
};

struct proto_answer {
	uint32_t decision;
	char	 resource[PROTO_FIELD_MAX + 1];
	char	 grant[PROTO_FIELD_MAX + 1];
	char	 message[PROTO_MSG_MAX + 1];
};

struct proto_note {
	struct proto_query q;
	uint32_t decision;
	char	 resource[PROTO_FIELD_MAX + 1];
	char	 grant[PROTO_FIELD_MAX + 1];
	char	 reason[PROTO_FIELD_MAX + 1];
	char	 id[PROTO_NOTE_ID_LEN + 1];
	uint32_t at;
};

int	proto_query_encode(struct pbuf *, const struct proto_query *);
int	proto_query_decode(struct pbuf *, struct proto_query *);
int	proto_answer_encode(struct pbuf *, const struct proto_answer *);
int	proto_answer_decode(struct pbuf *, struct proto_answer *);
int	proto_note_encode(struct pbuf *, const struct proto_note *);
int	proto_note_decode(struct pbuf *, struct proto_note *);

/* Admin request: argv is NULL-terminated on decode; free with
 * proto_argv_free(). */
int	proto_admin_encode(struct pbuf *, int argc, char *const argv[]);
int	proto_admin_decode(struct pbuf *, int *argc, char ***argv);
void	proto_argv_free(int argc, char **argv);

/* Reply: out and err are fresh strings on decode. */
int	proto_reply_encode(struct pbuf *, uint32_t status, const char *out,
	    size_t outlen, const char *err);
int	proto_reply_decode(struct pbuf *, uint32_t *status, char **out,
	    char **err);

const char *proto_strerror(int);

#endif /* KUNCI_PROTO_H */
