/*
 * gfresh.c: the writer's beat and the gate's check of it; see gfresh.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "gfresh.h"
#include "ldapc.h"
#include "log.h"

/*
 * The beat has an entry of its own, not cn=writer: replication keeps the
 * newer version of a whole entry, and a beat on the old writer's copy
 * after a forced switch must not undo the switch when the sites merge.
 * A core object class (applicationProcess: cn, description), so no
 * schema change; under the kunci base, so the fence lets kuncid write it
 * on the writer only.
 */
#define BEAT_RDN	"cn=beat"
#define BEAT_ATTR	"description"
#define BEAT_BACKOFF	2	/* seconds: the beat's connection retries */

static struct {
	const struct kunci_cfg	*cfg;
	pthread_t		 thr;
	int			 running;
	int			 stopping;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
} B = {
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

static int
beat_dn(const struct kunci_cfg *cfg, char *dn, size_t dnsz)
{
	const char *kb = cfg->directory.kunci_base;

	if (kb == NULL || *kb == '\0')
		return -1;
	if (snprintf(dn, dnsz, "%s,%s", BEAT_RDN, kb) >= (int)dnsz)
		return -1;
	return 0;
}

static void
first_value(LDAP *ld, LDAPMessage *e, const char *attr, char *dst,
    size_t dstsz)
{
	struct berval **v;
	size_t n;

	dst[0] = '\0';
	if ((v = ldap_get_values_len(ld, e, attr)) == NULL)
		return;
	if (v[0] != NULL) {
		n = v[0]->bv_len < dstsz - 1 ? v[0]->bv_len : dstsz - 1;
		memcpy(dst, v[0]->bv_val, n);
		dst[n] = '\0';
	}
	ldap_value_free_len(v);
}

/* ------------------------------------------------------------- the gate */

void
gfresh_init(struct gfresh *f)
{
	memset(f, 0, sizeof(*f));
}

int
gfresh_probe(LDAP *ld, const struct kunci_cfg *cfg, struct gfresh *f,
    int *msgid)
{
	static char *attrs[] = { (char *)(uintptr_t)BEAT_ATTR, NULL };
	static char none[] = LDAP_NO_ATTRS;
	static char *noattrs[] = { none, NULL };
	char dn[1024];

	f->seen = 0;
	if (beat_dn(cfg, dn, sizeof(dn)) == -1) {
		f->seen = -1;		/* not checked */
		return ldap_search_ext(ld, cfg->directory.base,
		    LDAP_SCOPE_BASE, "(objectClass=*)", noattrs, 0, NULL,
		    NULL, NULL, 1, msgid);
	}
	return ldap_search_ext(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 1, msgid);
}

void
gfresh_entry(struct gfresh *f, LDAP *ld, LDAPMessage *e, int64_t now)
{
	char v[GFRESH_BEAT_MAX];
	size_t n;

	if (f->seen == -1)
		return;
	f->seen = 1;
	/* "<the writer's serverID> <its time>" */
	first_value(ld, e, BEAT_ATTR, v, sizeof(v));
	if (v[0] == '\0') {
		if (!f->ever)
			f->have = 0;
		return;
	}
	n = strcspn(v, " ");
	if (n >= sizeof(f->wid))
		n = sizeof(f->wid) - 1;
	memcpy(f->wid, v, n);
	f->wid[n] = '\0';
	/* a value first seen counts from now: when it changed is unknown */
	if (!f->have || strcmp(v, f->beat) != 0) {
		snprintf(f->beat, sizeof(f->beat), "%s", v);
		f->changed = now;
	}
	f->have = 1;
	f->ever = 1;
}

void
gfresh_result(struct gfresh *f)
{
	/*
	 * No beat: one server, or no kuncid has reached the writer yet.
	 * Once a beat was seen, a probe without one (failed, or the entry
	 * gone) is no news: the gate stays as stale as the last beat says
	 * (fail closed), never fresh again for a failed probe.
	 */
	if (f->seen == 0 && !f->ever)
		f->have = 0;
}

int64_t
gfresh_age(const struct gfresh *f, int64_t now)
{
	return f->have ? now - f->changed : 0;
}

int
gfresh_check(struct gfresh *f, const struct kunci_cfg *cfg, int64_t now,
    const char *uri)
{
	int64_t lim = cfg->directory.writer_timeout * 1000;
	int stale = lim > 0 && f->have && now - f->changed > lim;

	if (stale == f->stale)
		return GFRESH_SAME;
	f->stale = stale;
	if (!stale)
		return GFRESH_FRESH;
	snprintf(f->why, sizeof(f->why), "%s: the writer (serverID %s) not "
	    "heard from for %lld s: this provider is cut off from it", uri,
	    f->wid[0] != '\0' ? f->wid : "?",
	    (long long)((now - f->changed) / 1000));
	return GFRESH_STALE;
}

/* ------------------------------------------------------------- the beat */

/* The first beat on a writer makes the entry. */
static int
beat_add(LDAP *ld, const char *dn, char *val)
{
	char *oc[] = { (char *)(uintptr_t)"applicationProcess", NULL };
	char *cn[] = { (char *)(uintptr_t)"beat", NULL };
	char *dv[] = { val, NULL };
	LDAPMod mo, mc, md, *mods[4];

	mo.mod_op = mc.mod_op = md.mod_op = LDAP_MOD_ADD;
	mo.mod_type = (char *)(uintptr_t)"objectClass";
	mo.mod_values = oc;
	mc.mod_type = (char *)(uintptr_t)"cn";
	mc.mod_values = cn;
	md.mod_type = (char *)(uintptr_t)BEAT_ATTR;
	md.mod_values = dv;
	mods[0] = &mo;
	mods[1] = &mc;
	mods[2] = &md;
	mods[3] = NULL;
	return ldap_add_ext_s(ld, dn, mods, NULL, NULL);
}

/*
 * One beat on the writer.  *last is the value this kuncid read a beat
 * ago: unchanged since, nobody else beat, so this one does, by deleting
 * that value and adding its own (a concurrent beat makes the delete
 * fail: noSuchAttribute, and that is fine).
 */
static void
beat_once(struct ldapc *lc, LDAP *ld, char *last, size_t lastsz)
{
	static char *attrs[] = { (char *)(uintptr_t)BEAT_ATTR, NULL };
	static time_t warned;
	char dn[1024], cur[GFRESH_BEAT_MAX], now[GFRESH_BEAT_MAX];
	char *dv[2], *av[2];
	const char *seen;
	LDAPMod md, ma, *mods[3];
	LDAPMessage *res = NULL, *e;
	struct timespec ts;
	struct tm tm;
	int rc, n = 0;

	/* one server (no writer entry): nothing to beat for */
	if (lc->wid[0] == '\0' || beat_dn(lc->cfg, dn, sizeof(dn)) == -1)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(now, sizeof(now), "%s %04d%02d%02d%02d%02d%02d.%03ldZ",
	    lc->wid, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		last[0] = '\0';
		rc = beat_add(ld, dn, now);
		if (rc == LDAP_SUCCESS || rc == LDAP_ALREADY_EXISTS)
			return;
		goto fail;
	}
	if (rc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		ldap_msgfree(res);
		last[0] = '\0';
		goto fail;
	}
	first_value(ld, e, BEAT_ATTR, cur, sizeof(cur));
	ldap_msgfree(res);
	/* someone beat since (or this is the first look): not this one */
	seen = cur[0] != '\0' ? cur : "-";
	if (last[0] == '\0' || strcmp(seen, last) != 0) {
		snprintf(last, lastsz, "%s", seen);
		return;
	}
	if (cur[0] != '\0') {
		dv[0] = cur;
		dv[1] = NULL;
		md.mod_op = LDAP_MOD_DELETE;
		md.mod_type = (char *)(uintptr_t)BEAT_ATTR;
		md.mod_values = dv;
		mods[n++] = &md;
	}
	av[0] = now;
	av[1] = NULL;
	ma.mod_op = LDAP_MOD_ADD;
	ma.mod_type = (char *)(uintptr_t)BEAT_ATTR;
	ma.mod_values = av;
	mods[n++] = &ma;
	mods[n] = NULL;
	rc = ldap_modify_ext_s(ld, dn, mods, NULL, NULL);
	last[0] = '\0';
	if (rc == LDAP_SUCCESS) {
		snprintf(last, lastsz, "%s", now);
		return;
	}
	if (rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_TYPE_OR_VALUE_EXISTS)
		return;			/* another kuncid beat first */
fail:
	if (ldapc_fenced(lc, rc))
		return;
	if (ldapc_is_down(rc))
		ldapc_fail(lc, rc);
	else if (time(NULL) - warned >= 60) {
		warned = time(NULL);
		log_warnx("writer beat on %s: %s", dn, ldap_err2string(rc));
	}
}

/* Wait ms milliseconds or until stop; 1 when stopping. */
static int
beat_wait(int64_t ms)
{
	struct timespec ts;
	int stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&B.mtx);
	while (!B.stopping &&
	    pthread_cond_timedwait(&B.cv, &B.mtx, &ts) != ETIMEDOUT)
		;
	stop = B.stopping;
	pthread_mutex_unlock(&B.mtx);
	return stop;
}

