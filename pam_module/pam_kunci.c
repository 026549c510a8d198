/*
 * pam_kunci.so: kunci's account module (see doc/pam_kunci.8).
 *
 * Thin on purpose, in the spirit of nss-pam-ldapd: it links only libc,
 * libpam and three files of agent/ (the codec, the decision and the
 * gate-table reader).  In the account phase it decides whether the user
 * may log in to the resource, by one of two paths that run the same
 * decision code (agent/decide.c):
 *
 *   1. the gate table (agent/gtab.h): kuncid publishes its grant index as
 *      a file beside the query socket; the module maps it, decides, and
 *      writes kuncid a one-way audit note (one atomic write into kuncid's
 *      note FIFO) and its own record through pam_syslog(), both naming
 *      the note's random id.  No round trip, so no wait for kuncid to be
 *      scheduled.  Used only when the directory, the file and the FIFO
 *      are all kuncid's, the table is live (kuncid is current with LDAP
 *      and refreshed it within seconds) and the note was queued to kuncid;
 *   2. otherwise the query socket: ask kuncid and wait for its answer.
 *
 * The answer becomes a PAM code in one place (answer_to_pam()).  Anything
 * else -- a socket that is not kuncid's, a daemon that is down, slow, or
 * speaks garbage -- is PAM_AUTHINFO_UNAVAIL, a denial under the shipped
 * control.
 *
 * Invariants: nothing is sent or read before the socket file and the peer
 * (SO_PEERCRED), or the table's directory and file, belong to agent_user;
 * a user name longer than PROTO_NAME_MAX or holding a control character is
 * denied before any of it; no decision is returned from the table unless
 * its audit note reached kuncid's FIFO and the module's own record was
 * written (so a kuncid that dies with notes unread leaves the module's
 * records behind, and a full FIFO sends the login to the socket, never
 * through unrecorded); an unknown user's name is logged
 * only with "debug".  Logs go through pam_syslog() only.  Several threads
 * of one program may call the module at once: the only global state is
 * two caches below (the agent user's uid, the last mapped table), each
 * guarded by a mutex that is only ever try-locked.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define PAM_SM_ACCOUNT
#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "decide.h"
#include "gtab.h"
#include "proto.h"

#define EXPORT		__attribute__((visibility("default")))
#define DEF_SOCKET	"/run/kunci/query.sock"
#define DEF_USER	"_kunci"
/* The module's own message, when kuncid does not answer: it cannot ask
 * kuncid for the configured language, so it says it in both. */
#define PAM_UNAVAIL_MSG	"kunci: akses tidak dapat diperiksa saat ini; " \
	"coba lagi nanti. (access cannot be checked right now; try again " \
	"later.)"
#define DEF_TIMEOUT	3000	/* ms */
#define MAX_UNMANAGED	16
#define AGENT_TTL	60	/* s a cached agent uid is trusted */

struct args {
	const char	*resource;	/* "" = kuncid maps the service */
	const char	*socket;
	const char	*agent_user;
	int		 timeout_ms;
	long		 minimum_uid;	/* -1: not set */
	int		 debug;
	int		 no_table;	/* always ask the query socket */
	const char	*unmanaged[MAX_UNMANAGED];
	size_t		 unmanaged_len[MAX_UNMANAGED];
	int		 nunmanaged;
	const char	*services;	/* comma list, NULL = every service */
};

/* A whole number in [min, max]; -1 on anything else. */
static long
parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

