/*
 * visit_cmd.c: kuncictl's visit commands (request, approve, reject,
 * escort, checkin, checkout, lock, list, show) over the engine of visit.c,
 * and the month and duration texts they and the reports share; see
 * doc/visits.md for the commands.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "admin.h"
#include "cmdtab.h"
#include "cfg.h"
#include "dir.h"
#include "kuncid.h"
#include "i18n.h"
#include "out.h"
#include "render.h"
#include "strbuf.h"
#include "util.h"
#include "visit.h"
#include "visit_guest.h"
#include "wf.h"

#define LIST_MAX	2000	/* visits in one list (as visit.c's tick) */

/* ------------------------------------------------------------- output */

int
visit_month(const char *month, time_t *start, time_t *end)
{
	char d[16];
	struct tm tm;
	int y, m;

	*start = *end = 0;
	if (month == NULL || strlen(month) != 7)
		return -1;
	snprintf(d, sizeof(d), "%s-01", month);
	if (u_parse_date(d, &y, &m, NULL) == -1)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	*start = mktime(&tm);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900 + (m == 12);
	tm.tm_mon = m % 12;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	*end = mktime(&tm);
	return *start == (time_t)-1 || *end == (time_t)-1 ? -1 : 0;
}

static const char *
vstate_label(const struct admin_call *c, const char *s)
{
	static const char *const tab[][3] = {
		{ "pending", "pending", "menunggu" },
		{ "approved", "approved", "disetujui" },
		{ "in", "inside", "di dalam" },
		{ "out", "left", "sudah keluar" },
		{ "done", "done", "selesai" },
		{ "rejected", "rejected", "ditolak" },
		{ "cancelled", "cancelled", "dibatalkan" },
	};

	return admin_tab_label(c, tab, sizeof(tab) / sizeof(tab[0]), s);
}

static const char *
purpose_label(const struct admin_call *c, const char *p)
{
	if (strcmp(p, "network") == 0)
		return ADMIN_T(c, "network", "jaringan");
	if (strcmp(p, "servers") == 0)
		return ADMIN_T(c, "servers", "server");
	return p;
}

