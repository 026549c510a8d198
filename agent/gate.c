/*
 * gate.c: the login gate inside kuncid (see gate.h and doc/login-gate.md).
 *
 * Threads:
 *   - GATE_WORKERS query workers block in accept() on the query socket:
 *     each takes one connection, checks SO_PEERCRED (uid 0 or kuncid's own),
 *     reads one PROTO_T_QUERY with a short deadline, answers, closes.  A
 *     stalled client holds one worker for at most QUERY_READ_MS.
 *   - the sync thread owns one LDAP connection (ldapc) and runs an RFC 4533
 *     refreshAndPersist search for grants and people.  A first refresh
 *     builds a fresh index that replaces the live one when the server says
 *     the refresh is done; persist-phase changes, and a refresh resumed
 *     from the cookie of the last complete state, are applied in place.  A
 *     heartbeat on the same connection (gsync.h) notices a directory that
 *     went silent.  On any error or silence it marks the gate offline,
 *     reconnects (the next URI first after a silence) and refreshes again.
 *     It never waits for a disk: the table thread writes the snapshots.
 *   - the last-used thread drains a bounded queue of grant DNs and writes
 *     kunciLastUsed on its own LDAP connection, so a login never waits for
 *     LDAP.
 *
 * Invariants: gate_g.ix changes only under the write lock: by the sync thread,
 * and by gate_grant_left() (kuncid's own revocations and expiries, which
 * only narrow a status); gate_decide() takes the read lock only and never
 * blocks on I/O except the audit record.  snap_mtx, stat_mtx and pin_mtx
 * are leaves (taken under gate_g.lock at most, never the other way round).
 * Subjects and resources match byte for byte.  Everything that is not a
 * positive match is a denial.
 *
 * The sync thread is in gate_consumer.c, the note thread in gate_note.c,
 * the snapshot in gate_snap.c; what they share with this file is in
 * gate_int.h.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "cfg.h"
#include "decide.h"
#include "dir.h"
#include "gate.h"
#include "gate_int.h"
#include "gfresh.h"
#include "gindex.h"
#include "gsync.h"
#include "gtab_build.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "mapguard.h"
#include "out.h"
#include "snapshot.h"
#include "strbuf.h"

#define QUERY_READ_MS	1000	/* a query must arrive within this */
#define LU_BATCH	256
#define PIN_SECS	60

struct gate gate_g = {
	.qfd = -1,
	.nfd = -1,
	.tab = { .fd = -1 },
	.tab_guard = -1,
	.stop_pipe = { -1, -1 },
	.lock = PTHREAD_RWLOCK_INITIALIZER,
	.lu_mtx = PTHREAD_MUTEX_INITIALIZER,
	.lu_cv = PTHREAD_COND_INITIALIZER,
	.tab_mtx = PTHREAD_MUTEX_INITIALIZER,
	.tab_cv = PTHREAD_COND_INITIALIZER,
	.stat_mtx = PTHREAD_MUTEX_INITIALIZER,
	.snap_mtx = PTHREAD_MUTEX_INITIALIZER,
	.pin_mtx = PTHREAD_MUTEX_INITIALIZER,
	.sync_uri = -1,
	.cookie = { .uri = -1 },
};

/* ---------------------------------------------------------------- decide */

static int
is_unmanaged(const char *user)
{
	size_t i;

	for (i = 0; i < gate_g.cfg->login.nunmanaged; i++)
		if (strcmp(gate_g.cfg->login.unmanaged[i], user) == 0)
			return 1;
	return 0;
}

/* The offline policy for a resource: the longest matching entry wins. */
static void
offline_policy(const char *res, enum cfg_offline *mode, int64_t *max_age)
{
	const struct cfg_login *l = &gate_g.cfg->login;
	size_t i, n, best = 0;
	const char *r;

	*mode = l->offline;
	*max_age = l->offline_max_age;
	for (i = 0; i < l->npolicies; i++) {
		r = l->policies[i].resource;
		n = strlen(r);
		if (n > 0 && r[n - 1] == '*') {
			if (strncmp(r, res, n - 1) != 0 || n < best)
				continue;
		} else if (strcmp(r, res) != 0)
			continue;
		else
			n = (size_t)-1;		/* exact beats any prefix */
		if (n >= best) {
			best = n;
			*mode = l->policies[i].offline;
			*max_age = l->policies[i].offline_max_age;
		}
	}
}

/* decide.h's source over the live index (caller holds gate_g.lock). */
static int
ix_unmanaged(void *arg, const char *user)
{
	(void)arg;
	return is_unmanaged(user);
}

static const char *
ix_service(void *arg, const char *service)
{
	size_t i;

	(void)arg;
	for (i = 0; i < gate_g.cfg->login.nservices; i++)
		if (strcmp(gate_g.cfg->login.services[i].service, service) == 0)
			return gate_g.cfg->login.services[i].resource;
	return NULL;
}

static int
ix_has_person(void *arg, const char *uid)
{
	(void)arg;
	return gindex_has_person(gate_g.ix, uid);
}

static int
ix_grants(void *arg, const char *user, const char *res,
    int (*fn)(void *, const struct kd_grant *), void *fnarg)
{
	(void)arg;
	return gindex_kd_grants(gate_g.ix, user, res, fn, fnarg);
}

void
ix_source(struct kd_source *src)
{
	memset(src, 0, sizeof(*src));
	src->lang_en = gate_g.cfg->agent.language == CFG_LANG_EN;
	src->hostname = gate_g.hostname;
	src->unmanaged = ix_unmanaged;
	src->service = ix_service;
	src->has_person = ix_has_person;
	src->grants = ix_grants;
}

