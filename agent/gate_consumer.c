/*
 * gate_consumer.c: the gate's "sync" thread, the RFC 4533 content-sync
 * consumer that keeps the grant index current (see gate.c's top comment):
 * the refresh and persist phases applied to the index and the table, the
 * present sweep, the writer's beat and the heartbeat, and going offline.
 * gsync.c holds what it decodes and remembers (Sync Info, the cookie, the
 * heartbeat's clock); the state it shares with gate.c is in gate_int.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <lber.h>
#include <ldap.h>

#include "cfg.h"
#include "decide.h"
#include "dir.h"
#include "gate_int.h"
#include "gfresh.h"
#include "gindex.h"
#include "gsync.h"
#include "gtab_build.h"
#include "ldapc.h"
#include "log.h"

#define SYNC_BACKOFF	1	/* the sync connection retries at least this
				 * often: the gate is offline meanwhile */
#define SYNC_NAP_MS	200	/* between its attempts */

static void	answer_offline(time_t, const char *);

/* ------------------------------------------------------------------ sync */

/* The first value of attr as a string (NUL-free), or NULL. */
static char *
first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v;
	char *s = NULL;

	if ((v = ldap_get_values_len(ld, e, attr)) == NULL)
		return NULL;
	if (v[0] != NULL && memchr(v[0]->bv_val, '\0', v[0]->bv_len) == NULL &&
	    (s = malloc(v[0]->bv_len + 1)) != NULL) {
		memcpy(s, v[0]->bv_val, v[0]->bv_len);
		s[v[0]->bv_len] = '\0';
	}
	ldap_value_free_len(v);
	return s;
}

/*
 * Apply one added or modified entry to ix.  An entry that is not a valid
 * grant or person is removed from the index (fail closed).
 */
static void
apply_entry(struct gindex *ix, LDAP *ld, LDAPMessage *e,
    const unsigned char *uuid)
{
	struct gindex_grant_in in;
	char *dn = NULL, *id = NULL, *sub = NULL, *res = NULL, *st = NULL;
	char *nb = NULL, *na = NULL, *lu = NULL, *uid = NULL;
	char **win = NULL, grants[1024];
	struct berval **wv = NULL;
	time_t t;
	size_t n = 0, i;
	int ok = 0, pst;

	if ((dn = ldap_get_dn(ld, e)) == NULL)
		goto out;
	snprintf(grants, sizeof(grants), "ou=grants,%s",
	    gate_g.cfg->directory.kunci_base);
	memset(&in, 0, sizeof(in));
	if (dir_has_class(ld, e, "kunciGrant") && dir_dn_under(dn, grants)) {
		id = first_value(ld, e, "kunciId");
		sub = first_value(ld, e, "kunciSubject");
		res = first_value(ld, e, "kunciResource");
		st = first_value(ld, e, "kunciStatus");
		nb = first_value(ld, e, "kunciNotBefore");
		na = first_value(ld, e, "kunciNotAfter");
		lu = first_value(ld, e, "kunciLastUsed");
		if (id == NULL || sub == NULL || res == NULL || st == NULL ||
		    nb == NULL || na == NULL) {
			log_warnx("sync: grant %s lacks a required attribute; "
			    "ignored", dn);
			goto out;
		}
		if (ldapc_parse_gentime(nb, &t) == -1) {
			log_warnx("sync: grant %s: bad kunciNotBefore", dn);
			goto out;
		}
		in.not_before = t;
		if (ldapc_parse_gentime(na, &t) == -1) {
			log_warnx("sync: grant %s: bad kunciNotAfter", dn);
			goto out;
		}
		in.not_after = t;
		if (lu != NULL && ldapc_parse_gentime(lu, &t) == 0)
			in.last_used = t;
		if ((wv = ldap_get_values_len(ld, e, "kunciTimeWindow")) !=
		    NULL) {
			n = (size_t)ldap_count_values_len(wv);
			if ((win = calloc(n + 1, sizeof(*win))) == NULL)
				goto out;
			for (i = 0; i < n; i++) {
				if ((win[i] = malloc(wv[i]->bv_len + 1)) ==
				    NULL)
					goto out;
				memcpy(win[i], wv[i]->bv_val, wv[i]->bv_len);
				win[i][wv[i]->bv_len] = '\0';
				/* an embedded NUL makes the window unparsable */
				if (strlen(win[i]) != wv[i]->bv_len)
					win[i][0] = '\0';
			}
		}
		in.dn = dn;
		in.id = id;
		in.subject = sub;
		in.resource = res;
		in.status = st;
		if ((pst = pin_get(id, st)) != -1)
			in.status = gindex_status_name(pst);
		in.windows = (const char *const *)win;
		in.nwindows = n;
		if (gindex_put_grant(ix, uuid, &in) == -1)
			log_warnx("sync: grant %s: not indexed", dn);
		else
			ok = 1;
	} else if (dir_has_class(ld, e, "inetOrgPerson") &&
	    dir_dn_under(dn, gate_g.cfg->directory.people_base)) {
		if ((uid = first_value(ld, e, "uid")) != NULL &&
		    gindex_put_person(ix, uuid, uid) == 0)
			ok = 1;
	}
out:
	if (!ok)
		gindex_del(ix, uuid);
	if (dn != NULL)
		ldap_memfree(dn);
	free(id);
	free(sub);
	free(res);
	free(st);
	free(nb);
	free(na);
	free(lu);
	free(uid);
	for (i = 0; win != NULL && i < n; i++)
		free(win[i]);
	free(win);
	if (wv != NULL)
		ldap_value_free_len(wv);
}