static void *
beat_main(void *arg)
{
	struct ldapc lc;
	char last[GFRESH_BEAT_MAX] = "";
	int64_t every = B.cfg->directory.writer_timeout * 1000 / 4;
	LDAP *ld;

	(void)arg;
	if (every < 250)
		every = 250;
	ldapc_init(&lc, B.cfg);
	lc.writer = 1;			/* the beat is the writer's */
	lc.backoff_max = BEAT_BACKOFF;
	while (!beat_wait(every)) {
		if ((ld = ldapc_get(&lc, 0)) == NULL)
			continue;
		ldapc_recheck(&lc);	/* a switch is followed at once */
		if ((ld = ldapc_get(&lc, 0)) == NULL)
			continue;
		beat_once(&lc, ld, last, sizeof(last));
	}
	ldapc_close(&lc);
	return NULL;
}

int
gfresh_start(const struct kunci_cfg *cfg)
{
	B.cfg = cfg;
	B.stopping = 0;
	if (cfg->directory.writer_timeout == 0)
		return 0;		/* not checked: no beat either */
	if (pthread_create(&B.thr, NULL, beat_main, NULL) != 0)
		return -1;
	B.running = 1;
	return 0;
}

void
gfresh_stop(void)
{
	if (!B.running)
		return;
	pthread_mutex_lock(&B.mtx);
	B.stopping = 1;
	pthread_cond_broadcast(&B.cv);
	pthread_mutex_unlock(&B.mtx);
	pthread_join(B.thr, NULL);
	B.running = 0;
}
