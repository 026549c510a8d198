/*
 * gate_note.c: the note FIFO's reader, the gate's "notes" thread: each
 * note pam_kunci.so wrote after deciding a login from the gate table is
 * decided again from the index and audited (a login, or login.mismatch).
 * The state and helpers it shares with gate.c are in gate_int.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decide.h"
#include "gate_int.h"
#include "gtab.h"
#include "kuncid.h"
#include "log.h"
#include "proto.h"

/*
 * A note from pam_kunci.so: a decision it made from the table.  kuncid
 * decides the same query again from its index at the note's time: if it
 * agrees, the note is audited as the login (via=table, with the note's id,
 * which the module's own syslog record also carries) and the grant's use
 * is noted for kunciLastUsed; if not -- a note forged by root, a note
 * older than NOTE_MAX_AGE, or a change that reached the index between the
 * module's decision and this check -- it is audited as login.mismatch
 * with both decisions, never as a login.allow of kuncid's.
 */
#define NOTE_MAX_AGE	60	/* s; kuncid frozen longer: notes flagged */

static void
handle_note(const struct proto_note *n)
{
	struct kd_source src;
	struct kd_result r, mine;
	struct kd_when t;
	struct tm tm;
	char *ludn = NULL;
	const char *why = NULL, *user;
	time_t now = time(NULL), at = (time_t)n->at;
	int begun;

	memset(&r, 0, sizeof(r));
	r.decision = n->decision;
	r.reason = n->reason;
	snprintf(r.resource, sizeof(r.resource), "%s", n->resource);
	snprintf(r.grant, sizeof(r.grant), "%s", n->grant);

	ix_source(&src);
	if (at > now + 1 || at < now - NOTE_MAX_AGE) {
		why = "note time out of range";
		at = now;
	}
	pthread_rwlock_rdlock(&gate_g.lock);
	begun = kd_begin(&src, &n->q, &mine);
	pthread_rwlock_unlock(&gate_g.lock);
	if (begun == 0) {
		localtime_r(&at, &tm);
		t.now = at;
		t.wday = tm.tm_wday;
		t.minute = tm.tm_hour * 60 + tm.tm_min;
		pthread_rwlock_rdlock(&gate_g.lock);
		if (gate_g.ix == NULL) {
			mine.decision = PROTO_UNAVAIL;
			mine.reason = "no grant index";
		} else
			(void)kd_finish(&src, n->q.user, &t, &mine);
		if (why == NULL && mine.decision == PROTO_ALLOW &&
		    n->decision == PROTO_ALLOW &&
		    strcmp(mine.grant, n->grant) == 0)
			ludn = lu_touch(mine.allow_ref, now);
		pthread_rwlock_unlock(&gate_g.lock);
	}
	r.known = mine.known;
	if (why == NULL && (mine.decision != n->decision ||
	    strcmp(mine.resource, n->resource) != 0 ||
	    (n->decision == PROTO_ALLOW && strcmp(mine.grant, n->grant) != 0)))
		why = "kuncid decides otherwise";
	if (why == NULL) {
		if (ludn != NULL) {
			lu_enqueue(ludn);
			free(ludn);
		}
		(void)audit_login(&n->q, &r, "table", n->id);
		return;
	}
	free(ludn);
	user = n->q.user;
	if (!r.known && (gate_g.ctx == NULL || !gate_g.ctx->debug))
		user = "(unknown)";
	(void)log_audit("login.mismatch", "user", user, "service",
	    n->q.service, "rhost", n->q.rhost, "tty", n->q.tty, "resource",
	    n->resource, "grant", n->grant, "decision",
	    kd_decision_name(n->decision), "reason", n->reason,
	    "kuncid_decision", kd_decision_name(mine.decision),
	    "kuncid_grant", mine.grant, "kuncid_reason", mine.reason != NULL ?
	    mine.reason : "", "why", why, "via", "table", "note", n->id,
	    (char *)NULL);
}

/*
 * The note FIFO.  Why a FIFO and not a datagram socket: a unix datagram
 * queue holds net.unix.max_dgram_qlen notes (10 without systemd's sysctl),
 * and a writer that finds the reader waiting wakes it, which on a busy
 * machine costs the login the wake-up kuncid was meant to spare it.  A
 * pipe holds a megabyte, writes up to PIPE_BUF bytes are atomic (notes
 * never interleave), and while notes are flowing kuncid reads on a timer,
 * so writers find nobody to wake.  The FIFO is mode 0600, kuncid's:
 * only root (the module inside sshd) and kuncid can write notes.  kuncid
 * holds a write end too, so the read end never sees end-of-file; a module
 * that opens the FIFO when kuncid is gone gets ENXIO and asks the socket.
 */
#define NOTE_BUSY_MS	5	/* read interval while notes flow */
#define NOTE_IDLE_MS	200	/* no note for this long: block again */

struct note_q gate_nq = { .wfd = -1 };

/* A malformed stretch of the FIFO: say so, at most once per RL_SECS. */
static void
note_bad(size_t bytes)
{
	unsigned long held;
	char text[96];

	if (bytes > 0 && log_rate(&note_rl, &held))
		log_warnx("note fifo: malformed note; %zu bytes skipped%s",
		    bytes, held > 0 ? held_text(held, text, sizeof(text)) : "");
}

