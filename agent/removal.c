/*
 * removal.c: kuncictl's commands for removal requests (procedure C3) and
 * emergency revocation (issue 5).
 *
 * A removal request is a request of the workflow engine like any other
 * (ou=requests, kunciAccessType "removal", kunciGrantRef the grant to
 * remove) on the workflow removal.workflow names (C3 in the shipped
 * configuration), so its steps, separation of duties, service standards
 * and escalation are the engine's.  Its deactivation (provision) step
 * revokes the grant (prov_removal()).  The request entry and its events
 * are the only record of a removal: doc.c prints the removal form from
 * them.
 *
 *   removal request GRANT --reason TEXT	the access owner or an admin
 *   removal list [--state S]
 *   grant revoke GRANT --now --reason TEXT	an administrator, incident
 *
 * removal_open() (removal.h) is the one path that opens a request, for
 * these commands and for review.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "admin.h"
#include "cmdtab.h"
#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "out.h"
#include "prov.h"
#include "removal.h"
#include "util.h"
#include "wf.h"

struct one {
	struct wf_grant	g;
	int		found;
};

static int
take(struct wf_grant *g, void *arg)
{
	struct one *o = arg;

	o->g = *g;
	o->found = 1;
	return EX_OK;
}

static int
load_grant(struct admin_call *c, const char *id, struct wf_grant *g)
{
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 64];
	struct one o;
	int st;

	memset(&o, 0, sizeof(o));
	if (strlen(id) > WF_ID_MAX ||
	    ldapc_escape_filter(esc, sizeof(esc), id) == -1)
		return admin_err(c, EX_NOINPUT, _("unknown grant: %.40s"), id);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciId=%s))", esc);
	if ((st = wf_grants(admin_wf(), filter, 1, take, &o)) != EX_OK)
		return admin_wf_err(c, st);
	if (!o.found)
		return admin_err(c, EX_NOINPUT, _("unknown grant: %s"), id);
	*g = o.g;
	return EX_OK;
}

struct open_arg {
	char	id[WF_ID_MAX + 1];
};

static int
first_open(struct wf_request *r, void *arg)
{
	struct open_arg *o = arg;

	if (o->id[0] == '\0')
		u_strlcpy(o->id, r->id, sizeof(o->id));
	return EX_OK;
}

int
removal_open(struct wf *w, const struct wf_actor *a, const char *grant,
    const char *reason, int flags, char *id, size_t idsz)
{
	const char *wfname = w->cfg->removal.workflow;
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 200],
	    sid[WF_ID_MAX + 1];
	struct open_arg oa;
	struct one o;
	int st;

	if (idsz > 0)
		id[0] = '\0';
	if (idsz < WF_ID_MAX + 1)
		return wf_fail(w, EX_SOFTWARE, _("removal_open: id buffer"));
	if (wfname == NULL || wfname[0] == '\0')
		return wf_fail(w, EX_CONFIG, _("removal requests are not "
		    "configured (removal.workflow)"));
	memset(&o, 0, sizeof(o));
	if (strlen(grant) > WF_ID_MAX ||
	    ldapc_escape_filter(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, _("unknown grant: %.40s"), grant);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciId=%s))", esc);
	if ((st = wf_grants(w, filter, 1, take, &o)) != EX_OK)
		return st;
	if (!o.found)
		return wf_fail(w, EX_NOINPUT, _("unknown grant: %s"), grant);
	if (!(flags & REMOVAL_DONE) && strcmp(o.g.status, "active") != 0)
		return wf_fail(w, EX_DATAERR,
		    _("grant %s is already %s"), o.g.id,
		    wf_word(o.g.status));
	if ((flags & REMOVAL_REUSE) || !(flags & REMOVAL_DONE)) {
		snprintf(filter, sizeof(filter), "(&(objectClass="
		    "kunciRequest)(kunciAccessType=" PROV_REMOVAL_TYPE ")"
		    "(kunciGrantRef=%s)(kunciState=pending))", esc);
		memset(&oa, 0, sizeof(oa));
		if ((st = wf_list(w, filter, 1, first_open, &oa)) != EX_OK)
			return st;
		if (oa.id[0] != '\0') {
			if (!(flags & REMOVAL_REUSE))
				return wf_fail(w, EX_DATAERR,
				    _("removal %s for "
				    "grant %s is already open"), oa.id, o.g.id);
			u_strlcpy(id, oa.id, idsz);
			return EX_OK;
		}
	}
	sid[0] = '\0';
	w->sub_workflow = wfname;
	w->sub_grant = o.g.id;
	w->sub_done = (flags & REMOVAL_DONE) != 0;
	st = wf_submit(w, a, o.g.resource, PROV_REMOVAL_TYPE, reason, NULL,
	    NULL, o.g.subject, sid);
	w->sub_workflow = NULL;
	w->sub_grant = NULL;
	w->sub_done = 0;
	u_strlcpy(id, sid, idsz);
	return st;
}

static int
cmd_request(struct admin_call *c, int argc, char **argv)
{
	const char *reason = NULL;
	struct admin_opt opts[] = { { "reason", &reason, NULL },
		{ NULL, NULL, NULL } };
	struct dir_resource res;
	struct wf_grant g;
	char *pos[1], err[256], id[WF_ID_MAX + 1];
	int np, st, owner = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1 || reason == NULL)
		return admin_err(c, EX_USAGE, _("usage: removal request GRANT "
		    "--reason TEXT"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.person)
		return admin_err(c, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = load_grant(c, pos[0], &g)) != EX_OK)
		return st;
	/* Who may ask: the resource's access owner, or an administrator. */
	if (dir_resource(admin_ldap(), c->ctx->cfg, g.resource, &res, err,
	    sizeof(err)) == EX_OK && res.owner[0] != '\0') {
		if (dir_dn_equal(res.owner, c->a.p.dn))
			owner = 1;
		else
			(void)dir_is_member(admin_ldap(), res.owner, c->a.p.dn,
			    &owner, err, sizeof(err));
	}
	if (!owner && !c->a.admin) {
		log_audit("request.refused", "actor", c->a.p.uid, "as",
		    c->a.as, "action", "removal", "grant", g.id, "resource",
		    g.resource, "reason", "not the access owner or an "
		    "administrator", NULL);
		return admin_err(c, EX_NOPERM,
		    _("refused: only the access owner "
		    "of %s or an administrator may request a removal"),
		    g.resource);
	}
	if ((st = removal_open(admin_wf(), &c->a, g.id, reason, 0, id,
	    sizeof(id))) != EX_OK && id[0] == '\0')
		return admin_wf_err(c, st);
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s}", "id", id, "grant",
		    g.id));
	else
		sb_printf(&c->out, "%s %s %s %s\n", ADMIN_T(c, "removal request",
		    "permohonan penghapusan akses"), id, ADMIN_T(c, "for grant",
		    "untuk hak akses"), g.id);
	return st == EX_OK ? EX_OK : admin_wf_err(c, st);
}

