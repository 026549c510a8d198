/*
 * delegate.c: acting officials (Plt., Plh.) as directory entries under
 * ou=delegations, and how a delegation in force gives its acting official
 * the role (delegate.h).
 *
 * Every write is one LDAP add (create: the id names the official, the role
 * and the start, so a repeat meets "already exists") or one asserted modify
 * (end: kunciStatus=active), so two kuncid ending or creating the same
 * delegation do it once.  A delegation is honoured only while its official
 * still holds the role: a Kadis replaced in the directory takes their Plt.
 * with them.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "delegate.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "util.h"
#include "wf.h"

#define U(s)	((char *)(uintptr_t)(s))	/* libldap wants char * */
#define OU	"ou=delegations"

static char *dlg_attrs[] = { U("kunciId"), U("kunciHolder"),
	U("kunciSubject"), U("kunciRole"), U("kunciType"), U("kunciStatus"),
	U("kunciActor"), U("kunciNotBefore"), U("kunciNotAfter"),
	U("kunciCreated"), NULL };

static void
parse_dlg(LDAP *ld, LDAPMessage *e, struct dlg *d)
{
	memset(d, 0, sizeof(*d));
	dir_get(ld, e, "kunciId", d->id, sizeof(d->id));
	dir_get(ld, e, "kunciHolder", d->holder, sizeof(d->holder));
	dir_get(ld, e, "kunciSubject", d->acting, sizeof(d->acting));
	dir_get(ld, e, "kunciRole", d->role, sizeof(d->role));
	dir_get(ld, e, "kunciType", d->kind, sizeof(d->kind));
	dir_get(ld, e, "kunciStatus", d->status, sizeof(d->status));
	dir_get(ld, e, "kunciActor", d->actor, sizeof(d->actor));
	d->not_before = dir_get_time(ld, e, "kunciNotBefore");
	d->not_after = dir_get_time(ld, e, "kunciNotAfter");
	d->created = dir_get_time(ld, e, "kunciCreated");
}

/* The delegations matching filter (escaped by the caller), each to cb;
 * none at all when ou=delegations was never made. */
static int
search(struct wf *w, const char *filter, size_t max,
    int (*cb)(const struct dlg *, void *), void *arg)
{
	char base[DIR_DN_MAX];
	LDAPMessage *res = NULL, *e;
	struct dlg d;
	LDAP *ld;
	int rc, st = EX_OK;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), OU ",%s", w->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter,
	    dlg_attrs, 0, NULL, NULL, NULL, (int)max, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return EX_OK;
	}
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("listing delegations"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		parse_dlg(ld, e, &d);
		if ((st = cb(&d, arg)) != EX_OK)
			break;
	}
	ldap_msgfree(res);
	return st;
}

static int
valid_text(const char *s, size_t max)
{
	if (strlen(s) > max || !wf_utf8_valid(s))
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return 0;
	return 1;
}

/*
 * May role be delegated?  A key of "roles" (*ro set), or the built-in
 * "superior" (*ro NULL): the official's place as direct superior of their
 * staff.  The other built-ins are nobody's office: the requester acts on
 * their own request, a disposition's recipient is a role already, and an
 * access owner attests what they know of their resource's holders (their
 * unanswered findings escalate to review.escalate_to, which is a role).
 */
static int
delegable(struct wf *w, const char *role, const struct cfg_role **ro)
{
	*ro = NULL;
	if (strcmp(role, CFG_ROLE_SUPERIOR) == 0)
		return EX_OK;
	if (strcmp(role, CFG_ROLE_OWNER) == 0)
		return wf_fail(w, EX_DATAERR, _("an access owner cannot be "
		    "delegated: unanswered review findings escalate to "
		    "review.escalate_to, a role that can be"));
	if (strcmp(role, CFG_ROLE_REQUESTER) == 0 ||
	    strcmp(role, CFG_ROLE_DISPOSED) == 0)
		return wf_fail(w, EX_DATAERR, _("%s cannot be delegated (a "
		    "role of \"roles\" can, or superior)"), role);
	if ((*ro = cfg_role(w->cfg, role)) == NULL)
		return wf_fail(w, EX_NOINPUT, _("unknown role: %.64s"), role);
	return EX_OK;
}