static int
emit(struct admin_call *c, struct render_table *t)
{
	int rc;

	if (t == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	rc = c->json ? render_json(t, &c->out) : render_text(t, &c->out);
	render_table_free(t);
	return rc == 0 ? EX_OK : admin_err(c, EX_SOFTWARE, _("output too "
	    "large"));
}

struct list_arg {
	struct admin_call	*c;
	struct render_table	*t;
	int			 overdue, waiting;
};

static int
list_one(struct visit *v, void *arg)
{
	struct list_arg *la = arg;
	struct admin_call *c = la->c;
	char in[32], out[32];
	const char *cells[9];

	if (!admin_sees_all(c) && strcmp(v->requester, c->a.p.uid) != 0 &&
	    strcmp(v->escort, c->a.p.uid) != 0)
		return EX_OK;
	if (la->overdue && (v->checkin == 0 || v->checkout != 0 ||
	    time(NULL) <= v->checkin + (time_t)v->expected +
	    (time_t)c->ctx->cfg->visits.grace))
		return EX_OK;
	if (la->waiting) {	/* something the caller may do now */
		json_t *acts = visit_actions(admin_wf(), &c->a, v->id);
		size_t n = json_array_size(acts);

		json_decref(acts);
		if (n == 0)
			return EX_OK;
	}
	admin_fmt_time(in, sizeof(in), v->checkin);
	admin_fmt_time(out, sizeof(out), v->checkout);
	cells[0] = v->id;
	cells[1] = c->json ? v->state : vstate_label(c, v->state);
	cells[2] = v->guest;
	cells[3] = v->org;
	cells[4] = c->json ? v->purpose : purpose_label(c, v->purpose);
	cells[5] = v->escort;
	cells[6] = in;
	cells[7] = out;
	cells[8] = (size_t)v->step < v->snap.nsteps ?
	    v->snap.steps[v->step].name : "";
	return render_table_add_row(la->t, cells, 9) == 0 ? EX_OK :
	    admin_err(c, EX_OSERR, _("out of memory"));
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	const char *day = NULL, *month = NULL;
	int all = 0, overdue = 0, waiting = 0, npos, st;
	char *pos[1], f[256], a[32], b[32];
	struct admin_opt opts[] = {
		{ "day", &day, NULL }, { "month", &month, NULL },
		{ "all", NULL, &all }, { "overdue", NULL, &overdue },
		{ "waiting", NULL, &waiting },
		{ NULL, NULL, NULL }
	};
	struct render_column cols[] = {
		{ "id", "ID" },
		{ "state", ADMIN_T(c, "STATE", "STATUS") },
		{ "guest", ADMIN_T(c, "GUEST", "TAMU") },
		{ "org", ADMIN_T(c, "ORGANISATION", "INSTANSI") },
		{ "purpose", ADMIN_T(c, "PURPOSE", "KEPERLUAN") },
		{ "escort", ADMIN_T(c, "ESCORT", "PENDAMPING") },
		{ "checkin", ADMIN_T(c, "IN", "MASUK") },
		{ "checkout", ADMIN_T(c, "OUT", "KELUAR") },
		{ "step", ADMIN_T(c, "STEP", "LANGKAH") },
	};
	struct list_arg la;
	time_t s, e;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &npos)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (day != NULL) {
		if (wf_parse_when(day, 0, &s) == -1 || strlen(day) != 10)
			return admin_err(c, EX_DATAERR, _("--day: YYYY-MM-DD"));
		wf_parse_when(day, 1, &e);
	} else if (month != NULL) {
		if (visit_month(month, &s, &e) == -1)
			return admin_err(c, EX_DATAERR, _("--month: YYYY-MM"));
	}
	if (day != NULL || month != NULL) {
		dir_gentime(a, sizeof(a), s);
		dir_gentime(b, sizeof(b), e);
		snprintf(f, sizeof(f), "(&(objectClass=kunciVisit)"
		    "(kunciCreated>=%s)(!(kunciCreated>=%s)))", a, b);
	} else if (all)
		snprintf(f, sizeof(f), "(objectClass=kunciVisit)");
	else
		snprintf(f, sizeof(f), "(&(objectClass=kunciVisit)"
		    "(|(kunciState=pending)(kunciState=approved)"
		    "(kunciState=in)(kunciState=out)))");
	la.c = c;
	la.overdue = overdue;
	la.waiting = waiting;
	if ((la.t = render_table_new(cols, 9)) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	if ((st = visit_list(admin_wf(), f, LIST_MAX, list_one, &la)) !=
	    EX_OK) {
		render_table_free(la.t);
		return c->err.len ? st : admin_wf_err(c, st);
	}
	return emit(c, la.t);
}

static int
cmd_request(struct admin_call *c, int argc, char **argv)
{
	const char *res = NULL, *guest = NULL, *org = NULL, *doc = NULL,
	    *purpose = NULL, *dur = NULL, *arrived = NULL, *note = NULL;
	struct admin_opt opts[] = {
		{ "resource", &res, NULL }, { "guest", &guest, NULL },
		{ "org", &org, NULL }, { "id-doc", &doc, NULL },
		{ "purpose", &purpose, NULL }, { "duration", &dur, NULL },
		{ "arrived", &arrived, NULL }, { "note", &note, NULL },
		{ NULL, NULL, NULL }
	};
	char *pos[1], id[WF_ID_MAX + 1];
	int npos, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &npos)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	st = visit_submit(admin_wf(), &c->a, res, guest, org, doc, purpose,
	    dur, arrived, note, id);
	if (st != EX_OK && id[0] == '\0')
		return admin_wf_err(c, st);
	if (c->json) {
		json_t *j = json_object();

		json_object_set_new(j, "id", out_jstr(id));
		out_json(&c->out, j);
	} else
		sb_printf(&c->out, "%s\n", id);
	return st == EX_OK ? EX_OK : admin_wf_err(c, st);
}

