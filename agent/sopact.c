/*
 * sopact.c: the SOPs' informing, recording and receiving acts as commands
 * of their own (issue 15 item 7), each the act of the person the SOP
 * names, on the request's current step of the matching kind:
 *
 *   request inform ID [--note TEXT]   a notify step ("menginformasikan
 *                                      status permintaan kepada pemohon"):
 *                                      the operator / technical support /
 *                                      administrator; kuncid sends the
 *                                      notice as part of this act
 *   request record ID [--note TEXT]   a record step ("mencatat status pada
 *                                      daftar akses"): the entry's
 *                                      confirmation, shown on the access
 *                                      list form (doc access-list)
 *   request confirm ID [--note TEXT]  a receive step ("menerima informasi
 *                                      dan menggunakan hak akses"): the
 *                                      requester confirms receipt
 *
 * Each is wf_act() on the current step by name, so who may act, one act
 * per person, the step's service standard and escalation are the
 * engine's; `request approve` does the same on these steps.  This file
 * only refuses a step of another kind, with the command that fits it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "admin.h"
#include "cfg.h"
#include "cmdtab.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "out.h"
#include "sopact.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"

/* The command that acts on a step of kind k, for the refusal. */
static const char *
cmd_for(enum cfg_kind k)
{
	switch (k) {
	case CFG_KIND_NOTIFY:
		return "request inform";
	case CFG_KIND_RECORD:
		return "request record";
	case CFG_KIND_RECEIVE:
		return "request confirm";
	default:
		return "request approve";
	}
}

static int
sop_act(struct admin_call *c, int argc, char **argv, enum cfg_kind kind,
    const char *usage)
{
	const char *note = NULL;
	struct admin_opt opts[] = { { "note", &note, NULL },
		{ NULL, NULL, NULL } };
	struct wf_request r;
	char step[sizeof(r.snap.steps[0].name)];
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: %s"), usage);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = wf_load(admin_wf(), pos[0], &r)) != EX_OK)
		return admin_wf_err(c, st);
	if (!wf_open(&r)) {
		st = admin_err(c, EX_DATAERR, _("request %s is closed (%s)"),
		    r.id, wf_word(strcmp(r.state, "active") == 0 ? "done" :
		    r.state));
		wf_request_free(&r);
		return st;
	}
	/*
	 * A step of another kind is never acted on by this command: the
	 * command that fits is named to someone who may act on it; anyone
	 * else is refused (and audited) as the engine would.
	 */
	if (r.snap.steps[r.step].kind != kind) {
		int may = wf_can_act(admin_wf(), &c->a, &r);
		enum cfg_kind k = r.snap.steps[r.step].kind;

		if (may)
			st = admin_err(c, EX_DATAERR, _("request %s is at step "
			    "%s (%s): use kuncictl %s"), r.id,
			    r.snap.steps[r.step].name, cfg_kind_name(k),
			    cmd_for(k));
		else {
			log_audit("request.refused", "request", r.id, "actor",
			    c->a.p.uid, "as", c->a.as, "action",
			    cmd_for(kind) + 8, "step",
			    r.snap.steps[r.step].name, "resource",
			    r.resource, "subject", r.subject, "reason",
			    "not the step's role", NULL);
			st = admin_err(c, EX_NOPERM, _("refused: step %s needs "
			    "role %s, which you do not hold"),
			    r.snap.steps[r.step].name,
			    r.snap.steps[r.step].role);
		}
		wf_request_free(&r);
		return st;
	}
	u_strlcpy(step, r.snap.steps[r.step].name, sizeof(step));
	wf_request_free(&r);
	admin_wf()->info[0] = '\0';
	if ((st = wf_act(admin_wf(), &c->a, pos[0], "approve", step, note,
	    NULL)) != EX_OK)
		return admin_wf_err(c, st);
	if (wf_load(admin_wf(), pos[0], &r) != EX_OK)
		return EX_OK;
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s,s:s,s:o}", "id", r.id,
		    "done", step, "state", r.state, "step", wf_open(&r) ?
		    out_jstr(r.snap.steps[r.step].name) : json_null()));
	else if (wf_open(&r))
		sb_printf(&c->out, "%s %s: %s %s; %s %s\n",
		    ADMIN_T(c, "request", "permohonan"), r.id,
		    ADMIN_T(c, "step", "langkah"), step,
		    ADMIN_T(c, "done; next step", "selesai; langkah berikut"),
		    r.snap.steps[r.step].name);
	else
		sb_printf(&c->out, "%s %s: %s %s; %s\n",
		    ADMIN_T(c, "request", "permohonan"), r.id,
		    ADMIN_T(c, "step", "langkah"), step,
		    ADMIN_T(c, "done; the request is complete",
		    "selesai; permohonan tuntas"));
	wf_request_free(&r);
	return EX_OK;
}

