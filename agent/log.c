/*
 * log.c: see log.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "log.h"

#define LOG_LINE_MAX	(LOG_AUDIT_MAX + 256)

static pthread_mutex_t	 log_mtx = PTHREAD_MUTEX_INITIALIZER;
static const char	*log_ident = "kunci";
static int		 log_fg = 1;
static int		 log_dbg;
static int		 log_fd = -1;
static int		 audit_fd = -1;	/* the audit writer's own socket */
static int		 err_is_file;	/* stderr cannot block for long */
static char		 log_path[sizeof(((struct sockaddr_un *)0)->sun_path)] =
			    "/dev/log";
/* Audit records in the journal's native protocol (structured fields): the
 * socket, or "" for the syslog datagram. */
static char		 jrn_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
#define JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define JOURNAL_DEVLOG	"/run/systemd/journal/dev-log"

/*
 * systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it
 * connected to stdout/stderr (systemd.exec(5)); stderr is the journal when
 * it is that very file.
 */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (js == NULL || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *ident, int foreground, int verbose, const char *sockpath)
{
	struct stat st;

	char real[PATH_MAX];

	log_ident = ident;
	log_fg = foreground;
	log_dbg = verbose;
	if (sockpath != NULL && strncmp(sockpath, "journal:", 8) == 0) {
		/* the journal's native socket, named (tests capture it) */
		snprintf(jrn_path, sizeof(jrn_path), "%s", sockpath + 8);
		sockpath = NULL;
		foreground = 1;
	}
	if (sockpath != NULL)
		snprintf(log_path, sizeof(log_path), "%s", sockpath);
	/* The journal is the syslog receiver: audit records go to it in its
	 * native protocol, the same text as MESSAGE plus KUNCI_* fields. */
	if (jrn_path[0] == '\0' && (!foreground || sockpath != NULL) &&
	    realpath(log_path, real) != NULL &&
	    strcmp(real, JOURNAL_DEVLOG) == 0 &&
	    access(JOURNAL_SOCKET, W_OK) == 0)
		snprintf(jrn_path, sizeof(jrn_path), "%s", JOURNAL_SOCKET);
	/* A private socket is used in the foreground too (tests read it). */
	if (!foreground || sockpath != NULL)
		log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!foreground || sockpath != NULL || jrn_path[0] != '\0')
		audit_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	err_is_file = fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode);
	/* Under systemd (kuncid -f -l /dev/log) stderr is the journal too:
	 * one channel, the syslog socket, whose facility (authpriv for the
	 * audit) the journal and rsyslog keep; no second copy. */
	if (foreground && log_fd != -1 && stderr_is_journal())
		log_fg = 0;
}

void
log_verbose(int v)
{
	log_dbg = v;
}

/*
 * Send one record to the syslog socket fd.  Without wait, a receiver with
 * no room gets one more try after a millisecond, then the record is not
 * sent (-1).  With wait, it blocks until the receiver takes it.
 */
static int
sys_send(int fd, int pri, const char *msg, int wait)
{
	struct sockaddr_un sun;
	char line[LOG_LINE_MAX + 64], ts[32];
	struct tm tm;
	time_t now;
	int n, try;

	if (fd == -1)
		return 0;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "<%d>%s %s[%ld]: %s", pri, ts,
	    log_ident, (long)getpid(), msg);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, log_path, sizeof(sun.sun_path) - 1);
	for (try = 0; try < 2 || wait; try++) {
		if (sendto(fd, line, (size_t)n, MSG_NOSIGNAL |
		    (wait ? 0 : MSG_DONTWAIT), (struct sockaddr *)&sun,
		    sizeof(sun)) >= 0)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			return -1;
		if (try < 1 || wait)
			usleep(1000);
	}
	return -1;
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
	(void)sys_send(log_fd, pri, msg, 0);
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

/* ------------------------------------------------------------ audit queue */