struct syncrun {
	LDAP		*ld;
	int		 msgid;		/* the sync search */
	int		 hbid;		/* the heartbeat's search, -1: none */
	int		 uri;		/* index in directory.uri */
	struct gindex	*fresh;		/* a first refresh being built, or
					 * NULL: changes go to gate_g.ix */
	int		 refreshing;	/* refreshDone not seen yet */
	int		 full;		/* a refresh without a cookie into
					 * gate_g.ix: what it does not name goes */
	int		 swept;		/* ... and that sweep is done */
	struct gsync_cookie pending;	/* seen during the refresh */
	struct gsync_hb	 hb;
};

/* What the gate table holds of one entry, to compare before and after. */
struct tabkey {
	int		 grant;
	char		*sub, *res, *id, *uid;
	int		 status, badwin;
	int64_t		 nb, na;
	size_t		 nwin;
	struct kd_win	 win[GINDEX_MAX_WIN];
};

static int
tabkey_of(const unsigned char *u, struct tabkey *k)
{
	const struct gindex_grant *g;
	const char *uid;

	memset(k, 0, sizeof(*k));
	if ((g = gindex_grant_by_uuid(gate_g.ix, u)) != NULL) {
		k->grant = 1;
		k->status = g->status;
		k->badwin = g->badwin;
		k->nb = g->not_before;
		k->na = g->not_after;
		k->nwin = g->nwin;
		memcpy(k->win, g->win, g->nwin * sizeof(*k->win));
		if ((k->sub = strdup(g->subject)) == NULL ||
		    (k->res = strdup(g->resource)) == NULL ||
		    (k->id = strdup(g->id)) == NULL)
			return -1;
	} else if ((uid = gindex_person_by_uuid(gate_g.ix, u)) != NULL &&
	    (k->uid = strdup(uid)) == NULL)
		return -1;
	return 0;
}

static void
tabkey_free(struct tabkey *k)
{
	free(k->sub);
	free(k->res);
	free(k->id);
	free(k->uid);
}

/*
 * Add the index's grant u to the published table in its spare room
 * (gtab_add_grant()); -1 if there is no table or no room (then rebuild).
 */
static int
tab_add_grant(const unsigned char *u)
{
	const struct gindex_grant *g = gindex_grant_by_uuid(gate_g.ix, u);

	if (g == NULL || gate_g.tab.h == NULL)
		return -1;
	return gtab_add_grant(&gate_g.tab, g);
}

/*
 * Apply one persist-phase change to the live index (e NULL: a delete),
 * under the write lock, and bring it into the published gate table at
 * once where the table can take it in place: a grant's new status or
 * validity is patched into its record; a grant that went away or changed
 * its subject, resource, id or windows is patched to a status that never
 * allows (and its new form added); a person who went away stops being
 * found; a grant or person added is written into the table's spare room
 * (gtab_add_grant()), so it is allowed at once, without a rebuild.
 * Returns IXC_CHANGED if anything the decision reads changed (the
 * snapshot is then due), with IXC_REBUILD if the table also needs a
 * rebuild (the spare room used up, a grant or person that went away: the
 * rebuild compacts); 0 when neither -- a kunciLastUsed update, the
 * most frequent change (once a day per grant in use), touches nothing the
 * table holds, and is not worth a 100,000-grant snapshot either: after a
 * restart from the snapshot the worst is one more last-used write.
 */
