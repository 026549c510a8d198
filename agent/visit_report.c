/*
 * visit_report.c: kuncictl visit report --month: the month's visits
 * against their service standards (doc/visits.md, "Service standards").
 * Moved out of visit.c unchanged.
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
#include "out.h"
#include "render.h"
#include "strbuf.h"
#include "util.h"
#include "visit.h"
#include "wf.h"

#define LIST_MAX	2000

/* ------------------------------------------------------------- report */

struct step_stat {
	char	 workflow[64];
	char	 name[64];
	int64_t	 sla;
	int	 count, exceeded;
	int64_t	 sum, max;
};

struct report {
	struct admin_call	*c;
	int			 visits, done, rejected, open, checked_out;
	int			 not_locked, overdue, over_total;
	int64_t			 service, activity;
	struct step_stat	 st[128];
	size_t			 nst;
	json_t			*exceeded;
	json_t			*flags;
	struct strbuf		 ex_text;
};

static struct step_stat *
stat_for(struct report *r, const char *wfname, const struct wf_step *s)
{
	size_t i;

	for (i = 0; i < r->nst; i++)
		if (strcmp(r->st[i].workflow, wfname) == 0 &&
		    strcmp(r->st[i].name, s->name) == 0)
			return &r->st[i];
	if (r->nst == sizeof(r->st) / sizeof(r->st[0]))
		return NULL;
	memset(&r->st[r->nst], 0, sizeof(r->st[0]));
	u_strlcpy(r->st[r->nst].workflow, wfname, sizeof(r->st[0].workflow));
	u_strlcpy(r->st[r->nst].name, s->name, sizeof(r->st[0].name));
	r->st[r->nst].sla = s->bd ? 0 : s->sla;
	return &r->st[r->nst++];
}

/* Seconds of [a, b) outside [x, y). */
static int64_t
outside(time_t a, time_t b, time_t x, time_t y)
{
	time_t lo, hi;
	int64_t d = (int64_t)(b - a);

	if (b <= a)
		return 0;
	if (x != 0 && y > x) {
		lo = a > x ? a : x;
		hi = b < y ? b : y;
		if (hi > lo)
			d -= (int64_t)(hi - lo);
	}
	return d;
}

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
	time_t end[WF_MAX_STEPS], prev;
	int64_t d, total = 0, standard = 0;
	size_t n = 0, i;
	int k, exceeded = 0;

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
	prev = v->created;
	for (k = 0; k < (int)v->snap.nsteps && end[k] != 0; k++) {
		const struct wf_step *s = &v->snap.steps[k];
		struct step_stat *ss = stat_for(r, v->snap.workflow, s);

		d = outside(prev, end[k], v->checkin,
		    v->checkout != 0 ? v->checkout : end[k]);
		prev = end[k];
		total += d;
		if (ss == NULL)
			continue;
		ss->count++;
		ss->sum += d;
		if (d > ss->max)
			ss->max = d;
		if (ss->sla > 0 && d > ss->sla) {
			ss->exceeded++;
			exceeded = 1;
			json_array_append_new(r->exceeded,
			    json_pack("{s:s,s:s,s:I,s:I}", "visit", v->id,
			    "step", s->name, "seconds", (json_int_t)d,
			    "standard_seconds", (json_int_t)ss->sla));
		}
	}
	for (k = 0; k < (int)v->snap.nsteps; k++)
		if (!v->snap.steps[k].bd)
			standard += v->snap.steps[k].sla;
	r->service += total;
	if (end[v->snap.nsteps - 1] != 0 && total > standard)
		r->over_total++;
	(void)exceeded;
	return EX_OK;
}