/* Is the person at dn anyone's manager (yes 1)? */
static int
has_staff(struct wf *w, const char *dn, int *yes)
{
	char esc[3 * DIR_DN_MAX + 1], filter[3 * DIR_DN_MAX + 64];
	static char *attrs[] = { U("1.1"), NULL };
	LDAPMessage *res = NULL;
	LDAP *ld;
	int rc;

	*yes = 0;
	if (ldapc_escape_filter(esc, sizeof(esc), dn) == -1)
		return wf_fail(w, EX_DATAERR, _("bad user name"));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(filter, sizeof(filter),
	    "(&(objectClass=inetOrgPerson)(manager=%s))", esc);
	rc = ldap_search_ext_s(ld, w->cfg->directory.people_base,
	    LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("looking up staff"));
	}
	*yes = ldap_count_entries(ld, res) > 0;
	ldap_msgfree(res);
	return EX_OK;
}

int
dlg_create(struct wf *w, const struct wf_actor *a, const char *holder,
    const char *acting, const char *role, const char *kind,
    const char *from, const char *until, const char *reason,
    char id[WF_DLG_ID_MAX + 1])
{
	const struct kunci_cfg *cfg = w->cfg;
	const struct cfg_role *ro;
	const char *rname;
	struct dir_person hp, ap;
	struct dir_mods m;
	char dn[2 * DIR_DN_MAX + WF_DLG_ID_MAX * 3], esc[3 * WF_DLG_ID_MAX + 1];
	char nbs[32], nas[32], nows[32], stamp[16], d[32], base[DIR_DN_MAX + 32];
	time_t now = time(NULL), nb, na;
	struct tm tm;
	LDAP *ld;
	int st, yes = 0, rc, tries;

	id[0] = '\0';
	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if (holder == NULL || *holder == '\0')
		holder = a->p.uid;
	if (kind == NULL || *kind == '\0')
		kind = "plt";
	if (strcmp(kind, "plt") != 0 && strcmp(kind, "plh") != 0)
		return wf_fail(w, EX_DATAERR,
		    _("bad --kind %.16s (plt or plh)"),
		    kind);
	if (reason != NULL && !valid_text(reason, WF_NOTE_MAX))
		return wf_fail(w, EX_DATAERR,
		    _("bad reason: one line of UTF-8, "
		    "at most %d bytes"), WF_NOTE_MAX);
	if (acting == NULL || *acting == '\0' || role == NULL || *role == '\0'
	    || until == NULL)
		return wf_fail(w, EX_USAGE,
		    _("usage: delegate create --to USER "
		    "--role ROLE --until DATE"));
	if (strcmp(holder, a->p.uid) != 0 && !a->admin) {
		log_audit("delegation.refused", "actor", a->p.uid, "as", a->as,
		    "holder", holder, "acting", acting, "role", role, "reason",
		    "not the official or an administrator", NULL);
		return wf_fail(w, EX_NOPERM, _("refused: only %s or an "
		    "administrator may delegate %s's roles"), holder, holder);
	}
	if ((st = delegable(w, role, &ro)) != EX_OK)
		return st;
	rname = ro != NULL ? ro->name : CFG_ROLE_SUPERIOR;
	/* The period. */
	nb = now;
	if (from != NULL && wf_parse_when(from, 0, &nb) == -1)
		return wf_fail(w, EX_DATAERR, _("malformed date: %.40s "
		    "(want YYYY-MM-DD or YYYY-MM-DDTHH:MM)"), from);
	if (wf_parse_when(until, 1, &na) == -1)
		return wf_fail(w, EX_DATAERR, _("malformed date: %.40s "
		    "(want YYYY-MM-DD or YYYY-MM-DDTHH:MM)"), until);
	if (na <= nb)
		return wf_fail(w, EX_DATAERR,
		    _("--until must be after --from"));
	if (na <= now)
		return wf_fail(w, EX_DATAERR, _("--until is in the past"));
	if ((int64_t)(na - nb) > cfg->delegation.max_period) {
		u_format_duration(cfg->delegation.max_period, 0, d, sizeof(d));
		return wf_fail(w, EX_DATAERR,
		    _("delegation too long: at most %s "
		    "(delegation.max_period)"), d);
	}
	/* The people: the official holds the role; someone else acts. */
	if ((st = dir_person_by_uid(w->lc, cfg, holder, &hp, w->err,
	    sizeof(w->err))) != EX_OK ||
	    (st = dir_person_by_uid(w->lc, cfg, acting, &ap, w->err,
	    sizeof(w->err))) != EX_OK)
		return st;
	if (strcmp(hp.uid, ap.uid) == 0)
		return wf_fail(w, EX_DATAERR, _("%s cannot act for themselves"),
		    ap.uid);
	if (ro == NULL) {
		/* The superior's place: the official has staff. */
		if ((st = has_staff(w, hp.dn, &yes)) != EX_OK)
			return st;
		if (!yes)
			return wf_fail(w, EX_DATAERR, _("%s is nobody's "
			    "direct superior in the directory (no person "
			    "has manager %s)"), hp.uid, hp.uid);
	} else {
		if ((st = dir_is_member(w->lc, ro->group, hp.dn, &yes,
		    w->err, sizeof(w->err))) != EX_OK)
			return st;
		if (!yes)
			return wf_fail(w, EX_DATAERR,
			    _("%s does not hold role %s"), hp.uid, ro->name);
	}
	if (localtime_r(&nb, &tm) == NULL)
		return wf_fail(w, EX_SOFTWARE, _("bad time"));
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M", &tm);
	snprintf(id, WF_DLG_ID_MAX + 1, "%s.%s.%s", hp.uid, rname, stamp);
	if (ldapc_escape_dn(esc, sizeof(esc), id) == -1) {
		id[0] = '\0';
		return wf_fail(w, EX_DATAERR, _("delegation id too long"));
	}
	snprintf(base, sizeof(base), OU ",%s", cfg->directory.kunci_base);
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, base);
	dir_gentime(nbs, sizeof(nbs), nb);
	dir_gentime(nas, sizeof(nas), na);
	dir_gentime(nows, sizeof(nows), now);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciDelegation");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciHolder", hp.uid);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciSubject", ap.uid);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciRole", rname);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciType", kind);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciStatus", "active");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNotBefore", nbs);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNotAfter", nas);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciActor", a->p.uid);
	if (*a->as != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciAsUser", a->as);
	if (reason != NULL && *reason != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciReason", reason);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", nows);
	if (m.err) {
		dir_mods_free(&m);
		id[0] = '\0';
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	st = EX_OK;
	for (tries = 0; tries < 2; tries++) {
		if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL) {
			st = EX_UNAVAILABLE;
			break;
		}
		w->wrote = 1;
		rc = ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
		if (rc == LDAP_NO_SUCH_OBJECT && tries == 0) {
			/* The first delegation makes the container. */
			struct dir_mods o;

			dir_mods_init(&o);
			dir_mods_add(&o, LDAP_MOD_ADD, "objectClass",
			    "organizationalUnit");
			dir_mods_add(&o, LDAP_MOD_ADD, "ou", "delegations");
			rc = o.err ? LDAP_NO_MEMORY :
			    ldap_add_ext_s(ld, base, o.p, NULL, NULL);
			dir_mods_free(&o);
			if (rc == LDAP_SUCCESS || rc == LDAP_ALREADY_EXISTS)
				continue;
		}
		if (rc == LDAP_ALREADY_EXISTS)
			st = wf_fail(w, EX_DATAERR, _("delegation %s exists "
			    "already"), id);
		else if (rc != LDAP_SUCCESS)
			st = wf_ldfail(w, rc, _("writing the delegation"));
		break;
	}
	dir_mods_free(&m);
	if (st != EX_OK) {
		id[0] = '\0';
		return st;
	}
	log_audit("delegation.create", "delegation", id, "actor", a->p.uid,
	    "as", a->as, "holder", hp.uid, "acting", ap.uid, "role",
	    rname, "kind", kind, "from", nbs, "until", nas, "reason",
	    reason, NULL);
	return EX_OK;
}