/*
 * Records waiting for the writer thread, oldest at head.  need says what
 * is left to do for each: AQ_ERR (the stderr copy) and AQ_SYS (the syslog
 * datagram).  busy: someone (a caller sending directly, or the writer) is
 * sending a record, so records leave in order.  The mutex guards only
 * these fields, never any I/O.
 */
#define AQ_ERR	1
#define AQ_SYS	2
#define AQ_JF	4	/* the journal fields follow the record's NUL */
static struct {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;		/* work for the writer */
	pthread_cond_t	 idle;		/* the queue drained */
	char		*rec[LOG_AUDIT_QMAX];
	unsigned char	 need[LOG_AUDIT_QMAX];
	size_t		 head, n;
	int		 busy;
	pid_t		 pid;		/* the process whose writer runs */
	/* the hash chain (chain.h), once log_audit_chain() opened it: each
	 * queued record's seq and value, for the head the writer commits */
	int		 chained;
	struct chain	 ch;
	uint64_t	 seq[LOG_AUDIT_QMAX];
	unsigned char	 val[LOG_AUDIT_QMAX][CHAIN_VAL_LEN];
	uint64_t	 emitted;	/* last seq the writer sent */
	unsigned char	 emitted_val[CHAIN_VAL_LEN];
	int		 commit_failed;	/* warned once */
} AQ = {
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
};
static unsigned long	aq_lost;

/*
 * Do what need says for rec; wait: block until done.  The bits left.
 * Without wait the syslog copy goes first and nothing else is done if it
 * cannot, so a record that is then lost (the queue full) was written
 * nowhere: the stderr copy never shows a login that was refused for want
 * of its record.
 */
/*
 * One record to the journal's native socket: MESSAGE is the very text the
 * syslog form carries, then the syslog fields journalctl -t and -p use,
 * then the record's KUNCI_* fields (jf).  As sys_send() otherwise.
 */
static int
jrn_send(const char *rec, const char *jf, int wait)
{
	struct sockaddr_un sun;
	char *d;
	int n, try, r = -1;
	size_t cap = strlen(rec) + (jf != NULL ? strlen(jf) : 0) + 256;

	if ((d = malloc(cap)) == NULL)
		return -1;
	n = snprintf(d, cap, "MESSAGE=%s\nPRIORITY=%d\nSYSLOG_FACILITY=%d\n"
	    "SYSLOG_IDENTIFIER=%s\nSYSLOG_PID=%ld\n%s", rec, LOG_NOTICE,
	    LOG_AUTHPRIV >> 3, log_ident, (long)getpid(), jf != NULL ? jf : "");
	if (n < 0 || (size_t)n >= cap)
		goto out;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, jrn_path, sizeof(sun.sun_path) - 1);
	for (try = 0; try < 2 || wait; try++) {
		if (sendto(audit_fd, d, (size_t)n, MSG_NOSIGNAL |
		    (wait ? 0 : MSG_DONTWAIT), (struct sockaddr *)&sun,
		    sizeof(sun)) >= 0) {
			r = 0;
			goto out;
		}
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			goto out;
		if (try < 1 || wait)
			usleep(1000);
	}
out:
	free(d);
	return r;
}

static int
aq_send(const char *rec, int need, int wait)
{
	if (need & AQ_SYS) {
		if ((jrn_path[0] != '\0' ? jrn_send(rec, (need & AQ_JF) ?
		    rec + strlen(rec) + 1 : NULL, wait) : sys_send(audit_fd,
		    LOG_AUTHPRIV | LOG_NOTICE, rec, wait)) == 0)
			need &= ~AQ_SYS;
		else if (!wait)
			return need;
		else {
			/* no receiver at all: the record is gone */
			__atomic_add_fetch(&aq_lost, 1, __ATOMIC_RELAXED);
			need &= ~AQ_SYS;
		}
	}
	if ((need & AQ_ERR) && (wait || err_is_file)) {
		fprintf(stderr, "%s: %s\n", log_ident, rec);
		need &= ~AQ_ERR;
	}
	return need == AQ_JF ? 0 : need;
}

