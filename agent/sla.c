/*
 * sla.c: the service-standard reports' shared measure and layout (sla.h),
 * and `kuncictl request report --month YYYY-MM`: the month's requests,
 * per procedure, each step's measured time against its standard and the
 * total against the SOP's (doc/workflow.md, "Service-standard report").
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
#include "calendar.h"
#include "cfg.h"
#include "cmdtab.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "out.h"
#include "render.h"
#include "reqtime.h"
#include "sla.h"
#include "strbuf.h"
#include "util.h"
#include "visit.h"
#include "wf.h"

#define LIST_MAX	5000

int
sla_init(struct sla_report *r, const struct kunci_cfg *cfg, const char *idkey)
{
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->idkey = idkey;
	r->exceeded = json_array();
	return r->exceeded == NULL ? -1 : 0;
}

void
sla_free(struct sla_report *r)
{
	json_decref(r->exceeded);
	r->exceeded = NULL;
}

/* The procedure of snapshot s, its steps in the workflow's order. */
static struct sla_proc *
proc_for(struct sla_report *r, const struct wf_snap *s)
{
	const struct cfg_sop_total *tot;
	struct sla_proc *p;
	size_t i;
	int64_t days = 0, secs = 0;
	int nbd = 0, ntimed = 0;

	for (i = 0; i < r->np; i++)
		if (strcmp(r->p[i].workflow, s->workflow) == 0)
			return &r->p[i];
	if (r->np == SLA_PROCS_MAX)
		return NULL;
	p = &r->p[r->np++];
	memset(p, 0, sizeof(*p));
	u_strlcpy(p->workflow, s->workflow, sizeof(p->workflow));
	u_strlcpy(p->label_id, s->label_id, sizeof(p->label_id));
	u_strlcpy(p->label_en, s->label_en, sizeof(p->label_en));
	for (i = 0; i < s->nsteps && i < WF_MAX_STEPS; i++) {
		u_strlcpy(p->st[i].name, s->steps[i].name,
		    sizeof(p->st[i].name));
		p->st[i].sla = s->steps[i].sla;
		p->st[i].bd = s->steps[i].bd;
		if (s->steps[i].sla > 0) {
			ntimed++;
			if (s->steps[i].bd) {
				nbd++;
				days += s->steps[i].sla;
			} else
				secs += s->steps[i].sla;
		}
	}
	p->nst = i;
	if ((tot = cfg_sop_total(r->cfg, s->workflow)) != NULL) {
		p->stated = 1;
		p->standard = tot->secs;
		p->standard_bd = tot->bd;
	} else if (ntimed > 0 && nbd == ntimed) {
		p->standard = days;
		p->standard_bd = 1;
	} else
		p->standard = secs + days;	/* mixed: wall-clock days */
	return p;
}

/*
 * The row of step st in procedure p, by name: an item submitted before the
 * workflow's configuration changed keeps its own snapshot, whose steps may
 * differ from the first item's.  A step p does not have yet is added
 * after its rows; NULL when p is full.
 */
