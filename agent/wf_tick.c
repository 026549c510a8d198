/*
 * wf_tick.c: the engine's lists and its scheduler pass: requests and
 * grants read by filter for the commands (wf_list, wf_grants), and
 * wf_tick(), which escalates steps past their service standard, expires
 * grants and requests, and rolls forward a decided step a crash left
 * behind (wf_settle()).  What this file shares with wf.c is in wf_int.h.
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
#include "log.h"
#include "util.h"
#include "wf.h"
#include "wf_int.h"

#define RECOVER_EVERY	300	/* seconds between roll-forward passes */
#define TICK_MAX	500	/* requests handled per scheduler pass */

/* ---------------------------------------------------------------- lists */

struct list_ctx {
	struct wf_request	*r;
	struct snap_memo	*memo;
	wf_each_fn		 cb;
	void			*arg;
};

/* wf_search_each(): one request, parsed into the reused buffer. */
static int
list_one(struct wf *w, LDAP *ld, LDAPMessage *e, void *arg)
{
	struct list_ctx *c = arg;
	int st;

	if (parse_request(w, ld, e, c->r, c->memo) != EX_OK) {
		wf_request_free(c->r);
		return EX_OK;
	}
	st = c->cb(c->r, c->arg);
	wf_request_free(c->r);
	return st;
}

int
wf_list(struct wf *w, const char *filter, size_t max, wf_each_fn cb,
    void *arg)
{
	struct list_ctx c = { NULL, NULL, cb, arg };
	int st;

	if ((c.r = malloc(sizeof(*c.r))) == NULL ||
	    (c.memo = calloc(1, sizeof(*c.memo))) == NULL) {
		free(c.r);
		return wf_fail(w, EX_OSERR, _("out of memory"));
	}
	st = wf_search_each(w, "ou=requests", filter, req_attrs, max,
	    "request", list_one, &c);
	snap_memo_free(c.memo);
	free(c.r);
	return st;
}

struct grants_ctx {
	wf_grant_fn	 cb;
	void		*arg;
};

/* wf_search_each(): one grant entry as a struct wf_grant. */
static int
grant_one(struct wf *w, LDAP *ld, LDAPMessage *e, void *arg)
{
	struct grants_ctx *c = arg;
	struct wf_grant g;

	(void)w;
	memset(&g, 0, sizeof(g));
	dir_get(ld, e, "kunciId", g.id, sizeof(g.id));
	dir_get(ld, e, "kunciSubject", g.subject, sizeof(g.subject));
	dir_get(ld, e, "kunciResource", g.resource, sizeof(g.resource));
	dir_get(ld, e, "kunciStatus", g.status, sizeof(g.status));
	dir_get(ld, e, "kunciAccessType", g.type, sizeof(g.type));
	dir_get(ld, e, "kunciCredential", g.cred, sizeof(g.cred));
	dir_get(ld, e, "kunciRequestRef", g.request, sizeof(g.request));
	g.not_before = dir_get_time(ld, e, "kunciNotBefore");
	g.not_after = dir_get_time(ld, e, "kunciNotAfter");
	g.created = dir_get_time(ld, e, "kunciCreated");
	return c->cb(&g, c->arg);
}

int
wf_grants(struct wf *w, const char *filter, size_t max, wf_grant_fn cb,
    void *arg)
{
	char *attrs[] = { U("kunciId"), U("kunciSubject"), U("kunciResource"),
	    U("kunciStatus"), U("kunciAccessType"), U("kunciCredential"),
	    U("kunciRequestRef"), U("kunciNotBefore"), U("kunciNotAfter"),
	    U("kunciCreated"), NULL };
	struct grants_ctx c = { cb, arg };

	return wf_search_each(w, "ou=grants", filter, attrs, max, "grant",
	    grant_one, &c);
}

/* ------------------------------------------------------------ scheduler */

