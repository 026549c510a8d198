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
 * forge a key.  All functions are thread-safe.
 */
#ifndef KUNCI_LOG_H
#define KUNCI_LOG_H

#include <stdarg.h>
#include <stddef.h>

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
 */
#define LOG_AUDIT_MAX	4096
void	log_audit(const char *event, ...) __attribute__((sentinel));
void	log_vaudit(const char *event, va_list);

/*
 * Append key=value (escaped as above) to dst, which holds a NUL-terminated
 * string of capacity dstsz.  Returns 0, or -1 when it does not fit (dst is
 * then unchanged).
 */
int	log_kv_append(char *dst, size_t dstsz, const char *key,
	    const char *value);

#endif /* KUNCI_LOG_H */