#define IXC_CHANGED	1
#define IXC_REBUILD	2
static int
ix_change(const unsigned char *u, LDAP *ld, LDAPMessage *e)
{
	struct tabkey o, n;
	int rebuild = 0, changed = 0;

	if (tabkey_of(u, &o) == -1)
		rebuild = 1;
	if (e == NULL)
		gindex_del(gate_g.ix, u);
	else
		apply_entry(gate_g.ix, ld, e, u);
	if (tabkey_of(u, &n) == -1)
		rebuild = 1;
	if (o.grant && o.sub != NULL && o.res != NULL && o.id != NULL) {
		if (n.grant && strcmp(o.sub, n.sub) == 0 &&
		    strcmp(o.res, n.res) == 0 && strcmp(o.id, n.id) == 0 &&
		    o.badwin == n.badwin && o.nwin == n.nwin &&
		    memcmp(o.win, n.win, o.nwin * sizeof(o.win[0])) == 0) {
			if (o.status != n.status || o.nb != n.nb ||
			    o.na != n.na) {
				changed = 1;
				if (gtab_patch_grant(&gate_g.tab, n.sub, n.res,
				    n.id, n.status, n.nb, n.na) == -1)
					rebuild = 1;
			}
		} else {
			changed = 1;
			if (gtab_patch_grant(&gate_g.tab, o.sub, o.res, o.id,
			    KD_OTHER, o.nb, o.na) == -1 || !n.grant ||
			    tab_add_grant(u) == -1)
				rebuild = 1;
		}
	} else if (o.grant)
		rebuild = 1;
	else if (n.grant) {
		changed = 1;
		if (tab_add_grant(u) == -1)
			rebuild = 1;
	}
	if (o.uid != NULL) {
		if (n.uid == NULL || strcmp(o.uid, n.uid) != 0) {
			changed = 1;
			if (gtab_patch_person_gone(&gate_g.tab, o.uid) == -1 ||
			    n.uid == NULL ||
			    gtab_add_person(&gate_g.tab, n.uid) == -1)
				rebuild = 1;
		}
	} else if (n.uid != NULL) {
		changed = 1;
		if (gtab_add_person(&gate_g.tab, n.uid) == -1)
			rebuild = 1;
	}
	tabkey_free(&o);
	tabkey_free(&n);
	return (changed || rebuild ? IXC_CHANGED : 0) |
	    (rebuild ? IXC_REBUILD : 0);
}

/* A change to the live index: patch the table, note the snapshot due. */
static void
live_change(const unsigned char *u, LDAP *ld, LDAPMessage *e)
{
	int ch;

	pthread_rwlock_wrlock(&gate_g.lock);
	ch = ix_change(u, ld, e);
	pthread_rwlock_unlock(&gate_g.lock);
	if (ch & IXC_CHANGED)
		snap_dirty();
	if (ch & IXC_REBUILD)
		tab_changed(1);
}

/*
 * gate_g.cookie is the sync thread's, which reads it without a lock; it
 * changes under snap_mtx, where the snapshot takes it with the index
 * (gate_snap.c).  It changes only after the changes it covers are in the
 * index, so a snapshot's cookie never claims a change its index lacks.
 * c NULL: cleared.
 */
static void
cookie_keep(const struct gsync_cookie *c)
{
	pthread_mutex_lock(&gate_g.snap_mtx);
	if (c != NULL)
		gate_g.cookie = *c;
	else
		gsync_cookie_clear(&gate_g.cookie);
	pthread_mutex_unlock(&gate_g.snap_mtx);
}

/* A cookie: kept at once in the persist phase, at refreshDone before. */
static void
take_cookie(struct syncrun *s, const unsigned char *c, size_t n)
{
	if (c == NULL || n == 0)
		return;
	if (s->refreshing)
		gsync_cookie_set(&s->pending, c, n, s->uri);
	else {
		pthread_mutex_lock(&gate_g.snap_mtx);
		gsync_cookie_set(&gate_g.cookie, c, n, s->uri);
		pthread_mutex_unlock(&gate_g.snap_mtx);
	}
}

/*
 * Entries of the live index the server named unchanged during a refresh
 * (a present phase: the UUIDs of a syncIdSet in, or one, u): marked, so
 * that the sweep keeps them.  What it sent whole was marked by being put
 * (live_change()).
 */
