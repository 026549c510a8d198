/*
 * admin_req.c: kuncictl's request, grant and check commands (submit,
 * show, list, approve, reject, cancel, comment; grant list and show;
 * check) over the workflow engine; admin.c has what every command shares
 * and dispatches them.  See kuncictl(1) and doc/json.md.
 */
#include <sys/types.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include "cfg.h"
#include "dir.h"
#include "gate.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "out.h"
#include "proto.h"
#include "reqtime.h"
#include "strbuf.h"
#include "util.h"
#include "visible.h"
#include "wf.h"
#include "admin.h"

#define LIST_MAX		2000	/* rows a list returns at most */

/* The request's state as people read it: "active" with steps left is
 * still active; with none left it is active and done. */
static const char *
req_state(const struct wf_request *r)
{
	return r->state;
}

static const char *
step_label(const struct admin_call *c, const struct wf_step *s)
{
	return c->en ? s->label_en : s->label_id;
}

/* ------------------------------------------------------------- requests */

static void
describe_now(struct admin_call *c, const char *id)
{
	struct wf_request r;
	const struct wf_step *s;

	if (wf_load(admin_wf(), id, &r) != EX_OK)
		return;
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, "id", out_jstr(r.id));
		json_object_set_new(j, "state", out_jstr(r.state));
		json_object_set_new(j, "step", wf_open(&r) ?
		    out_jstr(r.snap.steps[r.step].name) : json_null());
		json_object_set_new(j, "grant", r.grant[0] != '\0' ?
		    out_jstr(r.grant) : json_null());
		if (admin_wf()->info[0] != '\0')
			json_object_set_new(j, "info", out_jstr(admin_wf()->info));
		out_json(&c->out, j);
	} else if (wf_open(&r)) {
		s = &r.snap.steps[r.step];
		sb_printf(&c->out, "%s %s: %s; %s %s (%s)\n",
		    ADMIN_T(c, "request", "permohonan"), r.id,
		    admin_state_label(c, req_state(&r)),
		    ADMIN_T(c, "next step", "langkah berikut"), c->en ?
		    s->name : step_label(c, s),
		    admin_role_label(c, s->role));
		if (admin_wf()->info[0] != '\0')
			sb_printf(&c->out, "%s\n", admin_wf()->info);
	} else {
		sb_printf(&c->out, "%s %s: %s", ADMIN_T(c, "request", "permohonan"),
		    r.id, admin_state_label(c, req_state(&r)));
		if (r.grant[0] != '\0')
			sb_printf(&c->out, "; %s %s", ADMIN_T(c, "grant", "hak akses"),
			    r.grant);
		sb_puts(&c->out, "\n");
	}
	wf_request_free(&r);
}

static int
cmd_submit(struct admin_call *c, int argc, char **argv)
{
	const char *res = NULL, *type = NULL, *reason = NULL, *from = NULL,
	    *until = NULL, *forw = NULL, *started = NULL;
	struct admin_opt opts[] = {
		{ "resource", &res, NULL }, { "type", &type, NULL },
		{ "reason", &reason, NULL }, { "from", &from, NULL },
		{ "until", &until, NULL }, { "for", &forw, NULL },
		{ "started", &started, NULL }, { NULL, NULL, NULL } };
	char *pos[1], id[WF_ID_MAX + 1];
	time_t t0 = 0;
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if (res == NULL || reason == NULL)
		return admin_err(c, EX_USAGE, _("usage: request submit --resource R "
		    "[--type T] --reason TEXT [--from DATE] [--until DATE] "
		    "[--for USER] [--started DATE]"));
	if (started != NULL &&
	    (st = reqtime_check(admin_wf(), started, &t0)) != EX_OK)
		return admin_wf_err(c, st);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	admin_wf()->info[0] = '\0';
	if ((st = wf_submit(admin_wf(), &c->a, res, type, reason, from, until,
	    forw, id)) != EX_OK) {
		if (id[0] == '\0' || st == EX_UNAVAILABLE)
			return admin_wf_err(c, st);
		/* Submitted, but settling failed: say so, keep the id. */
	}
	if (started != NULL)
		reqtime_record(admin_wf(), &c->a, id, t0);
	describe_now(c, id);
	return st == EX_OK ? EX_OK : admin_wf_err(c, st);
}

/* The roles the open step still waits on, or null. */
static json_t *
waiting_json(const struct wf_request *r)
{
	char role[WFR_CHOOSE_MAX + 66], *p, *save = NULL;
	json_t *a;

	if (!wf_open(r))
		return json_null();
	wf_waiting_roles(admin_wf(), r, r->step, role, sizeof(role));
	a = json_array();
	for (p = strtok_r(role, "+", &save); p != NULL;
	    p = strtok_r(NULL, "+", &save))
		json_array_append_new(a, out_jstr(p));
	return a;
}

