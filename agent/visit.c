/*
 * visit.c: server-room visits and the guest book (procedures B and D):
 * the entries, the guards and the acts, and the scheduler's overdue
 * alert; visit_cmd.c has kuncictl's commands over them, visit.h the
 * entries and doc/visits.md the commands.
 *
 * The guards, each checked before anything is written:
 *  - check-in needs every deciding step done and an escort appointed;
 *  - the escort must be a person with an active, current grant for the
 *    visit's resource, accompanying fewer than visits.max_guests_per_escort
 *    guests already (visits approved or inside with that escort);
 *  - a visit still inside past its expected duration plus visits.grace gets
 *    one "overdue" event (deterministic RDN: once across kuncid hosts), an
 *    audit record and a warning in the log: the notification;
 *  - a check-out without the escort's lock statement is kept as
 *    kunciRoomLocked FALSE and flagged in the reports.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "admin.h"
#include "cfg.h"
#include "counter.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "notify.h"
#include "util.h"
#include "visit.h"
#include "visit_guest.h"
#include "visit_route.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define ACTOR_KUNCID	"kuncid"
#define LIST_MAX	2000
#define SNAP_MAX	(WF_MAX_STEPS * 1024 + 2048)
#define ESC_MAX		(3 * DIR_NAME_MAX + 1)

static int
deciding(enum cfg_kind k)
{
	return k == CFG_KIND_ENDORSE || k == CFG_KIND_VERIFY ||
	    k == CFG_KIND_APPROVE;
}

static int
valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > WF_ID_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

/* Text a person typed: bounded, UTF-8, no control characters. */
static int
check_text(struct wf *w, const char *what, const char *s, size_t max,
    int required)
{
	const unsigned char *p;

	if (s == NULL || *s == '\0')
		return required ? wf_fail(w, EX_USAGE, _("%s is "
		    "required"), what) :
		    EX_OK;
	if (strlen(s) > max)
		return wf_fail(w, EX_DATAERR, _("%s too long: at most %zu "
		    "bytes"), what, max);
	if (!wf_utf8_valid(s))
		return wf_fail(w, EX_DATAERR, _("%s is not valid UTF-8"), what);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return wf_fail(w, EX_DATAERR, _("%s holds a control "
			    "character"), what);
	for (p = (const unsigned char *)s; *p == ' '; p++)
		;
	if (*p == '\0')
		return wf_fail(w, required ? EX_USAGE : EX_DATAERR,
		    _("%s is blank"), what);
	return EX_OK;
}

/* ----------------------------------------------------------- the map */

void
visit_map(const struct wf_snap *s, struct visit_map *m)
{
	int i, n = (int)s->nsteps, lim;

	m->last_decide = m->appoint = m->checkin = m->checkout =
	    m->escort = -1;
	for (i = 0; i < n; i++)
		if (deciding(s->steps[i].kind))
			m->last_decide = i;
	for (i = m->last_decide + 1; i < n; i++)
		if (s->steps[i].kind == CFG_KIND_ESCORT) {
			m->escort = i;
			break;
		}
	lim = m->escort >= 0 ? m->escort : n;
	for (i = m->last_decide + 1; i < lim; i++)
		if (s->steps[i].kind == CFG_KIND_DISPOSE) {
			m->appoint = i;
			break;
		}
	for (i = (m->appoint >= 0 ? m->appoint : m->last_decide) + 1;
	    i < lim; i++)
		if (s->steps[i].kind == CFG_KIND_RECORD) {
			if (m->checkin < 0)
				m->checkin = i;
			else {
				m->checkout = i;
				break;
			}
		}
}

/* ----------------------------------------------------------- entries */

static char *visit_attrs[] = {
	U("kunciId"), U("kunciRequester"), U("kunciAsUser"),
	U("kunciGuestName"), U("kunciGuestOrg"), U("kunciIdentityDoc"),
	U("kunciPurpose"), U("kunciNote"), U("kunciResource"), U("kunciState"),
	U("kunciEscort"), U("kunciCreated"), U("kunciUpdated"),
	U("kunciStepSince"), U("kunciDeadline"), U("kunciCheckIn"),
	U("kunciCheckOut"), U("kunciRoomLocked"), U("kunciExpectedDuration"),
	U("kunciStepIndex"), U("kunciWorkflow"), U("kunciWorkflowSnapshot"),
	NULL
};

static int
visit_dn(struct wf *w, const char *id, char *dn, size_t dnsz)
{
	char esc[3 * WF_ID_MAX + 1];

	if (!valid_id(id) || ldapc_escape_dn(esc, sizeof(esc), id) == -1)
		return -1;
	snprintf(dn, dnsz, "kunciId=%s,ou=visits,%s", esc,
	    w->cfg->directory.kunci_base);
	return 0;
}