static void
mark_present(const struct gsync_info *in, const unsigned char *u)
{
	size_t k;

	pthread_rwlock_wrlock(&gate_g.lock);
	if (gate_g.ix != NULL && in == NULL)
		(void)gindex_mark(gate_g.ix, u);
	for (k = 0; gate_g.ix != NULL && in != NULL && k < in->nuuids; k++)
		(void)gindex_mark(gate_g.ix, gsync_info_uuid(in, k));
	pthread_rwlock_unlock(&gate_g.lock);
}

/* Handle one search entry with its Sync State control; -1 on error. */
static int
sync_entry(struct syncrun *s, LDAPMessage *e)
{
	LDAPControl **ctrls = NULL, *c;
	BerElement *ber = NULL;
	ber_int_t state = -1;
	struct berval uuid = { 0, NULL }, cookie = { 0, NULL };
	unsigned char u[GINDEX_UUID_LEN];
	ber_len_t len;
	int rc = -1;

	if (ldap_get_entry_controls(s->ld, e, &ctrls) != LDAP_SUCCESS ||
	    (c = ldap_control_find(LDAP_CONTROL_SYNC_STATE, ctrls, NULL)) ==
	    NULL) {
		log_warnx("sync: entry without a sync state control");
		goto out;
	}
	if ((ber = ber_init(&c->ldctl_value)) == NULL ||
	    ber_scanf(ber, "{em", &state, &uuid) == LBER_ERROR ||
	    uuid.bv_len != GINDEX_UUID_LEN) {
		log_warnx("sync: malformed sync state control");
		goto out;
	}
	if (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
	    ber_scanf(ber, "m", &cookie) == LBER_ERROR) {
		log_warnx("sync: malformed sync state cookie");
		goto out;
	}
	memcpy(u, uuid.bv_val, GINDEX_UUID_LEN);
	switch (state) {
	case LDAP_SYNC_ADD:
	case LDAP_SYNC_MODIFY:
		if (s->fresh != NULL)
			apply_entry(s->fresh, s->ld, e, u);
		else
			live_change(u, s->ld, e);	/* marks it */
		break;
	case LDAP_SYNC_DELETE:
		if (s->fresh != NULL)
			gindex_del(s->fresh, u);
		else
			live_change(u, NULL, NULL);
		break;
	case LDAP_SYNC_PRESENT:
		/* only against a cookie: unchanged since, keep it */
		if (s->fresh == NULL && s->refreshing)
			mark_present(NULL, u);
		break;
	default:
		log_warnx("sync: unknown sync state %d", (int)state);
		goto out;
	}
	take_cookie(s, (const unsigned char *)cookie.bv_val, cookie.bv_len);
	rc = 0;
out:
	if (ber != NULL)
		ber_free(ber, 1);
	if (ctrls != NULL)
		ldap_controls_free(ctrls);
	return rc;
}

struct sweep {
	unsigned char		*gone;	/* n * 16 */
	size_t			 n, cap;
	int			 err;
};

static void
sweep_one(void *arg, const unsigned char *u)
{
	struct sweep *w = arg;
	unsigned char *p;

	if (w->err)
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		if ((p = realloc(w->gone, w->cap * GINDEX_UUID_LEN)) == NULL) {
			w->err = 1;
			return;
		}
		w->gone = p;
	}
	memcpy(w->gone + w->n++ * GINDEX_UUID_LEN, u, GINDEX_UUID_LEN);
}

/*
 * The end of a present phase of a refresh into the live index: what the
 * server did not name (put or marked since the refresh began) is gone.
 * -1 if that cannot be worked out (out of memory): the session then
 * starts again from scratch.
 */
static int
present_sweep(void)
{
	struct sweep w;
	size_t i;

	memset(&w, 0, sizeof(w));
	pthread_rwlock_rdlock(&gate_g.lock);
	if (gate_g.ix != NULL)
		gindex_foreach_unmarked(gate_g.ix, sweep_one, &w);
	pthread_rwlock_unlock(&gate_g.lock);
	if (w.err) {
		free(w.gone);
		return -1;
	}
	for (i = 0; i < w.n; i++)
		live_change(w.gone + i * GINDEX_UUID_LEN, NULL, NULL);
	if (w.n > 0)
		log_info("sync: %zu entries gone while disconnected", w.n);
	free(w.gone);
	return 0;
}