/*
 * Handle every whole note in gate_nq.buf.  empty: the FIFO was read until it
 * had nothing more, so a frame still incomplete at the end can never be
 * completed (the module's notes are single atomic writes): it is partial,
 * written by root by hand, and skipped.  Anything that is no note is
 * skipped up to the next GTAB_NOTE_MAGIC, so one bad write costs only
 * itself, never the notes after it.
 */
static void
parse_notes(struct pbuf *b, int empty)
{
	const size_t head = GTAB_NOTE_MAGIC_LEN + PROTO_HDR_LEN;
	struct proto_note n;
	unsigned char *m;
	uint32_t type, len;
	size_t off = 0, rest, keep, bad = 0;

	while (off < gate_nq.len) {
		m = memmem(gate_nq.buf + off, gate_nq.len - off,
		    GTAB_NOTE_MAGIC, GTAB_NOTE_MAGIC_LEN);
		if (m == NULL) {
			/* a marker may be cut at the end: keep its start */
			keep = empty ? 0 :
			    gate_nq.len - off < GTAB_NOTE_MAGIC_LEN ?
			    gate_nq.len - off : GTAB_NOTE_MAGIC_LEN - 1;
			bad += gate_nq.len - off - keep;
			off = gate_nq.len - keep;
			break;
		}
		bad += (size_t)(m - (gate_nq.buf + off));
		off = (size_t)(m - gate_nq.buf);
		rest = gate_nq.len - off;
		if (rest < head) {
			if (!empty)
				break;
			bad += rest;
			off = gate_nq.len;
			break;
		}
		if (proto_hdr_parse(gate_nq.buf + off + GTAB_NOTE_MAGIC_LEN,
		    PROTO_QUERY_MAX, &type, &len) != PROTO_OK ||
		    type != PROTO_T_NOTE) {
			bad++;
			off++;		/* look for the next marker */
			continue;
		}
		if (rest - head < len) {
			if (!empty)
				break;	/* the rest comes with the next read */
			bad++;
			off++;
			continue;
		}
		if (pbuf_set(b, gate_nq.buf + off + head, len) != PROTO_OK ||
		    proto_note_decode(b, &n) != PROTO_OK ||
		    !kd_valid_name(n.q.user)) {
			bad++;
			off++;
			continue;
		}
		note_bad(bad);
		bad = 0;
		handle_note(&n);
		off += head + len;
	}
	note_bad(bad);
	memmove(gate_nq.buf, gate_nq.buf + off, gate_nq.len - off);
	gate_nq.len -= off;
}

/* Read what the FIFO holds and handle every whole note; 1 if any. */
static int
drain_notes(void)
{
	struct pbuf b;
	ssize_t got;
	int any = 0, empty;

	pbuf_init(&b, PROTO_QUERY_MAX);
	for (;;) {
		got = read(gate_g.nfd, gate_nq.buf + gate_nq.len,
		    sizeof(gate_nq.buf) - gate_nq.len);
		if (got == -1 && errno == EINTR)
			continue;
		/* empty: nothing more to read (EAGAIN); a full buffer reads 0
		 * bytes but is not empty, and parsing it always makes room */
		empty = got <= 0 && gate_nq.len < sizeof(gate_nq.buf);
		if (got > 0) {
			gate_nq.len += (size_t)got;
			any = 1;
		}
		parse_notes(&b, empty);
		if (empty)
			break;
	}
	pbuf_free(&b);
	return any;
}

void *
note_main(void *arg)
{
	struct pollfd pfd[2];
	int64_t quiet_since = 0;
	int busy = 0;

	(void)arg;
	gate_background();
	pfd[0].fd = gate_g.stop_pipe[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = gate_g.nfd;
	pfd[1].events = POLLIN;
	while (!gate_g.stopping) {
		pfd[0].revents = pfd[1].revents = 0;
		/* busy: wait on the stop pipe only, so writers wake nobody */
		if (poll(pfd, busy ? 1 : 2, busy ? NOTE_BUSY_MS : -1) == -1) {
			if (errno != EINTR) {
				log_warn("note fifo: poll");
				gate_nap(1);
			}
			continue;
		}
		if (pfd[0].revents)
			break;
		if (drain_notes()) {
			busy = 1;
			quiet_since = mono_ms();
		} else if (busy && mono_ms() - quiet_since >= NOTE_IDLE_MS)
			busy = 0;
	}
	drain_notes();	/* what was queued before the stop is audited */
	return NULL;
}

/* The note FIFO, read end non-blocking; -1 on failure. */
int
note_listen(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
			log_warnx("%s exists and is not a FIFO", path);
			return -1;
		}
		(void)unlink(path);
	}
	if (mkfifo(path, 0600) == -1) {
		log_warn("note fifo %s", path);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
	    (gate_nq.wfd = open(path,
	    O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		log_warn("note fifo %s", path);
		if (fd != -1)
			close(fd);
		(void)unlink(path);
		return -1;
	}
	/* room for thousands of notes between two reads */
	(void)fcntl(fd, F_SETPIPE_SZ, 1024 * 1024);
	return fd;
}