static int
parse_args(pam_handle_t *pamh, int argc, const char **argv, struct args *a)
{
	const char *p, *c;
	long v;
	int i;

	memset(a, 0, sizeof(*a));
	a->resource = "";
	a->socket = DEF_SOCKET;
	a->agent_user = DEF_USER;
	a->timeout_ms = DEF_TIMEOUT;
	a->minimum_uid = -1;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "debug") == 0)
			a->debug = 1;
		else if (strcmp(argv[i], "no_table") == 0)
			a->no_table = 1;
		else if (strncmp(argv[i], "resource=", 9) == 0)
			a->resource = argv[i] + 9;
		else if (strncmp(argv[i], "socket=", 7) == 0)
			a->socket = argv[i] + 7;
		else if (strncmp(argv[i], "agent_user=", 11) == 0)
			a->agent_user = argv[i] + 11;
		else if (strncmp(argv[i], "timeout=", 8) == 0) {
			if ((v = parse_num(argv[i] + 8, 1, 60000)) == -1)
				goto bad;
			a->timeout_ms = (int)v;
		} else if (strncmp(argv[i], "minimum_uid=", 12) == 0) {
			if ((v = parse_num(argv[i] + 12, 0, LONG_MAX)) == -1)
				goto bad;
			a->minimum_uid = v;
		} else if (strncmp(argv[i], "services=", 9) == 0) {
			a->services = argv[i] + 9;
		} else if (strncmp(argv[i], "unmanaged=", 10) == 0) {
			/* a comma list of local break-glass accounts */
			for (p = argv[i] + 10; *p != '\0'; p = c + (*c != '\0')) {
				if ((c = strchr(p, ',')) == NULL)
					c = p + strlen(p);
				if (c == p)
					continue;
				if (a->nunmanaged == MAX_UNMANAGED)
					goto bad;
				a->unmanaged[a->nunmanaged] = p;
				a->unmanaged_len[a->nunmanaged] = (size_t)(c - p);
				a->nunmanaged++;
			}
		} else
			goto bad;
	}
	if (strlen(a->resource) > PROTO_FIELD_MAX || a->socket[0] != '/' ||
	    a->agent_user[0] == '\0')
		goto bad;
	return 0;
bad:
	/* A misconfigured stack fails closed. */
	pam_syslog(pamh, LOG_ERR, "bad module argument: %.100s", argv[i < argc ?
	    i : argc - 1]);
	return -1;
}

static int
unmanaged(const struct args *a, const char *user)
{
	int i;

	for (i = 0; i < a->nunmanaged; i++)
		if (strlen(user) == a->unmanaged_len[i] &&
		    strncmp(user, a->unmanaged[i], a->unmanaged_len[i]) == 0)
			return 1;
	return 0;
}

