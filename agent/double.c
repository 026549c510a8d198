/*
 * double.c: a step decided at two writers; see double.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "double.h"
#include "ldapc.h"
#include "log.h"
#include "prov.h"
#include "util.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define DBL_EVERY	30	/* seconds between two scans */
#define DBL_KEEP	86400	/* another writer's mark is kept this long */
#define DBL_MAX		256	/* marks looked at per scan */
#define DBL_REPAIR	3600	/* own decisions looked at for their mark */
#define ACTOR		"kuncid"

struct found {
	char	 dn[DIR_DN_MAX + 128];
	char	 id[WF_ID_MAX + 1];
	int	 step, slot;
	time_t	 time;
};

/* "site-<serverID>-<step>-<slot>": 0, or -1 when rdn is not a mark. */
static int
parse_mark(const char *rdn, char *wid, size_t widsz, int *step, int *slot)
{
	const char *p = rdn + 5, *q;
	char *end;
	long a, b;
	size_t n;

	if (strncmp(rdn, "site-", 5) != 0)
		return -1;
	for (q = p; isdigit((unsigned char)*q); q++)
		;
	n = (size_t)(q - p);
	if (n == 0 || n >= widsz || *q != '-')
		return -1;
	memcpy(wid, p, n);
	wid[n] = '\0';
	a = strtol(q + 1, &end, 10);
	if (end == q + 1 || *end != '-' || a < 0 || a >= WF_MAX_STEPS)
		return -1;
	q = end + 1;
	b = strtol(q, &end, 10);
	if (end == q || *end != '\0' || b < 1 || b > 64)
		return -1;
	*step = (int)a;
	*slot = (int)b;
	return 0;
}

int
dbl_mark(struct wf *w, const struct wf_request *r, int step, int slot,
    const char *actor, const char *as, const char *decision,
    const char *role, const char *note, const char *cred)
{
	char rdn[64], cv[WF_CRED_MAX + 16];
	int st;

	/* one server: nothing to be decided elsewhere */
	if (w->lc == NULL || w->lc->wid[0] == '\0')
		return EX_CANTCREAT;
	snprintf(rdn, sizeof(rdn), "site-%s-%d-%d", w->lc->wid, step, slot);
	cv[0] = '\0';
	if (cred != NULL && *cred != '\0')
		snprintf(cv, sizeof(cv), "credential: %s", cred);
	st = wf_event_add(w, r->dn, &r->snap, r->state, rdn, actor, as,
	    decision, step, role, note, cv);
	if (st != EX_OK && st != EX_CANTCREAT)
		log_warnx("request %s: the writer's mark %s: %s", r->id, rdn,
		    i18n_en(w->err));
	return st;
}

void
dbl_decided(struct wf *w, const struct wf_request *r, int step, int slot,
    const char *actor, const char *as, const char *decision,
    const char *role, const char *note, const char *cred)
{
	(void)dbl_mark(w, r, step, slot, actor, as, decision, role, note,
	    cred);
}

/* Take the grant of a rejected request away, and any card it had. */
static void
undo_grant(struct wf *w, const struct wf_request *r)
{
	int st;

	st = prov_revoke(w, r->id, ACTOR, NULL, "decided at two sites; the "
	    "rejection wins", 0);
	if (st != EX_OK && st != EX_DATAERR && st != EX_NOINPUT)
		log_warnx("request %s: revoking its grant: %s", r->id,
		    i18n_en(w->err));
}

static void
reject(struct wf *w, struct wf_request *r, const char *stepname)
{
	struct dir_mods m;
	char filter[64], now[32];
	int st;

	if (strcmp(r->state, "rejected") == 0)
		return;
	dir_gentime(now, sizeof(now), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", "rejected");
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", now);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciDeadline", NULL);
	snprintf(filter, sizeof(filter), "(kunciState=%s)", r->state);
	st = wf_modify_asserted(w, r->dn, filter, &m, "rejecting the request");
	dir_mods_free(&m);
	if (st == EX_OK)
		log_audit("request.reject", "request", r->id, "step", stepname,
		    "resource", r->resource, "subject", r->subject,
		    "requester", r->requester, "state", "rejected",
		    "rejections", "1", NULL);
	else if (st != EX_TEMPFAIL)
		log_warnx("request %s: %s", r->id, i18n_en(w->err));
}

