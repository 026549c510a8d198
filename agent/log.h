/*
 * log.h: logging for kuncid and kuncictl, after OpenBSD ntpd's log.c.
 *
 * In the foreground (-f) messages go to stderr; otherwise to syslog.  kunci
 * speaks the syslog datagram protocol itself rather than through syslog(3)
 * so the socket can be chosen (tests capture records on a private socket;
 * glibc's syslog(3) only knows /dev/log).  Operational messages use
 * LOG_DAEMON, audit records LOG_AUTHPRIV.
 *
 * Audit records are one line of key=value pairs, event first:
 *
 *	event=request.submit request=2026-000001 actor=budi as= reason="a b"
 *
 * A value made only of [A-Za-z0-9._:@/+-] is written bare; any other value
 * is double-quoted with \\, \", \n, \r, \t escaped and every other byte
 * below 0x20 or 0x7f written as \xNN, so no value can split a record or
 * forge a key.  All functions are thread-safe.  Ordinary messages never
 * wait more than about a millisecond for a stalled syslog receiver: they
 * are dropped instead (audit records are queued, below).
 */
#ifndef KUNCI_LOG_H
#define KUNCI_LOG_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * ident: program name; foreground: also/only stderr; verbose: log_debug on;
 * sockpath: syslog socket (NULL: /dev/log).  Call once, before threads.
 */
void	log_init(const char *ident, int foreground, int verbose,
	    const char *sockpath);
void	log_verbose(int);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * One audit record: event, then key/value string pairs ending with NULL.
 * A NULL value is written as empty.  Records longer than LOG_AUDIT_MAX
 * are truncated at a pair boundary and end with "truncated=1".
 *
 * Audit records never wait for the log receiver and never take the lock
 * ordinary logging takes: a record is sent at once if that cannot block
 * (the queue is empty and the syslog socket has room), and otherwise
 * queued (at most LOG_AUDIT_QMAX records) for a writer thread of its own.
 * 0 when the record was sent or queued; -1 when it was lost (the queue
 * full: the receiver stalled), which is counted (log_audit_stats()).  A
 * caller whose action must not happen unrecorded (a login) refuses it on
 * -1.  What is queued at exit() is sent for up to 2 s.
 */
#define LOG_AUDIT_MAX	4096
#define LOG_AUDIT_QMAX	4096
int	log_audit(const char *event, ...) __attribute__((sentinel));
int	log_vaudit(const char *event, va_list);
/*
 * Chain every audit record from now on (chain.h): open the head in
 * statedir for host and write the first record, which says how the chain
 * begins (new, resumed after a clean stop, or after a crash with the
 * positions that may never have been emitted).  From then on records are
 * always queued and the writer makes the head durable once per batch,
 * before sending it.  Call once, in the process that logs (after
 * daemon()).  0, or -1 with a reason in err.
 */
int	log_audit_chain(const char *statedir, const char *host,
	    const char *version, char *err, size_t errsz);
/* The last record sent (host, seq, chain value); -1 before the first. */
int	log_audit_head(char *host, size_t hostsz, uint64_t *seq,
	    unsigned char val[32]);
/* Wait up to ms for the queue to drain. */
void	log_audit_drain(int ms);
/*
 * At a clean stop, after the last record: wait for the queue to drain and
 * mark the head clean, so the next start says the chain resumed rather
 * than crashed.  Records logged after this still go out, chained.
 */
void	log_audit_close(void);
/* Records waiting in the queue now, and lost since start. */
void	log_audit_stats(unsigned long *queued, unsigned long *lost);

/*
 * Rate limiting for a warning that a caller can provoke at will (a
 * refused connection): the first in each interval is logged, the rest
 * counted.  log_rate() says whether to log this one and how many were
 * held back before it; log_rate_flush() returns (and clears) the count
 * held back in an interval that has ended, for a summary line.  Each
 * limiter has its own small lock, never the logging lock.
 */
struct log_rate {
	pthread_mutex_t	mtx;
	int		interval;	/* seconds */
	int64_t		until;		/* CLOCK_MONOTONIC ms; 0: never */
	unsigned long	held;
};
#define LOG_RATE_INIT(secs)	{ PTHREAD_MUTEX_INITIALIZER, (secs), 0, 0 }
int	log_rate(struct log_rate *, unsigned long *held_before);
unsigned long log_rate_flush(struct log_rate *);

/*
 * Append key=value (escaped as above) to dst, which holds a NUL-terminated
 * string of capacity dstsz.  Returns 0, or -1 when it does not fit (dst is
 * then unchanged).
 */
int	log_kv_append(char *dst, size_t dstsz, const char *key,
	    const char *value);

#endif /* KUNCI_LOG_H */
