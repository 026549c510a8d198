/*
 * gsync.h: the parts of the login gate's content-sync consumer
 * (gate_consumer.c) that need no LDAP connection, so the unit tests can drive them: the
 * heartbeat that notices a silent directory, the RFC 4533 Sync Info
 * decoder, and the cookie kept across reconnects.  (What a present
 * phase named is marked in the index itself: gindex_mark().)
 *
 * Heartbeat.  TCP keepalive notices a dead peer after minutes and never a
 * hung slapd (its kernel still acknowledges), so the sync thread sends a
 * cheap search on the sync connection itself every `interval' ms (one at
 * a time) and declares the connection dead when nothing at all has
 * arrived for `timeout' ms while a probe has been out for at least
 * min(interval, timeout) (any message proves the connection alive: during
 * a large refresh the probe's answer may queue behind thousands of
 * entries).  A silence that starts at T is noticed by T + max(timeout,
 * interval + min(interval, timeout)): T + 3 s with the defaults (1 s, 3 s).
 */
#ifndef KUNCI_GSYNC_H
#define KUNCI_GSYNC_H

#include <stddef.h>
#include <stdint.h>

#define GSYNC_UUID_LEN		16
#define GSYNC_COOKIE_MAX	1024	/* a longer cookie is not kept */

struct gsync_hb {
	int64_t	interval, timeout;	/* ms */
	int64_t	sent;			/* when the probe went, 0: none out */
	int64_t	last_sent;		/* when the last probe went */
	int64_t	last_rx;		/* when anything arrived */
};

void	gsync_hb_init(struct gsync_hb *, int64_t interval_ms,
	    int64_t timeout_ms, int64_t now);
/* Anything arrived on the connection. */
void	gsync_hb_rx(struct gsync_hb *, int64_t now);
/* The probe's own answer arrived: none is outstanding any more. */
void	gsync_hb_answered(struct gsync_hb *, int64_t now);
/* 1 if a probe should be sent now (then call gsync_hb_sent()). */
int	gsync_hb_due(const struct gsync_hb *, int64_t now);
void	gsync_hb_sent(struct gsync_hb *, int64_t now);
/* 1 if the connection is to be given up. */
int	gsync_hb_dead(const struct gsync_hb *, int64_t now);
/* How long the caller may wait for a message before the next check. */
int64_t	gsync_hb_wait(const struct gsync_hb *, int64_t now);

/* A decoded Sync Info message (RFC 4533 section 2.5). */
enum gsync_info_kind {
	GSYNC_NEWCOOKIE,
	GSYNC_REFRESH_DELETE,	/* end of a delete phase */
	GSYNC_REFRESH_PRESENT,	/* end of a present phase */
	GSYNC_ID_SET		/* a batch of entryUUIDs */
};

struct gsync_info {
	enum gsync_info_kind	 kind;
	const unsigned char	*cookie;	/* into the input, or NULL */
	size_t			 cookie_len;
	int			 done;		/* refreshDone (default TRUE) */
	int			 deletes;	/* syncIdSet refreshDeletes */
	const unsigned char	*uuids;		/* n * 16 bytes, into input */
	size_t			 nuuids;
};

/*
 * Decode the BER value of a Sync Info message (buf, len).  The cookie
 * and the UUIDs point into buf.  0, or -1 if it is malformed (the session
 * is then restarted).
 */
int	gsync_info_decode(const unsigned char *buf, size_t len,
	    struct gsync_info *);
/* The k-th UUID of a syncIdSet (k < nuuids). */
const unsigned char *gsync_info_uuid(const struct gsync_info *, size_t k);

/* The cookie of the last complete state, for the URI it came from. */
struct gsync_cookie {
	unsigned char	 val[GSYNC_COOKIE_MAX];
	size_t		 len;		/* 0: none */
	int		 uri;		/* index in directory.uri */
};

/* Keep (val, len) for uri; a cookie too long to keep clears it. */
void	gsync_cookie_set(struct gsync_cookie *, const unsigned char *val,
	    size_t len, int uri);
void	gsync_cookie_clear(struct gsync_cookie *);

#endif /* KUNCI_GSYNC_H */