static int
grant_one(struct wf_grant *g, void *arg)
{
	*(struct wf_grant *)arg = *g;
	return EX_OK;
}

/*
 * Both approved, each with its card or panel account: the one the grant
 * does not name goes (a card revoked, an account disabled).
 */
static void
second_cred(struct wf *w, const struct wf_request *r,
    const struct wf_event *ev, size_t n, int first)
{
	struct wf_grant g;
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 64];
	size_t i;
	int st;

	if ((r->snap.grant_kind != CFG_GRANT_CARD &&
	    r->snap.grant_kind != CFG_GRANT_ACCOUNT) ||
	    ldapc_escape_filter(esc, sizeof(esc), r->id) == -1)
		return;
	memset(&g, 0, sizeof(g));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciId=%s))", esc);
	if (wf_grants(w, filter, 1, grant_one, &g) != EX_OK ||
	    g.id[0] == '\0' || g.cred[0] == '\0')
		return;
	for (i = 0; i < n; i++) {
		if (ev[i].cred[0] == '\0' || strcmp(ev[i].cred, g.cred) == 0)
			continue;
		if (r->snap.grant_kind == CFG_GRANT_ACCOUNT) {
			/* once, when the double decision is recorded: an
			 * account another grant uses is kept, and audited so
			 * (account.keep), which every pass would repeat */
			if (first)
				prov_account_drop(w, g.id, ev[i].cred);
			continue;
		}
		st = prov_card_revoke(w, ev[i].cred, ACTOR, NULL, "a second "
		    "card of one request, decided at two sites", 0);
		if (st != EX_OK && st != EX_DATAERR && st != EX_NOINPUT)
			log_warnx("request %s: revoking card %s: %s", r->id,
			    ev[i].cred, i18n_en(w->err));
	}
}

/* One decision in a double decision's note and audit record. */
static void
describe(char *note, size_t notesz, char *dec, size_t decsz,
    const char *wid, const struct wf_event *ev)
{
	char part[512], when[32];

	dir_gentime(when, sizeof(when), ev->time);
	snprintf(part, sizeof(part), "%sserverID %s: %s by %s at %s%s%s",
	    note[0] ? "; " : "", wid, ev->decision, ev->actor, when,
	    ev->cred[0] ? ", credential " : "", ev->cred);
	u_strlcat(note, part, notesz);
	snprintf(part, sizeof(part), "%s%s:%s:%s", dec[0] ? " " : "", wid,
	    ev->decision, ev->actor);
	u_strlcat(dec, part, decsz);
}

/* Record the double decision once, and make the rejection win. */
static void
settle_double(struct wf *w, const struct found *f, const char *note,
    const char *dec, const char *kept, const struct wf_event *ev, size_t n)
{
	struct wf_request r;
	char rdn[48], text[WF_NOTE_MAX + 1];
	const char *stepname;
	int st;

	if (wf_load(w, f->id, &r) != EX_OK)
		return;
	stepname = f->step < (int)r.snap.nsteps ?
	    r.snap.steps[f->step].name : "";
	snprintf(text, sizeof(text), "%s; kept: %s", note, kept);
	snprintf(rdn, sizeof(rdn), "double-%d-%d", f->step, f->slot);
	st = wf_event_add(w, r.dn, &r.snap, r.state, rdn, ACTOR, NULL, NULL,
	    f->step, NULL, text, NULL);
	if (st == EX_OK) {
		log_audit("request.double", "request", r.id, "step", stepname,
		    "decisions", dec, "kept", kept, "state", r.state,
		    "resource", r.resource, "subject", r.subject, NULL);
		log_warnx("request %s: step %s was decided at two writers "
		    "(%s); kept: %s", r.id, stepname, dec, kept);
	} else if (st != EX_CANTCREAT)
		log_warnx("request %s: recording a double decision: %s", r.id,
		    i18n_en(w->err));
	/* every pass until it holds: a rejection wins (doc/sites.md) */
	if (strcmp(kept, "reject") == 0) {
		reject(w, &r, stepname);
		undo_grant(w, &r);
	} else
		second_cred(w, &r, ev, n, st == EX_OK);
	wf_request_free(&r);
}