struct list_arg {
	struct admin_call	*c;
	struct out_table	 t;
	json_t			*arr;
};

static int
list_one(struct wf_request *r, void *arg)
{
	struct list_arg *la = arg;
	struct admin_call *c = la->c;
	const char *cells[6];
	char cr[32];

	if (!admin_sees_all(c) && strcmp(r->requester, c->a.p.uid) != 0 &&
	    strcmp(r->subject, c->a.p.uid) != 0)
		return EX_OK;
	if (c->json) {
		json_array_append_new(la->arr, json_pack("{s:s,s:s,s:s,s:s,"
		    "s:s,s:o}", "id", r->id, "grant", r->grant, "state",
		    r->state, "subject", r->subject, "requester", r->requester,
		    "step", wf_open(r) ? out_jstr(r->snap.steps[r->step].name) :
		    json_null()));
		return EX_OK;
	}
	admin_fmt_time(cr, sizeof(cr), r->created);
	cells[0] = r->id;
	cells[1] = admin_state_label(c, r->state);
	cells[2] = r->grant;
	cells[3] = r->subject;
	cells[4] = wf_open(r) ? r->snap.steps[r->step].name : "";
	cells[5] = cr;
	out_table_row(&la->t, cells);
	return EX_OK;
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	const char *state = NULL;
	struct admin_opt opts[] = { { "state", &state, NULL },
		{ NULL, NULL, NULL } };
	char *pos[1], filter[256], esc[64];
	const char *hdr[6];
	struct list_arg la;
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	u_strlcpy(filter, "(&(objectClass=kunciRequest)(kunciAccessType="
	    PROV_REMOVAL_TYPE ")", sizeof(filter));
	if (state != NULL) {
		if (strlen(state) > 16 ||
		    ldapc_escape_filter(esc, sizeof(esc), state) == -1)
			return admin_err(c, EX_DATAERR, _("bad state"));
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciState=%s)", esc);
	}
	u_strlcat(filter, ")", sizeof(filter));
	memset(&la, 0, sizeof(la));
	la.c = c;
	hdr[0] = "ID";
	hdr[1] = ADMIN_T(c, "STATE", "STATUS");
	hdr[2] = ADMIN_T(c, "GRANT", "HAK AKSES");
	hdr[3] = ADMIN_T(c, "HOLDER", "PEMEGANG");
	hdr[4] = ADMIN_T(c, "STEP", "LANGKAH");
	hdr[5] = ADMIN_T(c, "CREATED", "DIBUAT");
	if (c->json)
		la.arr = json_array();
	else
		out_table_init(&la.t, 6, hdr);
	st = wf_list(admin_wf(), filter, 2000, list_one, &la);
	if (c->json)
		out_json(&c->out, la.arr);
	else {
		out_table_sort(&la.t, 0);
		out_table_render(&la.t, &c->out);
		out_table_free(&la.t);
	}
	return st == EX_OK ? EX_OK : admin_wf_err(c, st);
}