static int
parse_visit(struct wf *w, LDAP *ld, LDAPMessage *e, struct visit *v)
{
	const struct cfg_workflow *wfc;
	char buf[64], wfname[64], *dn, *snap;
	long long n;

	memset(v, 0, sizeof(*v));
	if ((dn = ldap_get_dn(ld, e)) != NULL) {
		u_strlcpy(v->dn, dn, sizeof(v->dn));
		ldap_memfree(dn);
	}
	dir_get(ld, e, "kunciId", v->id, sizeof(v->id));
	dir_get(ld, e, "kunciRequester", v->requester, sizeof(v->requester));
	dir_get(ld, e, "kunciAsUser", v->as, sizeof(v->as));
	dir_get(ld, e, "kunciGuestName", v->guest, sizeof(v->guest));
	dir_get(ld, e, "kunciGuestOrg", v->org, sizeof(v->org));
	dir_get(ld, e, "kunciIdentityDoc", v->iddoc, sizeof(v->iddoc));
	dir_get(ld, e, "kunciPurpose", v->purpose, sizeof(v->purpose));
	dir_get(ld, e, "kunciNote", v->note, sizeof(v->note));
	dir_get(ld, e, "kunciResource", v->resource, sizeof(v->resource));
	dir_get(ld, e, "kunciState", v->state, sizeof(v->state));
	dir_get(ld, e, "kunciEscort", v->escort, sizeof(v->escort));
	v->created = dir_get_time(ld, e, "kunciCreated");
	v->updated = dir_get_time(ld, e, "kunciUpdated");
	v->step_since = dir_get_time(ld, e, "kunciStepSince");
	v->deadline = dir_get_time(ld, e, "kunciDeadline");
	v->checkin = dir_get_time(ld, e, "kunciCheckIn");
	v->checkout = dir_get_time(ld, e, "kunciCheckOut");
	v->locked = -1;
	if (dir_get(ld, e, "kunciRoomLocked", buf, sizeof(buf)) == 0)
		v->locked = strcmp(buf, "TRUE") == 0;
	if (dir_get(ld, e, "kunciExpectedDuration", buf, sizeof(buf)) == 0 &&
	    u_strtonum(buf, 0, INT32_MAX, &n, &(const char *){ NULL }) == 0)
		v->expected = n;
	if (dir_get(ld, e, "kunciStepIndex", buf, sizeof(buf)) == 0 &&
	    u_strtonum(buf, 0, WF_MAX_STEPS, &n, &(const char *){ NULL }) == 0)
		v->step = (int)n;
	snap = dir_get_dup(ld, e, "kunciWorkflowSnapshot");
	if (snap != NULL && wf_snap_parse(snap, &v->snap) == 0) {
		free(snap);
		return EX_OK;
	}
	free(snap);
	/* No snapshot (an entry loaded from LDIF): the workflow as
	 * configured now. */
	dir_get(ld, e, "kunciWorkflow", wfname, sizeof(wfname));
	if ((wfc = cfg_workflow(w->cfg, wfname)) == NULL)
		return wf_fail(w, EX_SOFTWARE, _("visit %s: no workflow "
		    "snapshot and no workflow %s"), v->id, wfname);
	wf_snap_from_cfg(wfc, &v->snap);
	return EX_OK;
}

int
visit_load(struct wf *w, const char *id, struct visit *v)
{
	char dn[DIR_DN_MAX];
	LDAPMessage *res;
	LDAP *ld;
	int st;

	memset(v, 0, sizeof(*v));
	if (visit_dn(w, id, dn, sizeof(dn)) == -1)
		return wf_fail(w, EX_NOINPUT, _("unknown visit: %.40s"), id);
	if ((st = wf_read_entry(w, dn, "(objectClass=kunciVisit)",
	    visit_attrs, "visit", id, &ld, &res)) != EX_OK)
		return st;
	st = parse_visit(w, ld, ldap_first_entry(ld, res), v);
	ldap_msgfree(res);
	return st;
}

struct vlist_ctx {
	struct visit	*v;
	visit_each_fn	 cb;
	void		*arg;
};

/* wf_search_each(): one visit, parsed into the reused buffer. */
static int
vlist_one(struct wf *w, LDAP *ld, LDAPMessage *e, void *arg)
{
	struct vlist_ctx *c = arg;

	if (parse_visit(w, ld, e, c->v) != EX_OK)
		return EX_OK;
	return c->cb(c->v, c->arg);
}