/* Whether name is in the comma list (NULL list: everything is). */
static int
in_list(const char *list, const char *name)
{
	const char *p, *c;
	size_t n = strlen(name);

	if (list == NULL)
		return 1;
	for (p = list; *p != '\0'; p = c + (*c != '\0')) {
		if ((c = strchr(p, ',')) == NULL)
			c = p + strlen(p);
		if ((size_t)(c - p) == n && strncmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/* The uid of name (0 on success), without touching errno's meaning. */
static int
lookup_uid(const char *name, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return -1;
	*uid = pw.pw_uid;
	return 0;
}

/*
 * The agent user's uid, cached per process: getpwnam_r() reads and parses
 * /etc/passwd (about 11 us here, a fifth of a check; bench/RESULTS.md) and
 * programs that keep the module loaded (a control panel, the "loaded"
 * bench) would pay it on every check.
 *
 * Why a cache is safe: the cached uid only ever *narrows* what is trusted
 * to the owner that agent_user named at most AGENT_TTL seconds ago.  When
 * the socket file or the listener has another owner, the name is resolved
 * afresh (agent_uid(..., 1)) before refusing, so a renumbered agent user
 * is followed at once, and a stale entry can wrongly *accept* only within
 * AGENT_TTL of root renumbering the agent user and handing its old uid to
 * someone who then also owns the socket path in kuncid's directory.  The
 * entry is keyed by name (stacks may differ in agent_user=) and guarded by
 * a mutex that is only ever try-locked: a busy cache is bypassed, so a
 * child forked while another thread held it cannot deadlock (an atfork
 * handler would dangle once libpam dlcloses the module).  getpwnam_r()
 * runs outside the lock.  A failed lookup is never cached.
 */
static struct {
	pthread_mutex_t	mtx;
	char		name[PROTO_NAME_MAX + 1];
	uid_t		uid;
	time_t		at;		/* CLOCK_MONOTONIC seconds; 0: empty */
} agent_cache = { .mtx = PTHREAD_MUTEX_INITIALIZER };

static time_t
mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1;	/* never 0, which marks an empty entry */
}

/* The uid of the agent user; fresh: bypass the cache.  0 or -1. */
static int
agent_uid(const char *name, int fresh, uid_t *uid)
{
	time_t now = mono_sec();
	int hit = 0;

	*uid = (uid_t)-1;
	if (!fresh && strlen(name) <= PROTO_NAME_MAX &&
	    pthread_mutex_trylock(&agent_cache.mtx) == 0) {
		if (agent_cache.at != 0 && now - agent_cache.at < AGENT_TTL &&
		    strcmp(agent_cache.name, name) == 0) {
			*uid = agent_cache.uid;
			hit = 1;
		}
		pthread_mutex_unlock(&agent_cache.mtx);
		if (hit)
			return 0;
	}
	if (lookup_uid(name, uid) == -1) {
		*uid = (uid_t)-1;
		return -1;
	}
	if (strlen(name) <= PROTO_NAME_MAX &&
	    pthread_mutex_trylock(&agent_cache.mtx) == 0) {
		memcpy(agent_cache.name, name, strlen(name) + 1);
		agent_cache.uid = *uid;
		agent_cache.at = now;
		pthread_mutex_unlock(&agent_cache.mtx);
	}
	return 0;
}

/*
 * Whether owner is the agent user.  On a mismatch with the cached uid the
 * name is resolved again (the agent user may have been renumbered);
 * *want is updated to what the name resolves to now.
 */
static int
is_agent(const char *name, uid_t owner, uid_t *want)
{
	if (owner == *want)
		return 1;
	if (agent_uid(name, 1, want) == -1)
		return 0;
	return owner == *want;
}

static long
ms_left(const struct timespec *dl)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(dl->tv_sec - now.tv_sec) * 1000 +
	    (dl->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * Connect to kuncid's query socket and verify it before anything is sent:
 * the socket file and the process listening on it must both belong to
 * agent_user.  Returns the fd, or -1 (reason logged).
 */
static int
connect_agent(pam_handle_t *pamh, const struct args *a,
    const struct timespec *dl)
{
	struct sockaddr_un sun;
	struct stat st;
	struct ucred uc;
	socklen_t len = sizeof(uc);
	struct pollfd pfd;
	uid_t want;
	int fd = -1, r, err;

	if (agent_uid(a->agent_user, 0, &want) == -1) {
		pam_syslog(pamh, LOG_ERR, "agent user %.100s does not exist",
		    a->agent_user);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(a->socket) >= sizeof(sun.sun_path)) {
		pam_syslog(pamh, LOG_ERR, "socket path too long");
		return -1;
	}
	memcpy(sun.sun_path, a->socket, strlen(a->socket));
	if (lstat(a->socket, &st) == -1) {
		pam_syslog(pamh, LOG_ERR, "cannot reach kuncid: %s: %s",
		    a->socket, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode) || !is_agent(a->agent_user, st.st_uid,
	    &want)) {
		pam_syslog(pamh, LOG_ALERT, "refusing %s: not a socket of "
		    "user %.100s (owner uid %u); an impostor?", a->socket,
		    a->agent_user, (unsigned int)st.st_uid);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		pam_syslog(pamh, LOG_ERR, "socket: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN && ms_left(dl) > 0) {
			/* backlog full: kuncid is busy, retry briefly */
			pfd.fd = -1;
			pfd.events = 0;
			(void)poll(&pfd, 0, 2);
			continue;
		}
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			r = poll(&pfd, 1, (int)(ms_left(dl) > 0 ?
			    ms_left(dl) : 0));
			len = sizeof(err);
			if (r == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR,
			    &err, &len) == 0 && err == 0)
				break;
			errno = r == 0 ? ETIMEDOUT : EIO;
		}
		pam_syslog(pamh, LOG_ERR, "cannot reach kuncid: %s: %s",
		    a->socket, strerror(errno));
		goto fail;
	}
	len = sizeof(uc);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1 ||
	    len != sizeof(uc)) {
		pam_syslog(pamh, LOG_ERR, "SO_PEERCRED: %s", strerror(errno));
		goto fail;
	}
	if (!is_agent(a->agent_user, uc.uid, &want)) {
		pam_syslog(pamh, LOG_ALERT, "refusing %s: the listener runs "
		    "as uid %u, not %.100s; an impostor?", a->socket,
		    (unsigned int)uc.uid, a->agent_user);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* Send one query and read the answer; 0 or -1 (reason logged). */
static int
ask(pam_handle_t *pamh, const struct args *a, const struct proto_query *q,
    struct proto_answer *ans)
{
	struct timespec dl;
	struct pbuf b;
	uint32_t type;
	long left;
	int fd, r, rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += a->timeout_ms / 1000;
	dl.tv_nsec += (long)(a->timeout_ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pbuf_init(&b, PROTO_QUERY_MAX);
	if ((fd = connect_agent(pamh, a, &dl)) == -1)
		goto out;
	if (proto_query_encode(&b, q) != PROTO_OK) {
		pam_syslog(pamh, LOG_ERR, "query too large");
		goto out;
	}
	left = ms_left(&dl);
	if ((r = proto_send(fd, PROTO_T_QUERY, &b, left > 0 ? (int)left : 0))
	    != PROTO_OK) {
		pam_syslog(pamh, LOG_ERR, "kuncid: send: %s",
		    proto_strerror(r));
		goto out;
	}
	left = ms_left(&dl);
	if ((r = proto_recv(fd, &type, &b, left > 0 ? (int)left : 0)) !=
	    PROTO_OK) {
		pam_syslog(pamh, LOG_ERR, "kuncid: answer: %s",
		    proto_strerror(r));
		goto out;
	}
	if (type != PROTO_T_ANSWER || proto_answer_decode(&b, ans) !=
	    PROTO_OK) {
		pam_syslog(pamh, LOG_ERR, "kuncid: malformed answer");
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	pbuf_free(&b);
	return rc;
}

/* ------------------------------------------------------------ gate table */

/*
 * The last table this process mapped, kept between calls: a program that
 * keeps the module loaded (a control panel, the bench's "loaded" mode)
 * then pays one stat() per check instead of open, mmap, page faults and
 * munmap.  The entry is reused only while the path still names the same
 * file (device, inode, size, change time): kuncid replaces the table by
 * rename when it grows, and what it changes in place (the live header,
 * a record's status and validity) every reader sees through its
 * mapping.  Like agent_cache it is only ever
 * try-locked: a busy entry makes the caller map privately.  The mapping
 * is released when libpam unloads the module.
 */
static struct {
	pthread_mutex_t	 mtx;
	void		*map;
	size_t		 size;
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 ctime;
} tab_cache = { .mtx = PTHREAD_MUTEX_INITIALIZER };

__attribute__((destructor)) static void
tab_cache_release(void)
{
	if (tab_cache.map != NULL)
		munmap(tab_cache.map, tab_cache.size);
	tab_cache.map = NULL;
}

static int
same_file(const struct stat *st)
{
	return tab_cache.map != NULL && tab_cache.dev == st->st_dev &&
	    tab_cache.ino == st->st_ino && tab_cache.size ==
	    (size_t)st->st_size && tab_cache.ctime.tv_sec ==
	    st->st_ctim.tv_sec && tab_cache.ctime.tv_nsec ==
	    st->st_ctim.tv_nsec;
}

/* Whether st is a table file kuncid could have written. */
static int
table_file_ok(const struct args *a, const struct stat *st, uid_t *want)
{
	return S_ISREG(st->st_mode) && st->st_nlink == 1 &&
	    (st->st_mode & 022) == 0 && is_agent(a->agent_user, st->st_uid,
	    want) && st->st_size >= (off_t)sizeof(struct gtab_hdr) &&
	    (uint64_t)st->st_size <= GTAB_MAX_SIZE;
}

/* Map path read-only after checking the open file itself. */
static void *
table_map(const struct args *a, const char *path, uid_t *want,
    struct stat *st)
{
	struct stat again;
	void *map = MAP_FAILED;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, st) == 0 && table_file_ok(a, st, want))
		map = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_SHARED,
		    fd, 0);
	/*
	 * Exactly what fstat() showed is mapped, and gtab_check() compares
	 * it with the header's size.  kuncid never shrinks a published
	 * file; if someone else shrank it before the mapping was made, the
	 * file's size now differs and the mapping is not used.
	 */
	if (map != MAP_FAILED && (fstat(fd, &again) == -1 ||
	    again.st_size != st->st_size || again.st_ino != st->st_ino)) {
		munmap(map, (size_t)st->st_size);
		map = MAP_FAILED;
	}
	close(fd);
	return map == MAP_FAILED ? NULL : map;
}

/* Decide from a mapped table; 0 or -1 (not usable). */
static int
table_run(const void *map, size_t size, const struct proto_query *q,
    int64_t now, struct kd_result *r, char *msg, size_t msgsz)
{
	struct kd_source src;
	struct kd_when when;
	struct gtab t;
	int32_t off;

	if (gtab_check(&t, map, size) == -1 || !gtab_live(&t, now, &off))
		return -1;
	gtab_when(now, off, &when);
	gtab_source(&t, &src);
	if (kd_begin(&src, q, r) == 0 && kd_finish(&src, q->user, &when, r)
	    == -1)
		return -1;
	kd_message(r, src.lang_en, NULL, off, msg, msgsz);
	return 0;
}

/*
 * Decide from the gate table.  0 with r and msg filled; -1 when the table
 * cannot be used (absent, not kuncid's, stale, offline, damaged), which
 * sends the caller to the query socket: never a denial of its own.
 *
 * Trust: the directory must belong to root or agent_user and be writable
 * by no one else, so every name in it was made by kuncid (or root); the
 * file must be a regular file of agent_user's with one link, writable by
 * no one else.  kuncid replaces the file by rename and never truncates it,
 * so a mapping cannot shrink under the reader -- unless root truncates
 * the file by hand: then a check whose stat() came before the truncation
 * may fault (SIGBUS) in the calling process, which fails that login
 * closed; every later check sees the new size and asks the socket until
 * kuncid has published a new file (within a second).
 */
static int
table_decide(const struct args *a, const char *dir,
    const struct proto_query *q, int64_t now, struct kd_result *r, char *msg,
    size_t msgsz)
{
	char path[PATH_MAX];
	struct stat st, fst;
	void *map;
	uid_t want;
	int rc;

	if (agent_uid(a->agent_user, 0, &want) == -1 ||
	    snprintf(path, sizeof(path), "%s/%s", dir, GTAB_NAME) >=
	    (int)sizeof(path))
		return -1;
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    (st.st_mode & 022) != 0 ||
	    (st.st_uid != 0 && !is_agent(a->agent_user, st.st_uid, &want)))
		return -1;
	if (stat(path, &st) == -1 || !table_file_ok(a, &st, &want))
		return -1;
	if (pthread_mutex_trylock(&tab_cache.mtx) == 0) {
		if (!same_file(&st)) {
			tab_cache_release();
			if ((map = table_map(a, path, &want, &fst)) != NULL) {
				tab_cache.map = map;
				tab_cache.size = (size_t)fst.st_size;
				tab_cache.dev = fst.st_dev;
				tab_cache.ino = fst.st_ino;
				tab_cache.ctime = fst.st_ctim;
			}
		}
		rc = tab_cache.map == NULL ? -1 : table_run(tab_cache.map,
		    tab_cache.size, q, now, r, msg, msgsz);
		pthread_mutex_unlock(&tab_cache.mtx);
		return rc;
	}
	if ((map = table_map(a, path, &want, &fst)) == NULL)
		return -1;
	rc = table_run(map, (size_t)fst.st_size, q, now, r, msg, msgsz);
	munmap(map, (size_t)fst.st_size);
	return rc;
}