static json_t *
request_json(struct admin_call *c, const struct wf_request *r, int full)
{
	json_t *j = json_object(), *steps;
	const struct wf_step *s = wf_open(r) ? &r->snap.steps[r->step] : NULL;
	size_t i;

	json_object_set_new(j, "id", out_jstr(r->id));
	json_object_set_new(j, "state", out_jstr(r->state));
	json_object_set_new(j, "admin_state_label", out_jstr(admin_state_label(c,
	    req_state(r))));
	json_object_set_new(j, "resource", out_jstr(r->resource));
	json_object_set_new(j, "type", out_jstr(r->type));
	json_object_set_new(j, "subject", out_jstr(r->subject));
	json_object_set_new(j, "requester", out_jstr(r->requester));
	json_object_set_new(j, "as", r->as[0] ? out_jstr(r->as) : json_null());
	json_object_set_new(j, "workflow", out_jstr(r->snap.workflow));
	json_object_set_new(j, "step", s ? out_jstr(s->name) : json_null());
	json_object_set_new(j, "step_label", s ? out_jstr(step_label(c, s)) :
	    json_null());
	json_object_set_new(j, "step_role", s ? out_jstr(s->role) :
	    json_null());
	json_object_set_new(j, "step_role_label", s ? out_jstr(
	    admin_role_label(c, s->role)) : json_null());
	json_object_set_new(j, "step_who", s && s->who[0] ? out_jstr(s->who) :
	    json_null());
	json_object_set_new(j, "waiting_for", waiting_json(r));
	json_object_set_new(j, "step_index", json_integer(r->step));
	json_object_set_new(j, "step_since", s ? admin_jtime(r->step_since) :
	    json_null());
	json_object_set_new(j, "deadline", s ? admin_jtime(r->deadline) :
	    json_null());
	json_object_set_new(j, "overdue", json_boolean(s != NULL &&
	    r->deadline != 0 && r->deadline <= time(NULL)));
	json_object_set_new(j, "not_before", admin_jtime(r->not_before));
	json_object_set_new(j, "not_after", admin_jtime(r->not_after));
	json_object_set_new(j, "created", admin_jtime(r->created));
	json_object_set_new(j, "updated", admin_jtime(r->updated));
	json_object_set_new(j, "grant", r->grant[0] ? out_jstr(r->grant) :
	    json_null());
	if (!full)
		return j;
	json_object_set_new(j, "reason", out_jstr(r->reason));
	{
		struct reqtime sub;

		if (reqtime_get(admin_wf(), r, &sub))
			json_object_set_new(j, "submission", json_pack(
			    "{s:o,s:o,s:I,s:o,s:b}", "started",
			    admin_jtime(sub.started), "submitted",
			    admin_jtime(sub.submitted), "standard_seconds",
			    (json_int_t)sub.sla, "due", admin_jtime(sub.due),
			    "late", sub.late));
	}
	json_object_set_new(j, "workflow_label", out_jstr(c->en ?
	    r->snap.label_en : r->snap.label_id));
	steps = json_array();
	for (i = 0; i < r->snap.nsteps; i++) {
		const struct wf_step *t = &r->snap.steps[i];
		json_t *o = json_object();
		char sla[32];

		u_format_duration(t->sla, t->bd, sla, sizeof(sla));
		json_object_set_new(o, "name", out_jstr(t->name));
		json_object_set_new(o, "label", out_jstr(step_label(c, t)));
		json_object_set_new(o, "role", out_jstr(t->role));
		json_object_set_new(o, "kind", out_jstr(cfg_kind_name(t->kind)));
		json_object_set_new(o, "sla", out_jstr(sla));
		json_object_set_new(o, "quorum", json_integer(t->quorum));
		if (t->who[0] != '\0')
			json_object_set_new(o, "who", out_jstr(t->who));
		json_array_append_new(steps, o);
	}
	json_object_set_new(j, "steps", steps);
	return j;
}