int
visit_list(struct wf *w, const char *filter, size_t max, visit_each_fn cb,
    void *arg)
{
	struct vlist_ctx c = { NULL, cb, arg };
	int st;

	if ((c.v = malloc(sizeof(*c.v))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	st = wf_search_each(w, "ou=visits", filter, visit_attrs, max,
	    "visit", vlist_one, &c);
	free(c.v);
	return st;
}

int
visit_events(struct wf *w, const struct visit *v, struct wf_event **ev,
    size_t *n)
{
	return wf_events_under(w, v->dn, "(objectClass=kunciEvent)", ev, n);
}

/* An event under visit v (wf_event_add). */
static int
add_event(struct wf *w, const struct visit *v, const char *rdn,
    const char *actor, const char *as, const char *decision, int step,
    const char *role, const char *note, const char *note2)
{
	return wf_event_add(w, v->dn, &v->snap, v->state, rdn, actor, as,
	    decision, step, role, note, note2);
}

/* Modify the visit asserting its state and step (wf_modify_asserted). */
static int
cas_modify(struct wf *w, const struct visit *v, struct dir_mods *m)
{
	char filter[128];

	snprintf(filter, sizeof(filter),
	    "(&(kunciState=%s)(kunciStepIndex=%d))", v->state, v->step);
	return wf_modify_asserted(w, v->dn, filter, m, _("updating the visit"));
}

static int
closed(const struct visit *v)
{
	return strcmp(v->state, "done") == 0 ||
	    strcmp(v->state, "rejected") == 0 ||
	    strcmp(v->state, "cancelled") == 0;
}

static const char *
derive_state(const struct visit *v, int next, time_t in, time_t out)
{
	struct visit_map m;

	visit_map(&v->snap, &m);
	if ((size_t)next >= v->snap.nsteps)
		return "done";
	if (out != 0)
		return "out";
	if (in != 0)
		return "in";
	if (next > m.last_decide)
		return "approved";
	return "pending";
}

/*
 * Roll the visit forward as far as its events allow (see visit.h).  Every
 * write is asserted or idempotent.
 */
static int
visit_settle(struct wf *w, const char *id)
{
	struct visit *v;
	struct wf_event *ev = NULL;
	struct dir_mods m;
	char buf[32], escort[DIR_UID_MAX + 1];
	size_t n, i;
	int st = EX_OK, iter, approvals, rejects, next, locked;
	time_t in, out, now;

	if ((v = malloc(sizeof(*v))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	for (iter = 0; iter < 3 * WF_MAX_STEPS; iter++) {
		if ((st = visit_load(w, id, v)) != EX_OK)
			break;
		if (closed(v) || (size_t)v->step >= v->snap.nsteps)
			break;
		const struct wf_step *s = &v->snap.steps[v->step];

		if (s->kind == CFG_KIND_NOTIFY) {
			snprintf(buf, sizeof(buf), "step-%d-1", v->step);
			st = add_event(w, v, buf, ACTOR_KUNCID, NULL,
			    "approve", v->step, s->role, "informed", NULL);
			if (st != EX_OK && st != EX_CANTCREAT)
				break;
		}
		if ((st = visit_events(w, v, &ev, &n)) != EX_OK)
			break;
		approvals = rejects = 0;
		in = out = 0;
		locked = -1;
		escort[0] = '\0';
		for (i = 0; i < n; i++) {
			if (ev[i].step == v->step &&
			    strncmp(ev[i].rdn, "step-", 5) == 0) {
				if (strcmp(ev[i].decision, "reject") == 0)
					rejects++;
				else
					approvals++;
			}
			if (strcmp(ev[i].rdn, "escort") == 0 &&
			    strncmp(ev[i].note, "escort: ", 8) == 0)
				u_strlcpy(escort, ev[i].note + 8,
				    sizeof(escort));
			else if (strcmp(ev[i].rdn, "checkin") == 0)
				in = ev[i].time;
			else if (strcmp(ev[i].rdn, "checkout") == 0) {
				out = ev[i].time;
				if (locked != 1)
					locked = strcmp(ev[i].note,
					    "locked: yes") == 0;
			} else if (strcmp(ev[i].rdn, "lock") == 0)
				locked = 1;
		}
		free(ev);
		ev = NULL;
		now = time(NULL);
		dir_mods_init(&m);
		dir_gentime(buf, sizeof(buf), now);
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
		if (rejects > 0) {
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState",
			    "rejected");
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciDeadline",
			    NULL);
			st = cas_modify(w, v, &m);
			dir_mods_free(&m);
			if (st == EX_OK) {
				log_audit("visit.reject", "visit", v->id,
				    "step", s->name, "resource", v->resource,
				    "guest", v->guest, "requester",
				    v->requester, NULL);
				break;
			}
			if (st != EX_TEMPFAIL)
				break;
			continue;
		}
		next = approvals >= s->quorum ? v->step + 1 : v->step;
		if (next == v->step && strcmp(escort, v->escort) == 0 &&
		    in == v->checkin && out == v->checkout &&
		    locked == (out != 0 ? v->locked : -1)) {
			dir_mods_free(&m);
			st = EX_OK;
			break;
		}
		if (escort[0] != '\0' && strcmp(escort, v->escort) != 0)
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciEscort",
			    escort);
		if (in != 0 && in != v->checkin) {
			dir_gentime(buf, sizeof(buf), in);
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciCheckIn", buf);
		}
		if (out != 0 && out != v->checkout) {
			dir_gentime(buf, sizeof(buf), out);
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciCheckOut",
			    buf);
		}
		if (out != 0 && locked != v->locked)
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciRoomLocked",
			    locked == 1 ? "TRUE" : "FALSE");
		if (next != v->step) {
			snprintf(buf, sizeof(buf), "%d", next);
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStepIndex",
			    buf);
			if ((size_t)next < v->snap.nsteps) {
				const struct wf_step *ns =
				    &v->snap.steps[next];
				time_t dl = wf_deadline(w->cfg, now, ns->sla,
				    ns->bd);

				dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStep",
				    ns->name);
				dir_gentime(buf, sizeof(buf), now);
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciStepSince", buf);
				dir_gentime(buf, sizeof(buf), dl);
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciDeadline", dl != 0 ? buf : NULL);
			} else {
				dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStep",
				    NULL);
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciStepSince", NULL);
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciDeadline", NULL);
			}
		}
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState",
		    derive_state(v, next, in, out));
		st = cas_modify(w, v, &m);
		dir_mods_free(&m);
		if (st == EX_OK && (size_t)next == v->snap.nsteps &&
		    next != v->step)
			log_audit("visit.complete", "visit", v->id,
			    "resource", v->resource, "guest", v->guest,
			    "escort", escort, NULL);
		if (st != EX_OK && st != EX_TEMPFAIL)
			break;
		st = EX_OK;
	}
	free(ev);
	free(v);
	return st;
}

/* ---------------------------------------------------------------- ids */

static int
next_id(struct wf *w, char id[WF_ID_MAX + 1])
{
	char cn[32];
	struct tm tm;
	time_t now = time(NULL);
	long long v;
	int st;

	localtime_r(&now, &tm);
	snprintf(cn, sizeof(cn), "visit-%d", tm.tm_year + 1900);
	if ((st = counter_next(w->lc, w->cfg->directory.kunci_base, cn,
	    "visit", 1, 999999999, &v, w->err, sizeof(w->err))) != EX_OK)
		return st;
	snprintf(id, WF_ID_MAX + 1, "V%d-%04lld", tm.tm_year + 1900, v);
	return EX_OK;
}

/* ------------------------------------------------------------- rules */

/* Does the actor hold the role of step i of v? */
static int
holds_step(struct wf *w, const struct wf_actor *a, const struct visit *v,
    int i)
{
	const struct wf_step *s;
	int idx;

	(void)w;
	if (!a->person || i < 0 || (size_t)i >= v->snap.nsteps)
		return 0;
	s = &v->snap.steps[i];
	if (strcmp(s->role, CFG_ROLE_REQUESTER) == 0)
		return strcmp(a->p.uid, v->requester) == 0;
	/* B step 2's routing: the purpose's administrator. */
	if ((idx = dir_role_index(w->cfg, visit_route_role(w->cfg, s->role,
	    v->purpose))) < 0)
		return 0;
	return (a->roles >> idx) & 1;
}

static void
refuse_audit(const struct wf_actor *a, const struct visit *v,
    const char *action, const char *why)
{
	const char *step = (size_t)v->step < v->snap.nsteps ?
	    v->snap.steps[v->step].name : "";

	log_audit("visit.refused", "visit", v->id, "actor", a->p.uid, "as",
	    a->as, "action", action, "step", step, "resource", v->resource,
	    "reason", why, NULL);
}

static int
refuse(struct wf *w, const struct wf_actor *a, const struct visit *v,
    const char *action, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
refuse(struct wf *w, const struct wf_actor *a, const struct visit *v,
    const char *action, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	/* the audit trail's reason in English, the caller's in theirs */
	if (!w->dry) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		refuse_audit(a, v, action, why);
	}
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), _(fmt), ap);
	va_end(ap);
	return wf_fail(w, EX_NOPERM, _("refused: %s"), why);
}

struct grant_found {
	int	n;
};

static int
grant_cb(struct wf_grant *g, void *arg)
{
	(void)g;
	((struct grant_found *)arg)->n++;
	return EX_OK;
}