/*
 * The writer with the chain on: take every queued record as one batch,
 * make the head of its last record durable (one fdatasync), then send the
 * batch.  A record is thus never emitted before the head covers it; a
 * crash between the fdatasync and the last send is what the next start
 * declares (chain.h).  Called and returns with AQ.mtx held.
 */
static char		*wb_rec[LOG_AUDIT_QMAX];
static unsigned char	 wb_need[LOG_AUDIT_QMAX];

static void
aq_batch(void)
{
	unsigned char val[CHAIN_VAL_LEN] = { 0 };
	uint64_t first, last = 0;
	size_t k, i;
	int warn = 0;

	k = AQ.n;
	first = AQ.seq[AQ.head];
	for (i = 0; i < k; i++) {
		size_t j = (AQ.head + i) % LOG_AUDIT_QMAX;

		wb_rec[i] = AQ.rec[j];
		wb_need[i] = AQ.need[j];
		last = AQ.seq[j];
		memcpy(val, AQ.val[j], CHAIN_VAL_LEN);
	}
	AQ.head = (AQ.head + k) % LOG_AUDIT_QMAX;
	AQ.n = 0;
	AQ.busy = 1;
	pthread_mutex_unlock(&AQ.mtx);
	/* Only this thread writes the head while the chain is on (and the
	 * exit flush, once this thread is idle). */
	if (chain_commit(&AQ.ch, first, last, val, 0) == -1 &&
	    !AQ.commit_failed) {
		AQ.commit_failed = 1;
		warn = 1;
	}
	if (warn)
		log_warn("audit chain: cannot make the head durable; records "
		    "are sent anyway");
	for (i = 0; i < k; i++) {
		(void)aq_send(wb_rec[i], wb_need[i], 1);
		free(wb_rec[i]);
	}
	pthread_mutex_lock(&AQ.mtx);
	AQ.emitted = last;
	memcpy(AQ.emitted_val, val, CHAIN_VAL_LEN);
	AQ.busy = 0;
	if (AQ.n == 0)
		pthread_cond_broadcast(&AQ.idle);
}

static void *
aq_main(void *arg)
{
	char *rec;
	int need;

	(void)arg;
	pthread_mutex_lock(&AQ.mtx);
	for (;;) {
		while (AQ.n == 0 || AQ.busy)
			pthread_cond_wait(&AQ.cv, &AQ.mtx);
		if (AQ.chained) {
			aq_batch();
			continue;
		}
		rec = AQ.rec[AQ.head];
		need = AQ.need[AQ.head];
		AQ.head = (AQ.head + 1) % LOG_AUDIT_QMAX;
		AQ.n--;
		AQ.busy = 1;
		pthread_mutex_unlock(&AQ.mtx);
		(void)aq_send(rec, need, 1);
		free(rec);
		pthread_mutex_lock(&AQ.mtx);
		AQ.busy = 0;
		if (AQ.n == 0)
			pthread_cond_broadcast(&AQ.idle);
	}
	return NULL;
}

/* At exit(): give what is queued up to 2 s to leave. */
static void
aq_flush(void)
{
	struct timespec dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 2;
	pthread_mutex_lock(&AQ.mtx);
	while ((AQ.n > 0 || AQ.busy) && AQ.pid == getpid())
		if (pthread_cond_timedwait(&AQ.idle, &AQ.mtx, &dl) != 0)
			break;
	pthread_mutex_unlock(&AQ.mtx);
}