static int
cmd_show(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf_request r;
	struct wf_event *ev = NULL;
	char *pos[1], b1[32], b2[32], sla[32];
	size_t nev = 0, i, e;
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: request show ID"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = wf_load(admin_wf(), pos[0], &r)) != EX_OK)
		return admin_wf_err(c, st);
	if (!visible_request(admin_wf(), &c->a, &r, NULL)) {
		wf_request_free(&r);
		return admin_err(c, EX_NOINPUT, _("unknown request: %s"), pos[0]);
	}
	if ((st = wf_events(admin_wf(), &r, &ev, &nev)) != EX_OK) {
		wf_request_free(&r);
		return admin_wf_err(c, st);
	}
	if (c->json) {
		json_t *j = request_json(c, &r, 1), *a = json_array();

		for (i = 0; i < nev; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "event", out_jstr(ev[i].rdn));
			json_object_set_new(o, "time", admin_jtime(ev[i].time));
			json_object_set_new(o, "actor", out_jstr(ev[i].actor));
			json_object_set_new(o, "as", ev[i].as[0] ?
			    out_jstr(ev[i].as) : json_null());
			json_object_set_new(o, "decision",
			    out_jstr(ev[i].decision));
			json_object_set_new(o, "step", ev[i].stepname[0] ?
			    out_jstr(ev[i].stepname) : json_null());
			json_object_set_new(o, "note", ev[i].note[0] ?
			    out_jstr(ev[i].note) : json_null());
			json_object_set_new(o, "credential", ev[i].cred[0] ?
			    out_jstr(ev[i].cred) : json_null());
			json_object_set_new(o, "to", ev[i].to[0] ?
			    out_jstr(ev[i].to) : json_null());
			json_object_set_new(o, "acting", ev[i].acting_for[0] ?
			    json_pack("{s:s,s:s,s:s}", "kind",
			    ev[i].acting_kind, "for", ev[i].acting_for,
			    "delegation", ev[i].acting_id) : json_null());
			json_array_append_new(a, o);
		}
		json_object_set_new(j, "events", a);
		if ((a = visible_actions(admin_wf(), &c->a, &r)) == NULL) {
			json_decref(j);
			st = admin_wf_err(c, EX_UNAVAILABLE);
			goto out;
		}
		json_object_set_new(j, "actions", a);
		out_json(&c->out, j);
		goto out;
	}
	{
		const int kw = 14;
		char win[80];

		out_kv(&c->out, kw, ADMIN_T(c, "Request", "Permohonan"), r.id);
		out_kv(&c->out, kw, ADMIN_T(c, "State", "Status"),
		    admin_state_label(c, req_state(&r)));
		out_kv(&c->out, kw, ADMIN_T(c, "Workflow", "Prosedur"), c->en ?
		    r.snap.label_en : r.snap.label_id);
		out_kv(&c->out, kw, ADMIN_T(c, "Resource", "Sumber daya"),
		    r.resource);
		out_kv(&c->out, kw, ADMIN_T(c, "Access type", "Jenis akses"),
		    admin_type_label(c, r.type));
		out_kv(&c->out, kw, ADMIN_T(c, "For", "Untuk"), r.subject);
		out_kv(&c->out, kw, ADMIN_T(c, "Requested by", "Pemohon"),
		    r.requester);
		out_kv(&c->out, kw, ADMIN_T(c, "Reason", "Alasan"), r.reason);
		admin_fmt_time(b1, sizeof(b1), r.not_before);
		admin_fmt_time(b2, sizeof(b2), r.not_after);
		snprintf(win, sizeof(win), "%s .. %s", b1, b2);
		out_kv(&c->out, kw, ADMIN_T(c, "Valid", "Berlaku"), win);
		admin_fmt_time(b1, sizeof(b1), r.created);
		out_kv(&c->out, kw, ADMIN_T(c, "Submitted", "Diajukan"), b1);
		{
			/* The requester's own first step, if timed. */
			struct reqtime sub;
			char sl[32], line[160];

			if (reqtime_get(admin_wf(), &r, &sub) &&
			    sub.started != 0) {
				admin_fmt_time(b1, sizeof(b1), sub.started);
				if (sub.sla == 0 || u_format_duration(sub.sla,
				    sub.bd, sl, sizeof(sl)) == -1)
					u_strlcpy(sl, "-", sizeof(sl));
				snprintf(line, sizeof(line), "%s; SLA %s%s", b1,
				    sl, sub.late ? ADMIN_T(c, " (late)",
				    " (terlambat)") : "");
				out_kv(&c->out, kw, ADMIN_T(c, "Started",
				    "Dimulai"), line);
			}
		}
		if (wf_open(&r)) {
			const struct wf_step *s = &r.snap.steps[r.step];
			char line[600];

			char role[WFR_CHOOSE_MAX + 66];

			/* the roles still to act ("A+B" side by side) */
			wf_waiting_roles(admin_wf(), &r, r.step, role,
			    sizeof(role));
			snprintf(line, sizeof(line), "%s (%s)", step_label(c,
			    s), s->rule.parallel[0] != '\0' ? role : role[0] ?
			    admin_role_label(c, role) : s->role);
			out_kv(&c->out, kw, ADMIN_T(c, "Waiting for",
			    "Menunggu"), line);
			admin_fmt_time(b1, sizeof(b1), r.deadline);
			if (r.deadline != 0 && r.deadline <= time(NULL))
				u_strlcat(b1, ADMIN_T(c, " (overdue)",
				    " (terlambat)"), sizeof(b1));
			out_kv(&c->out, kw, ADMIN_T(c, "Due", "Batas waktu"), b1);
		}
		if (r.grant[0] != '\0')
			out_kv(&c->out, kw, ADMIN_T(c, "Grant", "Hak akses"),
			    r.grant);
		/* The latest disposition's instruction travels with it. */
		for (e = nev; e-- > 0;)
			if (ev[e].to[0] != '\0') {
				char line[WF_NOTE_MAX + 256];

				snprintf(line, sizeof(line), "%s -> %s%s%s",
				    ev[e].actor, admin_role_label(c, ev[e].to),
				    ev[e].note[0] ? ": " : "", ev[e].note);
				out_kv(&c->out, kw, ADMIN_T(c, "Disposition",
				    "Disposisi"), line);
				break;
			}
		/* A step decided at two sites (double.h): what each did. */
		for (e = 0; e < nev; e++)
			if (strncmp(ev[e].rdn, "double-", 7) == 0) {
				char line[WF_NOTE_MAX + 128];

				snprintf(line, sizeof(line), "%s: %s",
				    ev[e].stepname, ev[e].note);
				out_kv(&c->out, kw, ADMIN_T(c,
				    "Double decision", "Keputusan ganda"),
				    line);
			}
	}
	sb_puts(&c->out, "\n");
	{
		const char *hdr[] = { "#", ADMIN_T(c, "STEP", "LANGKAH"),
		    ADMIN_T(c, "ROLE", "PERAN"), "SLA", ADMIN_T(c, "DONE BY", "OLEH"),
		    ADMIN_T(c, "WHEN", "WAKTU") };
		struct out_table t;

		out_table_init(&t, 6, hdr);
		for (i = 0; i < r.snap.nsteps; i++) {
			const struct wf_step *s = &r.snap.steps[i];
			char num[24], by[256], role[128];
			const char *cells[6];

			snprintf(num, sizeof(num), "%zu%s", i + 1,
			    wf_open(&r) && (size_t)r.step == i ? "*" : "");
			u_format_duration(s->sla, s->bd, sla, sizeof(sla));
			by[0] = b1[0] = '\0';
			for (e = 0; e < nev; e++)
				if (ev[e].step == (int)i &&
				    strncmp(ev[e].rdn, "step-", 5) == 0) {
					if (by[0] != '\0')
						u_strlcat(by, ",", sizeof(by));
					u_strlcat(by, ev[e].actor, sizeof(by));
					if (ev[e].acting_for[0] != '\0') {
						u_strlcat(by, strcmp(
						    ev[e].acting_kind, "plh") ==
						    0 ? " (Plh. " : " (Plt. ",
						    sizeof(by));
						u_strlcat(by, ev[e].acting_for,
						    sizeof(by));
						u_strlcat(by, ")", sizeof(by));
					}
					if (strcmp(ev[e].decision, "reject") ==
					    0)
						u_strlcat(by, ADMIN_T(c, " (rejected)",
						    " (menolak)"), sizeof(by));
					admin_fmt_time(b1, sizeof(b1), ev[e].time);
				}
			/* English: the role as --to types it; else its label */
			snprintf(role, sizeof(role), "%s%s%s", c->en ? s->role :
			    admin_role_label(c, s->role), s->who[0] ? ":" : "",
			    s->who);
			cells[0] = num;
			cells[1] = step_label(c, s);
			cells[2] = role;
			cells[3] = sla;
			cells[4] = by;
			cells[5] = b1;
			out_table_row(&t, cells);
		}
		out_table_render(&t, &c->out);
		out_table_free(&t);
	}
	sb_puts(&c->out, "\n");
	{
		const char *hdr[] = { ADMIN_T(c, "TIME", "WAKTU"),
		    ADMIN_T(c, "EVENT", "PERISTIWA"), ADMIN_T(c, "BY", "OLEH"),
		    ADMIN_T(c, "STEP", "LANGKAH"), ADMIN_T(c, "NOTE", "CATATAN") };
		struct out_table t;

		out_table_init(&t, 5, hdr);
		for (i = 0; i < nev; i++) {
			char by[160], note[WF_NOTE_MAX + WF_CRED_MAX + 8];
			const char *cells[5];

			admin_fmt_time(b1, sizeof(b1), ev[i].time);
			snprintf(by, sizeof(by), "%s%s%s%s", ev[i].actor,
			    ev[i].as[0] ? " (" : "", ev[i].as,
			    ev[i].as[0] ? ")" : "");
			snprintf(note, sizeof(note), "%s%s%s", ev[i].note,
			    ev[i].cred[0] && ev[i].note[0] ? "; " : "",
			    ev[i].cred);
			cells[0] = b1;
			cells[1] = ev[i].decision;
			cells[2] = by;
			cells[3] = ev[i].stepname;
			cells[4] = note;
			out_table_row(&t, cells);
		}
		out_table_render(&t, &c->out);
		out_table_free(&t);
	}