static void
stat_online(int uri)
{
	pthread_mutex_lock(&gate_g.stat_mtx);
	gate_g.sync_uri = uri;
	gate_g.sync_since = time(NULL);
	gate_g.sync_err[0] = '\0';
	pthread_mutex_unlock(&gate_g.stat_mtx);
}

/* The refresh is complete: the index is current with the directory. */
static void
refresh_done(struct syncrun *s)
{
	struct gindex *old = NULL;
	int fresh = s->fresh != NULL, full = s->full;

	pthread_rwlock_wrlock(&gate_g.lock);
	if (fresh) {
		old = gate_g.ix;
		gate_g.ix = s->fresh;
	}
	/* behind the writer: still not */
	gate_g.online = !gate_g.fresh.stale;
	__atomic_store_n(&gate_g.lost, 0, __ATOMIC_RELAXED);
	gate_g.synced_at = time(NULL);
	pthread_rwlock_unlock(&gate_g.lock);
	s->fresh = NULL;
	s->refreshing = 0;
	s->full = 0;
	s->swept = 0;
	gindex_free(old);
	/* the state the refresh ended in is complete: its cookie holds */
	if (s->pending.len > 0)
		cookie_keep(&s->pending);
	if (gate_g.fresh.stale)
		answer_offline(time(NULL) - gfresh_age(&gate_g.fresh,
		    mono_ms()) / 1000, gate_g.fresh.why);
	else
		stat_online(s->uri);
	if (fresh) {
		tab_changed(1);
		log_info("sync: refresh done, %zu grants, %zu people; "
		    "persisting", gindex_ngrants(gate_g.ix),
		    gindex_npeople(gate_g.ix));
		snap_dirty();
		snap_due_now();
	} else {
		tab_changed(0);		/* the online flag */
		log_info("sync: %s, %zu grants, %zu people; persisting",
		    full ? "refreshed in place" : "resumed from the cookie",
		    gindex_ngrants(gate_g.ix), gindex_npeople(gate_g.ix));
	}
}

/* A Sync Info intermediate response; -1 on error. */
static int
sync_intermediate(struct syncrun *s, LDAPMessage *m)
{
	struct gsync_info in;
	struct berval *data = NULL;
	char *oid = NULL;
	size_t k;
	int rc = -1;

	if (ldap_parse_intermediate(s->ld, m, &oid, &data, NULL, 0) !=
	    LDAP_SUCCESS) {
		log_warnx("sync: bad intermediate response");
		goto out;
	}
	if (oid == NULL || strcmp(oid, LDAP_SYNC_INFO) != 0 || data == NULL) {
		rc = 0;
		goto out;
	}
	if (gsync_info_decode((const unsigned char *)data->bv_val,
	    data->bv_len, &in) == -1) {
		log_warnx("sync: malformed sync info message");
		goto out;
	}
	switch (in.kind) {
	case GSYNC_NEWCOOKIE:
		break;
	case GSYNC_ID_SET:
		for (k = 0; k < in.nuuids; k++) {
			const unsigned char *u = gsync_info_uuid(&in, k);

			if (in.deletes) {
				if (s->fresh != NULL)
					gindex_del(s->fresh, u);
				else
					live_change(u, NULL, NULL);
			}
		}
		if (!in.deletes && s->fresh == NULL && s->refreshing)
			mark_present(&in, NULL);
		break;
	case GSYNC_REFRESH_PRESENT:
	case GSYNC_REFRESH_DELETE:
		/*
		 * A full refresh into the live index named every entry there
		 * is (as an add), whatever the server calls its one phase:
		 * sweep after it as after a present phase.
		 */
		if (s->fresh == NULL && s->refreshing &&
		    (in.kind == GSYNC_REFRESH_PRESENT ||
		    (s->full && !s->swept)) && present_sweep() == -1) {
			cookie_keep(NULL);
			log_warnx("sync: out of memory ending a present phase");
			goto out;
		}
		s->swept = s->full;
		break;
	}
	take_cookie(s, in.cookie, in.cookie_len);
	if ((in.kind == GSYNC_REFRESH_PRESENT ||
	    in.kind == GSYNC_REFRESH_DELETE) && in.done && s->refreshing)
		refresh_done(s);
	rc = 0;
out:
	ldap_memfree(oid);
	if (data != NULL)
		ber_bvfree(data);
	return rc;
}