/* The writer thread of this process, started on first use; 0 or -1. */
static int
aq_writer(void)
{
	static int registered;
	pthread_attr_t at;
	pthread_t t;
	int r;

	if (AQ.pid == getpid())
		return 0;
	/* a forked child (daemon()) has no writer: start its own */
	if (pthread_attr_init(&at) != 0)
		return -1;
	(void)pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &at, aq_main, NULL);
	pthread_attr_destroy(&at);
	if (r != 0)
		return -1;
	AQ.pid = getpid();
	AQ.busy = 0;
	if (!registered && atexit(aq_flush) == 0)
		registered = 1;
	return 0;
}

/* Queue rec (taken over) with what is left to do; 0, or -1 if lost. */
static int
aq_push(char *rec, int need, int first)
{
	size_t i;

	if (AQ.n == LOG_AUDIT_QMAX || aq_writer() == -1) {
		__atomic_add_fetch(&aq_lost, 1, __ATOMIC_RELAXED);
		free(rec);
		return -1;
	}
	if (first) {		/* it was being sent: it leaves before the rest */
		AQ.head = (AQ.head + LOG_AUDIT_QMAX - 1) % LOG_AUDIT_QMAX;
		i = AQ.head;
	} else
		i = (AQ.head + AQ.n) % LOG_AUDIT_QMAX;
	AQ.rec[i] = rec;
	AQ.need[i] = (unsigned char)need;
	if (AQ.chained) {
		AQ.seq[i] = AQ.ch.seq;
		memcpy(AQ.val[i], AQ.ch.val, CHAIN_VAL_LEN);
	}
	AQ.n++;
	pthread_cond_signal(&AQ.cv);
	return 0;
}

/*
 * Append a journal field for key=value to jf: KUNCI_ and the key in upper
 * case, anything but a letter or digit as '_'; a newline in the value
 * becomes a space (the native protocol's text form has no room for one;
 * MESSAGE keeps the escaped value exactly).  A field that does not fit is
 * left out.
 */
static void
jf_add(char *jf, size_t sz, size_t *len, const char *k, const char *v)
{
	size_t o = *len, i;

	if (v == NULL)
		v = "";
	if (o + 6 + strlen(k) + 1 + strlen(v) + 2 > sz)
		return;
	memcpy(jf + o, "KUNCI_", 6);
	o += 6;
	if (o > 6 && strcmp(k, "event") == 0)
		k = "event_field";	/* a field named event (notify.queue's):
					   KUNCI_EVENT is the record's own */
	for (i = 0; k[i] != '\0' && i < 50; i++)
		jf[o++] = (k[i] >= 'a' && k[i] <= 'z') ? (char)(k[i] - 32) :
		    ((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' &&
		    k[i] <= '9')) ? k[i] : '_';
	jf[o++] = '=';
	for (i = 0; v[i] != '\0'; i++)
		jf[o++] = v[i] == '\n' ? ' ' : v[i];
	jf[o++] = '\n';
	jf[o] = '\0';
	*len = o;
}