struct one {
	struct dlg	d;
	int		found;
};

static int
take(const struct dlg *d, void *arg)
{
	struct one *o = arg;

	o->d = *d;
	o->found = 1;
	return EX_OK;
}

int
dlg_end(struct wf *w, const struct wf_actor *a, const char *id,
    const char *reason)
{
	char esc[3 * WF_DLG_ID_MAX + 1], filter[3 * WF_DLG_ID_MAX + 64];
	char dn[DIR_DN_MAX + 3 * WF_DLG_ID_MAX], now[32];
	struct dir_mods m;
	struct one o;
	time_t t = time(NULL);
	int st;

	if (!a->person && !a->admin)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if (reason != NULL && !valid_text(reason, WF_NOTE_MAX))
		return wf_fail(w, EX_DATAERR,
		    _("bad reason: one line of UTF-8, "
		    "at most %d bytes"), WF_NOTE_MAX);
	if (strlen(id) > WF_DLG_ID_MAX ||
	    ldapc_escape_filter(esc, sizeof(esc), id) == -1)
		return wf_fail(w, EX_NOINPUT,
		    _("unknown delegation: %.80s"), id);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciDelegation)"
	    "(kunciId=%s))", esc);
	memset(&o, 0, sizeof(o));
	if ((st = search(w, filter, 1, take, &o)) != EX_OK)
		return st;
	if (!o.found)
		return wf_fail(w, EX_NOINPUT,
		    _("unknown delegation: %.80s"), id);
	if (!a->admin && strcmp(a->p.uid, o.d.holder) != 0 &&
	    strcmp(a->p.uid, o.d.acting) != 0) {
		log_audit("delegation.refused", "delegation", o.d.id, "actor",
		    a->p.uid, "as", a->as, "action", "end", "reason",
		    "not the official, the acting official or an "
		    "administrator", NULL);
		return wf_fail(w, EX_NOPERM, _("refused: only %s, %s or an "
		    "administrator may end delegation %s"), o.d.holder,
		    o.d.acting, o.d.id);
	}
	if (strcmp(o.d.status, "active") != 0 || o.d.not_after <= t)
		return wf_fail(w, EX_DATAERR, _("delegation %s has ended"),
		    o.d.id);
	if (ldapc_escape_dn(esc, sizeof(esc), o.d.id) == -1)
		return wf_fail(w, EX_SOFTWARE, _("bad delegation id"));
	snprintf(dn, sizeof(dn), "kunciId=%s," OU ",%s", esc,
	    w->cfg->directory.kunci_base);
	dir_gentime(now, sizeof(now), t);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStatus", "ended");
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", now);
	if (o.d.not_before <= t)
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciNotAfter", now);
	st = wf_modify_asserted(w, dn, "(kunciStatus=active)", &m,
	    _("ending the delegation"));
	dir_mods_free(&m);
	if (st == EX_TEMPFAIL)
		return wf_fail(w, EX_TEMPFAIL, _("delegation %s was ended "
		    "meanwhile"), o.d.id);
	if (st != EX_OK)
		return st;
	log_audit("delegation.end", "delegation", o.d.id, "actor", a->p.uid,
	    "as", a->as, "holder", o.d.holder, "acting", o.d.acting, "role",
	    o.d.role, "reason", reason, NULL);
	return EX_OK;
}