/* Start the sync search, resuming from the cookie if there is one. */
static int
start_search(struct syncrun *s)
{
	/* libldap takes char **; these arrays are writable copies */
	static char a0[] = "objectClass", a1[] = "uid", a2[] = "kunciId",
	    a3[] = "kunciSubject", a4[] = "kunciResource",
	    a5[] = "kunciStatus", a6[] = "kunciNotBefore",
	    a7[] = "kunciNotAfter", a8[] = "kunciTimeWindow",
	    a9[] = "kunciLastUsed";
	static char *attrs[] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, a9,
	    NULL };
	LDAPControl ctrl, *ctrls[2];
	BerElement *ber;
	struct berval ck;
	int rc, resume;

	/*
	 * The cookie goes back to the URI it came from: its syncprov
	 * replays its session log, runs a present phase, or asks for a full
	 * refresh (e-syncRefreshRequired), as its state allows.  Another
	 * provider of a multi-provider pair takes a cookie whose CSNs it
	 * has not reached yet and then never sends the replicated changes
	 * in between (two sites: a grant added at the other site missing
	 * from the gate for good), so there it is a full refresh.
	 */
	resume = gate_g.cookie.len > 0 && gate_g.ix != NULL &&
	    gate_g.cookie.uri == s->uri;
	/*
	 * A full refresh builds a fresh index only when there is none (the
	 * first start without a snapshot).  Beside one -- the snapshot's
	 * after a restart, the last session's after a refresh the server
	 * required -- it is applied in place like a resumed one, each entry
	 * as it comes, and what it did not name is swept at its end: a second
	 * index would double kuncid's memory (two of 156 MB at a million
	 * grants).  Entries not reached yet answer as they did meanwhile.
	 */
	s->full = !resume && gate_g.ix != NULL;
	/*
	 * A cookie this refresh does not resume from no longer describes the
	 * index it writes into (another provider may be behind the one that
	 * gave it, and put back what that one had changed): dropped, so that
	 * no snapshot taken meanwhile, nor a reconnect to its URI, resumes
	 * from it.  The refresh's own cookie comes at its end.
	 */
	if (!resume && gate_g.cookie.len > 0)
		cookie_keep(NULL);
	if (gate_g.ix == NULL && (s->fresh = gindex_new()) == NULL)
		return LDAP_NO_MEMORY;
	if (gate_g.ix != NULL) {
		/* what this refresh names from now on is marked (present_sweep) */
		pthread_rwlock_wrlock(&gate_g.lock);
		gindex_mark_begin(gate_g.ix);
		pthread_rwlock_unlock(&gate_g.lock);
	}
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return LDAP_NO_MEMORY;
	/* SyncRequestValue: refreshAndPersist, the cookie if any, no hint */
	ck.bv_val = (char *)gate_g.cookie.val;
	ck.bv_len = gate_g.cookie.len;
	if ((resume ? ber_printf(ber, "{eOb}",
	    (ber_int_t)LDAP_SYNC_REFRESH_AND_PERSIST, &ck, (ber_int_t)0) :
	    ber_printf(ber, "{eb}", (ber_int_t)LDAP_SYNC_REFRESH_AND_PERSIST,
	    (ber_int_t)0)) == -1) {
		ber_free(ber, 1);
		return LDAP_ENCODING_ERROR;
	}
	memset(&ctrl, 0, sizeof(ctrl));
	if (ber_flatten2(ber, &ctrl.ldctl_value, 0) == -1) {
		ber_free(ber, 1);
		return LDAP_ENCODING_ERROR;
	}
	ctrl.ldctl_oid = (char *)(uintptr_t)LDAP_CONTROL_SYNC;
	ctrl.ldctl_iscritical = 1;
	ctrls[0] = &ctrl;
	ctrls[1] = NULL;
	s->refreshing = 1;
	gsync_cookie_clear(&s->pending);
	rc = ldap_search_ext(s->ld, gate_g.cfg->directory.base,
	    LDAP_SCOPE_SUBTREE,
	    "(|(objectClass=kunciGrant)(objectClass=inetOrgPerson))", attrs, 0,
	    ctrls, NULL, NULL, 0, &s->msgid);
	ber_free(ber, 1);
	if (rc == LDAP_SUCCESS && resume)
		log_debug("sync: resuming from a %zu-byte cookie",
		    gate_g.cookie.len);
	return rc;
}

/* The heartbeat: a base search of cn=beat, the writer's (gfresh.h). */
static int
send_probe(struct syncrun *s)
{
	return gfresh_probe(s->ld, gate_g.cfg, &gate_g.fresh, &s->hbid);
}

