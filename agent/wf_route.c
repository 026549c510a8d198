/*
 * wf_route.c: the engine's part of the rules a procedure adds (wf_rules.h)
 * that needs the directory: a request's route fixed at submission (the
 * superior, or the if_no_superior route without one; the rejections that
 * lose a quorum), the role a step waits on (a disposition's choice), and
 * the delegation an actor acts under.  Declared in wf.h: these are the
 * engine's, kept out of wf.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "util.h"
#include "wf.h"
#include "wf_rules.h"

int
wf_route(struct wf *w, const struct wf_actor *a,
    const struct cfg_workflow *wfc, const struct dir_person *subj,
    struct wf_snap *snap)
{
	const struct kunci_cfg *cfg = w->cfg;
	struct dir_person mgr;
	size_t i;
	int st;

	for (i = 0; i < wfc->nsteps; i++) {
		struct wf_step *s = &snap->steps[i];
		const struct cfg_step *c = &wfc->steps[i];

		if (strcmp(c->role, CFG_ROLE_SUPERIOR) == 0 &&
		    a->p.manager[0] == '\0') {
			/* No superior: the step's if_no_superior, if any. */
			if (c->if_no_superior[0] == '\0')
				return wf_fail(w, EX_DATAERR, _("you have no "
				    "manager in the directory, and step %s "
				    "needs your direct superior (set manager "
				    "on your directory entry, or configure "
				    "workflows.%s.steps[%zu].if_no_superior)"),
				    c->name, wfc->name, i);
			if (strcmp(c->if_no_superior, "skip") == 0)
				s->rule.skip = 1;
			else {
				u_strlcpy(s->role, c->if_no_superior,
				    sizeof(s->role));
				s->rule.fallback = 1;
			}
		} else if (strcmp(c->role, CFG_ROLE_SUPERIOR) == 0 ||
		    (c->not_superior && a->p.manager[0] != '\0')) {
			if ((st = dir_person_by_dn(w->lc, cfg, a->p.manager,
			    &mgr, w->err, sizeof(w->err))) != EX_OK)
				return st == EX_NOUSER ? wf_fail(w, EX_DATAERR,
				    _("your manager %.200s is not a person"),
				    a->p.manager) : st;
			if (strcmp(c->role, CFG_ROLE_SUPERIOR) == 0)
				u_strlcpy(s->who, mgr.uid, sizeof(s->who));
			if (c->not_superior)
				u_strlcpy(snap->rules.superior, mgr.uid,
				    sizeof(snap->rules.superior));
		}
		if (c->rejections == CFG_REJECT_QUORUM_LOST) {
			/* The quorum is lost when fewer than quorum members
			 * are left who have not rejected. */
			const struct cfg_role *ro = cfg_role(cfg, s->role);
			int mem = 1;

			if (ro != NULL && (st = wfr_role_members(w->lc,
			    ro->group, a->p.dn, subj->dn, &mem, w->err,
			    sizeof(w->err))) != EX_OK)
				return st;
			s->rule.rejections = mem - s->quorum + 1 < 1 ? 1 :
			    mem - s->quorum + 1;
		}
	}
	return EX_OK;
}

/*
 * The role that acts on step i: the step's own, or for a step of role
 * "disposed" the one the nearest earlier choosing dispose step sent the
 * request to (its event's "to:"); "" when not decided yet.
 */
void
wf_step_role(struct wf *w, const struct wf_request *r, int i, char *role,
    size_t rolesz)
{
	struct wf_event *ev = NULL;
	char filter[96];
	size_t n, k;
	int j;

	u_strlcpy(role, r->snap.steps[i].role, rolesz);
	if (strcmp(role, CFG_ROLE_DISPOSED) != 0)
		return;
	role[0] = '\0';
	for (j = i - 1; j >= 0; j--)
		if (r->snap.steps[j].rule.choose[0] != '\0')
			break;
	if (j < 0)
		return;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciStepIndex=%d)(kunciId=step-*))", j);
	if (wf_events_under(w, r->dn, filter, &ev, &n) != EX_OK) {
		free(ev);
		return;
	}
	for (k = 0; k < n; k++)
		if (ev[k].to[0] != '\0' &&
		    wfr_may_choose(&r->snap.steps[j].rule, ev[k].to))
			u_strlcpy(role, ev[k].to, rolesz);
	free(ev);
}

const struct wf_acting *
wf_acting_for(const struct kunci_cfg *cfg, const struct wf_actor *a,
    const char *role)
{
	int idx;
	size_t i;

	if ((idx = dir_role_index(cfg, role)) < 0)
		return NULL;
	for (i = 0; i < a->nacting; i++)
		if (a->acting[i].role == idx)
			return &a->acting[i];
	return NULL;
}

const struct wf_acting *
wf_acting_on(const struct kunci_cfg *cfg, const struct wf_actor *a,
    const struct wf_request *r, int i, const char *role)
{
	const struct wf_step *s = &r->snap.steps[i];
	size_t k;

	if (strcmp(s->role, CFG_ROLE_SUPERIOR) != 0)
		return wf_acting_for(cfg, a, role);
	/* Only the superior's place of the official the step waits on: a
	 * Plt. for one Kabid is no one else's superior. */
	if (s->who[0] == '\0' || strcmp(a->p.uid, s->who) == 0)
		return NULL;
	for (k = 0; k < a->nacting; k++)
		if (a->acting[k].role == WF_ACTING_SUPERIOR &&
		    strcmp(a->acting[k].principal, s->who) == 0)
			return &a->acting[k];
	return NULL;
}

void
wf_waiting_roles(struct wf *w, const struct wf_request *r, int i, char *buf,
    size_t sz)
{
	const struct wf_step *s = &r->snap.steps[i];
	struct wf_event *ev = NULL;
	char filter[96], role[64], want[16];
	uint32_t acted = 0;
	size_t n = 0, e;
	int k;

	buf[0] = '\0';
	if (s->rule.parallel[0] == '\0') {
		wf_step_role(w, r, i, buf, sz);
		return;
	}
	/* Slot k is the k-th role's (wf_act): its event says it acted. */
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciEvent)"
	    "(kunciStepIndex=%d)(kunciId=step-*))", i);
	if (wf_events_under(w, r->dn, filter, &ev, &n) != EX_OK)
		n = 0;
	for (k = 1; k < 32; k++) {
		snprintf(want, sizeof(want), "step-%d-%d", i, k);
		for (e = 0; e < n; e++)
			if (strcmp(ev[e].rdn, want) == 0)
				acted |= UINT32_C(1) << k;
	}
	free(ev);
	for (k = 1; wfr_parallel_role(&s->rule, s->role, k, role,
	    sizeof(role)) == 0; k++) {
		if (k < 32 && ((acted >> k) & 1))
			continue;
		if (buf[0] != '\0')
			u_strlcat(buf, "+", sz);
		u_strlcat(buf, role, sz);
	}
}