static struct sla_step *
step_for(struct sla_proc *p, const struct wf_step *st)
{
	size_t i;

	for (i = 0; i < p->nst; i++)
		if (!p->st[i].own && strcmp(p->st[i].name, st->name) == 0)
			return &p->st[i];
	if (p->nst == WF_MAX_STEPS)
		return NULL;
	memset(&p->st[p->nst], 0, sizeof(p->st[0]));
	u_strlcpy(p->st[p->nst].name, st->name, sizeof(p->st[0].name));
	p->st[p->nst].sla = st->sla;
	p->st[p->nst].bd = st->bd;
	return &p->st[p->nst++];
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

/* Over a standard: longer than it, or (business days) after its deadline. */
static int
over(const struct kunci_cfg *cfg, time_t from, time_t to, int64_t took,
    int64_t sla, int bd)
{
	if (sla <= 0)
		return 0;
	if (bd)
		return to > cal_deadline(cfg, from, sla, 1);
	return took > sla;
}

int64_t
sla_item(struct sla_report *r, const char *id, const struct wf_snap *s,
    time_t created, const time_t *end, time_t x, time_t y)
{
	struct sla_proc *p;
	struct sla_step *ss;
	time_t prev = created;
	int64_t d, total = 0;
	size_t k;

	if ((p = proc_for(r, s)) == NULL)
		return -1;
	p->items++;
	for (k = 0; k < s->nsteps && k < WF_MAX_STEPS && end[k] != 0; k++) {
		if ((ss = step_for(p, &s->steps[k])) == NULL)
			continue;
		d = outside(prev, end[k], x, y != 0 ? y : end[k]);
		total += d;
		ss->count++;
		ss->sum += d;
		if (d > ss->max)
			ss->max = d;
		if (over(r->cfg, prev, end[k], d, ss->sla, ss->bd)) {
			ss->exceeded++;
			json_array_append_new(r->exceeded,
			    json_pack("{s:s,s:s,s:s,s:I,s:I,s:b}", r->idkey, id,
			    "workflow", p->workflow, "step", ss->name,
			    "seconds", (json_int_t)d, "standard_seconds",
			    (json_int_t)ss->sla, "standard_bd", ss->bd));
		}
		prev = end[k];
	}
	if (s->nsteps > 0 && k == s->nsteps) {
		p->complete++;
		p->total_sum += total;
		if (total > p->total_max)
			p->total_max = total;
		if (over(r->cfg, created, prev, total, p->standard,
		    p->standard_bd))
			p->over_total++;
	}
	return total;
}

int
sla_submission(struct sla_report *r, const char *id, const struct wf_snap *s,
    time_t started, time_t created, int64_t sla, int bd)
{
	struct sla_proc *p;
	struct sla_step *ss;
	int64_t d;

	if (started == 0 || started > created)
		return 0;
	if ((p = proc_for(r, s)) == NULL)
		return -1;
	if (p->nst == 0 || !p->st[0].own) {
		if (p->nst == sizeof(p->st) / sizeof(p->st[0]))
			return -1;
		memmove(&p->st[1], &p->st[0], p->nst * sizeof(p->st[0]));
		p->nst++;
		memset(&p->st[0], 0, sizeof(p->st[0]));
		u_strlcpy(p->st[0].name, SLA_SUBMISSION, sizeof(p->st[0].name));
		p->st[0].own = 1;
		p->st[0].sla = sla;
		p->st[0].bd = bd;
	}
	ss = &p->st[0];
	d = (int64_t)(created - started);
	ss->count++;
	ss->sum += d;
	if (d > ss->max)
		ss->max = d;
	if (over(r->cfg, started, created, d, ss->sla, ss->bd)) {
		ss->exceeded++;
		json_array_append_new(r->exceeded,
		    json_pack("{s:s,s:s,s:s,s:I,s:I,s:b}", r->idkey, id,
		    "workflow", p->workflow, "step", ss->name,
		    "seconds", (json_int_t)d, "standard_seconds",
		    (json_int_t)ss->sla, "standard_bd", ss->bd));
	}
	return 0;
}

json_t *
sla_json_steps(const struct sla_report *r)
{
	const struct sla_step *ss;
	json_t *a = json_array();
	size_t i, k;

	for (i = 0; i < r->np; i++)
		for (k = 0; k < r->p[i].nst; k++) {
			ss = &r->p[i].st[k];
			json_array_append_new(a, json_pack(
			    "{s:s,s:s,s:I,s:b,s:i,s:I,s:I,s:i}",
			    "workflow", r->p[i].workflow, "step", ss->name,
			    "standard_seconds", (json_int_t)ss->sla,
			    "standard_bd", ss->bd, "count", ss->count,
			    "average_seconds", (json_int_t)(ss->count ?
			    ss->sum / ss->count : 0),
			    "max_seconds", (json_int_t)ss->max,
			    "exceeded", ss->exceeded));
		}
	return a;
}

json_t *
sla_json_procedures(const struct sla_report *r)
{
	const struct sla_proc *p;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->np; i++) {
		p = &r->p[i];
		json_array_append_new(a, json_pack(
		    "{s:s,s:s,s:s,s:i,s:i,s:I,s:b,s:s,s:I,s:I,s:i}",
		    "workflow", p->workflow, "label_id", p->label_id,
		    "label_en", p->label_en, "items", p->items,
		    "complete", p->complete,
		    "total_standard_seconds", (json_int_t)p->standard,
		    "total_standard_bd", p->standard_bd,
		    "total_basis", p->stated ? "stated" : "summed",
		    "total_average_seconds", (json_int_t)(p->complete ?
		    p->total_sum / p->complete : 0),
		    "total_max_seconds", (json_int_t)p->total_max,
		    "over_total_standard", p->over_total));
	}
	return a;
}