static int
cmd_revoke(struct admin_call *c, int argc, char **argv)
{
	const char *reason = NULL;
	int now = 0;
	struct admin_opt opts[] = { { "reason", &reason, NULL },
		{ "now", NULL, &now }, { NULL, NULL, NULL } };
	struct wf_grant g;
	char *pos[1], id[WF_ID_MAX + 1], r2[WF_NOTE_MAX + 64];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1 || reason == NULL || !now)
		return admin_err(c, EX_USAGE,
		    _("usage: grant revoke GRANT --now "
		    "--reason TEXT (for an incident; otherwise: removal "
		    "request)"));
	if (strlen(reason) > WF_NOTE_MAX || !wf_utf8_valid(reason) ||
	    *reason == '\0')
		return admin_err(c, EX_DATAERR, _("bad reason"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.admin || !c->a.person) {
		log_audit("request.refused", "actor", c->a.p.uid, "as",
		    c->a.as, "action", "grant.revoke", "grant", pos[0],
		    "reason", c->a.admin ? "not a person" :
		    "not an administrator", NULL);
		return admin_err(c, EX_NOPERM, c->a.admin ? _("refused: act as "
		    "a person (root: use --as USER)") : _("refused: emergency "
		    "revocation is for administrators"));
	}
	if ((st = load_grant(c, pos[0], &g)) != EX_OK)
		return st;
	if ((st = prov_revoke(admin_wf(), g.id, c->a.p.uid, c->a.as, reason,
	    1)) != EX_OK)
		return admin_wf_err(c, st);
	/* The paperwork: a removal record, already carried out. */
	snprintf(r2, sizeof(r2), "emergency revocation: %s", reason);
	st = removal_open(admin_wf(), &c->a, g.id, r2, REMOVAL_DONE, id,
	    sizeof(id));
	if (st != EX_OK)
		log_warnx("grant %s revoked, but the removal record failed: %s",
		    g.id, i18n_en(admin_wf()->err));
	else
		log_audit("removal.recorded", "request", id, "grant", g.id,
		    "actor", c->a.p.uid, "as", c->a.as, "state", "done",
		    "reason", reason, NULL);
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s,s:s}", "grant", g.id,
		    "status", "revoked", "removal", id));
	else
		sb_printf(&c->out, "%s %s: %s; %s %s\n", ADMIN_T(c, "grant",
		    "hak akses"), g.id, ADMIN_T(c, "revoked (emergency)",
		    "dicabut (darurat)"), ADMIN_T(c, "removal record",
		    "catatan penghapusan"), id[0] ? id : "-");
	return EX_OK;
}

const struct admin_cmd removal_cmds[] = {
	{ "removal", "request", cmd_request, "GRANT --reason TEXT" },
	{ "removal", "list", cmd_list, "[--state S]" },
	{ "grant", "revoke", cmd_revoke, "GRANT --now --reason TEXT" },
	{ NULL, NULL, NULL, NULL }
};