/* Has uid an active, current grant for resource? */
static int
has_grant(struct wf *w, const char *uid, const char *resource, int *yes)
{
	char eu[3 * DIR_UID_MAX + 1], er[ESC_MAX], now[32], f[2048];
	struct grant_found gf = { 0 };
	int st;

	*yes = 0;
	if (ldapc_escape_filter(eu, sizeof(eu), uid) == -1 ||
	    ldapc_escape_filter(er, sizeof(er), resource) == -1)
		return EX_OK;
	dir_gentime(now, sizeof(now), time(NULL));
	snprintf(f, sizeof(f), "(&(objectClass=kunciGrant)(kunciSubject=%s)"
	    "(kunciResource=%s)(kunciStatus=active)(kunciNotBefore<=%s)"
	    "(!(kunciNotAfter<=%s)))", eu, er, now, now);
	if ((st = wf_grants(w, f, 5, grant_cb, &gf)) != EX_OK)
		return st;
	*yes = gf.n > 0;
	return EX_OK;
}

struct count {
	int		 n;
	const char	*skip;
};

static int
count_cb(struct visit *v, void *arg)
{
	struct count *c = arg;

	if (c->skip == NULL || strcmp(v->id, c->skip) != 0)
		c->n++;
	return EX_OK;
}

/* Guests the escort accompanies now (approved with them, or inside). */
static int
escort_load(struct wf *w, const char *uid, const char *skip, int *n)
{
	char eu[3 * DIR_UID_MAX + 1], f[512];
	struct count c = { 0, skip };
	int st;

	*n = 0;
	if (ldapc_escape_filter(eu, sizeof(eu), uid) == -1)
		return EX_OK;
	snprintf(f, sizeof(f), "(&(objectClass=kunciVisit)(kunciEscort=%s)"
	    "(|(kunciState=approved)(kunciState=in)))", eu);
	if ((st = visit_list(w, f, LIST_MAX, count_cb, &c)) != EX_OK)
		return st;
	*n = c.n;
	return EX_OK;
}

/* The visit's workflow for a resource (see visits.workflow). */
static const struct cfg_workflow *
visit_workflow(const struct kunci_cfg *cfg, const struct dir_resource *r)
{
	const struct cfg_workflow *wfc = cfg_workflow(cfg, r->workflow);
	size_t i;

	if (wfc != NULL)
		for (i = 0; i < wfc->nsteps; i++)
			if (wfc->steps[i].kind == CFG_KIND_ESCORT)
				return wfc;
	if (cfg->visits.workflow[0] == '\0')
		return NULL;
	return cfg_workflow(cfg, cfg->visits.workflow);
}

/* --------------------------------------------------------------- acts */

int
visit_submit(struct wf *w, const struct wf_actor *a, const char *resource,
    const char *guest, const char *org, const char *iddoc,
    const char *purpose, const char *duration, const char *arrived,
    const char *note, char id[WF_ID_MAX + 1])
{
	const struct kunci_cfg *cfg = w->cfg;
	const struct cfg_workflow *wfc;
	struct dir_resource res;
	struct visit *v = NULL;
	struct dir_mods m;
	char *snap = NULL, buf[64];
	const char *errstr;
	int64_t secs;
	int st, bd;
	time_t now = time(NULL), created = now, dl;
	LDAP *ld;

	id[0] = '\0';
	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = check_text(w, "--guest", guest, VISIT_TEXT_MAX, 1)) != EX_OK ||
	    (st = check_text(w, "--org", org, VISIT_TEXT_MAX, 1)) != EX_OK ||
	    (st = check_text(w, "--id-doc", iddoc, VISIT_DOC_MAX, 1)) != EX_OK ||
	    (st = check_text(w, "--note", note, 1000, 0)) != EX_OK)
		return st;
	if (purpose == NULL || *purpose == '\0')
		return wf_fail(w, EX_USAGE, _("--purpose is required (network "
		    "or servers)"));
	if (strcmp(purpose, "network") != 0 && strcmp(purpose, "servers") != 0)
		return wf_fail(w, EX_DATAERR, _("--purpose: network or "
		    "servers, not %.40s"), purpose);
	if (duration == NULL || *duration == '\0')
		return wf_fail(w, EX_USAGE, _("--duration is required (e.g. "
		    "2h)"));
	if (u_parse_duration(duration, 0, &secs, &bd, &errstr) == -1 ||
	    secs <= 0 || secs > 86400)
		return wf_fail(w, EX_DATAERR,
		    _("--duration: a duration from 1s to "
		    "24h such as 90m, not %.40s"), duration);
	if (arrived != NULL) {
		if (wf_parse_when(arrived, 0, &created) == -1 ||
		    created > now || now - created > 86400)
			return wf_fail(w, EX_DATAERR, _("--arrived: "
			    "YYYY-MM-DDTHH:MM within the last day"));
	}
	if (resource == NULL || *resource == '\0')
		return wf_fail(w, EX_USAGE, _("--resource is required"));
	if (strlen(resource) > DIR_NAME_MAX || !wf_utf8_valid(resource))
		return wf_fail(w, EX_NOINPUT,
		    _("unknown resource: %.80s"), resource);
	if ((st = dir_resource(w->lc, cfg, resource, &res, w->err,
	    sizeof(w->err))) != EX_OK)
		return st;
	if ((wfc = visit_workflow(cfg, &res)) == NULL)
		return wf_fail(w, EX_DATAERR,
		    _("resource %s takes no visits (its "
		    "workflow %s has no escort step and visits.workflow is "
		    "not set)"), res.name, res.workflow);
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (snap = malloc(SNAP_MAX)) == NULL) {
		st = wf_fail(w, EX_OSERR, _("out of memory"));
		goto out;
	}
	wf_snap_from_cfg(wfc, &v->snap);
	if (wf_snap_format(&v->snap, snap, SNAP_MAX) == -1) {
		st = wf_fail(w, EX_SOFTWARE, _("workflow snapshot too large"));
		goto out;
	}
	if ((st = next_id(w, id)) != EX_OK)
		goto out;
	if (visit_dn(w, id, v->dn, sizeof(v->dn)) == -1) {
		st = wf_fail(w, EX_SOFTWARE, _("bad id %s"), id);
		goto out;
	}
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciVisit");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciGuestName", guest);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciGuestOrg", org);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciIdentityDoc", iddoc);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciPurpose", purpose);
	if (note != NULL && *note != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciResource", res.name);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciState", "pending");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciRequester", a->p.uid);
	if (*a->as != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciAsUser", a->as);
	snprintf(buf, sizeof(buf), "%lld", (long long)secs);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciExpectedDuration", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciWorkflow", wfc->name);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciWorkflowSnapshot", snap);
	dir_gentime(buf, sizeof(buf), created);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStepSince", buf);
	dir_gentime(buf, sizeof(buf), now);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciUpdated", buf);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStepIndex", "0");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStep", v->snap.steps[0].name);
	dl = wf_deadline(cfg, created, v->snap.steps[0].sla,
	    v->snap.steps[0].bd);
	if (dl != 0) {
		dir_gentime(buf, sizeof(buf), dl);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciDeadline", buf);
	}
	if (m.err) {
		dir_mods_free(&m);
		st = wf_fail(w, EX_OSERR, _("out of memory"));
		goto out;
	}
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
		dir_mods_free(&m);
		st = EX_UNAVAILABLE;
		goto out;
	}
	st = ldap_add_ext_s(ld, v->dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	if (st != LDAP_SUCCESS) {
		st = wf_ldfail(w, st, _("writing the visit"));
		goto out;
	}
	log_audit("visit.submit", "visit", id, "actor", a->p.uid, "as", a->as,
	    "resource", res.name, "workflow", wfc->name, "guest", guest,
	    "org", org, "purpose", purpose, NULL);
	u_strlcpy(v->id, id, sizeof(v->id));
	u_strlcpy(v->state, "pending", sizeof(v->state));
	(void)add_event(w, v, "submit", a->p.uid, a->as, "submit", -1, NULL,
	    NULL, NULL);
	/* The form is the submission: a first step that is the requester's
	 * own record (B, step 1) is done by it. */
	if (v->snap.steps[0].kind == CFG_KIND_RECORD &&
	    strcmp(v->snap.steps[0].role, CFG_ROLE_REQUESTER) == 0)
		(void)add_event(w, v, "step-0-1", a->p.uid, a->as, "approve",
		    0, CFG_ROLE_REQUESTER, "form filled in", NULL);
	st = visit_settle(w, id);
out:
	free(snap);
	free(v);
	return st;
}