/*
 * A mark of another writer for one step and slot: 1 when it may go (its
 * decision is the one this writer has), 0 to keep it (its decision has
 * not arrived yet, or it was one of two: a double decision, recorded
 * and resolved).
 */
static int
check_slot(struct wf *w, const struct found *f)
{
	struct wf_event *ev = NULL, *se = NULL, all[2 * 8];
	char filter[128], parent[DIR_DN_MAX], wid[16], first[16];
	char note[WF_NOTE_MAX + 1], dec[256];
	const char *kept = "approve", *comma;
	size_t n = 0, ns = 0, na = 0, i;
	int s, k, two = 0, gone = 0;

	if ((comma = strchr(f->dn, ',')) == NULL)
		return 0;
	u_strlcpy(parent, comma + 1, sizeof(parent));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciId=site-*-%d-%d))", f->step, f->slot);
	if (wf_events_under(w, parent, filter, &ev, &n) != EX_OK)
		return 0;
	first[0] = note[0] = dec[0] = '\0';
	for (i = 0; i < n; i++) {
		if (parse_mark(ev[i].rdn, wid, sizeof(wid), &s, &k) == -1 ||
		    s != f->step || k != f->slot)
			continue;
		if (first[0] == '\0')
			u_strlcpy(first, wid, sizeof(first));
		else if (strcmp(first, wid) != 0)
			two = 1;
		if (strcmp(ev[i].decision, "reject") == 0)
			kept = "reject";
		describe(note, sizeof(note), dec, sizeof(dec), wid, &ev[i]);
		if (na < sizeof(all) / sizeof(all[0]))
			all[na++] = ev[i];
	}
	if (!two) {
		/* the decision this writer has for the slot */
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
		    "(kunciId=step-%d-%d))", f->step, f->slot);
		if (first[0] == '\0' ||
		    wf_events_under(w, parent, filter, &se, &ns) != EX_OK ||
		    ns == 0)
			goto out;	/* not here yet: look again */
		if (strcmp(se[0].actor, all[0].actor) == 0 &&
		    strcmp(se[0].decision, all[0].decision) == 0 &&
		    strcmp(se[0].cred, all[0].cred) == 0) {
			gone = 1;	/* one decision, arrived whole */
			goto out;
		}
		/* replication kept another decision than the mark's */
		if (strcmp(se[0].decision, "reject") == 0)
			kept = "reject";
		describe(note, sizeof(note), dec, sizeof(dec), w->lc->wid,
		    &se[0]);
		if (na < sizeof(all) / sizeof(all[0]))
			all[na++] = se[0];
	}
	settle_double(w, f, note, dec, kept, all, na);
out:
	free(ev);
	free(se);
	return gone;
}

/*
 * The request id of an event's DN ("kunciId=E,kunciId=<id>,ou=requests,
 * ..."): 0, or -1.
 */
static int
event_request(const char *dn, char *id, size_t idsz)
{
	const char *p, *q;

	if ((p = strchr(dn, ',')) == NULL ||
	    strncasecmp(p + 1, "kunciId=", 8) != 0)
		return -1;
	p += 9;
	if ((q = strchr(p, ',')) == NULL || (size_t)(q - p) >= idsz ||
	    memchr(p, '\\', (size_t)(q - p)) != NULL)
		return -1;
	memcpy(id, p, (size_t)(q - p));
	id[q - p] = '\0';
	return 0;
}