/*
 * write() to a pipe whose reader may vanish meanwhile (kuncid killed)
 * raises SIGPIPE, whose default action would kill the program calling
 * PAM.  Block it in this thread for the write and consume the one this
 * write raised, unless one was already pending (the program's own).
 * 0 if all len bytes went out, else -1.
 */
static int
write_nosigpipe(int fd, const void *buf, size_t len)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old, pending;
	int was_pending, err;
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (pthread_sigmask(SIG_BLOCK, &pipe_set, &old) != 0)
		return -1;
	sigemptyset(&pending);
	was_pending = sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE) == 1;
	n = write(fd, buf, len);
	err = errno;
	if (n == -1 && err == EPIPE && !was_pending)
		(void)sigtimedwait(&pipe_set, NULL, &zero);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * A fresh note id: 64 random bits in hex (getrandom(2), never blocking;
 * failing that, the time, the pid and a counter, which is still unique
 * on this machine).  It names the decision in both records (note_send()).
 */
static void
note_id(char id[PROTO_NOTE_ID_LEN + 1])
{
	static unsigned int counter;
	struct timespec ts;
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
		    (uint64_t)getpid() << 44 ^ __atomic_add_fetch(&counter, 1,
		    __ATOMIC_RELAXED);
	}
	snprintf(id, PROTO_NOTE_ID_LEN + 1, "%016llx", (unsigned long long)v);
}