static int
simple(struct admin_call *c, int argc, char **argv, const char *what)
{
	const char *note = NULL, *reason = NULL, *step = NULL, *escort = NULL,
	    *equipment = NULL, *purpose = NULL, *left = NULL;
	int locked = 0, held = 0, returned = 0, npos, st;
	struct admin_opt opts[] = {
		{ "note", &note, NULL }, { "reason", &reason, NULL },
		{ "step", &step, NULL }, { "escort", &escort, NULL },
		{ "locked", NULL, &locked }, { "id-held", NULL, &held },
		{ "equipment", &equipment, NULL },
		{ "id-returned", NULL, &returned }, { "left", &left, NULL },
		{ "purpose", &purpose, NULL }, { NULL, NULL, NULL }
	};
	char *pos[1];
	struct wf *w = admin_wf();

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &npos)) != EX_OK)
		return st;
	if (npos != 1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl visit %s ID"),
		    what);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((escort != NULL && strcmp(what, "escort") != 0) ||
	    ((locked || left != NULL) && strcmp(what, "checkout") != 0) ||
	    ((held || equipment != NULL) && strcmp(what, "checkin") != 0) ||
	    (returned && strcmp(what, "checkout") != 0) ||
	    (purpose != NULL && strcmp(what, "approve") != 0) ||
	    (reason != NULL && strcmp(what, "reject") != 0) ||
	    (step != NULL && strcmp(what, "approve") != 0 &&
	    strcmp(what, "reject") != 0))
		return admin_err(c, EX_USAGE, _("an option that visit %s does "
		    "not take"), what);
	if (strcmp(what, "approve") == 0)
		st = visit_act(w, &c->a, pos[0], "approve", step, note,
		    purpose);
	else if (strcmp(what, "reject") == 0)
		st = visit_act(w, &c->a, pos[0], "reject", step, reason, NULL);
	else if (strcmp(what, "escort") == 0)
		st = visit_escort(w, &c->a, pos[0], escort);
	else if (strcmp(what, "checkin") == 0)
		st = visit_checkin(w, &c->a, pos[0], held, equipment);
	else if (strcmp(what, "checkout") == 0)
		st = visit_checkout(w, &c->a, pos[0], locked, note, 0, left,
		    returned);
	else
		st = visit_checkout(w, &c->a, pos[0], 1, note, 1, NULL, 0);
	if (st != EX_OK)
		return admin_wf_err(c, st);
	return EX_OK;
}

static int
cmd_approve(struct admin_call *c, int argc, char **argv)
{
	return simple(c, argc, argv, "approve");
}

static int
cmd_reject(struct admin_call *c, int argc, char **argv)
{
	return simple(c, argc, argv, "reject");
}

static int
cmd_escort(struct admin_call *c, int argc, char **argv)
{
	return simple(c, argc, argv, "escort");
}

static int
cmd_checkin(struct admin_call *c, int argc, char **argv)
{
	return simple(c, argc, argv, "checkin");
}

static int
cmd_checkout(struct admin_call *c, int argc, char **argv)
{
	return simple(c, argc, argv, "checkout");
}

static int
cmd_lock(struct admin_call *c, int argc, char **argv)
{
	return simple(c, argc, argv, "lock");
}

void
visit_dur_text(char *buf, size_t sz, int64_t s)
{
	if (s < 0)
		s = 0;
	snprintf(buf, sz, "%lld:%02lld", (long long)(s / 60),
	    (long long)(s % 60));
}

