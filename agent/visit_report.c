/*
 * visit_report.c: kuncictl visit report --month: the month's visits
 * against their service standards, per procedure (doc/visits.md,
 * "Service standards"); the measure and the layout are sla.c's, shared
 * with the request report.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <jansson.h>

#include "admin.h"
#include "cmdtab.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "out.h"
#include "render.h"
#include "sla.h"
#include "strbuf.h"
#include "util.h"
#include "visit.h"
#include "wf.h"

#define LIST_MAX	2000

/* ------------------------------------------------------------- report */

struct report {
	struct admin_call	*c;
	struct sla_report	 sla;	/* the steps, per procedure (sla.h) */
	int			 visits, done, rejected, open, checked_out;
	int			 not_locked, overdue;
	int64_t			 service, activity;
	json_t			*flags;
	int			 st;
};

/*
 * Step i's time: from the end of step i-1 (the visit's creation for the
 * first) to the last act on step i, without the time the guest spent
 * inside (check-in to check-out), which is the visit, not a step.
 */
static int
report_one(struct visit *v, void *arg)
{
	struct report *r = arg;
	struct wf_event *ev = NULL;
	time_t end[WF_MAX_STEPS];
	int64_t total;
	size_t n = 0, i;

	r->visits++;
	if (strcmp(v->state, "done") == 0)
		r->done++;
	else if (strcmp(v->state, "rejected") == 0 ||
	    strcmp(v->state, "cancelled") == 0)
		r->rejected++;
	else
		r->open++;
	if (v->checkout != 0) {
		r->checked_out++;
		if (v->checkin != 0 && v->checkout > v->checkin)
			r->activity += (int64_t)(v->checkout - v->checkin);
		if (v->locked != 1) {
			r->not_locked++;
			json_array_append_new(r->flags,
			    json_pack("{s:s,s:s}", "visit", v->id, "flag",
			    "checkout without lock statement"));
		}
	}
	if (visit_events(admin_wf(), v, &ev, &n) != EX_OK)
		return EX_UNAVAILABLE;
	memset(end, 0, sizeof(end));
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].rdn, "overdue") == 0) {
			r->overdue++;
			json_array_append_new(r->flags, json_pack("{s:s,s:s}",
			    "visit", v->id, "flag", "overdue"));
		}
		if (strncmp(ev[i].rdn, "step-", 5) != 0 || ev[i].step < 0 ||
		    (size_t)ev[i].step >= v->snap.nsteps)
			continue;
		if (ev[i].time > end[ev[i].step])
			end[ev[i].step] = ev[i].time;
	}
	free(ev);
	total = sla_item(&r->sla, v->id, &v->snap, v->created, end,
	    v->checkin, v->checkout);
	if (total < 0) {
		r->st = EX_SOFTWARE;
		return EX_SOFTWARE;
	}
	r->service += total;
	return EX_OK;
}

/* A flag's words in the text report (JSON keeps the English value). */
static const char *
flag_label(const struct admin_call *c, const char *flag)
{
	if (flag == NULL)
		return "";
	if (strcmp(flag, "overdue") == 0)
		return ADMIN_T(c, "overdue", "lewat batas waktu");
	if (strcmp(flag, "checkout without lock statement") == 0)
		return ADMIN_T(c, flag, "keluar tanpa pernyataan terkunci");
	return flag;
}