static int
tick_escalate(struct wf_request *r, void *arg)
{
	struct wf *w = arg;
	const struct wf_step *s;
	const struct cfg_role *role;
	char rdn[32];
	const char *to;
	int st;

	if (!wf_open(r) || r->deadline == 0 || r->deadline > time(NULL))
		return EX_OK;
	s = &r->snap.steps[r->step];
	role = cfg_role(w->cfg, s->role);
	to = role != NULL ? role->escalate_to : "";
	snprintf(rdn, sizeof(rdn), "escalate-%d", r->step);
	/* The deterministic RDN makes this happen once per step, however
	 * many kuncid hosts see the deadline pass. */
	st = add_event(w, r, rdn, ACTOR_KUNCID, NULL, "escalate", r->step,
	    to, "service standard missed", NULL);
	if (st == EX_OK) {
		char dl[32];

		dir_gentime(dl, sizeof(dl), r->deadline);
		log_audit("request.escalate", "request", r->id, "actor",
		    ACTOR_KUNCID, "step", s->name, "role", s->role, "to", to,
		    "deadline", dl, "resource", r->resource, "subject",
		    r->subject, NULL);
		hook_event(w, r, "escalate", r->step);
	}
	return st == EX_UNAVAILABLE ? st : EX_OK;
}

static int
tick_expire(struct wf_request *r, void *arg)
{
	struct wf *w = arg;
	struct dir_mods m;
	char buf[32];
	time_t now = time(NULL);
	int st;

	if (strcmp(r->state, "pending") != 0 || r->snap.expire_after <= 0 ||
	    r->created + (time_t)r->snap.expire_after > now)
		return EX_OK;
	dir_mods_init(&m);
	dir_gentime(buf, sizeof(buf), now);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", "expired");
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciDeadline", NULL);
	st = cas_modify(w, r, &m);
	dir_mods_free(&m);
	if (st == EX_OK) {
		log_audit("request.expire", "request", r->id, "actor",
		    ACTOR_KUNCID, "step", step_name(r), "resource",
		    r->resource, "subject", r->subject, NULL);
		u_strlcpy(r->state, "expired", sizeof(r->state));
		(void)add_event(w, r, "expire", ACTOR_KUNCID, NULL, "expire",
		    -1, NULL, NULL, NULL);
	}
	return st == EX_UNAVAILABLE ? st : EX_OK;
}

static int
tick_settle(struct wf_request *r, void *arg)
{
	struct wf *w = arg;

	return wf_settle(w, r->id) == EX_UNAVAILABLE ? EX_UNAVAILABLE : EX_OK;
}

void
wf_tick(struct wf *w, time_t now)
{
	char filter[256], t[32];
	int64_t min = INT64_MAX;
	size_t i;

	dir_gentime(t, sizeof(t), now);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciRequest)"
	    "(|(kunciState=pending)(kunciState=active))(kunciDeadline<=%s))",
	    t);
	if (wf_list(w, filter, TICK_MAX, tick_escalate, w) ==
	    EX_UNAVAILABLE)
		return;
	for (i = 0; i < w->cfg->nworkflows; i++)
		if (w->cfg->workflows[i].expire_after > 0 &&
		    w->cfg->workflows[i].expire_after < min)
			min = w->cfg->workflows[i].expire_after;
	if (w->cfg->requests.pending_expiry > 0 &&
	    w->cfg->requests.pending_expiry < min)
		min = w->cfg->requests.pending_expiry;
	/* Server-side: only requests older than the shortest expiry; each
	 * one's own snapshot decides. */
	if (min != INT64_MAX) {
		dir_gentime(t, sizeof(t), now - (time_t)min);
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciRequest)"
		    "(kunciState=pending)(kunciCreated<=%s))", t);
		if (wf_list(w, filter, TICK_MAX, tick_expire, w) ==
		    EX_UNAVAILABLE)
			return;
	}
	if (now - w->last_recover >= RECOVER_EVERY) {
		if (wf_list(w, "(&(objectClass=kunciRequest)"
		    "(|(kunciState=pending)(kunciState=active))"
		    "(kunciStepIndex=*))", TICK_MAX, tick_settle, w) !=
		    EX_UNAVAILABLE)
			w->last_recover = now;
	}
}