void
lu_enqueue(const char *dn)
{
	char *c;

	pthread_mutex_lock(&gate_g.lu_mtx);
	if (gate_g.lu_running && gate_g.lu_n < LU_QMAX &&
	    (c = strdup(dn)) != NULL) {
		gate_g.lu_q[(gate_g.lu_head + gate_g.lu_n) % LU_QMAX] = c;
		gate_g.lu_n++;
		pthread_cond_signal(&gate_g.lu_cv);
	}
	pthread_mutex_unlock(&gate_g.lu_mtx);
}

/*
 * An allowed login used grant g: queue a last-used write when the stored
 * time is older than the granularity and none is queued.  Called under the
 * read lock; returns a copy of the DN to queue after unlocking, or NULL.
 */
char *
lu_touch(struct gindex_grant *g, time_t now)
{
	int64_t gran = gate_g.cfg->login.last_used_granularity, prev;

	prev = __atomic_load_n(&g->lu_queued, __ATOMIC_RELAXED);
	if ((int64_t)now - g->last_used >= gran && (int64_t)now - prev >= gran &&
	    __atomic_compare_exchange_n(&g->lu_queued, &prev, (int64_t)now, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return gindex_grant_dup_dn(g);
	return NULL;
}

/*
 * One audit record per decision, whichever path made it.  0, or -1 when
 * the record could not even be queued (log.h): the caller then refuses.
 */
int
audit_login(const struct proto_query *q, const struct kd_result *r,
    const char *via, const char *note)
{
	const char *user = q->user;

	if (!r->known && (gate_g.ctx == NULL || !gate_g.ctx->debug))
		user = "(unknown)";
	return log_audit(r->decision == PROTO_ALLOW ||
	    r->decision == PROTO_IGNORE ? "login.allow" : "login.deny",
	    "user", user, "service", q->service, "rhost", q->rhost,
	    "tty", q->tty, "resource", r->resource, "grant", r->grant,
	    "decision", kd_decision_name(r->decision),
	    "reason", r->reason != NULL ? r->reason : "", "via", via,
	    /* a table decision names its note; NULL ends the list */
	    note != NULL ? "note" : NULL, note, (char *)NULL);
}

unsigned long
gate_lost_generation(void)
{
	return gate_g.lost_gen;
}

int
gate_directory_lost(void)
{
	return __atomic_load_n(&gate_g.lost, __ATOMIC_RELAXED);
}

void
gate_index_read(void (*fn)(void *, const struct gindex *, int), void *arg)
{
	pthread_rwlock_rdlock(&gate_g.lock);
	fn(arg, gate_g.ix, gate_g.online);
	pthread_rwlock_unlock(&gate_g.lock);
}

/*
 * The decision, for a login (checker NULL: its grant's last use is noted
 * and it is audited as login.allow/deny) or for `kuncictl check` (a dry
 * run: nothing noted, audited as login.check by checker).  type: the
 * access type the denial's hint names, or NULL; why, when not NULL, gets
 * the decision's reason; en: the message in English (else Indonesian).
 */
static void
decide(const struct proto_query *q, const char *type, struct proto_answer *a,
    char *why, size_t whysz, const char *checker, const char *as, int en)
{
	char reasonbuf[128], *ludn = NULL;
	struct kd_source src;
	struct kd_result r;
	struct kd_when t;
	enum cfg_offline mode;
	int64_t max_age;
	time_t now = time(NULL);
	struct tm tm;
	int32_t utc_off = 0;
	int begun;

	memset(a, 0, sizeof(*a));
	memset(&r, 0, sizeof(r));
	r.decision = PROTO_UNAVAIL;
	r.known = 1;
	if (gate_g.cfg == NULL) {
		r.reason = "login gate not started";
		goto out;
	}
	ix_source(&src);
	/* the login settings it reads are swapped under the write lock */
	pthread_rwlock_rdlock(&gate_g.lock);
	begun = kd_begin(&src, q, &r);
	pthread_rwlock_unlock(&gate_g.lock);
	if (begun == 1)
		goto out;
	localtime_r(&now, &tm);
	t.now = now;
	t.wday = tm.tm_wday;
	t.minute = tm.tm_hour * 60 + tm.tm_min;
	utc_off = (int32_t)tm.tm_gmtoff;

	pthread_rwlock_rdlock(&gate_g.lock);
	if (gate_g.ix == NULL) {
		pthread_rwlock_unlock(&gate_g.lock);
		r.decision = PROTO_UNAVAIL;
		r.reason = "no grant index (directory not reached yet)";
		goto out;
	}
	if (!gate_g.online) {
		offline_policy(r.resource, &mode, &max_age);
		if (mode == CFG_OFFLINE_DENY) {
			pthread_rwlock_unlock(&gate_g.lock);
			r.decision = PROTO_UNAVAIL;
			r.reason = "directory unreachable (offline policy deny)";
			goto out;
		}
		if ((int64_t)(now - gate_g.synced_at) > max_age) {
			pthread_rwlock_unlock(&gate_g.lock);
			r.decision = PROTO_UNAVAIL;
			r.reason = "directory unreachable and the cache is older "
			    "than offline_max_age";
			goto out;
		}
	}
	(void)kd_finish(&src, q->user, &t, &r);	/* the index never fails */
	if (r.decision == PROTO_ALLOW) {
		if (checker == NULL)
			ludn = lu_touch(r.allow_ref, now);
		if (!gate_g.online) {
			snprintf(reasonbuf, sizeof(reasonbuf),
			    "active grant (offline cache, %lld s old)",
			    (long long)(now - gate_g.synced_at));
			r.reason = reasonbuf;
		}
	}
	pthread_rwlock_unlock(&gate_g.lock);
	if (ludn != NULL) {
		lu_enqueue(ludn);
		free(ludn);
	}
out:
	a->decision = r.decision;
	snprintf(a->resource, sizeof(a->resource), "%s", r.resource);
	snprintf(a->grant, sizeof(a->grant), "%s", r.grant);
	if (checker == NULL) {
		if (audit_login(q, &r, "query", NULL) == -1 &&
		    (r.decision == PROTO_ALLOW || r.decision == PROTO_IGNORE)) {
			/* no login without its record (the log receiver
			 * stalled and the audit queue is full): fail closed */
			a->decision = PROTO_UNAVAIL;
			a->grant[0] = '\0';
			r.decision = PROTO_UNAVAIL;
		}
	} else
		log_audit("login.check", "actor", checker, "as", as, "user",
		    q->user, "service", q->service, "resource", r.resource,
		    "grant", r.grant, "decision", kd_decision_name(r.decision),
		    "reason", r.reason != NULL ? r.reason : "", (char *)NULL);
	kd_message(&r, en, type, utc_off, a->message, sizeof(a->message));
	if (why != NULL)
		snprintf(why, whysz, "%s", r.reason != NULL ? r.reason : "");
}

void
gate_decide(const struct proto_query *q, const char *type,
    struct proto_answer *a, char *why, size_t whysz)
{
	decide(q, type, a, why, whysz, NULL, NULL,
	    gate_g.cfg != NULL && gate_g.cfg->agent.language == CFG_LANG_EN);
}

void
gate_check(const struct proto_query *q, const char *type,
    struct proto_answer *a, char *why, size_t whysz, const char *actor,
    const char *as, int en)
{
	decide(q, type, a, why, whysz, actor != NULL ? actor : "", as, en);
}


/* ---------------------------------------------------------- query socket */

/*
 * Warnings any local user can provoke (issue 13: 439,402 lines in 10 s
 * from four users hammering the query socket) are limited to one per
 * RL_SECS; the rest are counted and summarised.
 */
static struct log_rate refused_rl = LOG_RATE_INIT(RL_SECS);
static struct log_rate peercred_rl = LOG_RATE_INIT(RL_SECS);
struct log_rate note_rl = LOG_RATE_INIT(RL_SECS);

const char *
held_text(unsigned long n, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, " (and %lu more in the last %d s)", n, RL_SECS);
	return buf;
}

/* Called every second: the count behind a quiet limiter, in one line. */
static void
rate_summary(void)
{
	unsigned long n;

	if ((n = log_rate_flush(&refused_rl)) > 0)
		log_warnx("query socket: refused %lu more connections from "
		    "users other than root and kuncid's in the last %d s", n,
		    RL_SECS);
	if ((n = log_rate_flush(&peercred_rl)) > 0)
		log_warnx("query socket: SO_PEERCRED failed %lu more times in "
		    "the last %d s", n, RL_SECS);
	if ((n = log_rate_flush(&note_rl)) > 0)
		log_warnx("note fifo: %lu more malformed notes in the last "
		    "%d s", n, RL_SECS);
}

static void
serve_query(int fd)
{
	struct peer p;
	struct pbuf b;
	struct proto_query q;
	struct proto_answer a;
	unsigned long held;
	char text[96];
	uint32_t type;
	int r;

	pbuf_init(&b, PROTO_QUERY_MAX);
	if (kuncid_peer(fd, &p) == -1) {
		if (log_rate(&peercred_rl, &held))
			log_warn("query socket: SO_PEERCRED");
		goto out;
	}
	if (p.uid != 0 && p.uid != gate_g.ctx->uid) {
		/* any local user can provoke this at will: one line per
		 * interval, the rest counted (rate_summary()) */
		if (log_rate(&refused_rl, &held))
			log_warnx("query socket: refused uid %u (pid %d)%s",
			    (unsigned int)p.uid, (int)p.pid, held > 0 ?
			    held_text(held, text, sizeof(text)) : "");
		goto out;
	}
	if ((r = proto_recv(fd, &type, &b, QUERY_READ_MS)) != PROTO_OK) {
		log_debug("query socket: %s", proto_strerror(r));
		goto out;
	}
	if (type != PROTO_T_QUERY || proto_query_decode(&b, &q) != PROTO_OK) {
		log_warnx("query socket: malformed query from pid %d",
		    (int)p.pid);
		goto out;
	}
	gate_decide(&q, NULL, &a, NULL, 0);
	pbuf_reset(&b);
	if (proto_answer_encode(&b, &a) == PROTO_OK)
		(void)proto_send(fd, PROTO_T_ANSWER, &b, QUERY_READ_MS);
out:
	pbuf_free(&b);
}

/*
 * Workers block in accept(): the kernel hands each connection to exactly
 * one waiter (no thundering herd on a small machine).  gate_stop() shuts
 * the listening socket down, which makes every blocked accept() return.
 */
static void *
worker_main(void *arg)
{
	int fd;

	(void)arg;
	while (!gate_g.stopping) {
		fd = accept4(gate_g.qfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd == -1) {
			if (gate_g.stopping)
				break;
			if (errno != EINTR && errno != ECONNABORTED) {
				log_warn("query socket: accept");
				gate_nap(1);
			}
			continue;
		}
		serve_query(fd);
		close(fd);
	}
	return NULL;
}

/* ------------------------------------------------------------ gate table */


/*
 * A reload (SIGHUP): the login settings -- services, unmanaged accounts,
 * offline policies, last-use granularity, query timeout -- are swapped
 * into the running configuration under the index's write lock, which
 * every reader of them holds, and the table is rebuilt with them.  l gets
 * the old ones, for the caller to free.
 */
void
gate_reload_login(struct cfg_login *l)
{
	struct kunci_cfg *cfg = (struct kunci_cfg *)(uintptr_t)gate_g.cfg;
	struct cfg_login old;
	char *key;

	pthread_rwlock_wrlock(&gate_g.lock);
	/* a restart-only key stays as it is (kuncid reads the key once) */
	key = l->snapshot_key_file;
	l->snapshot_key_file = cfg->login.snapshot_key_file;
	old = cfg->login;
	cfg->login = *l;
	*l = old;
	l->snapshot_key_file = key;
	pthread_rwlock_unlock(&gate_g.lock);
	tab_changed(1);
}

/*
 * The index changed (dirty) or only the online flag did: wake the table
 * thread.  Never blocks on anything but the table mutex.
 */
void
tab_changed(int dirty)
{
	pthread_mutex_lock(&gate_g.tab_mtx);
	if (dirty)
		gate_g.tab_dirty = 1;
	else
		gate_g.tab_kick = 1;
	pthread_cond_signal(&gate_g.tab_cv);
	pthread_mutex_unlock(&gate_g.tab_mtx);
}

/*
 * The live header: online flag, and how long the UTC offset of
 * agent.timezone (TZ) holds.  Around a change of offset (daylight saving)
 * nothing is vouched for, so the module asks the socket meanwhile.
 */
static void
tab_live(uint32_t *flags, int64_t *until, int32_t *off, int lock)
{
	time_t now = time(NULL), later = now + GTAB_LIVE + 1;
	struct tm a, b;

	if (lock)
		pthread_rwlock_rdlock(&gate_g.lock);
	*flags = gate_g.online ? GTAB_F_ONLINE : 0;
	if (lock)
		pthread_rwlock_unlock(&gate_g.lock);
	localtime_r(&now, &a);
	localtime_r(&later, &b);
	*off = (int32_t)a.tm_gmtoff;
	*until = a.tm_gmtoff == b.tm_gmtoff ? (int64_t)now + GTAB_LIVE : 0;
}

/*
 * Let go of the published table's mapping.  Callers exclude the sync
 * thread's patches (the index lock) and are the table thread or run after
 * it stopped.
 */
static void
tab_unpublish(void)
{
	mapguard_del(gate_g.tab_guard);
	gate_g.tab_guard = -1;
	gtab_unpublish(&gate_g.tab);
}

/*
 * Whether the published file is still the one kuncid wrote, whole: the
 * path names it, it has one link, its size is what kuncid mapped, and no
 * store into the mapping faulted (mapguard.h).  Someone else removed,
 * replaced or truncated it otherwise; kuncid then publishes a new file
 * (a rename, never a write into the damaged one).
 */
static int
tab_intact(const char **why)
{
	struct stat st, fst;

	if (stat(gate_g.tab_path, &st) == -1) {
		*why = "removed";
		return 0;
	}
	if (st.st_dev != gate_g.tab.dev || st.st_ino != gate_g.tab.ino) {
		*why = "replaced";
		return 0;
	}
	if (fstat(gate_g.tab.fd, &fst) == -1 || (uint64_t)fst.st_size !=
	    (uint64_t)gate_g.tab.len || mapguard_hit(gate_g.tab_guard)) {
		*why = "truncated";
		return 0;
	}
	return 1;
}

/* Build and publish the table from the live index; 0 or -1. */
static int
tab_publish(void)
{
	const char *svc[64], *tmpl[64];
	struct gtab_policy pol;
	struct gtab_pub pub;
	size_t i;
	int r = -1;

	memset(&pol, 0, sizeof(pol));
	pol.lang_en = gate_g.cfg->agent.language == CFG_LANG_EN;
	pol.hostname = gate_g.hostname;
	/* The login settings under the lock: a reload swaps them under the
	 * write lock (gate_reload_login()). */
	pthread_rwlock_rdlock(&gate_g.lock);
	pol.unmanaged = gate_g.cfg->login.unmanaged;
	pol.nunmanaged = gate_g.cfg->login.nunmanaged;
	if (gate_g.cfg->login.nservices > 64) {
		pthread_rwlock_unlock(&gate_g.lock);
		return -1;	/* cfg_groups.c bounds the list well below this */
	}
	for (i = 0; i < gate_g.cfg->login.nservices; i++) {
		svc[i] = gate_g.cfg->login.services[i].service;
		tmpl[i] = gate_g.cfg->login.services[i].resource;
	}
	pol.service = svc;
	pol.tmpl = tmpl;
	pol.nservices = gate_g.cfg->login.nservices;
	tab_live(&pol.flags, &pol.live_until, &pol.utc_off, 0);
	/*
	 * The read lock is held from the build to the swap: the sync thread
	 * changes the index and patches the published table under the write
	 * lock, so each change is either in this build or patched into the
	 * table this publishes, never lost between the two.
	 */
	if (gate_g.ix != NULL) {
		if (gtab_publish(gate_g.tab_path, gate_g.ix, &pol, &pub) == -1)
			log_warn("gate table: %s", gate_g.tab_path);
		else {
			/* stamped again: a large build outlasts a second */
			tab_live(&pol.flags, &pol.live_until, &pol.utc_off, 0);
			gtab_set_live(pub.h, pol.flags, pol.live_until,
			    pol.utc_off);
			tab_unpublish();
			gate_g.tab = pub;
			gate_g.tab_guard = mapguard_add(pub.h, pub.len);
			r = 0;
		}
	}
	pthread_rwlock_unlock(&gate_g.lock);
	return r;
}

/*
 * Lower the calling thread's priority (Linux nice is per thread): the
 * table builds and the audit notes are kuncid's background work, and on a
 * busy machine they should yield to the logins themselves, which run in
 * the callers' processes.  Failure (a hardened unit may forbid it) only
 * costs that courtesy.
 */
void
gate_background(void)
{
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
}

int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The table thread: republishes after changes that need it (additions;
 * see ix_change() for what is patched in place instead), at most once
 * per max(TAB_GAP_MS, the last build's time) so a burst of directory
 * changes (a bulk load) costs at most half a CPU, and refreshes the live
 * header every second.  It also writes the snapshot when one is due
 * (snap_write()), after any rebuild: both are background work.
 */
#define TAB_GAP_MS	20

static void *
tab_main(void *arg)
{
	struct timespec ts;
	int64_t last = 0, cost = 0, t0, wait;
	uint32_t flags;
	int64_t until;
	int32_t off;
	const char *why;
	ino_t warned = 0;
	int dirty, failed = 0;

	(void)arg;
	gate_background();
	pthread_mutex_lock(&gate_g.tab_mtx);
	while (!gate_g.stopping) {
		if (!gate_g.tab_dirty && !gate_g.tab_kick) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			(void)pthread_cond_timedwait(&gate_g.tab_cv,
			    &gate_g.tab_mtx, &ts);
		}
		if (gate_g.stopping)
			break;
		dirty = gate_g.tab_dirty;
		gate_g.tab_dirty = 0;
		gate_g.tab_kick = 0;
		pthread_mutex_unlock(&gate_g.tab_mtx);
		if (dirty) {
			wait = last + (cost > TAB_GAP_MS ? cost :
			    TAB_GAP_MS) - mono_ms();
			if (wait > 0) {
				ts.tv_sec = wait / 1000;
				ts.tv_nsec = (wait % 1000) * 1000000;
				nanosleep(&ts, NULL);
			}
			/* changes during the nap are in this build */
			pthread_mutex_lock(&gate_g.tab_mtx);
			gate_g.tab_dirty = 0;
			pthread_mutex_unlock(&gate_g.tab_mtx);
			t0 = mono_ms();
			if (tab_publish() == -1) {
				if (!failed)
					log_warnx("gate table: not published; "
					    "logins go through the query "
					    "socket");
				failed = 1;
				/*
				 * The old table lacks what made this build
				 * due (a new grant would be denied from it):
				 * withdraw it from use now rather than when
				 * its live_until runs out.
				 */
				if (gate_g.tab.h != NULL)
					gtab_set_live(gate_g.tab.h, 0, 0, 0);
				/* try again within a second */
				pthread_mutex_lock(&gate_g.tab_mtx);
				gate_g.tab_dirty = 1;
				pthread_mutex_unlock(&gate_g.tab_mtx);
				ts.tv_sec = 1;
				ts.tv_nsec = 0;
				nanosleep(&ts, NULL);
			} else
				failed = 0;
			last = mono_ms();
			cost = last - t0;
		} else if (gate_g.tab.h != NULL) {
			tab_live(&flags, &until, &off, 1);
			gtab_set_live(gate_g.tab.h, flags, until, off);
			/* someone removed, replaced or truncated the file:
			 * put a new one of ours in its place */
			if (!tab_intact(&why)) {
				if (strcmp(why, "truncated") == 0) {
					/* readers see the size mismatch and
					 * ask the socket; say so once */
					if (warned != gate_g.tab.ino)
						log_warnx("gate table: %s was "
						    "truncated by someone else; "
						    "publishing a new one",
						    gate_g.tab_path);
					warned = gate_g.tab.ino;
					gtab_set_live(gate_g.tab.h, 0, 0, 0);
				} else
					log_debug("gate table: %s %s by someone "
					    "else; publishing a new one",
					    gate_g.tab_path, why);
				tab_changed(1);
			}
		}
		rate_summary();
		snap_write(0);
		pthread_mutex_lock(&gate_g.tab_mtx);
	}
	pthread_mutex_unlock(&gate_g.tab_mtx);
	return NULL;
}

/* Withdraw the table: readers that mapped it see it stale at once. */
static void
tab_withdraw(void)
{
	/* the sync thread may patch it */
	pthread_rwlock_wrlock(&gate_g.lock);
	if (gate_g.tab.h != NULL) {
		gtab_set_live(gate_g.tab.h, 0, 0, 0);
		tab_unpublish();
	}
	pthread_rwlock_unlock(&gate_g.lock);
	if (gate_g.tab_path[0] != '\0')
		(void)unlink(gate_g.tab_path);
}

/* The table and note paths: beside the query socket (gtab.h). */
static int
tab_paths(void)
{
	char dir[4096];

	if (gtab_dir(gate_g.cfg->agent.query_socket, dir, sizeof(dir)) == -1 ||
	    snprintf(gate_g.tab_path, sizeof(gate_g.tab_path), "%s/%s", dir,
	    GTAB_NAME) >= (int)sizeof(gate_g.tab_path) ||
	    snprintf(gate_g.note_path, sizeof(gate_g.note_path), "%s/%s", dir,
	    GTAB_NOTE_NAME) >= (int)sizeof(gate_g.note_path)) {
		log_warnx("query_socket path unusable for the gate table");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------- kuncid's own changes */

static int
status_of(const char *st)
{
	if (strcmp(st, "revoked") == 0)
		return KD_REVOKED;
	if (strcmp(st, "expired") == 0)
		return KD_EXPIRED;
	if (strcmp(st, "suspended") == 0)
		return KD_SUSPENDED;
	return KD_OTHER;
}

/*
 * The status kuncid itself gave grant id, if it did so in the last
 * PIN_SECS and sync has not shown that status yet; -1 otherwise.  A sync
 * connection that lags (a silent one, a replica the write has not reached
 * yet) must not put back the "active" kuncid has just taken away.
 */
int
pin_get(const char *id, const char *synced)
{
	time_t now = time(NULL);
	int i, r = -1;

	pthread_mutex_lock(&gate_g.pin_mtx);
	for (i = 0; i < PIN_MAX; i++) {
		if (gate_g.pins[i].until <= now || strcmp(gate_g.pins[i].id,
		    id) != 0)
			continue;
		if (strcasecmp(synced, "active") == 0)
			r = gate_g.pins[i].status;
		else
			gate_g.pins[i].until = 0;	/* sync caught up */
	}
	pthread_mutex_unlock(&gate_g.pin_mtx);
	return r;
}

static void
pin_add(const char *id, int status)
{
	time_t now = time(NULL);
	int i, slot = 0;

	pthread_mutex_lock(&gate_g.pin_mtx);
	for (i = 0; i < PIN_MAX; i++)
		if (gate_g.pins[i].until < gate_g.pins[slot].until)
			slot = i;	/* a free (0) or the oldest */
	snprintf(gate_g.pins[slot].id, sizeof(gate_g.pins[slot].id), "%s", id);
	gate_g.pins[slot].status = status;
	gate_g.pins[slot].until = now + PIN_SECS;
	pthread_mutex_unlock(&gate_g.pin_mtx);
}

void
gate_grant_left(const char *subject, const char *resource, const char *id,
    const char *status)
{
	struct gindex_grant *g;
	int st = status_of(status), changed = 0;

	if (!gate_g.started || strlen(id) >= sizeof(gate_g.pins[0].id))
		return;
	pin_add(id, st);
	pthread_rwlock_wrlock(&gate_g.lock);
	if (gate_g.ix != NULL &&
	    (g = gindex_find_id(gate_g.ix, subject, resource, id)) != NULL &&
	    g->status == KD_ACTIVE) {
		gindex_set_status(g, st);
		(void)gtab_patch_grant(&gate_g.tab, g->subject, g->resource,
		    g->id, st, g->not_before, g->not_after);
		changed = 1;
	}
	pthread_rwlock_unlock(&gate_g.lock);
	if (changed) {
		snap_dirty();
		log_debug("gate: grant %s %s at once", id, status);
	}
}

/* ---------------------------------------------------------------- status */

static void
fmt_time(char *buf, size_t sz, time_t t, int iso)
{
	struct tm tm;

	buf[0] = '\0';
	if (t != 0 && localtime_r(&t, &tm) != NULL)
		strftime(buf, sz, iso ? "%Y-%m-%dT%H:%M:%S%z" :
		    "%Y-%m-%d %H:%M:%S", &tm);
}

struct gstat {
	int		 started, online, uri, keyed, dirty;
	time_t		 since, ok_at, fail_since;
	unsigned long	 silent, fails;
	char		 err[256], snap_err[512];
};

static void
gstat_get(struct gstat *st)
{
	memset(st, 0, sizeof(*st));
	st->started = gate_g.started;
	st->keyed = gate_g.keylen > 0;
	pthread_mutex_lock(&gate_g.stat_mtx);
	st->uri = gate_g.sync_uri;
	st->online = gate_g.sync_uri >= 0;
	st->since = gate_g.sync_since;
	st->silent = gate_g.sync_silent;
	snprintf(st->err, sizeof(st->err), "%s", gate_g.sync_err);
	pthread_mutex_unlock(&gate_g.stat_mtx);
	pthread_mutex_lock(&gate_g.snap_mtx);
	st->dirty = gate_g.snap_dirty;
	st->ok_at = gate_g.snap_ok_at;
	st->fail_since = gate_g.snap_fail_since;
	st->fails = gate_g.snap_fails;
	snprintf(st->snap_err, sizeof(st->snap_err), "%s", gate_g.snap_err);
	pthread_mutex_unlock(&gate_g.snap_mtx);
}

void
gate_status_text(struct strbuf *out, size_t keywidth, int en)
{
	struct gstat st;
	char t[40], t2[40], line[1024];

	gstat_get(&st);
	if (!st.started)
		return;
	fmt_time(t, sizeof(t), st.since, 0);
	if (st.online)
		snprintf(line, sizeof(line), en ? "online via %s since %s" :
		    "daring lewat %s sejak %s",
		    gate_g.cfg->directory.uri[st.uri], t);
	else
		snprintf(line, sizeof(line), en ? "OFFLINE since %s: %s" :
		    "LURING sejak %s: %s", t, st.err);
	out_kv(out, keywidth, en ? "Gate" : "Gerbang", line);
	fmt_time(t, sizeof(t), st.ok_at, 0);
	fmt_time(t2, sizeof(t2), st.fail_since, 0);
	if (!st.keyed)
		snprintf(line, sizeof(line), "%s", en ?
		    "disabled (no snapshot_key_file)" :
		    "nonaktif (tanpa snapshot_key_file)");
	else if (st.fails > 0)
		snprintf(line, sizeof(line), en ?
		    "FAILING since %s (%lu attempts): %s%s" :
		    "GAGAL sejak %s (%lu percobaan): %s%s", t2, st.fails,
		    st.snap_err, !st.dirty ? "" : en ?
		    "; none on disk until written" :
		    "; tidak ada di disk sampai tertulis");
	else if (st.snap_err[0] != '\0')
		snprintf(line, sizeof(line), "%s", st.snap_err);
	else if (st.ok_at != 0)
		snprintf(line, sizeof(line), en ? "written %s%s" :
		    "ditulis %s%s", t, st.dirty ? (en ? ", a change pending" :
		    ", ada perubahan tertunda") : "");
	else
		snprintf(line, sizeof(line), "%s", st.dirty ? (en ?
		    "not written yet" : "belum ditulis") : (en ?
		    "none written by this run" : "belum ditulis proses ini"));
	out_kv(out, keywidth, "Snapshot", line);
}

json_t *
gate_status_json(void)
{
	struct gstat st;
	char t[40];
	json_t *j, *sn;

	gstat_get(&st);
	j = json_object();
	json_object_set_new(j, "online", json_boolean(st.online));
	json_object_set_new(j, "uri", out_jstr(st.online ?
	    gate_g.cfg->directory.uri[st.uri] : ""));
	fmt_time(t, sizeof(t), st.since, 1);
	json_object_set_new(j, "since", st.since ? out_jstr(t) : json_null());
	json_object_set_new(j, "error", out_jstr(st.online ? "" : st.err));
	json_object_set_new(j, "silent_connections",
	    json_integer((json_int_t)st.silent));
	sn = json_object();
	json_object_set_new(sn, "enabled", json_boolean(st.keyed));
	json_object_set_new(sn, "ok", json_boolean(st.keyed && st.fails == 0 &&
	    st.snap_err[0] == '\0'));
	json_object_set_new(sn, "dirty", json_boolean(st.dirty));
	fmt_time(t, sizeof(t), st.ok_at, 1);
	json_object_set_new(sn, "written", st.ok_at ? out_jstr(t) :
	    json_null());
	fmt_time(t, sizeof(t), st.fail_since, 1);
	json_object_set_new(sn, "failing_since", st.fail_since ?
	    out_jstr(t) : json_null());
	json_object_set_new(sn, "failures", json_integer((json_int_t)st.fails));
	json_object_set_new(sn, "error", out_jstr(st.snap_err));
	json_object_set_new(j, "snapshot", sn);
	return j;
}

/* Sleep up to ms milliseconds, waking early on stop. */
void
gate_nap_ms(int ms)
{
	struct pollfd pfd;

	pfd.fd = gate_g.stop_pipe[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	(void)poll(&pfd, 1, ms);
}

void
gate_nap(int secs)
{
	gate_nap_ms(secs * 1000);
}

/* ------------------------------------------------------------ last used */

static void *
lu_main(void *arg)
{
	struct ldapc lc;
	struct timespec ts;
	char *batch[LU_BATCH], now_s[32];
	struct berval bv, *bvs[2];
	LDAPMod mod, *mods[2];
	LDAP *ld;
	size_t n, i, j;
	int rc;

	(void)arg;
	ldapc_init(&lc, gate_g.cfg);
	lc.writer = 1;		/* chatter too goes to the one writer */
	for (;;) {
		pthread_mutex_lock(&gate_g.lu_mtx);
		while (gate_g.lu_n == 0 && !gate_g.stopping) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&gate_g.lu_cv, &gate_g.lu_mtx,
			    &ts);
		}
		if (gate_g.stopping) {
			pthread_mutex_unlock(&gate_g.lu_mtx);
			break;
		}
		for (n = 0; n < LU_BATCH && gate_g.lu_n > 0; n++) {
			batch[n] = gate_g.lu_q[gate_g.lu_head];
			gate_g.lu_head = (gate_g.lu_head + 1) % LU_QMAX;
			gate_g.lu_n--;
		}
		pthread_mutex_unlock(&gate_g.lu_mtx);

		if ((ld = ldapc_get(&lc, 0)) == NULL) {
			/* LDAP is away: drop this batch; the grants stay
			 * marked and are retried after a granularity. */
			log_debug("last-used: directory unreachable, %zu "
			    "updates dropped", n);
			for (i = 0; i < n; i++)
				free(batch[i]);
			gate_nap(1);
			continue;
		}
		ldapc_gentime(now_s, sizeof(now_s), time(NULL));
		bv.bv_val = now_s;
		bv.bv_len = strlen(now_s);
		bvs[0] = &bv;
		bvs[1] = NULL;
		mod.mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
		mod.mod_type = (char *)(uintptr_t)"kunciLastUsed";
		mod.mod_bvalues = bvs;
		mods[0] = &mod;
		mods[1] = NULL;
		for (i = 0; i < n; i++) {
			rc = ldap_modify_ext_s(ld, batch[i], mods, NULL, NULL);
			if (rc != LDAP_SUCCESS) {
				log_warnx("last-used: %s: %s", batch[i],
				    ldap_err2string(rc));
				if (ldapc_is_down(rc) ||
				    ldapc_fenced(&lc, rc)) {
					if (ldapc_is_down(rc))
						ldapc_fail(&lc, rc);
					for (j = i; j < n; j++)
						free(batch[j]);
					n = 0;
					break;
				}
			}
			free(batch[i]);
		}
	}
	pthread_mutex_lock(&gate_g.lu_mtx);
	gate_g.lu_running = 0;
	while (gate_g.lu_n > 0) {
		free(gate_g.lu_q[gate_g.lu_head]);
		gate_g.lu_head = (gate_g.lu_head + 1) % LU_QMAX;
		gate_g.lu_n--;
	}
	pthread_mutex_unlock(&gate_g.lu_mtx);
	ldapc_close(&lc);
	return NULL;
}

/* ---------------------------------------------------------- start, stop */

static void
load_key(void)
{
	char err[512], buf[SNAPSHOT_KEY_MAX + 1];
	const char *path = gate_g.cfg->login.snapshot_key_file;

	gate_g.keylen = 0;
	if (cfg_read_secret(path, buf, sizeof(buf), err, sizeof(err)) == -1) {
		log_warnx("snapshot disabled (no offline answers after a "
		    "restart): %s", err);
		return;
	}
	if (strlen(buf) < SNAPSHOT_KEY_MIN) {
		log_warnx("snapshot disabled: %s holds fewer than %d bytes",
		    path, SNAPSHOT_KEY_MIN);
		explicit_bzero(buf, sizeof(buf));
		return;
	}
	gate_g.keylen = strlen(buf);
	memcpy(gate_g.key, buf, gate_g.keylen);
	explicit_bzero(buf, sizeof(buf));
}

int
gate_start(struct kunci_ctx *ctx)
{
	const char *tz;
	char want[300];
	int i;

	gate_g.ctx = ctx;
	gate_g.cfg = ctx->cfg;
	gate_g.stopping = 0;
	if (gethostname(gate_g.hostname, sizeof(gate_g.hostname) - 1) == -1)
		snprintf(gate_g.hostname, sizeof(gate_g.hostname), "localhost");
	/*
	 * Time windows are local time in agent.timezone.  Set TZ while the
	 * process is still single-threaded as far as the gate knows
	 * (setenv() races getenv() in other threads).
	 */
	snprintf(want, sizeof(want), ":%s", gate_g.cfg->agent.timezone);
	if ((tz = getenv("TZ")) == NULL || strcmp(tz, want) != 0) {
		if (setenv("TZ", want, 1) == -1)
			log_warn("setenv TZ");
	}
	tzset();

	if (snprintf(gate_g.snap_path, sizeof(gate_g.snap_path),
	    "%s/grants.snapshot",
	    gate_g.cfg->agent.state_dir) >= (int)sizeof(gate_g.snap_path)) {
		log_warnx("state_dir too long");
		return -1;
	}
	load_key();
	if (gate_g.keylen > 0)
		snap_load();
	/*
	 * The snapshot's index gets its table at once (offline until the
	 * sync is back): a sync resumed from the snapshot's cookie may
	 * change nothing, and nothing else would publish it.
	 */
	if (gate_g.ix != NULL)
		tab_changed(1);

	if (pipe2(gate_g.stop_pipe, O_CLOEXEC) == -1) {
		log_warn("pipe");
		return -1;
	}
	if ((gate_g.qfd = kuncid_listen(gate_g.cfg->agent.query_socket,
	    0666)) == -1)
		return -1;
	if (tab_paths() == -1 ||
	    (gate_g.nfd = note_listen(gate_g.note_path)) == -1)
		return -1;
	(void)unlink(gate_g.tab_path);	/* a previous run's, now stale */
	/* a store into a table someone truncated must not kill kuncid */
	if (mapguard_init() == -1)
		log_warn("gate table: SIGBUS handler");
	if (pthread_create(&gate_g.note_thr, NULL, note_main, NULL) != 0) {
		log_warnx("cannot start the note thread");
		return -1;
	}
	gate_g.note_started = 1;
	if (pthread_create(&gate_g.tab_thr, NULL, tab_main, NULL) != 0) {
		log_warnx("cannot start the table thread");
		return -1;
	}
	gate_g.tab_started = 1;
	gate_g.lu_running = 1;
	if (pthread_create(&gate_g.lu_thr, NULL, lu_main, NULL) != 0) {
		gate_g.lu_running = 0;
		log_warnx("cannot start the last-used thread");
		return -1;
	}
	gate_g.lu_thr_started = 1;
	gate_g.sync_since = time(NULL);
	snprintf(gate_g.sync_err, sizeof(gate_g.sync_err), "not connected yet");
	if (pthread_create(&gate_g.sync_thr, NULL, sync_main, NULL) != 0) {
		log_warnx("cannot start the sync thread");
		return -1;
	}
	gate_g.sync_running = 1;
	for (i = 0; i < GATE_WORKERS; i++) {
		if (pthread_create(&gate_g.workers[i], NULL, worker_main,
		    NULL) != 0) {
			log_warnx("cannot start a query worker");
			return -1;
		}
		gate_g.nworkers++;
	}
	gate_g.started = 1;
	log_info("login gate: query socket %s, %d workers, table %s",
	    gate_g.cfg->agent.query_socket, GATE_WORKERS, gate_g.tab_path);
	return 0;
}

void
gate_stop(void)
{
	int i;

	gate_g.stopping = 1;
	if (gate_g.stop_pipe[1] != -1 && write(gate_g.stop_pipe[1], "x",
	    1) == -1)
		log_warn("gate_stop: write");
	pthread_mutex_lock(&gate_g.lu_mtx);
	pthread_cond_broadcast(&gate_g.lu_cv);
	pthread_mutex_unlock(&gate_g.lu_mtx);
	pthread_mutex_lock(&gate_g.tab_mtx);
	pthread_cond_broadcast(&gate_g.tab_cv);
	pthread_mutex_unlock(&gate_g.tab_mtx);
	if (gate_g.tab_started)
		pthread_join(gate_g.tab_thr, NULL);
	gate_g.tab_started = 0;
	/* before the query socket goes: no login is decided from a table
	 * whose notes nobody reads */
	tab_withdraw();
	if (gate_g.note_started)
		pthread_join(gate_g.note_thr, NULL);
	gate_g.note_started = 0;
	if (gate_g.nfd != -1) {
		unlink(gate_g.note_path);
		close(gate_nq.wfd);
		gate_nq.wfd = -1;
		close(gate_g.nfd);
		gate_g.nfd = -1;
	}
	if (gate_g.qfd != -1)
		shutdown(gate_g.qfd,
		    SHUT_RDWR);	/* wakes blocked accept()s */
	for (i = 0; i < gate_g.nworkers; i++)
		pthread_join(gate_g.workers[i], NULL);
	gate_g.nworkers = 0;
	if (gate_g.sync_running)
		pthread_join(gate_g.sync_thr, NULL);
	gate_g.sync_running = 0;
	if (gate_g.lu_thr_started) {
		pthread_join(gate_g.lu_thr, NULL);
		gate_g.lu_thr_started = 0;
	}
	/* a last snapshot (the sync thread has stopped) */
	snap_write(1);
	if (gate_g.qfd != -1) {
		close(gate_g.qfd);
		unlink(gate_g.cfg->agent.query_socket);
		gate_g.qfd = -1;
	}
	for (i = 0; i < 2; i++)
		if (gate_g.stop_pipe[i] != -1) {
			close(gate_g.stop_pipe[i]);
			gate_g.stop_pipe[i] = -1;
		}
	pthread_rwlock_wrlock(&gate_g.lock);
	gindex_free(gate_g.ix);
	gate_g.ix = NULL;
	pthread_rwlock_unlock(&gate_g.lock);
	explicit_bzero(gate_g.key, sizeof(gate_g.key));
	gate_g.keylen = 0;
	gate_g.started = 0;
}