/*
 * Complete step i with an event by the actor.  EX_TEMPFAIL with "already
 * done by X" when someone else was first.
 */
static int
step_event(struct wf *w, const struct wf_actor *a, const struct visit *v,
    int i, const char *decision, const char *note)
{
	char rdn[32];
	int k, st = EX_CANTCREAT;

	for (k = 1; k <= v->snap.steps[i].quorum; k++) {
		snprintf(rdn, sizeof(rdn), "step-%d-%d", i, k);
		st = add_event(w, v, rdn, a->p.uid, a->as, decision, i,
		    v->snap.steps[i].role, note, NULL);
		if (st != EX_CANTCREAT)
			break;
	}
	if (st == EX_CANTCREAT)
		return wf_fail(w, EX_TEMPFAIL,
		    _("step %s of visit %s was already "
		    "done by someone else"), v->snap.steps[i].name, v->id);
	return st;
}

/* The common start of an act: a person, the visit, open. */
static int
begin(struct wf *w, const struct wf_actor *a, const char *id,
    struct visit *v)
{
	int st;

	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = visit_settle(w, id)) != EX_OK)
		return st;
	if ((st = visit_load(w, id, v)) != EX_OK)
		return st;
	if (closed(v))
		return wf_fail(w, EX_DATAERR, _("visit %s is closed "
		    "(%s)"), v->id,
		    v->state);
	return EX_OK;
}