static int
cmd_inform(struct admin_call *c, int argc, char **argv)
{
	return sop_act(c, argc, argv, CFG_KIND_NOTIFY,
	    "request inform ID [--note TEXT]");
}

static int
cmd_record(struct admin_call *c, int argc, char **argv)
{
	return sop_act(c, argc, argv, CFG_KIND_RECORD,
	    "request record ID [--note TEXT]");
}

static int
cmd_confirm(struct admin_call *c, int argc, char **argv)
{
	return sop_act(c, argc, argv, CFG_KIND_RECEIVE,
	    "request confirm ID [--note TEXT]");
}

const struct admin_cmd sopact_cmds[] = {
	{ "request", "inform", cmd_inform, "ID [--note TEXT]" },
	{ "request", "record", cmd_record, "ID [--note TEXT]" },
	{ "request", "confirm", cmd_confirm, "ID [--note TEXT]" },
	{ NULL, NULL, NULL, NULL }
};

/* --------------------------------------------- the access list's record */

/* The latest approving event on a record step of r (C3: the
 * administrator's update-list, not the Kasi's record of the request):
 * *who, *when. */
static int
record_of(struct wf *w, const struct wf_request *r, char *who, size_t whosz,
    time_t *when)
{
	struct wf_event *ev = NULL;
	size_t n, i;
	int found = 0;

	if (wf_events(w, r, &ev, &n) != EX_OK) {
		free(ev);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (strncmp(ev[i].rdn, "step-", 5) == 0 && ev[i].step >= 0 &&
		    (size_t)ev[i].step < r->snap.nsteps &&
		    r->snap.steps[ev[i].step].kind == CFG_KIND_RECORD &&
		    strcmp(ev[i].decision, "approve") == 0) {
			u_strlcpy(who, ev[i].actor, whosz);
			*when = ev[i].time;
			found = 1;
		}
	free(ev);
	return found;
}

struct rec_arg {
	char	*who;
	size_t	 whosz;
	time_t	*when;
	int	 found;
};

static int
removal_one(struct wf_request *r, void *arg)
{
	struct rec_arg *a = arg;

	if (!a->found)
		a->found = record_of(admin_wf(), r, a->who, a->whosz, a->when);
	return EX_OK;
}

int
sopact_recorded(const struct wf_grant *g, char *who, size_t whosz,
    time_t *when)
{
	struct wf *w = admin_wf();
	struct wf_request r;
	struct rec_arg a = { who, whosz, when, 0 };
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 96];

	who[0] = '\0';
	*when = 0;
	if (strcmp(g->status, "active") != 0) {
		/* A removed grant: the removal's update of the list (C3). */
		if (ldapc_escape_filter(esc, sizeof(esc), g->id) == -1)
			return 0;
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciRequest)"
		    "(kunciAccessType=" WF_REMOVAL_TYPE ")(kunciGrantRef=%s))",
		    esc);
		(void)wf_list(w, filter, 4, removal_one, &a);
		if (a.found)
			return 1;
	}
	if (g->request[0] == '\0' || wf_load(w, g->request, &r) != EX_OK)
		return 0;
	a.found = record_of(w, &r, who, whosz, when);
	wf_request_free(&r);
	return a.found;
}
