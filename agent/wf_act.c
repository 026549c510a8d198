/*
 * wf_act.c: a person's act on a request: who may act on the step it waits
 * on (wf_can_act, wf_why_not), the act itself (wf_act), the requester's
 * cancel (wf_cancel) and a comment (wf_comment).  How an act is committed
 * (the event add, then the asserted modify, wf_settle() after) is told at the
 * top of wf.c; what this file shares with it is in wf_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "util.h"
#include "wf.h"
#include "wf_int.h"

/* ---------------------------------------------------------------- acts */

static void
refuse_audit(const struct wf_actor *a, const struct wf_request *r,
    const char *action, const char *why)
{
	log_audit("request.refused", "request", r->id, "actor", a->p.uid,
	    "as", a->as, "action", action, "step", step_name(r), "resource",
	    r->resource, "subject", r->subject, "reason", why, NULL);
}

int
wf_can_act(struct wf *w, const struct wf_actor *a, const struct wf_request *r)
{
	const struct wf_step *s;
	struct dir_resource res;
	char err[256];
	int idx, yes = 0;

	if (!a->person || !wf_open(r))
		return 0;
	s = &r->snap.steps[r->step];
	if (s->rule.skip)
		return 0;
	if (strcmp(s->role, CFG_ROLE_REQUESTER) == 0)
		return strcmp(a->p.uid, r->requester) == 0 ||
		    strcmp(a->p.uid, r->subject) == 0;
	if (strcmp(s->role, CFG_ROLE_SUPERIOR) == 0)	/* or their Plt. */
		return strcmp(a->p.uid, s->who) == 0 ||
		    wf_acting_on(w->cfg, a, r, r->step, s->role) != NULL;
	if (strcmp(s->role, CFG_ROLE_OWNER) == 0) {
		if (dir_resource(w->lc, w->cfg, r->resource, &res, err,
		    sizeof(err)) != EX_OK || res.owner[0] == '\0')
			return 0;
		if (dir_is_member(w->lc, res.owner, a->p.dn, &yes, err,
		    sizeof(err)) != EX_OK)
			return 0;
		return yes;
	}
	if (strcmp(s->role, CFG_ROLE_DISPOSED) == 0) {
		char role[64];

		wf_step_role(w, r, r->step, role, sizeof(role));
		return (idx = dir_role_index(w->cfg, role)) >= 0 &&
		    ((a->roles >> idx) & 1);
	}
	if (s->rule.parallel[0] != '\0') {
		char role[64];
		int k;

		for (k = 1; wfr_parallel_role(&s->rule, s->role, k, role,
		    sizeof(role)) == 0; k++)
			if ((idx = dir_role_index(w->cfg, role)) >= 0 &&
			    ((a->roles >> idx) & 1))
				return 1;
		return 0;
	}
	if ((idx = dir_role_index(w->cfg, s->role)) < 0)
		return 0;
	return (a->roles >> idx) & 1;
}

/* The first deciding event on step i, for "who decided first". */
static void
first_decider(struct wf *w, const struct wf_request *r, int i, char *who,
    size_t whosz, char *when, size_t whensz)
{
	struct wf_event *ev = NULL;
	char filter[96];
	struct tm tm;
	size_t n;

	u_strlcpy(who, _("someone else"), whosz);
	when[0] = '\0';
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciStepIndex=%d)(kunciId=step-*))", i);
	if (wf_events_under(w, r->dn, filter, &ev, &n) != EX_OK || n == 0) {
		free(ev);
		return;
	}
	u_strlcpy(who, ev[0].actor, whosz);
	if (localtime_r(&ev[0].time, &tm) != NULL)
		strftime(when, whensz, "%Y-%m-%d %H:%M:%S", &tm);
	free(ev);
}

/*
 * A refused act by someone who already decided an earlier step of r: say
 * so after why, so that a retry (kuncid died before its answer, kuncictl
 * exit 74) reads as "done already", not only as a refusal.
 */