/*
 * Queue the audit note of a table decision to kuncid: one write of at most
 * PIPE_BUF bytes into kuncid's note FIFO (atomic, never waited for):
 * GTAB_NOTE_MAGIC, then the frame.  -1 when it cannot be queued -- no
 * reader (kuncid gone: ENXIO), the FIFO full -- and the caller then asks
 * the query socket, so no decision goes unaudited.  The FIFO's name is in
 * the directory table_decide() trusted.
 */
static int
note_send(const char *dir, const struct proto_query *q,
    const struct kd_result *r, const char *id, int64_t at)
{
	unsigned char frame[PIPE_BUF];
	char path[PATH_MAX];
	struct proto_note n;
	struct pbuf b;
	size_t len, head = GTAB_NOTE_MAGIC_LEN + PROTO_HDR_LEN;
	int fd, rc = -1;

	if (snprintf(path, sizeof(path), "%s/%s", dir, GTAB_NOTE_NAME) >=
	    (int)sizeof(path))
		return -1;
	memset(&n, 0, sizeof(n));
	n.q = *q;
	n.decision = r->decision;
	kd_copy(n.resource, sizeof(n.resource), r->resource);
	kd_copy(n.grant, sizeof(n.grant), r->grant);
	kd_copy(n.reason, sizeof(n.reason), r->reason != NULL ? r->reason : "");
	kd_copy(n.id, sizeof(n.id), id);
	n.at = (uint32_t)at;
	pbuf_init(&b, sizeof(frame) - head);
	if (proto_note_encode(&b, &n) != PROTO_OK)
		goto out;
	len = head + b.len;
	memcpy(frame, GTAB_NOTE_MAGIC, GTAB_NOTE_MAGIC_LEN);
	proto_hdr_make(frame + GTAB_NOTE_MAGIC_LEN, PROTO_T_NOTE,
	    (uint32_t)b.len);
	memcpy(frame + head, b.data, b.len);
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC))
	    == -1)
		goto out;
	rc = write_nosigpipe(fd, frame, len);
	close(fd);