void
sla_dur(const struct admin_call *c, char *buf, size_t sz, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 3600)
		snprintf(buf, sz, "%lld:%02lld", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < U_DAY)
		snprintf(buf, sz, "%lld:%02lld:%02lld", (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(buf, sz, "%lld %s %lld:%02lld:%02lld",
		    (long long)(s / U_DAY), ADMIN_T(c, "d", "hari"),
		    (long long)(s % U_DAY / 3600), (long long)(s / 60 % 60),
		    (long long)(s % 60));
}

/* A standard for people: "1bd" ("1 hari kerja"), or a duration. */
static void
std_text(const struct admin_call *c, char *buf, size_t sz, int64_t sla,
    int bd)
{
	if (sla <= 0)
		u_strlcpy(buf, "", sz);
	else if (bd)
		snprintf(buf, sz, "%lld %s", (long long)(sla / U_DAY),
		    ADMIN_T(c, "bd", "hari kerja"));
	else
		sla_dur(c, buf, sz, sla);
}

struct render_table *
sla_table(const struct admin_call *c, const struct sla_report *r)
{
	struct render_column cols[] = {
		{ "workflow", ADMIN_T(c, "Procedure", "Prosedur") },
		{ "step", ADMIN_T(c, "Step", "Langkah") },
		{ "standard", ADMIN_T(c, "Standard", "Mutu baku") },
		{ "count", ADMIN_T(c, "Count", "Jumlah") },
		{ "average", ADMIN_T(c, "Average", "Rata-rata") },
		{ "max", ADMIN_T(c, "Longest", "Terlama") },
		{ "exceeded", ADMIN_T(c, "Exceeded", "Melebihi") },
		{ "basis", ADMIN_T(c, "Standard from", "Asal mutu baku") },
	};
	const struct sla_proc *p;
	const struct sla_step *ss;
	struct render_table *t;
	const char *cells[8];
	char s1[48], s2[48], s3[48], s4[16], s5[16], tot[96];
	size_t i, k;

	if ((t = render_table_new(cols, 8)) == NULL)
		return NULL;
	for (i = 0; i < r->np; i++) {
		p = &r->p[i];
		for (k = 0; k < p->nst; k++) {
			ss = &p->st[k];
			std_text(c, s1, sizeof(s1), ss->sla, ss->bd);
			sla_dur(c, s2, sizeof(s2), ss->count ? ss->sum /
			    ss->count : 0);
			sla_dur(c, s3, sizeof(s3), ss->max);
			snprintf(s4, sizeof(s4), "%d", ss->count);
			snprintf(s5, sizeof(s5), "%d", ss->exceeded);
			cells[0] = p->workflow;
			cells[1] = ss->name;
			cells[2] = s1;
			cells[3] = s4;
			cells[4] = ss->count ? s2 : "";
			cells[5] = ss->count ? s3 : "";
			cells[6] = s5;
			cells[7] = "";
			if (render_table_add_row(t, cells, 8) == -1)
				goto fail;
		}
		std_text(c, s1, sizeof(s1), p->standard, p->standard_bd);
		sla_dur(c, s2, sizeof(s2), p->complete ? p->total_sum /
		    p->complete : 0);
		sla_dur(c, s3, sizeof(s3), p->total_max);
		snprintf(s4, sizeof(s4), "%d", p->complete);
		snprintf(s5, sizeof(s5), "%d", p->over_total);
		snprintf(tot, sizeof(tot), "%s", ADMIN_T(c, "TOTAL", "TOTAL"));
		cells[0] = p->workflow;
		cells[1] = tot;
		cells[2] = s1;
		cells[3] = s4;
		cells[4] = p->complete ? s2 : "";
		cells[5] = p->complete ? s3 : "";
		cells[6] = s5;
		cells[7] = p->stated ? ADMIN_T(c, "stated", "dinyatakan SOP") :
		    ADMIN_T(c, "summed", "jumlah langkah");
		if (render_table_add_row(t, cells, 8) == -1)
			goto fail;
	}
	return t;
fail:
	render_table_free(t);
	return NULL;
}

int
sla_render(struct admin_call *c, const struct render_table *t,
    const char *format, const char *title)
{
	struct render_header h;
	char printed[32];

	if (format != NULL && strcmp(format, "csv") == 0)
		return render_csv(t, &c->out);
	if (format != NULL && strcmp(format, "html") == 0) {
		memset(&h, 0, sizeof(h));
		admin_fmt_time(printed, sizeof(printed), time(NULL));
		h.office = c->ctx->cfg->office.name[0] ?
		    c->ctx->cfg->office.name : NULL;
		h.title = title;
		h.printed = printed;
		h.lang = c->en ? "en" : "id";
		return render_html(t, &h, &c->out);
	}
	return render_text(t, &c->out);
}

/* ------------------------------------------------------ request report */

struct rctx {
	struct admin_call	*c;
	struct sla_report	*r;
	int			 requests, done, rejected, open;
	int			 st;
};

static int
report_one(struct wf_request *q, void *arg)
{
	struct rctx *x = arg;
	const struct cfg_workflow *wfc;
	struct wf_event *ev = NULL;
	time_t end[WF_MAX_STEPS], started;
	size_t n = 0, i;
	int st;

	x->requests++;
	if ((size_t)q->step >= q->snap.nsteps)
		x->done++;
	else if (strcmp(q->state, "pending") == 0 ||
	    strcmp(q->state, "active") == 0)
		x->open++;
	else
		x->rejected++;
	if ((st = wf_events(admin_wf(), q, &ev, &n)) != EX_OK) {
		x->st = st;
		return st;
	}
	memset(end, 0, sizeof(end));
	for (i = 0; i < n; i++) {
		if (strncmp(ev[i].rdn, "step-", 5) != 0 || ev[i].step < 0 ||
		    (size_t)ev[i].step >= q->snap.nsteps)
			continue;
		if (ev[i].time > end[ev[i].step])
			end[ev[i].step] = ev[i].time;
	}
	started = reqtime_started(ev, n);
	free(ev);
	wfc = cfg_workflow(x->r->cfg, q->snap.workflow);
	if (sla_item(x->r, q->id, &q->snap, q->created, end, 0, 0) < 0 ||
	    sla_submission(x->r, q->id, &q->snap, started, q->created,
	    wfc != NULL ? wfc->submit_sla : 0, wfc != NULL ?
	    wfc->submit_sla_bd : 0) == -1) {
		x->st = EX_SOFTWARE;
		return EX_SOFTWARE;
	}
	return EX_OK;
}

static int
cmd_request_report(struct admin_call *c, int argc, char **argv)
{
	const char *month = NULL, *format = NULL;
	struct admin_opt opts[] = {
		{ "month", &month, NULL }, { "format", &format, NULL },
		{ NULL, NULL, NULL }
	};
	struct render_table *t = NULL;
	struct sla_report *r;
	struct rctx x;
	char *pos[1], f[256], a[32], b[32], title[128], s1[48], s2[48];
	time_t s, e;
	size_t i;
	int npos, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &npos)) != EX_OK)
		return st;
	if (month == NULL || visit_month(month, &s, &e) == -1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl request "
		    "report --month YYYY-MM [--format text|csv|json|html]"));
	if (format != NULL && strcmp(format, "text") != 0 &&
	    strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0)
		return admin_err(c, EX_USAGE, _("--format: text, csv, json or "
		    "html, not %.20s"), format);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: the request report "
		    "is for role holders"));
	if ((r = malloc(sizeof(*r))) == NULL ||
	    sla_init(r, c->ctx->cfg, "request") == -1) {
		free(r);
		return admin_err(c, EX_OSERR, _("out of memory"));
	}
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.r = r;
	dir_gentime(a, sizeof(a), s);
	dir_gentime(b, sizeof(b), e);
	snprintf(f, sizeof(f), "(&(objectClass=kunciRequest)"
	    "(kunciCreated>=%s)(!(kunciCreated>=%s)))", a, b);
	st = wf_list(admin_wf(), f, LIST_MAX, report_one, &x);
	if (st == EX_OK && x.st != EX_OK)
		st = x.st;
	if (st != EX_OK) {
		st = st == EX_SOFTWARE ? admin_err(c, st, _("too many "
		    "procedures in one month")) : admin_wf_err(c, st);
		goto out;
	}
	if (c->json || (format != NULL && strcmp(format, "json") == 0)) {
		json_t *j = json_object();

		json_object_set_new(j, "month", out_jstr(month));
		json_object_set_new(j, "requests", json_integer(x.requests));
		json_object_set_new(j, "done", json_integer(x.done));
		json_object_set_new(j, "rejected", json_integer(x.rejected));
		json_object_set_new(j, "open", json_integer(x.open));
		json_object_set_new(j, "procedures", sla_json_procedures(r));
		json_object_set_new(j, "steps", sla_json_steps(r));
		json_object_set(j, "exceeded", r->exceeded);
		out_json(&c->out, j);
		st = EX_OK;
		goto out;
	}
	if ((t = sla_table(c, r)) == NULL) {
		st = admin_err(c, EX_OSERR, _("out of memory"));
		goto out;
	}
	snprintf(title, sizeof(title), "%s %s", ADMIN_T(c,
	    "Service standards of requests,", "Mutu baku layanan permohonan,"),
	    month);
	if (format == NULL || strcmp(format, "text") == 0) {
		sb_printf(&c->out, "%s\n", title);
		sb_printf(&c->out, "%s: %d  %s: %d  %s: %d  %s: %d\n\n",
		    ADMIN_T(c, "requests", "permohonan"), x.requests,
		    ADMIN_T(c, "done", "selesai"), x.done,
		    ADMIN_T(c, "rejected or ended", "ditolak/berakhir"),
		    x.rejected, ADMIN_T(c, "open", "berjalan"), x.open);
	}
	if (sla_render(c, t, format, title) != 0) {
		st = admin_err(c, EX_SOFTWARE, _("the report is too large"));
		goto out;
	}
	if (format == NULL || strcmp(format, "text") == 0)
		for (i = 0; i < json_array_size(r->exceeded); i++) {
			json_t *o = json_array_get(r->exceeded, i);

			sla_dur(c, s1, sizeof(s1), json_integer_value(
			    json_object_get(o, "seconds")));
			if (json_is_true(json_object_get(o, "standard_bd")))
				snprintf(s2, sizeof(s2), "%lld %s",
				    (long long)(json_integer_value(
				    json_object_get(o, "standard_seconds")) /
				    U_DAY), ADMIN_T(c, "bd", "hari kerja"));
			else
				sla_dur(c, s2, sizeof(s2), json_integer_value(
				    json_object_get(o, "standard_seconds")));
			sb_printf(&c->out, "%s %s %s %s > %s\n", i == 0 ?
			    ADMIN_T(c, "\nexceeded:", "\nmelebihi:") :
			    "         ", json_string_value(json_object_get(o,
			    "request")), json_string_value(json_object_get(o,
			    "step")), s1, s2);
		}
	st = EX_OK;
out:
	render_table_free(t);
	sla_free(r);
	free(r);
	return st;
}

const struct admin_cmd sla_cmds[] = {
	{ "request", "report", cmd_request_report, "--month YYYY-MM "
	    "[--format text|csv|json|html]" },
	{ NULL, NULL, NULL, NULL }
};
