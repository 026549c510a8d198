/*
 * log.c: see log.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	(LOG_AUDIT_MAX + 256)

static pthread_mutex_t	 log_mtx = PTHREAD_MUTEX_INITIALIZER;
static const char	*log_ident = "kunci";
static int		 log_fg = 1;
static int		 log_dbg;
static int		 log_fd = -1;
static char		 log_path[sizeof(((struct sockaddr_un *)0)->sun_path)] =
			    "/dev/log";

void
log_init(const char *ident, int foreground, int verbose, const char *sockpath)
{
	log_ident = ident;
	log_fg = foreground;
	log_dbg = verbose;
	if (sockpath != NULL)
		snprintf(log_path, sizeof(log_path), "%s", sockpath);
	/* A private socket is used in the foreground too (tests read it). */
	if (!foreground || sockpath != NULL)
		log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

void
log_verbose(int v)
{
	log_dbg = v;
}

/* Send one record to the syslog socket; reconnect once if it went away. */
static void
sys_send(int pri, const char *msg)
{
	struct sockaddr_un sun;
	char line[LOG_LINE_MAX + 64], ts[32];
	struct tm tm;
	time_t now;
	int n, try;

	if (log_fd == -1)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "<%d>%s %s[%ld]: %s", pri, ts,
	    log_ident, (long)getpid(), msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, log_path, sizeof(sun.sun_path) - 1);
	for (try = 0; try < 2; try++) {
		if (sendto(log_fd, line, (size_t)n, MSG_NOSIGNAL,
		    (struct sockaddr *)&sun, sizeof(sun)) >= 0)
			return;
		if (errno != ENOBUFS && errno != EAGAIN)
			return;
		usleep(1000);
	}
}

static void
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char msg[LOG_LINE_MAX];
	int saved = errno, n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (with_errno && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
		    strerror(saved));
	pthread_mutex_lock(&log_mtx);
	if (log_fg)
		fprintf(stderr, "%s: %s\n", log_ident, msg);
	sys_send(pri, msg);
	pthread_mutex_unlock(&log_mtx);
	errno = saved;
}

#define LOGFN(name, pri, e)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
	va_start(ap, fmt);					\
	vlog(pri, fmt, ap, e);					\
	va_end(ap);						\
}

LOGFN(log_warn, LOG_DAEMON | LOG_WARNING, 1)
LOGFN(log_warnx, LOG_DAEMON | LOG_WARNING, 0)
LOGFN(log_info, LOG_DAEMON | LOG_INFO, 0)

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_dbg)
		return;
	va_start(ap, fmt);
	vlog(LOG_DAEMON | LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DAEMON | LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DAEMON | LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}

static int
bare(const char *v)
{
	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		    (*v >= '0' && *v <= '9') || strchr("._:@/+-", *v) != NULL))
			return 0;
	return 1;
}

int
log_kv_append(char *dst, size_t dstsz, const char *key, const char *v)
{
	size_t len = strlen(dst), o;
	const unsigned char *p;

	if (v == NULL)
		v = "";
	o = len;
#define PUT(c) do { if (o + 1 >= dstsz) goto toolong; dst[o++] = (c); } while (0)
	if (o > 0)
		PUT(' ');
	for (; *key != '\0'; key++)
		PUT(*key);
	PUT('=');
	if (bare(v)) {
		for (; *v != '\0'; v++)
			PUT(*v);
	} else {
		PUT('"');
		for (p = (const unsigned char *)v; *p != '\0'; p++) {
			switch (*p) {
			case '"': PUT('\\'); PUT('"'); break;
			case '\\': PUT('\\'); PUT('\\'); break;
			case '\n': PUT('\\'); PUT('n'); break;
			case '\r': PUT('\\'); PUT('r'); break;
			case '\t': PUT('\\'); PUT('t'); break;
			default:
				if (*p < 0x20 || *p == 0x7f) {
					PUT('\\'); PUT('x');
					PUT("0123456789abcdef"[*p >> 4]);
					PUT("0123456789abcdef"[*p & 15]);
				} else
					PUT((char)*p);
			}
		}
		PUT('"');
	}
#undef PUT
	dst[o] = '\0';
	return 0;
toolong:
	dst[len] = '\0';
	return -1;
}

void
log_vaudit(const char *event, va_list ap)
{
	char rec[LOG_AUDIT_MAX];
	const char *k, *v;

	rec[0] = '\0';
	log_kv_append(rec, sizeof(rec), "event", event);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (log_kv_append(rec, sizeof(rec) - 16, k, v) == -1) {
			log_kv_append(rec, sizeof(rec), "truncated", "1");
			break;
		}
	}
	pthread_mutex_lock(&log_mtx);
	if (log_fg)
		fprintf(stderr, "%s: %s\n", log_ident, rec);
	sys_send(LOG_AUTHPRIV | LOG_NOTICE, rec);
	pthread_mutex_unlock(&log_mtx);
}

void
log_audit(const char *event, ...)
{
	va_list ap;

	va_start(ap, event);
	log_vaudit(event, ap);
	va_end(ap);
}