static int
cmd_show(struct admin_call *c, int argc, char **argv)
{
	struct wf *w = admin_wf();
	struct visit *v;
	struct wf_event *ev = NULL;
	char *pos[1], t1[32], t2[32], buf[64], note[2 * WF_NOTE_MAX + 2];
	int npos, st;
	size_t n = 0, i;
	struct admin_opt opts[] = { { NULL, NULL, NULL } };

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &npos)) != EX_OK)
		return st;
	if (npos != 1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl visit show "
		    "ID"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((v = malloc(sizeof(*v))) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	if ((st = visit_load(w, pos[0], v)) != EX_OK) {
		free(v);
		return admin_wf_err(c, st);
	}
	if (!admin_sees_all(c) && strcmp(v->requester, c->a.p.uid) != 0 &&
	    strcmp(v->escort, c->a.p.uid) != 0) {
		free(v);
		return admin_err(c, EX_NOPERM, _("refused: not your visit"));
	}
	if ((st = visit_events(w, v, &ev, &n)) != EX_OK) {
		free(v);
		return admin_wf_err(c, st);
	}
	if (c->json) {
		json_t *j = json_object(), *je = json_array();

		json_object_set_new(j, "id", out_jstr(v->id));
		json_object_set_new(j, "state", out_jstr(v->state));
		json_object_set_new(j, "workflow", out_jstr(v->snap.workflow));
		json_object_set_new(j, "resource", out_jstr(v->resource));
		json_object_set_new(j, "guest", out_jstr(v->guest));
		json_object_set_new(j, "org", out_jstr(v->org));
		json_object_set_new(j, "id_doc", out_jstr(v->iddoc));
		json_object_set_new(j, "purpose", out_jstr(v->purpose));
		json_object_set_new(j, "requester", out_jstr(v->requester));
		json_object_set_new(j, "escort", out_jstr(v->escort));
		json_object_set_new(j, "step", out_jstr((size_t)v->step <
		    v->snap.nsteps ? v->snap.steps[v->step].name : ""));
		json_object_set_new(j, "step_label", (size_t)v->step <
		    v->snap.nsteps ? out_jstr(c->en ?
		    v->snap.steps[v->step].label_en :
		    v->snap.steps[v->step].label_id) : json_null());
		json_object_set_new(j, "state_label", out_jstr(vstate_label(c,
		    v->state)));
		json_object_set_new(j, "purpose_label", out_jstr(purpose_label(
		    c, v->purpose)));
		json_object_set_new(j, "created", admin_jtime(v->created));
		json_object_set_new(j, "checkin", admin_jtime(v->checkin));
		json_object_set_new(j, "checkout", admin_jtime(v->checkout));
		json_object_set_new(j, "room_locked", v->locked < 0 ?
		    json_null() : json_boolean(v->locked));
		json_object_set_new(j, "expected_seconds",
		    json_integer(v->expected));
		{
			struct visit_guest g;

			/* the checkout of a guest whose identity document
			 * was held needs --id-returned (visit_guest.c) */
			visit_guest_read(ev, n, &g);
			json_object_set_new(j, "id_held", json_boolean(g.held));
			json_object_set_new(j, "id_returned",
			    json_boolean(g.returned));
			json_object_set_new(j, "equipment", g.equipment[0] ?
			    out_jstr(g.equipment) : json_null());
		}
		for (i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "event", out_jstr(ev[i].rdn));
			json_object_set_new(o, "step",
			    out_jstr(ev[i].stepname));
			json_object_set_new(o, "actor", out_jstr(ev[i].actor));
			json_object_set_new(o, "decision",
			    out_jstr(ev[i].decision));
			json_object_set_new(o, "time",
			    admin_jtime(ev[i].time));
			json_object_set_new(o, "note", out_jstr(ev[i].note));
			json_object_set_new(o, "acting", ev[i].acting_for[0] ?
			    json_pack("{s:s,s:s,s:s}", "kind",
			    ev[i].acting_kind, "for", ev[i].acting_for,
			    "delegation", ev[i].acting_id) : json_null());
			json_array_append_new(je, o);
		}
		json_object_set_new(j, "events", je);
		json_object_set_new(j, "actions", visit_actions(w, &c->a,
		    v->id));
		out_json(&c->out, j);
	} else {
		out_kv(&c->out, 16, ADMIN_T(c, "Visit", "Kunjungan"), v->id);
		out_kv(&c->out, 16, ADMIN_T(c, "State", "Status"),
		    vstate_label(c, v->state));
		out_kv(&c->out, 16, ADMIN_T(c, "Procedure", "Prosedur"),
		    c->en ? v->snap.label_en : v->snap.label_id);
		out_kv(&c->out, 16, ADMIN_T(c, "Resource", "Sumber daya"),
		    v->resource);
		out_kv(&c->out, 16, ADMIN_T(c, "Guest", "Tamu"), v->guest);
		out_kv(&c->out, 16, ADMIN_T(c, "Organisation", "Instansi"),
		    v->org);
		out_kv(&c->out, 16, ADMIN_T(c, "Identity doc.", "Kartu "
		    "identitas"), v->iddoc);
		out_kv(&c->out, 16, ADMIN_T(c, "Purpose", "Keperluan"),
		    purpose_label(c, v->purpose));
		out_kv(&c->out, 16, ADMIN_T(c, "Requester", "Pemohon"),
		    v->requester);
		out_kv(&c->out, 16, ADMIN_T(c, "Escort", "Pendamping"),
		    v->escort);
		visit_dur_text(buf, sizeof(buf), v->expected);
		out_kv(&c->out, 16, ADMIN_T(c, "Expected (min)",
		    "Perkiraan (mnt)"), buf);
		admin_fmt_time(t1, sizeof(t1), v->checkin);
		admin_fmt_time(t2, sizeof(t2), v->checkout);
		out_kv(&c->out, 16, ADMIN_T(c, "In", "Masuk"), t1);
		out_kv(&c->out, 16, ADMIN_T(c, "Out", "Keluar"), t2);
		out_kv(&c->out, 16, ADMIN_T(c, "Room locked", "Ruang terkunci"),
		    v->locked < 0 ? "" : v->locked ? ADMIN_T(c, "yes", "ya") :
		    ADMIN_T(c, "NO", "TIDAK"));
		out_kv(&c->out, 16, ADMIN_T(c, "Step", "Langkah"),
		    (size_t)v->step < v->snap.nsteps ?
		    (c->en ? v->snap.steps[v->step].label_en :
		    v->snap.steps[v->step].label_id) : "");
		sb_puts(&c->out, "\n");
		for (i = 0; i < n; i++) {
			admin_fmt_time(t1, sizeof(t1), ev[i].time);
			visit_note_text(c->en, ev[i].note, note, sizeof(note));
			sb_printf(&c->out, "  %s  %-14s %-10s %-18s %s\n", t1,
			    ev[i].rdn, ev[i].actor, ev[i].stepname, note);
		}
	}
	free(ev);
	free(v);
	return EX_OK;
}

const struct admin_cmd visit_cmds[] = {
	{ "visit", "request", cmd_request, "--resource R --guest NAME --org "
	    "ORG --id-doc DOC --purpose network|servers --duration 2h "
	    "[--arrived T] [--note TEXT]" },
	{ "visit", "approve", cmd_approve, "ID [--step NAME] [--note TEXT] "
	    "[--purpose network|servers]" },
	{ "visit", "reject", cmd_reject, "ID --reason TEXT [--step NAME]" },
	{ "visit", "escort", cmd_escort, "ID --escort USER" },
	{ "visit", "checkin", cmd_checkin, "ID [--id-held] [--equipment TEXT]" },
	{ "visit", "checkout", cmd_checkout, "ID [--locked] [--left T] "
	    "[--id-returned] [--note TEXT]" },
	{ "visit", "lock", cmd_lock, "ID [--note TEXT]" },
	{ "visit", "list", cmd_list, "[--all|--day D|--month M] [--overdue] [--waiting]" },
	{ "visit", "show", cmd_show, "ID" },
	{ NULL, NULL, NULL, NULL }
};