/*
 * The gate answers under the offline policies from now on; synced_at is
 * when the index was last known current (for a silent connection, when
 * it last said anything; for a provider cut off from the writer, when the
 * writer's beat last changed).
 */
static void
answer_offline(time_t synced_at, const char *why)
{
	pthread_rwlock_wrlock(&gate_g.lock);
	if (gate_g.online) {
		gate_g.online = 0;
		gate_g.synced_at = synced_at;
		log_warnx("sync: directory lost (%s); answering from the "
		    "index synced at %lld under the offline policies", why,
		    (long long)gate_g.synced_at);
	}
	pthread_rwlock_unlock(&gate_g.lock);
	pthread_mutex_lock(&gate_g.stat_mtx);
	if (gate_g.sync_uri >= 0 || gate_g.sync_since == 0)
		gate_g.sync_since = time(NULL);
	gate_g.sync_uri = -1;
	snprintf(gate_g.sync_err, sizeof(gate_g.sync_err), "%s", why);
	pthread_mutex_unlock(&gate_g.stat_mtx);
	tab_changed(0);		/* the module must stop using the table */
}

/* The connection is lost: offline, and the writers told (away). */
static void
go_offline(time_t synced_at, const char *why)
{
	__atomic_store_n(&gate_g.lost, 1, __ATOMIC_RELAXED);
	gate_g.lost_gen++;
	answer_offline(synced_at, why);
}

/* The writer's beat went stale on this provider, or came back. */
static void
fresh_check(struct syncrun *s, int64_t now)
{
	switch (gfresh_check(&gate_g.fresh, gate_g.cfg, now,
	    gate_g.cfg->directory.uri[s->uri])) {
	case GFRESH_STALE:
		answer_offline(time(NULL) - gfresh_age(&gate_g.fresh,
		    now) / 1000, gate_g.fresh.why);
		break;
	case GFRESH_FRESH:
		if (s->refreshing)
			break;		/* refresh_done() brings it online */
		pthread_rwlock_wrlock(&gate_g.lock);
		gate_g.online = 1;
		gate_g.synced_at = time(NULL);
		pthread_rwlock_unlock(&gate_g.lock);
		stat_online(s->uri);
		tab_changed(0);
		log_info("sync: the writer's beat is current again on %s; "
		    "online", gate_g.cfg->directory.uri[s->uri]);
		break;
	}
}

/*
 * Run one sync session until an error, a silence or stop; returns an LDAP
 * code.  *silent is set when the heartbeat gave the connection up, with
 * *last_rx the wall-clock time anything last arrived.
 */
static int
sync_session(LDAP *ld, int uri, int *silent, time_t *last_rx)
{
	struct syncrun s;
	struct timeval tv;
	LDAPMessage *m = NULL;
	int64_t now, wait;
	int rc, t, err = LDAP_SUCCESS;

	*silent = 0;
	memset(&s, 0, sizeof(s));
	s.ld = ld;
	s.uri = uri;
	s.hbid = -1;
	gsync_cookie_clear(&s.pending);
	gsync_hb_init(&s.hb, gate_g.cfg->directory.heartbeat * 1000,
	    gate_g.cfg->directory.heartbeat_timeout * 1000, mono_ms());
	if ((rc = start_search(&s)) != LDAP_SUCCESS) {
		gindex_free(s.fresh);
		return rc;
	}
	while (!gate_g.stopping) {
		now = mono_ms();
		if (gsync_hb_dead(&s.hb, now)) {
			*silent = 1;
			*last_rx = time(NULL) - (time_t)((now - s.hb.last_rx) /
			    1000);
			err = LDAP_TIMEOUT;
			break;
		}
		fresh_check(&s, now);
		if (gsync_hb_due(&s.hb, now)) {
			if ((err = send_probe(&s)) != LDAP_SUCCESS)
				break;
			gsync_hb_sent(&s.hb, now);
		}
		wait = gsync_hb_wait(&s.hb, now);
		wait = wait < 10 ? 10 : wait > 500 ? 500 : wait;
		tv.tv_sec = (time_t)(wait / 1000);
		tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
		t = ldap_result(ld, LDAP_RES_ANY, LDAP_MSG_ONE, &tv, &m);
		if (t == 0)
			continue;
		if (t == -1) {
			ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &err);
			if (err == LDAP_SUCCESS)
				err = LDAP_SERVER_DOWN;
			break;
		}
		gsync_hb_rx(&s.hb, mono_ms());
		if (ldap_msgid(m) == s.hbid) {
			if (t == LDAP_RES_SEARCH_ENTRY)
				gfresh_entry(&gate_g.fresh, ld, m, mono_ms());
			if (t == LDAP_RES_SEARCH_RESULT) {
				gfresh_result(&gate_g.fresh);
				gsync_hb_answered(&s.hb, mono_ms());
				s.hbid = -1;
			}
		} else if (ldap_msgid(m) == s.msgid) {
			switch (t) {
			case LDAP_RES_SEARCH_ENTRY:
				if (sync_entry(&s, m) == -1)
					err = LDAP_PROTOCOL_ERROR;
				break;
			case LDAP_RES_INTERMEDIATE:
				if (sync_intermediate(&s, m) == -1)
					err = LDAP_PROTOCOL_ERROR;
				break;
			case LDAP_RES_SEARCH_RESULT:
				ldap_parse_result(ld, m, &err, NULL, NULL,
				    NULL, NULL, 0);
				if (err == LDAP_SUCCESS)
					err = LDAP_SERVER_DOWN; /* persist ended */
				break;
			default:
				break;
			}
		}
		ldap_msgfree(m);
		m = NULL;
		if (err != LDAP_SUCCESS)
			break;
	}
	gindex_free(s.fresh);
	if (err != LDAP_SUCCESS && !gate_g.stopping && !*silent)
		ldap_abandon_ext(ld, s.msgid, NULL, NULL);
	return err;
}