/* approve / reject the current (ordinary) step. */
int
visit_act(struct wf *w, const struct wf_actor *a, const char *id,
    const char *decision, const char *stepwant, const char *note,
    const char *purpose)
{
	struct visit *v;
	struct visit_map mp;
	struct wf_event *ev = NULL;
	const struct wf_step *s;
	const struct wf_acting *ac;	/* a Plt./Plh.'s delegation */
	const char *cmd;
	int reject = strcmp(decision, "reject") == 0, st;
	size_t n, i;

	if ((v = malloc(sizeof(*v))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if ((st = check_text(w, reject ? "--reason" : "--note", note,
	    WF_NOTE_MAX, reject)) != EX_OK)
		goto out;
	if ((st = begin(w, a, id, v)) != EX_OK)
		goto out;
	s = &v->snap.steps[v->step];
	if (stepwant != NULL && strcmp(stepwant, s->name) != 0) {
		st = wf_fail(w, EX_DATAERR, _("visit %s is at step %s, not "
		    "%.64s"), v->id, s->name, stepwant);
		goto out;
	}
	visit_map(&v->snap, &mp);
	cmd = v->step == mp.appoint ? "visit escort ID --escort USER" :
	    v->step == mp.checkin ? "visit checkin ID" :
	    v->step == mp.checkout ? "visit checkout ID [--locked]" :
	    v->step == mp.escort ? (v->checkout != 0 ? "visit lock ID" :
	    v->checkin != 0 ? "visit checkout ID --locked" :
	    "visit checkin ID") : NULL;
	if (cmd == NULL && v->step > mp.last_decide && v->checkin == 0 &&
	    mp.escort >= 0 && v->step < mp.escort)
		cmd = "visit checkin ID";
	if (cmd != NULL && !reject) {
		st = wf_fail(w, EX_USAGE, _("step %s of visit %s is done with "
		    "kuncictl %s"), s->name, v->id, cmd);
		goto out;
	}
	if (!holds_step(w, a, v, v->step)) {
		st = refuse(w, a, v, decision, N_("step %s needs role %s, "
		    "which you do not hold"), s->name, visit_route_role(w->cfg,
		    s->role, v->purpose));
		goto out;
	}
	/* The Kasi's network-or-server determination, at the check. */
	if (purpose != NULL && (reject || s->kind != CFG_KIND_VERIFY)) {
		st = wf_fail(w, EX_USAGE, _("--purpose is the check's (a "
		    "verify step's approval), not step %s's"), s->name);
		goto out;
	}
	if (strcmp(s->role, CFG_ROLE_REQUESTER) != 0 &&
	    strcmp(a->p.uid, v->requester) == 0 && deciding(s->kind)) {
		st = refuse(w, a, v, decision, N_("you cannot decide on a "
		    "visit you requested"));
		goto out;
	}
	ac = wf_acting_for(w->cfg, a, visit_route_role(w->cfg, s->role,
	    v->purpose));	/* the routed role's, at B step 2 */
	if (ac != NULL && strcmp(ac->principal, v->requester) == 0) {
		st = refuse(w, a, v, decision, N_("as acting official for %s "
		    "you cannot decide %s's own visit"), ac->principal,
		    ac->principal);
		goto out;
	}
	if (reject && !s->may_reject) {
		st = refuse(w, a, v, decision, N_("step %s (%s) cannot reject"),
		    s->name, cfg_kind_name(s->kind));
		goto out;
	}
	/* One act per step, and with one_act one decision per visit. */
	if ((st = visit_events(w, v, &ev, &n)) != EX_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (strncmp(ev[i].rdn, "step-", 5) != 0 ||
		    strcmp(ev[i].actor, a->p.uid) != 0 || ev[i].step < 0 ||
		    (size_t)ev[i].step >= v->snap.nsteps)
			continue;
		if (ev[i].step == v->step) {
			st = refuse(w, a, v, decision, N_("you already acted "
			    "on step %s"), s->name);
			goto out;
		}
		if (v->snap.one_act && deciding(s->kind) &&
		    deciding(v->snap.steps[ev[i].step].kind)) {
			st = refuse(w, a, v, decision, N_("you already decided "
			    "on this visit (step %s)"), ev[i].stepname);
			goto out;
		}
	}
	if (w->dry)
		goto out;	/* st is EX_OK: the act would be taken */
	if (purpose != NULL && strcmp(purpose, v->purpose) != 0 &&
	    (st = visit_route_set(w, v->dn, v->state, v->step, purpose)) !=
	    EX_OK)
		goto out;
	w->acting = ac;	/* Plt./Plh. */
	st = step_event(w, a, v, v->step, reject ? "reject" : "approve",
	    note);
	w->acting = NULL;
	if (st != EX_OK)
		goto out;
	log_audit("visit.step", "visit", v->id, "actor", a->p.uid, "as",
	    a->as, "step", s->name, "kind", cfg_kind_name(s->kind),
	    "decision", reject ? "reject" : "approve", "resource",
	    v->resource, "reason", note, NULL);
	if (ac != NULL)
		log_audit("delegation.act", "delegation", ac->id, "actor",
		    a->p.uid, "for", ac->principal, "role", w->cfg->roles[
		    ac->role].name, "visit", v->id, "step", s->name, NULL);
	st = visit_settle(w, id);
out:
	free(ev);
	free(v);
	return st;
}

int
visit_escort(struct wf *w, const struct wf_actor *a, const char *id,
    const char *escort)
{
	struct dir_person ep;
	struct visit *v;
	struct visit_map mp;
	char note[DIR_UID_MAX + 16];
	int st, yes, load;

	if ((v = malloc(sizeof(*v))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if (escort == NULL || *escort == '\0') {
		st = wf_fail(w, EX_USAGE, _("--escort USER is required"));
		goto out;
	}
	if ((st = begin(w, a, id, v)) != EX_OK)
		goto out;
	visit_map(&v->snap, &mp);
	if (v->step <= mp.last_decide) {
		st = wf_fail(w, EX_DATAERR, _("visit %s is not approved yet "
		    "(waiting for step %s)"), v->id,
		    v->snap.steps[v->step].name);
		goto out;
	}
	if (v->escort[0] != '\0') {
		st = wf_fail(w, EX_DATAERR,
		    _("visit %s already has an escort: %s"),
		    v->id, v->escort);
		goto out;
	}
	if (mp.appoint >= 0 && v->step != mp.appoint) {
		st = wf_fail(w, EX_DATAERR, _("visit %s is at step %s, not %s"),
		    v->id, v->snap.steps[v->step].name,
		    v->snap.steps[mp.appoint].name);
		goto out;
	}
	if (!holds_step(w, a, v, mp.appoint >= 0 ? mp.appoint :
	    mp.last_decide)) {
		st = refuse(w, a, v, "escort", N_("appointing the escort needs "
		    "role %s, which you do not hold"),
		    v->snap.steps[mp.appoint >= 0 ? mp.appoint :
		    mp.last_decide].role);
		goto out;
	}
	if (w->dry)
		goto out;	/* the appointer may: the escort is not known */
	if ((st = dir_person_by_uid(w->lc, w->cfg, escort, &ep, w->err,
	    sizeof(w->err))) != EX_OK)
		goto out;
	/*
	 * Where the escort step is the escorting itself (no guest-book steps
	 * between the appointment and it, as D's "tim teknis mendampingi"),
	 * the escort must hold that step's role.
	 */
	if (mp.checkin < 0 && mp.escort >= 0 &&
	    cfg_role(w->cfg, v->snap.steps[mp.escort].role) != NULL) {
		const char *role = v->snap.steps[mp.escort].role;

		if ((st = dir_is_member(w->lc, cfg_role(w->cfg, role)->group,
		    ep.dn, &yes, w->err, sizeof(w->err))) != EX_OK)
			goto out;
		if (!yes) {
			st = refuse(w, a, v, "escort", N_("escort %s does not "
			    "hold role %s, whose step %s the escorting is"),
			    ep.uid, role, v->snap.steps[mp.escort].name);
			goto out;
		}
	}
	if ((st = has_grant(w, ep.uid, v->resource, &yes)) != EX_OK)
		goto out;
	if (!yes) {
		st = refuse(w, a, v, "escort", N_("escort %s holds no active "
		    "grant for %s"), ep.uid, v->resource);
		goto out;
	}
	if ((st = escort_load(w, ep.uid, v->id, &load)) != EX_OK)
		goto out;
	if (load >= w->cfg->visits.max_guests_per_escort) {
		st = refuse(w, a, v, "escort", N_("escort %s already "
		    "accompanies %d guest(s), at most %d"), ep.uid, load,
		    w->cfg->visits.max_guests_per_escort);
		goto out;
	}
	snprintf(note, sizeof(note), "escort: %s", ep.uid);
	st = add_event(w, v, "escort", a->p.uid, a->as, "escort", -1, NULL,
	    note, NULL);
	if (st == EX_CANTCREAT) {
		st = wf_fail(w, EX_TEMPFAIL,
		    _("visit %s got its escort meanwhile"),
		    v->id);
		goto out;
	}
	if (st != EX_OK)
		goto out;
	if (mp.appoint >= 0 && (st = step_event(w, a, v, mp.appoint,
	    "approve", note)) != EX_OK)
		goto out;
	log_audit("visit.escort", "visit", v->id, "actor", a->p.uid, "as",
	    a->as, "escort", ep.uid, "resource", v->resource, "guest",
	    v->guest, NULL);
	st = visit_settle(w, id);
out:
	free(v);
	return st;
}

int
visit_checkin(struct wf *w, const struct wf_actor *a, const char *id,
    int held, const char *equipment)
{
	struct visit *v;
	struct visit_map mp;
	char when[32];
	int st;

	if ((v = malloc(sizeof(*v))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if ((st = visit_guest_check(w, equipment)) != EX_OK ||
	    (st = begin(w, a, id, v)) != EX_OK)
		goto out;
	visit_map(&v->snap, &mp);
	if (v->checkin != 0) {
		admin_fmt_time(when, sizeof(when), v->checkin);
		st = wf_fail(w, EX_DATAERR, _("visit %s already checked in at "
		    "%s"), v->id, when);
		goto out;
	}
	if (v->step <= mp.last_decide) {
		st = wf_fail(w, EX_DATAERR, _("visit %s is not approved "
		    "(waiting for step %s): no check-in"), v->id,
		    v->snap.steps[v->step].name);
		goto out;
	}
	if (v->escort[0] == '\0') {
		st = wf_fail(w, EX_DATAERR, _("visit %s has no escort "
		    "appointed: no check-in"), v->id);
		goto out;
	}
	if (mp.checkin >= 0 && v->step != mp.checkin) {
		st = wf_fail(w, EX_DATAERR, _("visit %s is at step %s, not %s"),
		    v->id, v->snap.steps[v->step].name,
		    v->snap.steps[mp.checkin].name);
		goto out;
	}
	if (strcmp(a->p.uid, v->requester) != 0 &&
	    strcmp(a->p.uid, v->escort) != 0 &&
	    !holds_step(w, a, v, mp.checkin >= 0 ? mp.checkin : mp.escort)) {
		st = refuse(w, a, v, "checkin", N_("only the requester, the "
		    "escort or the step's role may check a guest in"));
		goto out;
	}
	if (w->dry)
		goto out;
	st = add_event(w, v, "checkin", a->p.uid, a->as, "checkin", -1, NULL,
	    "guest book: in", NULL);
	if (st == EX_CANTCREAT) {
		st = wf_fail(w, EX_TEMPFAIL,
		    _("visit %s was checked in meanwhile"),
		    v->id);
		goto out;
	}
	if (st != EX_OK)
		goto out;
	/* The guest's own entry: identity document, equipment. */
	if ((st = visit_guest_in(w, v->dn, &v->snap, v->state, a, held,
	    equipment)) != EX_OK)
		goto out;
	if (mp.checkin >= 0 && (st = step_event(w, a, v, mp.checkin,
	    "approve", "guest book: in")) != EX_OK)
		goto out;
	log_audit("visit.checkin", "visit", v->id, "actor", a->p.uid, "as",
	    a->as, "guest", v->guest, "escort", v->escort, "resource",
	    v->resource, NULL);
	st = visit_settle(w, id);
out:
	free(v);
	return st;
}

int
visit_checkout(struct wf *w, const struct wf_actor *a, const char *id,
    int locked, const char *note, int lock_only, const char *left,
    int returned)
{
	struct visit *v;
	struct visit_map mp;
	char when[32], edn[DIR_DN_MAX + 32];
	const char *action = lock_only ? "lock" : "checkout";
	time_t out = 0;
	int st;

	if ((v = malloc(sizeof(*v))) == NULL)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if ((st = check_text(w, "--note", note, WF_NOTE_MAX, 0)) != EX_OK)
		goto out;
	if (!a->person) {
		st = wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
		goto out;
	}
	if ((st = visit_settle(w, id)) != EX_OK ||
	    (st = visit_load(w, id, v)) != EX_OK)
		goto out;
	visit_map(&v->snap, &mp);
	if (!lock_only && v->checkout != 0) {
		admin_fmt_time(when, sizeof(when), v->checkout);
		st = wf_fail(w, EX_DATAERR,
		    _("visit %s already checked out at %s"),
		    v->id, when);
		goto out;
	}
	if (closed(v)) {
		st = wf_fail(w, EX_DATAERR, _("visit %s is closed (%s)"), v->id,
		    v->state);
		goto out;
	}
	if (lock_only) {
		if (v->checkout == 0) {
			st = wf_fail(w, EX_DATAERR, _("visit %s is not checked "
			    "out: use visit checkout --locked"), v->id);
			goto out;
		}
		if (v->locked == 1) {
			st = wf_fail(w, EX_DATAERR, _("visit %s: the lock was "
			    "already stated"), v->id);
			goto out;
		}
	} else if (v->checkin == 0) {
		st = wf_fail(w, EX_DATAERR,
		    _("visit %s is not checked in"), v->id);
		goto out;
	}
	/* --left: when the guest left, recorded now (B's steps 6 and 7:
	 * the exit and its entry in the guest book are two acts) */
	if (left != NULL && (wf_parse_when(left, 0, &out) == -1 ||
	    out < v->checkin || out > time(NULL))) {
		admin_fmt_time(when, sizeof(when), v->checkin);
		st = wf_fail(w, EX_DATAERR, _("--left: YYYY-MM-DDTHH:MM "
		    "between the check-in (%s) and now"), when);
		goto out;
	}
	if (strcmp(a->p.uid, v->escort) != 0 &&
	    (locked || lock_only || !holds_step(w, a, v, mp.checkout >= 0 ?
	    mp.checkout : mp.escort))) {
		st = refuse(w, a, v, action, locked || lock_only ?
		    N_("the lock statement is the escort's (%s)") :
		    N_("only the escort (%s) or the step's role may check a "
		    "guest out"), v->escort);
		goto out;
	}
	if (w->dry)
		goto out;	/* st is EX_OK: the act would be taken */
	if (!lock_only && (st = visit_guest_out_check(w, v->dn, v->id,
	    returned)) != EX_OK)
		goto out;
	if (!lock_only) {
		st = add_event(w, v, "checkout", a->p.uid, a->as, "checkout",
		    -1, NULL, locked ? "locked: yes" : "locked: no", note);
		if (st == EX_CANTCREAT) {
			st = wf_fail(w, EX_TEMPFAIL, _("visit %s was checked "
			    "out meanwhile"), v->id);
			goto out;
		}
		if (st != EX_OK)
			goto out;
		if (out != 0) {
			struct dir_mods m;

			/* the exit's time; visit_settle derives kunciCheckOut
			 * from it */
			dir_gentime(when, sizeof(when), out);
			snprintf(edn, sizeof(edn), "kunciId=checkout,%s", v->dn);
			dir_mods_init(&m);
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciTime", when);
			st = wf_modify_asserted(w, edn,
			    "(objectClass=kunciEvent)", &m,
			    _("recording the exit time"));
			dir_mods_free(&m);
			if (st != EX_OK)
				goto out;
		}
		if ((st = visit_guest_out(w, v->dn, &v->snap, v->state, a,
		    returned)) != EX_OK)
			goto out;
		if (mp.checkout >= 0 && (st = step_event(w, a, v,
		    mp.checkout, "approve", "guest book: out")) != EX_OK)
			goto out;
	} else {
		st = add_event(w, v, "lock", a->p.uid, a->as, "lock", -1,
		    NULL, "room and racks locked", note);
		if (st != EX_OK && st != EX_CANTCREAT)
			goto out;
	}
	/* The escort step: the lock statement (B), or the escorting that
	 * ends with the exit (D). */
	if (mp.escort >= 0 && (locked || lock_only || mp.checkout < 0) &&
	    (st = step_event(w, a, v, mp.escort, "approve", locked ||
	    lock_only ? "room and racks locked" : "guest left")) != EX_OK)
		goto out;
	log_audit(lock_only ? "visit.lock" : "visit.checkout", "visit",
	    v->id, "actor", a->p.uid, "as", a->as, "guest", v->guest,
	    "escort", v->escort, "locked", locked || lock_only ? "yes" : "no",
	    "resource", v->resource, NULL);
	st = visit_settle(w, id);
out:
	free(v);
	return st;
}

/*
 * The actions actor may take on visit id now (doc/json.md): each command
 * run dry, so the offer comes from the command's own checks.
 */
json_t *
visit_actions(struct wf *w, const struct wf_actor *a, const char *id)
{
	json_t *arr = json_array();
	char saved[sizeof(w->err)];

	memcpy(saved, w->err, sizeof(saved));
	w->dry = 1;
	if (visit_act(w, a, id, "approve", NULL, NULL, NULL) == EX_OK)
		json_array_append_new(arr, json_string("approve"));
	if (visit_act(w, a, id, "reject", NULL, "-", NULL) == EX_OK)
		json_array_append_new(arr, json_string("reject"));
	if (visit_escort(w, a, id, "-") == EX_OK)
		json_array_append_new(arr, json_string("escort"));
	if (visit_checkin(w, a, id, 0, NULL) == EX_OK)
		json_array_append_new(arr, json_string("checkin"));
	if (visit_checkout(w, a, id, 0, NULL, 0, NULL, 0) == EX_OK)
		json_array_append_new(arr, json_string("checkout"));
	if (visit_checkout(w, a, id, 1, NULL, 0, NULL, 0) == EX_OK)
		json_array_append_new(arr, json_string("checkout_locked"));
	if (visit_checkout(w, a, id, 0, NULL, 1, NULL, 0) == EX_OK)
		json_array_append_new(arr, json_string("lock"));
	w->dry = 0;
	memcpy(w->err, saved, sizeof(saved));
	return arr;
}

/* --------------------------------------------------------- scheduler */

static int
tick_overdue(struct visit *v, void *arg)
{
	struct wf *w = arg;
	char note[128], due[32];
	time_t limit;
	int st;

	if (v->checkin == 0 || v->checkout != 0 || v->expected <= 0)
		return EX_OK;
	limit = v->checkin + (time_t)v->expected +
	    (time_t)w->cfg->visits.grace;
	if (time(NULL) <= limit)
		return EX_OK;
	admin_fmt_time(due, sizeof(due), limit);
	snprintf(note, sizeof(note), "still inside past %s", due);
	st = add_event(w, v, "overdue", ACTOR_KUNCID, NULL, "overdue", -1,
	    NULL, note, NULL);
	if (st == EX_OK) {
		dir_gentime(due, sizeof(due), limit);
		log_audit("visit.overdue", "visit", v->id, "actor",
		    ACTOR_KUNCID, "guest", v->guest, "escort", v->escort,
		    "resource", v->resource, "due", due, NULL);
		log_warnx("visit %s: guest %.100s still in %s past %s; "
		    "escort=%s", v->id, v->guest, v->resource, due,
		    v->escort);
		{
			struct notify_vars nv;
			const struct cfg_role *role;
			struct visit_map mp;
			char key[64];

			memset(&nv, 0, sizeof(nv));
			nv.request = v->id;
			nv.resource = v->resource;
			nv.subject = v->guest;
			nv.state = v->state;
			nv.reason = note;
			snprintf(key, sizeof(key), "visit-%s-overdue", v->id);
			notify_person(w, v->escort, "overdue", key, &nv);
			notify_person(w, v->requester, "overdue", key, &nv);
			visit_map(&v->snap, &mp);
			if (mp.escort >= 0 && (role = cfg_role(w->cfg,
			    v->snap.steps[mp.escort].role)) != NULL)
				notify_dn(w, role->group, "overdue", key, &nv);
		}
	}
	return st == EX_UNAVAILABLE ? st : EX_OK;
}

void
visit_tick(struct wf *w, time_t now)
{
	(void)now;
	(void)visit_list(w, "(&(objectClass=kunciVisit)(kunciState=in))",
	    LIST_MAX, tick_overdue, w);
}