/* A mark of another writer, to check (and, a day on, to remove). */
static int
collect(LDAP *ld, LDAPMessage *e, struct found *f)
{
	char rdn[64], wid[16], *dn;

	memset(f, 0, sizeof(*f));
	if (dir_get(ld, e, "kunciId", rdn, sizeof(rdn)) != 0 ||
	    parse_mark(rdn, wid, sizeof(wid), &f->step, &f->slot) == -1)
		return -1;
	f->time = dir_get_time(ld, e, "kunciTime");
	if ((dn = ldap_get_dn(ld, e)) == NULL)
		return -1;
	u_strlcpy(f->dn, dn, sizeof(f->dn));
	ldap_memfree(dn);
	return event_request(f->dn, f->id, sizeof(f->id));
}

/* Make again the mark of one of this writer's decisions (a crash came
 * between the decision's add and its mark's). */
static void
remark(struct wf *w, const char *id, int step, int slot)
{
	struct wf_request r;
	struct wf_event *ev = NULL;
	char filter[128];
	size_t n = 0;

	if (wf_load(w, id, &r) != EX_OK)
		return;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciId=step-%d-%d))", step, slot);
	if (wf_events_under(w, r.dn, filter, &ev, &n) == EX_OK && n == 1 &&
	    strcmp(ev[0].writer, w->lc->wid) == 0 &&
	    dbl_mark(w, &r, step, slot, ev[0].actor, ev[0].as,
	    ev[0].decision, ev[0].role, ev[0].note, ev[0].cred) == EX_OK)
		/* not when it was there after all (a result cut short) */
		log_warnx("request %s: the writer's mark of step-%d-%d was "
		    "missing; made again", id, step, slot);
	free(ev);
	wf_request_free(&r);
}

/* "<request id> <step> <slot>" of a step event or mark, or -1. */
static int
key_of(LDAP *ld, LDAPMessage *e, const char *wid, char *key, size_t keysz,
    int *mark)
{
	char rdn[64], id[WF_ID_MAX + 1], w[16], *dn;
	int step, slot, rc;

	if (dir_get(ld, e, "kunciId", rdn, sizeof(rdn)) != 0)
		return -1;
	if (parse_mark(rdn, w, sizeof(w), &step, &slot) == 0) {
		if (strcmp(w, wid) != 0)
			return -1;
		*mark = 1;
	} else if (sscanf(rdn, "step-%d-%d", &step, &slot) == 2)
		*mark = 0;
	else
		return -1;
	if ((dn = ldap_get_dn(ld, e)) == NULL)
		return -1;
	rc = event_request(dn, id, sizeof(id));
	ldap_memfree(dn);
	if (rc == -1)
		return -1;
	snprintf(key, keysz, "%s %d %d", id, step, slot);
	return 0;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

#define KEYSZ	(WF_ID_MAX + 32)

/* When the writer entry last changed (the switch to this writer), or 0. */
static time_t
writer_since(struct wf *w, LDAP *ld)
{
	static char *attrs[] = { U("modifyTimestamp"), NULL };
	char dn[DIR_DN_MAX];
	LDAPMessage *res = NULL, *e;
	time_t t = 0;

	snprintf(dn, sizeof(dn), "cn=writer,%s", w->cfg->directory.kunci_base);
	if (ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 1, &res) == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res)) != NULL)
		t = dir_get_time(ld, e, "modifyTimestamp");
	ldap_msgfree(res);
	return t;
}

/*
 * Every decision of this writer in the last DBL_REPAIR seconds (and since
 * it became the writer) has its mark: the decision's own add (the commit
 * point) records the writer, a kunciNote "writer: SID", so a crash
 * between that add and the mark's loses nothing: the next scan of any
 * kuncid reaching the writer makes the mark.
 */