int
log_vaudit(const char *event, va_list ap)
{
	char rec[LOG_AUDIT_MAX], jf[2 * LOG_AUDIT_MAX], *copy, *e;
	const char *k, *v;
	int need = (log_fg ? AQ_ERR : 0) | (audit_fd != -1 ? AQ_SYS : 0), r;
	size_t jl = 0, rl;

	rec[0] = jf[0] = '\0';
	log_kv_append(rec, sizeof(rec), "event", event);
	jf_add(jf, sizeof(jf), &jl, "event", event);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (log_kv_append(rec, sizeof(rec) - 16 - CHAIN_SUFFIX_MAX, k,
		    v) == -1) {
			log_kv_append(rec, sizeof(rec) - CHAIN_SUFFIX_MAX,
			    "truncated", "1");
			break;
		}
		jf_add(jf, sizeof(jf), &jl, k, v);
	}
	if (need == 0)
		return 0;
	pthread_mutex_lock(&AQ.mtx);
	if (AQ.chained) {
		/* Sealed in the order queued, and always queued: the writer
		 * makes the head durable before a record leaves. */
		rl = strlen(rec);
		if (AQ.n == LOG_AUDIT_QMAX || aq_writer() == -1 ||
		    (copy = malloc(rl + CHAIN_SUFFIX_MAX + jl + 256)) == NULL) {
			__atomic_add_fetch(&aq_lost, 1, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&AQ.mtx);
			return -1;
		}
		memcpy(copy, rec, rl + 1);
		if (chain_seal(&AQ.ch, copy, rl + CHAIN_SUFFIX_MAX) == -1) {
			free(copy);
			__atomic_add_fetch(&aq_lost, 1, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&AQ.mtx);
			return -1;
		}
		if (jrn_path[0] != '\0') {
			/* the record's fields, then the chain's, after its NUL */
			char seq[24], hx[65];

			e = copy + strlen(copy) + 1;
			memcpy(e, jf, jl + 1);
			snprintf(seq, sizeof(seq), "%llu",
			    (unsigned long long)AQ.ch.seq);
			chain_hex(AQ.ch.val, hx);
			snprintf(e + jl, CHAIN_SUFFIX_MAX + 256, "KUNCI_HOST=%s\n"
			    "KUNCI_SEQ=%s\nKUNCI_TIME=%s\nKUNCI_CHAIN=%s\n",
			    AQ.ch.host, seq, AQ.ch.tstr, hx);
			need |= AQ_JF;
		}
		r = aq_push(copy, need, 0);
		pthread_mutex_unlock(&AQ.mtx);
		return r;
	}
	if (AQ.n == 0 && !AQ.busy) {
		/* nothing ahead of it: send now, as far as that cannot block */
		AQ.busy = 1;
		pthread_mutex_unlock(&AQ.mtx);
		need = aq_send(rec, need, 0);
		pthread_mutex_lock(&AQ.mtx);
		AQ.busy = 0;
		if (need == 0) {
			if (AQ.n > 0)
				pthread_cond_signal(&AQ.cv);
			pthread_mutex_unlock(&AQ.mtx);
			return 0;
		}
		copy = strdup(rec);
		r = copy != NULL ? aq_push(copy, need, 1) : -1;
		if (copy == NULL)
			__atomic_add_fetch(&aq_lost, 1, __ATOMIC_RELAXED);
	} else {
		copy = strdup(rec);
		r = copy != NULL ? aq_push(copy, need, 0) : -1;
		if (copy == NULL)
			__atomic_add_fetch(&aq_lost, 1, __ATOMIC_RELAXED);
	}
	if (AQ.n > 0)
		pthread_cond_signal(&AQ.cv);
	pthread_mutex_unlock(&AQ.mtx);
	return r;
}

int
log_audit(const char *event, ...)
{
	va_list ap;
	int r;

	va_start(ap, event);
	r = log_vaudit(event, ap);
	va_end(ap);
	return r;
}

int
log_audit_chain(const char *statedir, const char *host, const char *version,
    char *err, size_t errsz)
{
	char after[24], from[24], head[65];
	int r;

	pthread_mutex_lock(&AQ.mtx);
	if (AQ.chained) {
		pthread_mutex_unlock(&AQ.mtx);
		snprintf(err, errsz, "audit chain: already open");
		return -1;
	}
	if (chain_open(&AQ.ch, statedir, host, err, errsz) == -1) {
		pthread_mutex_unlock(&AQ.mtx);
		return -1;
	}
	AQ.emitted = AQ.ch.seq;
	memcpy(AQ.emitted_val, AQ.ch.val, CHAIN_VAL_LEN);
	chain_hex(AQ.ch.val, head);	/* the durable head, before any seal */
	AQ.chained = 1;
	pthread_mutex_unlock(&AQ.mtx);
	snprintf(after, sizeof(after), "%llu",
	    (unsigned long long)AQ.ch.after);
	snprintf(from, sizeof(from), "%llu",
	    (unsigned long long)AQ.ch.unsent_from);
	/* The first record says how this chain begins (doc/audit.md). */
	switch (AQ.ch.state) {
	case CHAIN_NEW:
		r = log_audit("audit.start", "begins", "new", "version",
		    version, NULL);
		break;
	case CHAIN_LOST:
		r = log_audit("audit.start", "begins", "lost", "version",
		    version, "reason", "the chain head in the state directory "
		    "was unreadable", NULL);
		break;
	case CHAIN_CLEAN:
		r = log_audit("audit.start", "begins", "resumed", "after",
		    after, "version", version, NULL);
		break;
	default:
		/* the last batch's positions may have been sealed, made
		 * durable and never emitted */
		/* head: the value this record is chained from, so that
		 * verify can tell it from a forged one (doc/audit.md) */
		r = log_audit("audit.start", "begins", "crashed", "after",
		    after, "unsent_from", from, "head", head, "version",
		    version, NULL);
		break;
	}
	return r;
}