static int
cmd_report(struct admin_call *c, int argc, char **argv)
{
	const char *month = NULL, *format = NULL;
	struct admin_opt opts[] = {
		{ "month", &month, NULL }, { "format", &format, NULL },
		{ NULL, NULL, NULL }
	};
	struct render_column cols[] = {
		{ "workflow", ADMIN_T(c, "Procedure", "Prosedur") },
		{ "step", ADMIN_T(c, "Step", "Langkah") },
		{ "standard", ADMIN_T(c, "Standard (min:s)",
		    "Mutu baku (mnt:dtk)") },
		{ "count", ADMIN_T(c, "Count", "Jumlah") },
		{ "average", ADMIN_T(c, "Average", "Rata-rata") },
		{ "max", ADMIN_T(c, "Longest", "Terlama") },
		{ "exceeded", ADMIN_T(c, "Exceeded", "Melebihi") },
	};
	struct render_table *t = NULL;
	struct report *r;
	char *pos[1], f[256], a[32], b[32], s1[32], s2[32], s3[32], s4[16],
	    s5[16];
	time_t s, e;
	size_t i;
	int npos, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &npos)) != EX_OK)
		return st;
	if (month == NULL || visit_month(month, &s, &e) == -1)
		return admin_err(c, EX_USAGE, "usage: kuncictl visit report "
		    "--month YYYY-MM [--format text|csv|json]");
	if (format != NULL && strcmp(format, "text") != 0 &&
	    strcmp(format, "txt") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0)
		return admin_err(c, EX_USAGE, "--format: text, csv or json, "
		    "not %.20s", format);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: the visit report is "
		    "for role holders");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return admin_err(c, EX_OSERR, "out of memory");
	r->c = c;
	r->exceeded = json_array();
	r->flags = json_array();
	dir_gentime(a, sizeof(a), s);
	dir_gentime(b, sizeof(b), e);
	snprintf(f, sizeof(f), "(&(objectClass=kunciVisit)"
	    "(kunciCreated>=%s)(!(kunciCreated>=%s)))", a, b);
	if ((st = visit_list(admin_wf(), f, LIST_MAX, report_one, r)) !=
	    EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	if (c->json || (format != NULL && strcmp(format, "json") == 0)) {
		json_t *j = json_object(), *steps = json_array();

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
		    json_integer(r->over_total));
		json_object_set_new(j, "service_seconds",
		    json_integer(r->service));
		json_object_set_new(j, "activity_seconds",
		    json_integer(r->activity));
		for (i = 0; i < r->nst; i++)
			json_array_append_new(steps, json_pack(
			    "{s:s,s:s,s:I,s:i,s:I,s:I,s:i}", "workflow",
			    r->st[i].workflow, "step", r->st[i].name,
			    "standard_seconds", (json_int_t)r->st[i].sla,
			    "count", r->st[i].count, "average_seconds",
			    (json_int_t)(r->st[i].count ? r->st[i].sum /
			    r->st[i].count : 0), "max_seconds",
			    (json_int_t)r->st[i].max, "exceeded",
			    r->st[i].exceeded));
		json_object_set_new(j, "steps", steps);
		json_object_set(j, "exceeded", r->exceeded);
		json_object_set(j, "flags", r->flags);
		out_json(&c->out, j);
		st = EX_OK;
		goto out;
	}
	if ((t = render_table_new(cols, 7)) == NULL) {
		st = admin_err(c, EX_OSERR, "out of memory");
		goto out;
	}
	for (i = 0; i < r->nst; i++) {
		const char *cells[7];

		visit_dur_text(s1, sizeof(s1), r->st[i].sla);
		visit_dur_text(s2, sizeof(s2), r->st[i].count ? r->st[i].sum /
		    r->st[i].count : 0);
		visit_dur_text(s3, sizeof(s3), r->st[i].max);
		snprintf(s4, sizeof(s4), "%d", r->st[i].count);
		snprintf(s5, sizeof(s5), "%d", r->st[i].exceeded);
		cells[0] = r->st[i].workflow;
		cells[1] = r->st[i].name;
		cells[2] = s1;
		cells[3] = s4;
		cells[4] = s2;
		cells[5] = s3;
		cells[6] = s5;
		if (render_table_add_row(t, cells, 7) == -1) {
			st = admin_err(c, EX_OSERR, "out of memory");
			goto out;
		}
	}
	if (format != NULL && strcmp(format, "csv") == 0) {
		render_csv(t, &c->out);
		st = EX_OK;
		goto out;
	}
	visit_dur_text(s1, sizeof(s1), r->service);
	visit_dur_text(s2, sizeof(s2), r->activity);
	sb_printf(&c->out, "%s %s\n", ADMIN_T(c, "Visits, month",
	    "Kunjungan, bulan"), month);
	sb_printf(&c->out, "%s: %d  %s: %d  %s: %d  %s: %d\n",
	    ADMIN_T(c, "visits", "kunjungan"), r->visits,
	    ADMIN_T(c, "done", "selesai"), r->done,
	    ADMIN_T(c, "rejected", "ditolak"), r->rejected,
	    ADMIN_T(c, "open", "terbuka"), r->open);
	sb_printf(&c->out, "%s: %s  %s: %s\n",
	    ADMIN_T(c, "service time (min:s)", "waktu layanan (mnt:dtk)"), s1,
	    ADMIN_T(c, "time inside", "waktu di dalam"), s2);
	sb_printf(&c->out, "%s: %d  %s: %d  %s: %d\n\n",
	    ADMIN_T(c, "over the total standard", "melebihi mutu baku total"),
	    r->over_total,
	    ADMIN_T(c, "check-out without lock statement",
	    "keluar tanpa pernyataan terkunci"), r->not_locked,
	    ADMIN_T(c, "overdue alerts", "peringatan lewat waktu"),
	    r->overdue);
	render_text(t, &c->out);
	for (i = 0; i < json_array_size(r->exceeded); i++) {
		json_t *x = json_array_get(r->exceeded, i);

		visit_dur_text(s1, sizeof(s1), json_integer_value(
		    json_object_get(x, "seconds")));
		visit_dur_text(s2, sizeof(s2), json_integer_value(
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
		    json_string_value(json_object_get(x, "flag")));
	}
	st = EX_OK;
out:
	render_table_free(t);
	json_decref(r->exceeded);
	json_decref(r->flags);
	free(r);
	return st;
}

const struct admin_cmd visit_report_cmds[] = {
	{ "visit", "report", cmd_report, "--month YYYY-MM "
	    "[--format text|csv|json]" },
	{ NULL, NULL, NULL, NULL }
};