out:
	free(ev);
	wf_request_free(&r);
	return EX_OK;
}

struct list_arg {
	struct admin_call		*c;
	struct out_table	 t;
	json_t			*arr;
	struct visible_set	 acted;
	int			 waiting, mine;
};

static int
list_one(struct wf_request *r, void *arg)
{
	struct list_arg *la = arg;
	struct admin_call *c = la->c;
	const struct wf_step *s = wf_open(r) ? &r->snap.steps[r->step] : NULL;
	char due[40], wrole[WFR_CHOOSE_MAX + 66] = "";
	const char *cells[7];
	int overdue;

	if (!visible_request(admin_wf(), &c->a, r, &la->acted))
		return EX_OK;
	/* Waiting on me: I may approve or reject the step now, by the
	 * same check request approve/reject apply (wf_why_not()). */
	if (la->waiting) {
		char why[320], why2[320];

		if (s == NULL)
			return EX_OK;
		if (wf_why_not(admin_wf(), &c->a, r, 0, why, sizeof(why)) !=
		    EX_OK || wf_why_not(admin_wf(), &c->a, r, 1, why2,
		    sizeof(why2)) != EX_OK)
			return EX_UNAVAILABLE;
		if (why[0] != '\0' && why2[0] != '\0')
			return EX_OK;
	}
	if (c->json) {
		json_t *j = request_json(c, r, 0), *acts;

		json_object_set_new(j, "reason", out_jstr(r->reason));
		/* Actions cost a read or two per request: for the short
		 * lists a page shows (mine, waiting), not for every one. */
		if (la->waiting || la->mine) {
			if ((acts = visible_actions(admin_wf(), &c->a, r)) ==
			    NULL) {
				json_decref(j);
				return EX_UNAVAILABLE;
			}
			json_object_set_new(j, "actions", acts);
		}
		json_array_append_new(la->arr, j);
		return EX_OK;
	}
	overdue = s != NULL && r->deadline != 0 && r->deadline <= time(NULL);
	admin_fmt_time(due, sizeof(due), s != NULL ? r->deadline : 0);
	if (overdue)
		u_strlcat(due, " !", sizeof(due));
	cells[0] = r->id;
	cells[1] = admin_state_label(c, req_state(r));
	cells[2] = r->resource;
	cells[3] = r->subject;
	/* English: the words a user types (--step); else their labels */
	cells[4] = s == NULL ? "" : c->en ? s->name : step_label(c, s);
	if (s != NULL && s->rule.parallel[0] != '\0')	/* still to act */
		wf_waiting_roles(admin_wf(), r, r->step, wrole, sizeof(wrole));
	cells[5] = s == NULL ? "" : wrole[0] ? wrole : c->en ? s->role :
	    admin_role_label(c, s->role);
	cells[6] = due;
	out_table_row(&la->t, cells);
	return EX_OK;
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	const char *state = NULL, *res = NULL;
	int mine = 0, waiting = 0, overdue = 0;
	struct admin_opt opts[] = {
		{ "mine", NULL, &mine }, { "waiting", NULL, &waiting },
		{ "overdue", NULL, &overdue }, { "state", &state, NULL },
		{ "resource", &res, NULL }, { NULL, NULL, NULL } };
	const char *hdr[7];
	static const char *valid[] = { "pending", "active", "rejected",
	    "cancelled", "expired", NULL };
	char *pos[1], filter[2048], esc[3 * DIR_NAME_MAX + 1],
	    uesc[3 * DIR_UID_MAX + 1], t[32];
	struct list_arg la;
	int np, st, i;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	u_strlcpy(filter, "(&(objectClass=kunciRequest)", sizeof(filter));
	if (state != NULL) {
		for (i = 0; valid[i] != NULL; i++)
			if (strcmp(valid[i], state) == 0)
				break;
		if (valid[i] == NULL)
			return admin_err(c, EX_DATAERR, _("unknown state: %.40s "
			    "(--state pending|active|rejected|cancelled|"
			    "expired)"), state);
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciState=%s)", state);
	}
	if (res != NULL) {
		if (strlen(res) > DIR_NAME_MAX ||
		    ldapc_escape_filter(esc, sizeof(esc), res) == -1)
			return admin_err(c, EX_DATAERR, _("bad resource name"));
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciResource=%s)", esc);
	}
	if (mine) {
		if (ldapc_escape_filter(uesc, sizeof(uesc), c->a.p.uid) == -1)
			return admin_err(c, EX_DATAERR, _("bad user name"));
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(|(kunciRequester=%s)(kunciSubject=%s))",
		    uesc, uesc);
	}
	if (overdue) {
		if (ldapc_gentime(t, sizeof(t), time(NULL)) == -1)
			return admin_err(c, EX_SOFTWARE, _("clock"));
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(|(kunciState=pending)(kunciState=active))"
		    "(kunciDeadline<=%s)", t);
	}
	if (waiting)
		u_strlcat(filter, "(|(kunciState=pending)(kunciState=active))",
		    sizeof(filter));
	u_strlcat(filter, ")", sizeof(filter));
	memset(&la, 0, sizeof(la));
	la.c = c;
	la.waiting = waiting;
	la.mine = mine;
	hdr[0] = "ID";
	hdr[1] = ADMIN_T(c, "STATE", "STATUS");
	hdr[2] = ADMIN_T(c, "RESOURCE", "SUMBER DAYA");
	hdr[3] = ADMIN_T(c, "FOR", "UNTUK");
	hdr[4] = ADMIN_T(c, "STEP", "LANGKAH");
	hdr[5] = ADMIN_T(c, "ROLE", "PERAN");
	hdr[6] = ADMIN_T(c, "DUE", "BATAS");
	if (!admin_sees_all(c) && (st = visible_acted(admin_wf(), &c->a,
	    &la.acted)) != EX_OK) {
		visible_set_free(&la.acted);
		return admin_wf_err(c, st);
	}
	if (c->json)
		la.arr = json_array();
	else
		out_table_init(&la.t, 7, hdr);
	st = wf_list(admin_wf(), filter, LIST_MAX, list_one, &la);
	visible_set_free(&la.acted);
	if (st != EX_OK) {
		json_decref(la.arr);
		out_table_free(&la.t);
		return admin_wf_err(c, st);
	}
	if (c->json) {
		out_json(&c->out, la.arr);
	} else {
		out_table_sort(&la.t, 0);
		out_table_render(&la.t, &c->out);
		out_table_free(&la.t);
	}
	return EX_OK;
}