static void
earlier_act(struct wf *w, const struct wf_actor *a, const struct wf_request *r,
    char *why, size_t whysz)
{
	struct wf_event *ev = NULL;
	char filter[3 * DIR_UID_MAX + 96], esc[3 * DIR_UID_MAX + 1], when[32];
	struct tm tm;
	size_t n, i, k = SIZE_MAX;

	if (ldapc_escape_filter(esc, sizeof(esc), a->p.uid) == -1)
		return;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciId=step-*)(kunciActor=%s))", esc);
	if (wf_events_under(w, r->dn, filter, &ev, &n) != EX_OK) {
		free(ev);
		return;
	}
	for (i = 0; i < n; i++)
		if (ev[i].step >= 0 && ev[i].step < r->step)
			k = i;		/* the latest, oldest first */
	if (k != SIZE_MAX) {
		when[0] = '\0';
		if (localtime_r(&ev[k].time, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		snprintf(why + strlen(why), whysz - strlen(why), _("; you "
		    "already decided step %s of this request (%s, %s)"),
		    ev[k].stepname, wf_word(ev[k].decision), when);
	}
	free(ev);
}

/*
 * Why actor may not take the decision (reject or approve) on r's open
 * current step: why is "" when they may.  The one check wf_act() applies
 * and the actions kuncid offers (visible.c) are computed from.  EX_OK, or
 * an error (w->err set) when the directory could not say.
 */
int
wf_why_not_en(struct wf *w, const struct wf_actor *a,
    const struct wf_request *r, int reject, char *why, size_t whysz,
    char *en, size_t ensz)
{
	const struct wf_step *s;
	const struct wf_acting *acting;
	struct wf_event *ev = NULL;
	const char *names[WF_MAX_STEPS];
	char filter[3 * DIR_UID_MAX + 160], esc[3 * DIR_UID_MAX + 1];
	char erole[64];
	uint32_t acted;
	size_t n, i;
	int st = EX_OK;

	why[0] = '\0';
	if (en != NULL && ensz > 0)
		en[0] = '\0';
	if (!a->person) {
		i18n_both(why, whysz, en, ensz,
		    N_("you are not a person in the directory"));
		return EX_OK;
	}
	if (!wf_open(r)) {
		i18n_both(why, whysz, en, ensz, N_("request %s is closed"),
		    r->id);
		return EX_OK;
	}
	s = &r->snap.steps[r->step];
	/* the role the step waits on: "disposed" resolved */
	wf_step_role(w, r, r->step, erole, sizeof(erole));
	if (s->rule.skip)
		i18n_both(why, whysz, en, ensz,
		    N_("step %s is done by kuncid"), s->name);
	else if (strcmp(s->role, CFG_ROLE_REQUESTER) != 0 &&
	    s->kind != CFG_KIND_RECEIVE &&	/* receiving decides nothing */
	    (strcmp(a->p.uid, r->requester) == 0 ||
	    strcmp(a->p.uid, r->subject) == 0))
		i18n_both(why, whysz, en, ensz,
		    N_("you cannot decide your own request"));
	else if (!wf_can_act(w, a, r)) {
		if (strcmp(s->role, CFG_ROLE_SUPERIOR) == 0)
			i18n_both(why, whysz, en, ensz, N_("step %s is for "
			    "the requester's direct superior (%s)"), s->name,
			    s->who);
		else
			i18n_both(why, whysz, en, ensz, N_("step %s needs "
			    "role %s, which you do not hold"), s->name,
			    erole[0] ? erole : s->role);
	}
	/* A Plt./Plh. never decides the official's own request. */
	acting = why[0] == '\0' && s->rule.parallel[0] == '\0' ?
	    wf_acting_on(w->cfg, a, r, r->step, erole) : NULL;
	if (acting != NULL && (strcmp(acting->principal, r->requester) == 0 ||
	    strcmp(acting->principal, r->subject) == 0))
		i18n_both(why, whysz, en, ensz, N_("as acting official for "
		    "%s you cannot decide %s's own request"),
		    acting->principal, acting->principal);
	if (why[0] == '\0' && s->rule.parallel[0] != '\0') {
		/* parallel roles: one held in one's own right, or as an
		 * acting official not of the requester or subject */
		char role[64];
		int k, ri, ok = 0;

		for (k = 1; !ok && wfr_parallel_role(&s->rule, s->role, k,
		    role, sizeof(role)) == 0; k++) {
			if ((ri = dir_role_index(w->cfg, role)) < 0 ||
			    !((a->roles >> ri) & 1))
				continue;
			acting = wf_acting_for(w->cfg, a, role);
			ok = acting == NULL || (strcmp(acting->principal,
			    r->requester) != 0 && strcmp(acting->principal,
			    r->subject) != 0);
		}
		if (!ok)
			i18n_both(why, whysz, en, ensz, N_("as acting "
			    "official you cannot decide the official's own "
			    "request"));
	}
	if (why[0] == '\0' && reject && !s->may_reject)
		i18n_both(why, whysz, en, ensz,
		    N_("step %s (%s) cannot reject"), s->name,
		    cfg_kind_name(s->kind));
	if (why[0] != '\0')
		return EX_OK;
	/* One act per person per step; and with one_act, one deciding act
	 * per person per request; and the step's separation of duties. */
	if (ldapc_escape_filter(esc, sizeof(esc), a->p.uid) == -1)
		return wf_fail(w, EX_DATAERR, _("bad user name"));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciId=step-*)(kunciActor=%s))", esc);
	if ((st = wf_events_under(w, r->dn, filter, &ev, &n)) != EX_OK)
		return st;
	acted = 0;
	for (i = 0; i < n; i++)
		if (ev[i].step >= 0 && ev[i].step < 32)
			acted |= UINT32_C(1) << ev[i].step;
	for (i = 0; i < r->snap.nsteps && i < WF_MAX_STEPS; i++)
		names[i] = r->snap.steps[i].name;
	(void)wfr_may_act(&s->rule, a->p.uid, r->snap.rules.superior,
	    acted, names, r->snap.nsteps, why, whysz, en, ensz);
	for (i = 0; i < n && why[0] == '\0'; i++) {
		if (ev[i].step == r->step)
			i18n_both(why, whysz, en, ensz,
			    N_("you already acted on step %s"), s->name);
		else if (r->snap.one_act && wf_deciding(s->kind) &&
		    ev[i].step >= 0 && (size_t)ev[i].step < r->snap.nsteps &&
		    wf_deciding(r->snap.steps[ev[i].step].kind))
			i18n_both(why, whysz, en, ensz, N_("you already "
			    "decided on this request (step %s); workflow %s "
			    "allows one decision per person"),
			    ev[i].stepname, r->snap.workflow);
	}
	free(ev);
	return EX_OK;
}