static void
repair(struct wf *w, const char *base, time_t now)
{
	static char *attrs[] = { U("kunciId"), NULL };
	char filter[192], since[32], (*marks)[KEYSZ] = NULL, (*steps)[KEYSZ];
	char id[WF_ID_MAX + 1];
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	size_t nm = 0, ns = 0, i, cnt;
	time_t t;
	int rc, mark, step, slot;

	/* a serverID (cn=writer names it): digits only, as it goes into
	 * the filter below */
	if (w->lc->wid[0] == '\0' ||
	    strspn(w->lc->wid, "0123456789") != strlen(w->lc->wid))
		return;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	/* a decision made before this writer's latest turn (its mark then
	 * removed by the next writer) needs none */
	t = writer_since(w, ld);
	dir_gentime(since, sizeof(since), t > now - DBL_REPAIR ? t :
	    now - DBL_REPAIR);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciTime>=%s)(|(kunciNote=writer: %s)(kunciId=site-%s-*)))",
	    since, w->lc->wid, w->lc->wid);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs,
	    0, NULL, NULL, NULL, 8 * DBL_MAX, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		if (ldapc_is_down(rc))
			ldapc_fail(w->lc, rc);
		return;
	}
	cnt = (size_t)ldap_count_entries(ld, res);
	if (cnt == 0 || (marks = calloc(2 * cnt, KEYSZ)) == NULL) {
		ldap_msgfree(res);
		return;
	}
	steps = marks + cnt;
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		if (key_of(ld, e, w->lc->wid, steps[ns], KEYSZ, &mark) == -1)
			continue;
		if (mark)
			memcpy(marks[nm++], steps[ns], KEYSZ);
		else
			ns++;
	}
	ldap_msgfree(res);
	/* a mark is written after its decision, so it is as recent; a
	 * result cut off by the size limit only makes a mark tried again
	 * (its add then finds it) */
	if (nm > 0)
		qsort(marks, nm, KEYSZ, cmp_key);
	for (i = 0; i < ns; i++) {
		if (nm > 0 && bsearch(steps[i], marks, nm, KEYSZ, cmp_key))
			continue;
		if (sscanf(steps[i], "%31s %d %d", id, &step, &slot) == 3)
			remark(w, id, step, slot);
	}
	free(marks);
}

void
dbl_tick(struct wf *w, time_t now)
{
	static time_t last;
	static char *attrs[] = { U("kunciId"), U("kunciTime"), NULL };
	char base[DIR_DN_MAX], filter[128];
	struct found *f = NULL;
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	size_t n = 0, i;
	int rc;

	if (now - last < DBL_EVERY)
		return;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	/* one server, or the writer not known yet */
	if (w->lc->wid[0] == '\0')
		return;
	last = now;
	snprintf(base, sizeof(base), "ou=requests,%s",
	    w->cfg->directory.kunci_base);
	repair(w, base, now);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciId=site-*)(!(kunciId=site-%s-*)))", w->lc->wid);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs,
	    0, NULL, NULL, NULL, DBL_MAX, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		if (ldapc_is_down(rc))
			ldapc_fail(w->lc, rc);
		return;
	}
	if ((f = calloc(DBL_MAX, sizeof(*f))) == NULL) {
		ldap_msgfree(res);
		return;
	}
	for (e = ldap_first_entry(ld, res); e != NULL && n < DBL_MAX;
	    e = ldap_next_entry(ld, e))
		if (collect(ld, e, &f[n]) == 0)
			n++;
	ldap_msgfree(res);
	for (i = 0; i < n; i++) {
		/* a double decision's marks stay a day, for request show */
		if (!check_slot(w, &f[i]) &&
		    (f[i].time == 0 || now - f[i].time < DBL_KEEP))
			continue;
		if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
			break;
		rc = ldap_delete_ext_s(ld, f[i].dn, NULL, NULL);
		if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
			log_warnx("removing %s: %s", f[i].dn,
			    ldap_err2string(rc));
	}
	free(f);
}