static int
cmd_report(struct admin_call *c, int argc, char **argv)
{
	const char *month = NULL, *format = NULL;
	struct admin_opt opts[] = {
		{ "month", &month, NULL }, { "format", &format, NULL },
		{ NULL, NULL, NULL }
	};
	struct render_table *t = NULL;
	struct report *r;
	char *pos[1], f[256], a[32], b[32], s1[48], s2[48], title[128];
	time_t s, e;
	size_t i;
	int npos, st, over = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &npos)) != EX_OK)
		return st;
	if (month == NULL || visit_month(month, &s, &e) == -1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl visit report "
		    "--month YYYY-MM [--format text|csv|json|html]"));
	if (format != NULL && strcmp(format, "text") != 0 &&
	    strcmp(format, "txt") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
		return admin_err(c, EX_USAGE, _("--format: text, csv, json or "
		    "html, not %.20s"), format);
	if (format != NULL && strcmp(format, "txt") == 0)
		format = "text";
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: the visit report is "
		    "for role holders"));
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    sla_init(&r->sla, c->ctx->cfg, "visit") == -1) {
		free(r);
		return admin_err(c, EX_OSERR, _("out of memory"));
	}
	r->c = c;
	r->flags = json_array();
	dir_gentime(a, sizeof(a), s);
	dir_gentime(b, sizeof(b), e);
	snprintf(f, sizeof(f), "(&(objectClass=kunciVisit)"
	    "(kunciCreated>=%s)(!(kunciCreated>=%s)))", a, b);
	st = visit_list(admin_wf(), f, LIST_MAX, report_one, r);
	if (st == EX_OK && r->st != EX_OK)
		st = r->st;
	if (st != EX_OK) {
		st = st == EX_SOFTWARE ? admin_err(c, st, _("too many "
		    "procedures in one month")) : admin_wf_err(c, st);
		goto out;
	}
	for (i = 0; i < r->sla.np; i++)
		over += r->sla.p[i].over_total;
	if (c->json || (format != NULL && strcmp(format, "json") == 0)) {
		json_t *j = json_object();

		json_object_set_new(j, "month", out_jstr(month));
		json_object_set_new(j, "visits", json_integer(r->visits));
		json_object_set_new(j, "done", json_integer(r->done));
		json_object_set_new(j, "rejected", json_integer(r->rejected));
		json_object_set_new(j, "open", json_integer(r->open));
		json_object_set_new(j, "checked_out",
		    json_integer(r->checked_out));
		json_object_set_new(j, "not_locked",
		    json_integer(r->not_locked));
		json_object_set_new(j, "overdue", json_integer(r->overdue));
		json_object_set_new(j, "over_total_standard",
		    json_integer(over));
		json_object_set_new(j, "service_seconds",
		    json_integer(r->service));
		json_object_set_new(j, "activity_seconds",
		    json_integer(r->activity));
		json_object_set_new(j, "procedures",
		    sla_json_procedures(&r->sla));
		json_object_set_new(j, "steps", sla_json_steps(&r->sla));
		json_object_set(j, "exceeded", r->sla.exceeded);
		json_object_set(j, "flags", r->flags);
		out_json(&c->out, j);
		st = EX_OK;
		goto out;
	}
	if ((t = sla_table(c, &r->sla)) == NULL) {
		st = admin_err(c, EX_OSERR, _("out of memory"));
		goto out;
	}
	snprintf(title, sizeof(title), "%s %s", ADMIN_T(c, "Visits, month",
	    "Kunjungan, bulan"), month);
	if (format != NULL && strcmp(format, "text") != 0) {
		if (sla_render(c, t, format, title) != 0)
			st = admin_err(c, EX_SOFTWARE, _("the report is too "
			    "large"));
		else
			st = EX_OK;
		goto out;
	}
	sla_dur(c, s2, sizeof(s2), r->activity);
	sb_printf(&c->out, "%s\n", title);
	sb_printf(&c->out, "%s: %d  %s: %d  %s: %d  %s: %d\n",
	    ADMIN_T(c, "visits", "kunjungan"), r->visits,
	    ADMIN_T(c, "done", "selesai"), r->done,
	    ADMIN_T(c, "rejected", "ditolak"), r->rejected,
	    ADMIN_T(c, "open", "terbuka"), r->open);
	sb_printf(&c->out, "%s: %s\n",
	    ADMIN_T(c, "time inside", "waktu di dalam"), s2);
	sb_printf(&c->out, "%s: %d  %s: %d\n\n",
	    ADMIN_T(c, "check-out without lock statement",
	    "keluar tanpa pernyataan terkunci"), r->not_locked,
	    ADMIN_T(c, "overdue alerts",
	    "peringatan lewat batas waktu"), r->overdue);
	render_text(t, &c->out);
	for (i = 0; i < json_array_size(r->sla.exceeded); i++) {
		json_t *x = json_array_get(r->sla.exceeded, i);

		sla_dur(c, s1, sizeof(s1), json_integer_value(
		    json_object_get(x, "seconds")));
		sla_dur(c, s2, sizeof(s2), json_integer_value(
		    json_object_get(x, "standard_seconds")));
		sb_printf(&c->out, "%s %s %s %s > %s\n", i == 0 ?
		    ADMIN_T(c, "\nexceeded:", "\nmelebihi:") : "         ",
		    json_string_value(json_object_get(x, "visit")),
		    json_string_value(json_object_get(x, "step")), s1, s2);
	}
	for (i = 0; i < json_array_size(r->flags); i++) {
		json_t *x = json_array_get(r->flags, i);

		sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c, "flag", "tanda"),
		    json_string_value(json_object_get(x, "visit")),
		    flag_label(c, json_string_value(json_object_get(x,
		    "flag"))));
	}
	st = EX_OK;
out:
	render_table_free(t);
	sla_free(&r->sla);
	json_decref(r->flags);
	free(r);
	return st;
}

const struct admin_cmd visit_report_cmds[] = {
	{ "visit", "report", cmd_report, "--month YYYY-MM "
	    "[--format text|csv|json|html]" },
	{ NULL, NULL, NULL, NULL }
};