int
wf_why_not(struct wf *w, const struct wf_actor *a, const struct wf_request *r,
    int reject, char *why, size_t whysz)
{
	return wf_why_not_en(w, a, r, reject, why, whysz, NULL, 0);
}

int
wf_act(struct wf *w, const struct wf_actor *a, const char *id,
    const char *decision, const char *stepwant, const char *note,
    const char *cred)
{
	struct wf_request r;
	const struct wf_step *s;
	char rdn[48], who[DIR_UID_MAX + 1], when[32], why[320], why_en[320];
	const struct wf_acting *acting = NULL;
	const char *to = w->dispose_to;
	char erole[64];
	const char *action = strcmp(decision, "reject") == 0 ? "reject" :
	    "approve";
	int reject = strcmp(decision, "reject") == 0;
	size_t i;
	int st, k, idx;

	memset(&r, 0, sizeof(r));
	w->dispose_to = NULL;	/* for this act only */
	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = check_text(w, reject ? _("reason") : _("note"), note,
	    WF_NOTE_MAX, reject)) != EX_OK)
		return st;
	if (cred != NULL && *cred != '\0' &&
	    !valid_word(cred, WF_CRED_MAX, "._:@/-"))
		return wf_fail(w, EX_DATAERR,
		    _("bad credential: letters, digits, "
		    ". _ : @ / -; at most %d bytes"), WF_CRED_MAX);
	/* Finish whatever a crash left half-done first. */
	if ((st = wf_settle(w, id)) != EX_OK)
		return st;
	if ((st = wf_load(w, id, &r)) != EX_OK)
		return st;
	if (!wf_open(&r)) {
		st = wf_fail(w, EX_DATAERR,
		    _("request %s is closed (%s)"), r.id,
		    wf_word(strcmp(r.state, "active") == 0 ? "done" : r.state));
		goto out;
	}
	s = &r.snap.steps[r.step];
	if (stepwant != NULL && strcmp(stepwant, s->name) != 0) {
		/* The step meant was decided already (or never existed). */
		for (i = 0; i < r.snap.nsteps; i++)
			if (strcmp(r.snap.steps[i].name, stepwant) == 0)
				break;
		if (i == r.snap.nsteps) {
			st = wf_fail(w, EX_DATAERR,
			    _("request %s has no step %.64s"),
			    r.id, stepwant);
			goto out;
		}
		if ((int)i < r.step) {
			first_decider(w, &r, (int)i, who, sizeof(who), when,
			    sizeof(when));
			log_audit("request.conflict", "request", r.id,
			    "actor", a->p.uid, "as", a->as, "step", stepwant,
			    "decision", action, "first", who, NULL);
			st = wf_fail(w, EX_TEMPFAIL,
			    _("step %s of request %s was "
			    "already decided by %s at %s"), stepwant, r.id,
			    who, when);
			goto out;
		}
		st = wf_fail(w, EX_DATAERR,
		    _("request %s is at step %s, not %s"),
		    r.id, s->name, stepwant);
		goto out;
	}
	if (s->rule.skip) {
		st = wf_fail(w, EX_TEMPFAIL,
		    _("step %s is done by kuncid"), s->name);
		goto out;
	}
	/* Who may act. */
	/* one evaluation: the reason in the caller's language, and in
	 * English for the audit trail (one vocabulary, i18n.h) */
	if ((st = wf_why_not_en(w, a, &r, reject, why, sizeof(why), why_en,
	    sizeof(why_en))) != EX_OK)
		goto out;
	wf_step_role(w, &r, r.step, erole, sizeof(erole));
	acting = why[0] == '\0' ? wf_acting_on(w->cfg, a, &r, r.step,
	    erole) : NULL;
	if (why[0] != '\0') {
		refuse_audit(a, &r, action, why_en);
		earlier_act(w, a, &r, why, sizeof(why));
		st = wf_fail(w, EX_NOPERM, _("refused: %s"), why);
		goto out;
	}
	if (s->kind == CFG_KIND_PROVISION && !reject &&
	    (cred == NULL || *cred == '\0') &&
	    r.snap.grant_kind != CFG_GRANT_NONE) {
		st = wf_fail(w, EX_USAGE, _("step %s issues the %s: give %s"),
		    s->name, r.snap.grant_kind == CFG_GRANT_CARD ?
		    _("access card") : _("account"),
		    r.snap.grant_kind == CFG_GRANT_CARD ? "--serial SERIAL" :
		    "--account NAME");
		goto out;
	}
	/* A disposition that chooses its recipient: --to, one of them. */
	if (s->rule.choose[0] != '\0' && !reject &&
	    (to == NULL || !wfr_may_choose(&s->rule, to))) {
		st = wf_fail(w, to == NULL ? EX_USAGE : EX_DATAERR,
		    _("step %s disposes to one of %s: give --to ROLE"), s->name,
		    s->rule.choose);
		goto out;
	}
	if (s->rule.choose[0] == '\0' && to != NULL) {
		st = wf_fail(w, EX_USAGE,
		    _("--to belongs to a disposition that "
		    "chooses its recipient, not step %s"), s->name);
		goto out;
	}
	if (s->kind != CFG_KIND_PROVISION && cred != NULL && *cred != '\0') {
		st = wf_fail(w, EX_USAGE, _("--serial/--account belong to a "
		    "provision step, not %s"), s->name);
		goto out;
	}
	/* A card or account that cannot be issued: refuse before acting. */
	if (s->kind == CFG_KIND_PROVISION && !reject &&
	    (st = hook_check_cred(w, &r, cred)) != EX_OK)
		goto out;
	/* Claim a slot of the step's quorum: the add decides races. */
	idx = r.step;
	w->acting = acting;	/* the event records the delegation */
	w->ev_to = reject ? NULL : to;	/* and the chosen recipient */
	/* and the writer, so that its mark can be made again (double.h) */
	w->ev_writer = w->lc != NULL && w->lc->wid[0] != '\0' ?
	    w->lc->wid : NULL;
	st = EX_CANTCREAT;
	for (k = 1; k <= wfr_slots(s->quorum, &s->rule); k++) {
		/* the role acted in: "disposed" resolved */
		const char *role = erole[0] != '\0' ? erole : s->role;

		if (s->rule.parallel[0] != '\0') {
			/* slot k belongs to the k-th role: one act each */
			int ri;

			if (wfr_parallel_role(&s->rule, s->role, k, erole,
			    sizeof(erole)) == -1 || (ri = dir_role_index(
			    w->cfg, erole)) < 0 || !((a->roles >> ri) & 1))
				continue;
			role = erole;
			acting = wf_acting_for(w->cfg, a, erole);
			if (acting != NULL && (strcmp(acting->principal,
			    r.requester) == 0 || strcmp(acting->principal,
			    r.subject) == 0))
				continue;	/* not for the official */
			w->acting = acting;
		}
		snprintf(rdn, sizeof(rdn), "step-%d-%d", idx, k);
		st = add_event(w, &r, rdn, a->p.uid, a->as, action, idx,
		    role, note, cred);
		if (st != EX_CANTCREAT)
			break;
	}
	w->acting = NULL;
	w->ev_to = NULL;
	w->ev_writer = NULL;
	if (st == EX_CANTCREAT) {
		first_decider(w, &r, idx, who, sizeof(who), when, sizeof(when));
		log_audit("request.conflict", "request", r.id, "actor",
		    a->p.uid, "as", a->as, "step", s->name, "decision", action,
		    "first", who, NULL);
		st = wf_fail(w, EX_TEMPFAIL,
		    _("step %s of request %s was already "
		    "decided by %s at %s"), s->name, r.id, who, when);
		goto out;
	}
	if (st != EX_OK)
		goto out;
	if (wf_hook_tab != NULL && wf_hook_tab->decided != NULL)
		wf_hook_tab->decided(w, &r, idx, k, a->p.uid, a->as, action,
		    erole[0] != '\0' ? erole : s->role, note, cred);
	if (acting != NULL)
		log_audit("request.step", "request", r.id, "actor", a->p.uid,
		    "as", a->as, "step", s->name, "kind",
		    cfg_kind_name(s->kind), "decision", action, "resource",
		    r.resource, "subject", r.subject, "credential", cred,
		    "reason", note, "acting", acting->kind, "for",
		    acting->principal, "delegation", acting->id, NULL);
	else
		log_audit("request.step", "request", r.id, "actor", a->p.uid,
		    "as", a->as, "step", s->name, "kind",
		    cfg_kind_name(s->kind), "decision", action, "resource",
		    r.resource, "subject", r.subject, "credential", cred,
		    "reason", note, NULL);
	if (to != NULL && !reject)
		log_audit("request.dispose", "request", r.id, "actor",
		    a->p.uid, "as", a->as, "step", s->name, "to", to,
		    "reason", note, NULL);
	/* Our event is written; move the request on. */
	if ((st = wf_settle(w, id)) != EX_OK)
		goto out;
	{
		struct wf_request after;

		if (wf_load(w, id, &after) == EX_OK) {
			int closed_under_us = after.step == idx &&
			    !wf_open(&after) &&
			    strcmp(after.state, "rejected") != 0;

			if (closed_under_us) {
				/* Cancelled or expired between our read and
				 * our write: the act did not count. */
				del_event(w, &r, rdn);
				log_audit("request.void", "request", r.id,
				    "actor", a->p.uid, "as", a->as, "step",
				    s->name, "reason", after.state, NULL);
				st = wf_fail(w, EX_TEMPFAIL,
				    _("request %s was %s "
				    "meanwhile; nothing done"), r.id,
				    wf_word(after.state));
				wf_request_free(&after);
				goto out;
			}
			if (!w->info_secret && w->info[0] == '\0' && reject &&
			    after.step == idx && wf_open(&after))
				snprintf(w->info, sizeof(w->info),
				    _("rejection "
				    "recorded; step %s stays open (%d "
				    "rejections end it)"), s->name,
				    wfr_rejections(&s->rule));
			else if (!w->info_secret && w->info[0] == '\0')
				snprintf(w->info, sizeof(w->info), "%s",
				    after.step > idx || !wf_open(&after) ?
				    "" :
			    _("waiting for the rest of the quorum"));
			wf_request_free(&after);
		}
	}