static int
cmd_act(struct admin_call *c, int argc, char **argv, const char *decision)
{
	const char *note = NULL, *reason = NULL, *serial = NULL,
	    *account = NULL, *step = NULL, *to = NULL;
	struct admin_opt approve_opts[] = {
		{ "note", &note, NULL }, { "serial", &serial, NULL },
		{ "account", &account, NULL }, { "step", &step, NULL },
		{ "to", &to, NULL }, { NULL, NULL, NULL } };
	struct admin_opt reject_opts[] = {
		{ "reason", &reason, NULL }, { "note", &note, NULL },
		{ "step", &step, NULL }, { NULL, NULL, NULL } };
	int reject = strcmp(decision, "reject") == 0;
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, reject ? reject_opts :
	    approve_opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, reject ?
		    _("usage: request reject ID --reason TEXT [--step NAME]") :
		    _("usage: request approve ID [--note TEXT] [--serial S | "
		    "--account NAME] [--step NAME] [--to ROLE]"));
	if (reject && reason == NULL && note == NULL)
		return admin_err(c, EX_USAGE, _("a rejection needs --reason TEXT"));
	if (serial != NULL && account != NULL)
		return admin_err(c, EX_USAGE, _("give --serial or --account, not "
		    "both"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	/*
	 * The right option for the request's kind, said before acting, but
	 * only to someone who may act on its step: anyone else learns from
	 * --serial neither that the request exists nor what it yields, and
	 * gets wf_act()'s answer, the same as without the option.
	 */
	if (serial != NULL || account != NULL) {
		struct wf_request r;
		enum cfg_grant_kind gk = CFG_GRANT_NONE;
		int may = 0;

		if (c->a.person && wf_load(admin_wf(), pos[0], &r) == EX_OK) {
			may = wf_open(&r) && wf_can_act(admin_wf(), &c->a, &r);
			gk = r.snap.grant_kind;
			wf_request_free(&r);
		}
		if (may && serial != NULL && gk == CFG_GRANT_ACCOUNT)
			return admin_err(c, EX_USAGE, _("request %s yields an "
			    "account: use --account NAME"), pos[0]);
		if (may && account != NULL && gk == CFG_GRANT_CARD)
			return admin_err(c, EX_USAGE, _("request %s yields an "
			    "access card: use --serial SERIAL"), pos[0]);
	}
	admin_wf()->info[0] = '\0';
	admin_wf()->dispose_to = to;
	st = wf_act(admin_wf(), &c->a, pos[0], decision, step,
	    reject ? (reason != NULL ? reason : note) : note,
	    serial != NULL ? serial : account);
	if (st != EX_OK)
		return admin_wf_err(c, st);
	describe_now(c, pos[0]);
	return EX_OK;
}

static int
cmd_cancel(struct admin_call *c, int argc, char **argv)
{
	const char *reason = NULL;
	struct admin_opt opts[] = { { "reason", &reason, NULL },
		{ NULL, NULL, NULL } };
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: request cancel ID "
		    "[--reason TEXT]"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = wf_cancel(admin_wf(), &c->a, pos[0], reason)) != EX_OK)
		return admin_wf_err(c, st);
	describe_now(c, pos[0]);
	return EX_OK;
}