int
log_audit_head(char *host, size_t hostsz, uint64_t *seq,
    unsigned char val[32])
{
	int r = -1;

	pthread_mutex_lock(&AQ.mtx);
	if (AQ.chained && AQ.emitted > 0) {
		snprintf(host, hostsz, "%s", AQ.ch.host);
		*seq = AQ.emitted;
		memcpy(val, AQ.emitted_val, CHAIN_VAL_LEN);
		r = 0;
	}
	pthread_mutex_unlock(&AQ.mtx);
	return r;
}

void
log_audit_drain(int ms)
{
	struct timespec dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += ms / 1000;
	dl.tv_nsec += (long)(ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&AQ.mtx);
	while ((AQ.n > 0 || AQ.busy) && AQ.pid == getpid())
		if (pthread_cond_timedwait(&AQ.idle, &AQ.mtx, &dl) != 0)
			break;
	pthread_mutex_unlock(&AQ.mtx);
}

void
log_audit_close(void)
{
	log_audit_drain(2000);
	pthread_mutex_lock(&AQ.mtx);
	/* every record sealed was sent: the next start resumes cleanly.
	 * Not at exit(): OpenSSL (the slot's checksum) is torn down by then. */
	if (AQ.chained && AQ.n == 0 && !AQ.busy && AQ.pid == getpid() &&
	    AQ.emitted == AQ.ch.seq &&
	    chain_commit(&AQ.ch, AQ.emitted + 1, AQ.emitted, AQ.emitted_val,
	    1) == -1) {
		pthread_mutex_unlock(&AQ.mtx);
		log_warn("audit chain: cannot record the clean stop");
		return;
	}
	pthread_mutex_unlock(&AQ.mtx);
}

void
log_audit_stats(unsigned long *queued, unsigned long *lost)
{
	pthread_mutex_lock(&AQ.mtx);
	*queued = AQ.n;
	pthread_mutex_unlock(&AQ.mtx);
	*lost = __atomic_load_n(&aq_lost, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------- rate limits */

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
log_rate(struct log_rate *r, unsigned long *held_before)
{
	int64_t now = mono_ms();
	int ok = 0;

	pthread_mutex_lock(&r->mtx);
	*held_before = 0;
	if (r->until == 0 || now >= r->until) {
		*held_before = r->held;
		r->held = 0;
		r->until = now + (int64_t)r->interval * 1000;
		ok = 1;
	} else
		r->held++;
	pthread_mutex_unlock(&r->mtx);
	return ok;
}

unsigned long
log_rate_flush(struct log_rate *r)
{
	unsigned long n = 0;

	pthread_mutex_lock(&r->mtx);
	if (r->held > 0 && mono_ms() >= r->until) {
		n = r->held;
		r->held = 0;
		r->until = 0;	/* the next one is logged at once */
	}
	pthread_mutex_unlock(&r->mtx);
	return n;
}