int
dlg_list(struct wf *w, const char *uid, size_t max,
    int (*cb)(const struct dlg *, void *), void *arg)
{
	char esc[3 * DIR_UID_MAX + 1], filter[6 * DIR_UID_MAX + 96];

	if (uid == NULL || *uid == '\0')
		return search(w, "(objectClass=kunciDelegation)", max, cb,
		    arg);
	if (ldapc_escape_filter(esc, sizeof(esc), uid) == -1)
		return wf_fail(w, EX_DATAERR, _("bad user name"));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciDelegation)"
	    "(|(kunciHolder=%s)(kunciSubject=%s)))", esc, esc);
	return search(w, filter, max, cb, arg);
}

struct actor_arg {
	struct wf	*w;
	struct wf_actor	*a;
	uint64_t	 own;
};

static void
take_acting(struct wf_actor *a, const struct dlg *d, int role)
{
	a->acting[a->nacting].role = role;
	u_strlcpy(a->acting[a->nacting].principal, d->holder,
	    sizeof(a->acting[0].principal));
	u_strlcpy(a->acting[a->nacting].id, d->id, sizeof(a->acting[0].id));
	u_strlcpy(a->acting[a->nacting].kind, d->kind[0] ? d->kind : "plt",
	    sizeof(a->acting[0].kind));
	a->nacting++;
}

/*
 * Whether d's official is still in the place it delegates: a person in
 * the directory, and for a role (not the superior's place) still a member
 * of its group.
 */