static int
cmd_comment(struct admin_call *c, int argc, char **argv)
{
	const char *note = NULL;
	struct admin_opt opts[] = { { "note", &note, NULL }, { NULL, NULL, NULL } };
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1 || note == NULL)
		return admin_err(c, EX_USAGE, _("usage: request comment ID "
		    "--note TEXT"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	{
		struct wf_request r;
		int seen;

		if ((st = wf_load(admin_wf(), pos[0], &r)) != EX_OK)
			return admin_wf_err(c, st);
		seen = visible_request(admin_wf(), &c->a, &r, NULL);
		wf_request_free(&r);
		if (!seen)
			return admin_err(c, EX_NOINPUT, _("unknown request: %s"),
			    pos[0]);
	}
	if ((st = wf_comment(admin_wf(), &c->a, pos[0], note)) != EX_OK)
		return admin_wf_err(c, st);
	if (c->json)
		out_json(&c->out, json_pack("{s:s}", "id", pos[0]));
	else
		sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c, "request",
		    "permohonan"), pos[0], ADMIN_T(c, "comment added",
		    "komentar ditambahkan"));
	return EX_OK;
}

/* --------------------------------------------------------------- grants */

struct grant_arg {
	struct admin_call		*c;
	struct out_table	 t;
	json_t			*arr;
	int			 one;
};

static json_t *
grant_json(const struct wf_grant *g)
{
	json_t *j = json_object();

	json_object_set_new(j, "id", out_jstr(g->id));
	json_object_set_new(j, "subject", out_jstr(g->subject));
	json_object_set_new(j, "resource", out_jstr(g->resource));
	json_object_set_new(j, "status", out_jstr(g->status));
	json_object_set_new(j, "type", out_jstr(g->type));
	json_object_set_new(j, "credential", g->cred[0] ? out_jstr(g->cred) :
	    json_null());
	json_object_set_new(j, "request", out_jstr(g->request));
	json_object_set_new(j, "not_before", admin_jtime(g->not_before));
	json_object_set_new(j, "not_after", admin_jtime(g->not_after));
	json_object_set_new(j, "created", admin_jtime(g->created));
	return j;
}