out:
	pbuf_free(&b);
	return rc;
}

/* Replace control bytes of peer text before it reaches a terminal. */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = '?';
}

/*
 * The one place an answer becomes a PAM code.  Everything but ALLOW and
 * IGNORE denies; PAM_ACCT_EXPIRED and PAM_NEW_AUTHTOK_REQD are never used
 * (Webmin would offer its password-change form).
 */
static int
answer_to_pam(uint32_t decision)
{
	switch (decision) {
	case PROTO_ALLOW:
		return PAM_SUCCESS;
	case PROTO_IGNORE:
		return PAM_IGNORE;
	case PROTO_DENY:
	case PROTO_UNKNOWN:
		return PAM_PERM_DENIED;
	case PROTO_UNAVAIL:
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

static const char *
item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS || v == NULL)
		return "";
	return v;
}

EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct args a;
	struct proto_query q;
	struct proto_answer ans;
	struct kd_result r;
	const char *user = NULL, *service;
	char host[PROTO_FIELD_MAX + 1], dir[PATH_MAX];
	char id[PROTO_NOTE_ID_LEN + 1];
	int64_t now;
	uid_t uid;
	int rc, via_table = 0;

	memset(&q, 0, sizeof(q));
	memset(&ans, 0, sizeof(ans));
	if (parse_args(pamh, argc, argv, &a) == -1)
		return PAM_SERVICE_ERR;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL ||
	    *user == '\0') {
		pam_syslog(pamh, LOG_ERR, "cannot determine the user");
		return PAM_USER_UNKNOWN;
	}
	service = item(pamh, PAM_SERVICE);
	/* scoped to some services (common-account also serves cron, sudo) */
	if (!in_list(a.services, service)) {
		if (a.debug)
			pam_syslog(pamh, LOG_DEBUG, "service %.100s not gated",
			    service);
		return PAM_IGNORE;
	}
	if (!kd_valid_name(user)) {
		/* never sent, and never logged: it may be a password */
		pam_syslog(pamh, LOG_NOTICE, "access denied: invalid user "
		    "name; service=%.100s", service);
		return PAM_PERM_DENIED;
	}
	if (unmanaged(&a, user)) {
		pam_syslog(pamh, LOG_NOTICE, "unmanaged account, not gated "
		    "by kunci; user=%s service=%.100s", user, service);
		return PAM_IGNORE;
	}
	if (a.minimum_uid >= 0 && lookup_uid(user, &uid) == 0 &&
	    (long)uid < a.minimum_uid) {
		if (a.debug)
			pam_syslog(pamh, LOG_DEBUG, "uid %u below minimum_uid; "
			    "user=%s", (unsigned int)uid, user);
		return PAM_IGNORE;
	}
	kd_copy(q.user, sizeof(q.user), user);
	kd_copy(q.service, sizeof(q.service), service);
	kd_copy(q.rhost, sizeof(q.rhost), item(pamh, PAM_RHOST));
	kd_copy(q.tty, sizeof(q.tty), item(pamh, PAM_TTY));
	if (gethostname(host, sizeof(host) - 1) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	kd_copy(q.host, sizeof(q.host), host);
	kd_copy(q.resource, sizeof(q.resource), a.resource);

	now = (int64_t)time(NULL);
	if (!a.no_table && gtab_dir(a.socket, dir, sizeof(dir)) == 0 &&
	    table_decide(&a, dir, &q, now, &r, ans.message,
	    sizeof(ans.message)) == 0 && (note_id(id), note_send(dir, &q, &r,
	    id, now) == 0)) {
		/*
		 * The module's own record of a table decision, written before
		 * the decision is returned: the note in the FIFO dies with
		 * kuncid if kuncid dies before reading it, this does not.
		 * kuncid's record of the same login carries the same note id.
		 */
		pam_syslog(pamh, LOG_NOTICE, "table decision: %s; user=%s "
		    "service=%.100s resource=%s grant=%s note=%s",
		    kd_decision_name(r.decision), r.known || a.debug ? user :
		    "(unknown)", service, r.resource, r.grant, id);
		ans.decision = r.decision;
		kd_copy(ans.resource, sizeof(ans.resource), r.resource);
		kd_copy(ans.grant, sizeof(ans.grant), r.grant);
		via_table = 1;
	} else if (ask(pamh, &a, &q, &ans) == -1) {
		pam_syslog(pamh, LOG_ERR, "access denied: kuncid unavailable "
		    "(fail closed); service=%.100s", service);
		if (!(flags & PAM_SILENT))
			pam_error(pamh, "%s", PAM_UNAVAIL_MSG);
		return PAM_AUTHINFO_UNAVAIL;
	}
	rc = answer_to_pam(ans.decision);
	sanitize(ans.message);
	sanitize(ans.resource);
	sanitize(ans.grant);
	switch (via_table ? -1 : rc) {
	case -1:	/* recorded above */
		if (rc != PAM_SUCCESS && rc != PAM_IGNORE &&
		    !(flags & PAM_SILENT) && ans.message[0] != '\0')
			pam_error(pamh, "%s", ans.message);
		break;
	case PAM_SUCCESS:
		if (a.debug)
			pam_syslog(pamh, LOG_DEBUG, "allowed; user=%s "
			    "resource=%s grant=%s", user, ans.resource,
			    ans.grant);
		break;
	case PAM_IGNORE:
		pam_syslog(pamh, LOG_NOTICE, "unmanaged account; user=%s",
		    user);
		break;
	default:
		if (ans.decision == PROTO_UNKNOWN && !a.debug)
			pam_syslog(pamh, LOG_NOTICE, "access denied: user not "
			    "known to kunci; service=%.100s", service);
		else
			pam_syslog(pamh, LOG_NOTICE, "access denied; user=%s "
			    "resource=%s", user, ans.resource);
		if (!(flags & PAM_SILENT) && ans.message[0] != '\0')
			pam_error(pamh, "%s", ans.message);
		break;
	}
	return rc;
}

/* kunci decides in the account phase only. */
EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}

EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}