static int
official_in_place(struct wf *w, const struct dlg *d)
{
	const struct cfg_role *r;
	struct dir_person hp;
	char err[256];
	int yes = 0;

	if (dir_person_by_uid(w->lc, w->cfg, d->holder, &hp, err,
	    sizeof(err)) != EX_OK)
		return 0;
	if (strcmp(d->role, CFG_ROLE_SUPERIOR) != 0 &&
	    ((r = cfg_role(w->cfg, d->role)) == NULL ||
	    dir_is_member(w->lc, r->group, hp.dn, &yes, err,
	    sizeof(err)) != EX_OK || !yes))
		return 0;
	return 1;
}

/* "(kunciStatus=active)" and the period holding t, of a delegation. */
static void
in_force(char *buf, size_t sz, time_t now)
{
	char t[32];

	dir_gentime(t, sizeof(t), now);
	snprintf(buf, sz, "(kunciStatus=active)(kunciNotBefore<=%s)"
	    "(!(kunciNotAfter<=%s))", t, t);
}

static int
add_role(const struct dlg *d, void *arg)
{
	struct actor_arg *aa = arg;
	struct wf_actor *a = aa->a;
	int idx;

	if (a->nacting < WF_MAX_ACTING &&
	    strcmp(d->role, CFG_ROLE_SUPERIOR) == 0) {
		/* The superior's place: while the official is a person;
		 * the step names whom it waits on (wf_acting_on). */
		if (official_in_place(aa->w, d))
			take_acting(a, d, WF_ACTING_SUPERIOR);
		return EX_OK;
	}
	if (a->nacting >= WF_MAX_ACTING ||
	    (idx = dir_role_index(aa->w->cfg, d->role)) < 0 ||
	    idx >= DIR_MAX_ROLES ||
	    ((aa->own >> idx) & 1) || ((a->roles >> idx) & 1))
		return EX_OK;	/* held already, or no longer configured */
	/* Only while the official still holds the role. */
	if (!official_in_place(aa->w, d))
		return EX_OK;
	take_acting(a, d, idx);
	a->roles |= (uint64_t)1 << idx;
	return EX_OK;
}

int
dlg_actor(struct wf *w, struct wf_actor *a, time_t now)
{
	char esc[3 * DIR_UID_MAX + 1], filter[3 * DIR_UID_MAX + 192];
	char when[128];
	struct actor_arg aa;

	a->nacting = 0;
	if (!a->person || ldapc_escape_filter(esc, sizeof(esc),
	    a->p.uid) == -1)
		return EX_OK;
	in_force(when, sizeof(when), now);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciDelegation)"
	    "(kunciSubject=%s)%s)", esc, when);
	aa.w = w;
	aa.a = a;
	aa.own = a->roles;
	return search(w, filter, WF_MAX_ACTING * 4, add_role, &aa);
}

struct acting_arg {
	struct wf	*w;
	const char	*role;
	void		(*cb)(const char *, void *);
	void		*arg;
};

static int
tell_acting(const struct dlg *d, void *arg)
{
	struct acting_arg *aa = arg;

	if (strcmp(d->role, aa->role) == 0 && official_in_place(aa->w, d))
		aa->cb(d->acting, aa->arg);
	return EX_OK;
}

int
dlg_acting(struct wf *w, const char *role, const char *holder, time_t now,
    void (*cb)(const char *, void *), void *arg)
{
	char er[3 * 64 + 1], eh[3 * DIR_UID_MAX + 1], when[128];
	char filter[3 * 64 + 3 * DIR_UID_MAX + 224];
	struct acting_arg aa;

	if (strlen(role) >= 64 || ldapc_escape_filter(er, sizeof(er),
	    role) == -1 || ldapc_escape_filter(eh, sizeof(eh),
	    holder != NULL ? holder : "") == -1)
		return EX_OK;
	in_force(when, sizeof(when), now);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciDelegation)"
	    "(kunciRole=%s)%s%s%s%s)", er, holder != NULL ? "(kunciHolder=" :
	    "", holder != NULL ? eh : "", holder != NULL ? ")" : "", when);
	aa.w = w;
	aa.role = role;
	aa.cb = cb;
	aa.arg = arg;
	return search(w, filter, WF_MAX_ACTING * 16, tell_acting, &aa);
}