static int
grant_one(struct wf_grant *g, void *arg)
{
	struct grant_arg *ga = arg;
	struct admin_call *c = ga->c;
	char nb[32], na[32];
	const char *cells[7];

	if (!admin_sees_all(c) && strcmp(g->subject, c->a.p.uid) != 0)
		return EX_OK;
	if (c->json) {
		if (ga->one)
			ga->arr = grant_json(g);
		else
			json_array_append_new(ga->arr, grant_json(g));
		return EX_OK;
	}
	admin_fmt_time(nb, sizeof(nb), g->not_before);
	admin_fmt_time(na, sizeof(na), g->not_after);
	if (ga->one) {
		out_kv(&c->out, 12, ADMIN_T(c, "Grant", "Hak akses"), g->id);
		out_kv(&c->out, 12, ADMIN_T(c, "Status", "Status"),
		    admin_state_label(c, g->status));
		out_kv(&c->out, 12, ADMIN_T(c, "Subject", "Pemegang"), g->subject);
		out_kv(&c->out, 12, ADMIN_T(c, "Resource", "Sumber daya"),
		    g->resource);
		out_kv(&c->out, 12, ADMIN_T(c, "Access type", "Jenis akses"),
		    admin_type_label(c, g->type));
		out_kv(&c->out, 12, ADMIN_T(c, "Credential", "Kredensial"), g->cred);
		out_kv(&c->out, 12, ADMIN_T(c, "Not before", "Mulai"), nb);
		out_kv(&c->out, 12, ADMIN_T(c, "Not after", "Sampai"), na);
		out_kv(&c->out, 12, ADMIN_T(c, "Request", "Permohonan"), g->request);
		return EX_OK;
	}
	cells[0] = g->id;
	cells[1] = admin_state_label(c, g->status);
	cells[2] = g->subject;
	cells[3] = g->resource;
	cells[4] = g->cred;
	cells[5] = nb;
	cells[6] = na;
	out_table_row(&ga->t, cells);
	return EX_OK;
}

static int
cmd_grant(struct admin_call *c, int argc, char **argv)
{
	const char *subj = NULL, *res = NULL;
	struct admin_opt opts[] = { { "subject", &subj, NULL },
		{ "resource", &res, NULL }, { NULL, NULL, NULL } };
	char *pos[2], filter[1024], e1[3 * DIR_NAME_MAX + 1],
	    e2[3 * DIR_NAME_MAX + 1];
	const char *hdr[7];
	struct grant_arg ga;
	int np, st, show;

	if (argc < 1)
		return admin_err(c, EX_USAGE, _("usage: grant list|show ..."));
	show = strcmp(argv[0], "show") == 0;
	if (!show && strcmp(argv[0], "list") != 0)
		return admin_err(c, EX_USAGE, _("unknown command: grant %.40s"),
		    argv[0]);
	if ((st = admin_opts(c, argc, argv, opts, pos, show ? 1 : 0,
	    &np)) != EX_OK)
		return st;
	if (show && np != 1)
		return admin_err(c, EX_USAGE, _("usage: grant show ID"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	u_strlcpy(filter, "(&(objectClass=kunciGrant)", sizeof(filter));
	if (show) {
		if (strlen(pos[0]) > WF_ID_MAX ||
		    ldapc_escape_filter(e1, sizeof(e1), pos[0]) == -1)
			return admin_err(c, EX_NOINPUT, _("unknown grant: %.40s"),
			    pos[0]);
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciId=%s)", e1);
	}
	if (subj != NULL) {
		if (!dir_valid_uid(subj))
			return admin_err(c, EX_NOUSER, _("unknown user: %.64s"),
			    subj);
		ldapc_escape_filter(e1, sizeof(e1), subj);
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciSubject=%s)", e1);
	}
	if (res != NULL) {
		if (strlen(res) > DIR_NAME_MAX ||
		    ldapc_escape_filter(e2, sizeof(e2), res) == -1)
			return admin_err(c, EX_DATAERR, _("bad resource name"));
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciResource=%s)", e2);
	}
	u_strlcat(filter, ")", sizeof(filter));
	memset(&ga, 0, sizeof(ga));
	ga.c = c;
	ga.one = show;
	hdr[0] = "ID";
	hdr[1] = "STATUS";
	hdr[2] = ADMIN_T(c, "SUBJECT", "PEMEGANG");
	hdr[3] = ADMIN_T(c, "RESOURCE", "SUMBER DAYA");
	hdr[4] = ADMIN_T(c, "CREDENTIAL", "KREDENSIAL");
	hdr[5] = ADMIN_T(c, "NOT BEFORE", "MULAI");
	hdr[6] = ADMIN_T(c, "NOT AFTER", "SAMPAI");
	if (c->json && !show)
		ga.arr = json_array();
	if (!c->json && !show)
		out_table_init(&ga.t, 7, hdr);
	st = wf_grants(admin_wf(), filter, LIST_MAX, grant_one, &ga);
	if (st != EX_OK) {
		json_decref(ga.arr);
		out_table_free(&ga.t);
		return admin_wf_err(c, st);
	}
	if (show && ga.arr == NULL && c->out.len == 0)
		return admin_err(c, EX_NOINPUT, _("unknown grant: %s"), pos[0]);
	if (c->json)
		out_json(&c->out, ga.arr);
	else if (!show) {
		out_table_sort(&ga.t, 0);
		out_table_render(&ga.t, &c->out);
		out_table_free(&ga.t);
	}
	return EX_OK;
}