void *
sync_main(void *arg)
{
	const struct cfg_directory *d = &gate_g.cfg->directory;
	struct ldapc lc;
	char why[300];
	time_t last_rx = 0;
	LDAP *ld;
	int rc, silent, uri;

	(void)arg;
	ldapc_init(&lc, gate_g.cfg);
	/* the gate is offline until this connects: retry often */
	lc.backoff_max = SYNC_BACKOFF;
	while (!gate_g.stopping) {
		if ((ld = ldapc_get(&lc, 0)) == NULL) {
			go_offline(time(NULL), lc.err[0] ? lc.err :
			    "no directory answers");
			/*
			 * Short naps, ldapc's backoff capped at SYNC_BACKOFF:
			 * a directory that returns is caught within about a
			 * second (a hung one is retried back to back, each
			 * bind bounded by directory.timeout).
			 */
			gate_nap_ms(SYNC_NAP_MS);
			continue;
		}
		uri = lc.uri_index;
		rc = sync_session(ld, uri, &silent, &last_rx);
		if (gate_g.stopping)
			break;
		if (rc == LDAP_SYNC_REFRESH_REQUIRED) {
			/* the server cannot resume from our cookie */
			log_info("sync: %s asks for a full refresh", d->uri[uri]);
			cookie_keep(NULL);
			continue;
		}
		if (rc == LDAP_UNWILLING_TO_PERFORM && gate_g.cookie.len > 0) {
			/*
			 * syncprov refuses a cookie newer than its own state
			 * ("consumer state is newer than provider"): slapd was
			 * killed before it recorded its contextCSN, or the
			 * database was restored from a backup.  Resuming can
			 * never work; a full refresh can.
			 */
			log_warnx("sync: %s refuses to resume from our cookie; "
			    "full refresh", d->uri[uri]);
			cookie_keep(NULL);
			continue;
		}
		if (silent) {
			snprintf(why, sizeof(why), "%s: no answer for %lld s",
			    d->uri[uri], (long long)d->heartbeat_timeout);
			go_offline(last_rx, why);
			pthread_mutex_lock(&gate_g.stat_mtx);
			gate_g.sync_silent++;
			pthread_mutex_unlock(&gate_g.stat_mtx);
			/* a hung server may still accept: try the next first */
			ldapc_failover(&lc);
			if (d->nuri > 1)
				log_warnx("sync: trying %s next",
				    d->uri[lc.uri_index]);
			continue;
		}
		snprintf(why, sizeof(why), "%s: %s", d->uri[uri],
		    ldap_err2string(rc));
		go_offline(time(NULL), why);
		log_warnx("sync: %s; reconnecting", why);
		ldapc_fail(&lc, LDAP_SERVER_DOWN);
		ldapc_close(&lc);
		gate_nap_ms(SYNC_NAP_MS);
	}
	ldapc_close(&lc);
	return NULL;
}