out:
	wf_request_free(&r);
	return st;
}

int
wf_cancel(struct wf *w, const struct wf_actor *a, const char *id,
    const char *reason)
{
	struct wf_request r;
	struct dir_mods m;
	char buf[32];
	int st;

	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = check_text(w, _("reason"), reason, WF_NOTE_MAX, 0)) != EX_OK)
		return st;
	if ((st = wf_settle(w, id)) != EX_OK)
		return st;
	if ((st = wf_load(w, id, &r)) != EX_OK)
		return st;
	if (strcmp(r.state, "pending") != 0) {
		st = wf_fail(w, EX_DATAERR, _("request %s can no longer be "
		    "cancelled (%s)"), r.id, wf_word(r.state));
		goto out;
	}
	if (strcmp(a->p.uid, r.requester) != 0 &&
	    strcmp(a->p.uid, r.subject) != 0) {
		refuse_audit(a, &r, "cancel", "only the requester may cancel");
		st = wf_fail(w, EX_NOPERM, _("refused: only the requester may "
		    "cancel request %s"), r.id);
		goto out;
	}
	dir_mods_init(&m);
	dir_gentime(buf, sizeof(buf), time(NULL));
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", "cancelled");
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciDeadline", NULL);
	st = cas_modify(w, &r, &m);
	dir_mods_free(&m);
	if (st == EX_TEMPFAIL) {
		st = wf_fail(w, EX_TEMPFAIL, _("request %s changed meanwhile; "
		    "look again"), r.id);
		goto out;
	}
	if (st != EX_OK)
		goto out;
	log_audit("request.cancel", "request", r.id, "actor", a->p.uid, "as",
	    a->as, "step", step_name(&r), "resource", r.resource, "subject",
	    r.subject, "reason", reason, NULL);
	u_strlcpy(r.state, "cancelled", sizeof(r.state));
	(void)add_event(w, &r, "cancel", a->p.uid, a->as, "cancel", -1, NULL,
	    reason, NULL);
out:
	wf_request_free(&r);
	return st;
}

int
wf_comment(struct wf *w, const struct wf_actor *a, const char *id,
    const char *note)
{
	struct wf_request r;
	struct timespec ts;
	char rdn[64];
	int st;

	if (!a->person)
		return wf_fail(w, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = check_text(w, _("note"), note, WF_NOTE_MAX, 1)) != EX_OK)
		return st;
	if ((st = wf_load(w, id, &r)) != EX_OK)
		return st;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(rdn, sizeof(rdn), "note-%lld%06ld-%.20s",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000, a->p.uid);
	st = add_event(w, &r, rdn, a->p.uid, a->as, "comment", -1, NULL,
	    note, NULL);
	if (st == EX_CANTCREAT)
		st = wf_fail(w, EX_TEMPFAIL, _("comment collided; try again"));
	if (st == EX_OK)
		log_audit("request.comment", "request", r.id, "actor",
		    a->p.uid, "as", a->as, "reason", note, NULL);
	wf_request_free(&r);
	return st;
}