/* ---------------------------------------------------------------- check */

/* A gate decision as people read it (--json: the English word). */
static const char *
check_label(const struct admin_call *c, const char *d)
{
	static const char *const tab[][3] = {
		{ "allow", "allow", "diperbolehkan" },
		{ "deny", "deny", "ditolak" },
		{ "unknown", "unknown", "tidak dikenal" },
		{ "ignore", "ignore", "diabaikan" },
		{ "unavailable", "unavailable", "tidak tersedia" },
	};

	return admin_tab_label(c, tab, sizeof(tab) / sizeof(tab[0]), d);
}

static int
cmd_check(struct admin_call *c, int argc, char **argv)
{
	const char *service = NULL;
	struct admin_opt opts[] = { { "service", &service, NULL },
		{ NULL, NULL, NULL } };
	static const char *names[] = { "", "allow", "deny", "unknown",
	    "ignore", "unavailable" };
	struct proto_query q;
	struct proto_answer a;
	struct dir_resource res;
	const struct cfg_workflow *wfc;
	char *pos[2], why[128], err[256];
	const char *d, *type = NULL;
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 2, &np)) != EX_OK)
		return st;
	if (np != 2)
		return admin_err(c, EX_USAGE, _("usage: check USER RESOURCE "
		    "[--service S]"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.admin) {
		log_audit("request.refused", "actor", c->a.p.uid, "as",
		    c->a.as, "action", "check", "reason", "not an admin",
		    NULL);
		return admin_err(c, EX_NOPERM, _("refused: check is for "
		    "administrators"));
	}
	memset(&q, 0, sizeof(q));
	memset(&a, 0, sizeof(a));
	if (strlen(pos[0]) > PROTO_NAME_MAX || strlen(pos[1]) >
	    PROTO_FIELD_MAX || (service != NULL && strlen(service) >
	    PROTO_FIELD_MAX))
		return admin_err(c, EX_DATAERR, _("argument too long"));
	u_strlcpy(q.user, pos[0], sizeof(q.user));
	u_strlcpy(q.resource, pos[1], sizeof(q.resource));
	u_strlcpy(q.service, service != NULL ? service : "kuncictl",
	    sizeof(q.service));
	gethostname(q.host, sizeof(q.host) - 1);
	/* The hint's --type is the resource's (a door takes a card); the
	 * gate itself knows no resources.  Unknown or unreadable: the
	 * login default. */
	if (dir_resource(admin_ldap(), c->ctx->cfg, q.resource, &res, err,
	    sizeof(err)) == EX_OK &&
	    (wfc = cfg_workflow(c->ctx->cfg, res.workflow)) != NULL)
		type = wf_access_type(wfc);
	/* A dry run: no last use noted, audited as this admin's check. */
	gate_check(&q, type, &a, why, sizeof(why), c->a.p.uid[0] != '\0' ?
	    c->a.p.uid : c->caller, c->a.as, i18n_english());
	d = a.decision < sizeof(names) / sizeof(names[0]) ?
	    names[a.decision] : "";
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o}",
		    "user", q.user, "resource", q.resource, "decision",
		    out_jstr(d), "reason", out_jstr(why), "grant",
		    out_jstr(a.grant), "message", out_jstr(a.message)));
	else {
		sb_printf(&c->out, "%s %s %s: %s%s%s%s\n", q.user, q.resource,
		    check_label(c, d), _(why), a.grant[0] ? " (" : "", a.grant,
		    a.grant[0] ? ")" : "");
		if (a.message[0] != '\0')
			sb_printf(&c->out, "%s\n", a.message);
	}
	return a.decision == PROTO_ALLOW ? EX_OK : 1;
}

static int
cmd_approve(struct admin_call *c, int argc, char **argv)
{
	return cmd_act(c, argc, argv, "approve");
}

static int
cmd_reject(struct admin_call *c, int argc, char **argv)
{
	return cmd_act(c, argc, argv, "reject");
}

const struct admin_cmd request_cmds[] = {
	{ "request", "submit", cmd_submit, "--resource R [--type T] --reason "
	    "TEXT [--from DATE] [--until DATE] [--for USER] [--started DATE]" },
	{ "request", "show", cmd_show, "ID" },
	{ "request", "list", cmd_list, "[--mine] [--waiting] [--state S] "
	    "[--resource R] [--overdue]" },
	{ "request", "approve", cmd_approve, "ID [--note TEXT] [--serial S | "
	    "--account NAME] [--step S] [--to ROLE]" },
	{ "request", "reject", cmd_reject, "ID --reason TEXT [--step S]" },
	{ "request", "cancel", cmd_cancel, "ID [--reason TEXT]" },
	{ "request", "comment", cmd_comment, "ID --note TEXT" },
	{ "grant", "list", cmd_grant, "[--subject USER] [--resource R]" },
	{ "grant", "show", cmd_grant, "ID" },
	{ "check", NULL, cmd_check, "USER RESOURCE [--service S]" },
	{ NULL, NULL, NULL, NULL }
};
