/*
 * admin.c: kuncid's admin socket (kuncictl's commands) and the scheduler
 * tick.  See kuncid.h for the hooks and doc/kuncictl.1 for the commands.
 *
 * Who is calling comes from the kernel only: SO_PEERCRED uid -> login name
 * (getpwuid_r) -> the directory person with that uid -> roles (the
 * configured groups listing the person as a member).  Root, and only root,
 * may act for someone else with --as USER; the audit record then carries
 * both names (actor=USER as=root).  Root without --as is an administrator
 * but no person, so it can read everything and decide nothing.
 *
 * This file runs one request at a time per thread: adminsrv.c reads the
 * frames, limits the connections and hands each request to one of its
 * worker threads, which calls admin_run() on its own engine (admin_wf(),
 * set by admin_thread_engine()).  The scheduler's ticks run elsewhere
 * (scheduler.c): nothing here is shared between threads but the read-only
 * configuration and the command tables registered before the threads
 * start.
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
#include "delegate.h"
#include "dir.h"
#include "gate.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "notify.h"
#include "out.h"
#include "proto.h"
#include "reqtime.h"
#include "strbuf.h"
#include "util.h"
#include "visible.h"
#include "wf.h"
#include "admin.h"

#define LIST_MAX		2000	/* rows a list returns at most */
#define OUT_MAX			(4u * 1024 * 1024)
#define ADMIN_TABLES_MAX	16

/* A reason is one word of a request frame (kuncictl refuses a longer one). */
_Static_assert(CFG_MAX_REASON <= PROTO_ARG_MAX, "requests.max_reason above "
    "what one request word carries");

/* This thread's engine (admin_thread_engine()). */
static _Thread_local struct ldapc	*t_lc;
static _Thread_local struct wf		*t_engine;

/* Written before the threads start (admin_register()), read-only after. */
static const struct admin_cmd		*admin_tables[ADMIN_TABLES_MAX + 1];
static unsigned				 admin_flags[ADMIN_TABLES_MAX + 1];

void
admin_thread_engine(struct wf *w, struct ldapc *lc)
{
	t_engine = w;
	t_lc = lc;
}

struct ldapc *
admin_ldap(void)
{
	if (t_lc == NULL)
		fatalx("admin: no engine on this thread");
	return t_lc;
}

struct wf *
admin_wf(void)
{
	if (t_engine == NULL)
		fatalx("admin: no engine on this thread");
	return t_engine;
}

/* ------------------------------------------------------------ messages */

int
admin_err(struct admin_call *c, int st, const char *fmt, ...)
{
	va_list ap;

	sb_reset(&c->err);
	sb_puts(&c->err, "kuncictl: ");
	va_start(ap, fmt);
	sb_vprintf(&c->err, fmt, ap);
	va_end(ap);
	sb_puts(&c->err, "\n");
	return st;
}

int
admin_wf_err(struct admin_call *c, int st)
{
	/* The directory went away after a write of this command went out:
	 * not "nothing was done" (69) but "may have been done" (74), as
	 * kuncictl says when kuncid itself goes away. */
	if (st == EX_UNAVAILABLE && admin_wf()->wrote)
		return admin_err(c, EX_IOERR, _("%s; the directory went away "
		    "while this was being written, so it may have been "
		    "recorded: check (e.g. kuncictl request show ID) before "
		    "repeating it"), admin_wf()->err);
	return admin_err(c, st, "%s", admin_wf()->err);
}

const char *
admin_tab_label(const struct admin_call *c, const char *const (*tab)[3],
    size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i][0], key) == 0)
			return c->en ? tab[i][1] : tab[i][2];
	return key;
}

const char *
admin_state_label(const struct admin_call *c, const char *s)
{
	static const char *const tab[][3] = {
		{ "pending", "pending", "menunggu" },
		{ "active", "active", "aktif" },
		{ "rejected", "rejected", "ditolak" },
		{ "cancelled", "cancelled", "dibatalkan" },
		{ "expired", "expired", "kedaluwarsa" },
		{ "done", "done", "selesai" },
		{ "suspended", "suspended", "ditangguhkan" },
		{ "revoked", "revoked", "dicabut" },
	};

	return admin_tab_label(c, tab, sizeof(tab) / sizeof(tab[0]), s);
}

const char *
admin_type_label(const struct admin_call *c, const char *type)
{
	static const char *const tab[][3] = {
		{ "card", "card", "kartu akses" },
		{ "account", "account", "akun" },
		{ "panel", "panel", "akun panel kontrol" },
		{ "removal", "removal", "penghapusan akses" },
	};

	return admin_tab_label(c, tab, sizeof(tab) / sizeof(tab[0]), type);
}

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

const char *
admin_role_label(const struct admin_call *c, const char *role)
{
	const struct cfg_role *r = cfg_role(c->ctx->cfg, role);

	if (r != NULL)
		return c->en ? r->label_en : r->label_id;
	if (strcmp(role, CFG_ROLE_SUPERIOR) == 0)
		return ADMIN_T(c, "direct superior", "atasan langsung");
	if (strcmp(role, CFG_ROLE_REQUESTER) == 0)
		return ADMIN_T(c, "requester", "pemohon");
	if (strcmp(role, CFG_ROLE_OWNER) == 0)
		return ADMIN_T(c, "access owner", "penanggung jawab hak akses");
	return role;
}

void
admin_fmt_time(char *buf, size_t sz, time_t t)
{
	struct tm tm;

	buf[0] = '\0';
	if (t == 0 || localtime_r(&t, &tm) == NULL)
		return;
	strftime(buf, sz, "%Y-%m-%d %H:%M", &tm);
}

static void
iso_time(char *buf, size_t sz, time_t t)
{
	struct tm tm;

	buf[0] = '\0';
	if (t == 0 || localtime_r(&t, &tm) == NULL)
		return;
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

json_t *
admin_jtime(time_t t)
{
	char b[40];

	if (t == 0)
		return json_null();
	iso_time(b, sizeof(b), t);
	return out_jstr(b);
}

/* ------------------------------------------------------------ identity */

int
admin_identify(struct admin_call *c)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	const char *who;
	char err[512];
	size_t i;
	int st, idx;

	if (c->identified)
		return EX_OK;
	if (c->as_user != NULL) {
		if (c->peer->uid != 0) {
			log_audit("request.refused", "actor", c->caller, "as",
			    c->as_user, "action", "as", "reason",
			    "--as is for root only", NULL);
			return admin_err(c, EX_NOPERM, _("refused: only root may "
			    "use --as"));
		}
		who = c->as_user;
		u_strlcpy(c->a.as, c->caller, sizeof(c->a.as));
	} else
		who = c->caller;
	st = dir_person_by_uid(admin_ldap(), cfg, who, &c->a.p, err, sizeof(err));
	if (st == EX_OK) {
		c->a.person = 1;
		if ((st = dir_roles(admin_ldap(), cfg, c->a.p.dn, &c->a.roles, err,
		    sizeof(err))) != EX_OK)
			return admin_err(c, st, "%s", err);
	} else if (st == EX_NOUSER && c->as_user == NULL) {
		/* Root (or a local account) without a directory person. */
		memset(&c->a.p, 0, sizeof(c->a.p));
		u_strlcpy(c->a.p.uid, who, sizeof(c->a.p.uid));
	} else
		return admin_err(c, st, "%s", err);
	c->a.admin = c->peer->uid == 0 && c->as_user == NULL;
	for (i = 0; i < cfg->agent.nadmins; i++)
		if ((idx = dir_role_index(cfg, cfg->agent.admins[i])) >= 0 &&
		    ((c->a.roles >> idx) & 1))
			c->a.admin = 1;
	/* Roles held as an acting official (never the admin's). */
	if (c->a.person && (st = dlg_actor(admin_wf(), &c->a,
	    time(NULL))) != EX_OK)
		return admin_wf_err(c, st);
	/* Language: --lang, else the person's, else the configured one. */
	if (c->lang_opt == NULL && c->a.person && c->a.p.lang[0] != '\0')
		c->en = strncasecmp(c->a.p.lang, "en", 2) == 0;
	c->identified = 1;
	return EX_OK;
}

/* Sees every request: an admin or anyone holding a role. */
int
admin_sees_all(const struct admin_call *c)
{
	return c->a.admin || c->a.roles != 0;
}

/* ------------------------------------------------------------- options */



/*
 * Parse argv (argv[0] is the subcommand) with the given options;
 * positionals are collected in pos (at most npos).  EX_USAGE on errors.
 */
int
admin_opts(struct admin_call *c, int argc, char **argv, struct admin_opt *opts,
    char **pos, int maxpos, int *npos)
{
	int i, j, n = 0;
	size_t len;
	const char *eq;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (strcmp(argv[i], "--") == 0) {
				for (i++; i < argc; i++) {
					if (n >= maxpos)
						return admin_err(c, EX_USAGE,
						    _("too many arguments"));
					pos[n++] = argv[i];
				}
				break;
			}
			if (n >= maxpos)
				return admin_err(c, EX_USAGE,
				    _("unexpected argument: %.60s"), argv[i]);
			pos[n++] = argv[i];
			continue;
		}
		eq = strchr(argv[i], '=');
		len = eq != NULL ? (size_t)(eq - argv[i] - 2) :
		    strlen(argv[i] + 2);
		for (j = 0; opts[j].name != NULL; j++)
			if (strlen(opts[j].name) == len &&
			    strncmp(opts[j].name, argv[i] + 2, len) == 0)
				break;
		if (opts[j].name == NULL)
			return admin_err(c, EX_USAGE, _("unknown option: %.60s"),
			    argv[i]);
		if (opts[j].flag != NULL) {
			if (eq != NULL)
				return admin_err(c, EX_USAGE, _("--%s takes no "
				    "value"), opts[j].name);
			*opts[j].flag = 1;
			continue;
		}
		if (*opts[j].val != NULL)
			return admin_err(c, EX_USAGE, _("--%s given twice"),
			    opts[j].name);
		if (eq != NULL)
			*opts[j].val = eq + 1;
		else if (i + 1 < argc)
			*opts[j].val = argv[++i];
		else
			return admin_err(c, EX_USAGE, _("--%s needs a value"),
			    opts[j].name);
	}
	*npos = n;
	return EX_OK;
}

/* --------------------------------------------------------------- status */

static int
cmd_status(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	const struct kunci_cfg *cfg = c->ctx->cfg;
	char *pos[1], since[32], roles[512], last[32], passes[128], audit[64];
	char mail[300];
	unsigned long aq, alost, sched_passes;
	time_t sched_last;
	struct notify_outbox ob;
	const char *uri;
	LDAP *ld;
	size_t i;
	int np, st, up;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	ld = ldapc_get(admin_ldap(), 1);
	up = ld != NULL;
	uri = up ? admin_ldap()->uri : "";
	roles[0] = '\0';
	if (up && admin_identify(c) == EX_OK) {
		for (i = 0; i < cfg->nroles && i < DIR_MAX_ROLES; i++)
			if ((c->a.roles >> i) & 1) {
				if (roles[0] != '\0')
					u_strlcat(roles, ",", sizeof(roles));
				u_strlcat(roles, cfg->roles[i].name,
				    sizeof(roles));
			}
	}
	sb_reset(&c->err);
	admin_fmt_time(since, sizeof(since), c->ctx->started);
	sched_passes = 0;
	sched_last = 0;
	if (c->ctx->sched_stats != NULL)
		c->ctx->sched_stats(&sched_passes, &sched_last);
	admin_fmt_time(last, sizeof(last), sched_last);
	log_audit_stats(&aq, &alost);	/* lost: the log receiver stalled */
	notify_outbox(admin_wf(), &ob);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "waiting", json_integer(ob.waiting));
		json_object_set_new(o, "failed", json_integer(ob.failed));
		json_object_set_new(o, "reason", out_jstr(ob.why));
		json_object_set_new(o, "tried", ob.tried != 0 ?
		    admin_jtime(ob.tried) : json_null());
		json_t *j = json_object();

		json_object_set_new(j, "config", out_jstr(c->ctx->cfgpath));
		json_object_set_new(j, "started", admin_jtime(c->ctx->started));
		json_object_set_new(j, "directory", out_jstr(up ? "up" :
		    "down"));
		json_object_set_new(j, "uri", out_jstr(uri));
		json_object_set_new(j, "error", out_jstr(up ? "" : admin_ldap()->err));
		json_object_set_new(j, "caller", out_jstr(c->caller));
		json_object_set_new(j, "user", out_jstr(c->identified ?
		    c->a.p.uid : ""));
		json_object_set_new(j, "person", json_boolean(c->a.person));
		json_object_set_new(j, "admin", json_boolean(c->a.admin));
		{
			json_t *ra = json_array();
			char *tok, *save = NULL;

			for (tok = strtok_r(roles, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save))
				json_array_append_new(ra, out_jstr(tok));
			json_object_set_new(j, "roles", ra);
		}
		json_object_set_new(j, "scheduler_passes",
		    json_integer((json_int_t)sched_passes));
		json_object_set_new(j, "scheduler_last",
		    admin_jtime(sched_last));
		json_object_set_new(j, "scheduler", out_jstr(
		    c->ctx->cfg->agent.scheduler == CFG_SCHED_LOCAL ?
		    "local" : "all"));
		json_object_set_new(j, "audit_queued", json_integer(aq));
		json_object_set_new(j, "audit_lost", json_integer(alost));
		json_object_set_new(j, "outbox", o);
		json_object_set_new(j, "gate", gate_status_json());
		if (c->ctx->repl_status != NULL)
			c->ctx->repl_status(c, j);
		out_json(&c->out, j);
	} else {
		out_kv(&c->out, 10, ADMIN_T(c, "Config", "Konfigurasi"),
		    c->ctx->cfgpath);
		out_kv(&c->out, 10, ADMIN_T(c, "Started", "Mulai"), since);
		out_kv(&c->out, 10, ADMIN_T(c, "Directory", "Direktori"), up ? uri :
		    admin_ldap()->err);
		if (c->ctx->repl_status != NULL)
			c->ctx->repl_status(c, NULL);
		out_kv(&c->out, 10, ADMIN_T(c, "Caller", "Pemanggil"), c->caller);
		out_kv(&c->out, 10, ADMIN_T(c, "User", "Pengguna"),
		    c->identified ? c->a.p.uid : "");
		out_kv(&c->out, 10, ADMIN_T(c, "Roles", "Peran"), roles);
		out_kv(&c->out, 10, "Admin", c->a.admin ? ADMIN_T(c, "yes", "ya") :
		    ADMIN_T(c, "no", "tidak"));
		snprintf(passes, sizeof(passes), ADMIN_T(c, "%lu passes, "
		    "last %s%s", "%lu putaran, terakhir %s%s"),
		    (unsigned long)sched_passes, sched_last ? last : "-",
		    c->ctx->cfg->agent.scheduler != CFG_SCHED_LOCAL ? "" :
		    ADMIN_T(c, " (local: the outbox and audit checkpoints)",
		    " (lokal: antrean surat dan titik periksa audit)"));
		out_kv(&c->out, 10, ADMIN_T(c, "Scheduler", "Penjadwal"),
		    passes);
		snprintf(audit, sizeof(audit), ADMIN_T(c, "%lu queued, %lu lost",
		    "%lu antre, %lu hilang"), aq, alost);
		out_kv(&c->out, 10, "Audit", audit);
		snprintf(mail, sizeof(mail), "%ld %s%s%s", ob.waiting,
		    ADMIN_T(c, "waiting", "menunggu"), ob.why[0] ? ": " : "",
		    ob.why);
		out_kv(&c->out, 10, ADMIN_T(c, "Outbox", "Antrean"), mail);
		snprintf(mail, sizeof(mail), "%ld %s", ob.failed,
		    ADMIN_T(c, "given up (outbox/failed)",
		    "dibatalkan (outbox/failed)"));
		out_kv(&c->out, 10, ADMIN_T(c, "Failed", "Gagal"), mail);
		gate_status_text(&c->out, 10, c->en);
	}
	return up ? EX_OK : EX_UNAVAILABLE;
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

/* ------------------------------------------------------------- dispatch */

static void	base_first(void);

void
admin_help(struct strbuf *out)
{
	const struct admin_cmd *t;
	size_t i;

	base_first();
	/* English: kuncictl prints these two lines in its language */
	sb_puts(out, N_("usage: kuncictl [-s SOCKET] [--as USER] [--json] "
	    "[--lang id|en] COMMAND\n"));
	for (i = 0; admin_tables[i] != NULL; i++)
		for (t = admin_tables[i]; t->word != NULL; t++)
			sb_printf(out, "  %s%s%s %s\n", t->word,
			    t->sub != NULL ? " " : "", t->sub != NULL ? t->sub :
			    "", t->usage);
	sb_puts(out, N_("DATE: YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time of "
	    "the agent)\n"));
}

static int
cmd_help(struct admin_call *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	admin_help(&c->out);
	return EX_OK;
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

/* The commands of this file; the other command tables are in admin.h. */
static const struct admin_cmd base_cmds[] = {
	{ "help", NULL, cmd_help, "" },
	{ "status", NULL, cmd_status, "" },
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

/* This file's commands first, before the tables kuncid.c registered. */
static void
base_first(void)
{
	if (admin_tables[0] != base_cmds) {
		memmove(admin_tables + 1, admin_tables,
		    ADMIN_TABLES_MAX * sizeof(admin_tables[0]) -
		    sizeof(admin_tables[0]));
		memmove(admin_flags + 1, admin_flags,
		    ADMIN_TABLES_MAX * sizeof(admin_flags[0]) -
		    sizeof(admin_flags[0]));
		admin_tables[0] = base_cmds;
		admin_flags[0] = 0;
	}
}

int
admin_register(const struct admin_cmd *t, unsigned flags)
{
	size_t i;

	for (i = 0; i < ADMIN_TABLES_MAX; i++)
		if (admin_tables[i] == NULL || admin_tables[i] == t) {
			admin_tables[i] = t;
			admin_flags[i] = flags;
			return 0;
		}
	return -1;
}

/*
 * Find the command for argv: "word" or "word sub".  A command's function
 * gets argv from its last word on (argv[0] is "sub", or "word").
 */
static int
dispatch(struct admin_call *c, int argc, char **argv)
{
	const struct admin_cmd *t;
	size_t i;
	int known = 0;

	if (argc == 0)
		return admin_err(c, EX_USAGE, _("no command; try: kuncictl help"));
	for (i = 0; admin_tables[i] != NULL; i++)
		for (t = admin_tables[i]; t->word != NULL; t++) {
			if (strcmp(t->word, argv[0]) != 0)
				continue;
			known = 1;
			if (t->sub != NULL && (argc < 2 ||
			    strcmp(t->sub, argv[1]) != 0))
				continue;
			if ((admin_flags[i] & ADMIN_LONG) &&
			    admin_ldap()->deadline != 0)
				admin_ldap()->deadline += (ADMIN_LONG_FACTOR -
				    1) * (time_t)c->ctx->cfg->agent.
				    admin_command_timeout;
			if (t->sub == NULL)
				return t->fn(c, argc, argv);
			return t->fn(c, argc - 1, argv + 1);
		}
	if (known)
		return admin_err(c, EX_USAGE, _("unknown command: %.40s %.40s; "
		    "try: kuncictl help"), argv[0], argc >= 2 ? argv[1] : "");
	return admin_err(c, EX_USAGE, _("unknown command: %.40s; try: kuncictl "
	    "help"), argv[0]);
}

/* Take the global options out of argv (anywhere before "--"). */
static int
globals(struct admin_call *c, int argc, char **argv, char **rest, int *nrest)
{
	int i, n = 0, dashdash = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!dashdash && strcmp(a, "--") == 0)
			dashdash = 1;
		if (dashdash) {
			rest[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--json") == 0)
			c->json = 1;
		else if (strcmp(a, "--as") == 0 || strcmp(a, "--lang") == 0) {
			if (i + 1 >= argc)
				return admin_err(c, EX_USAGE, _("%s needs a value"),
				    a);
			if (a[2] == 'a') {
				if (c->as_user != NULL)
					return admin_err(c, EX_USAGE,
					    _("--as given twice"));
				c->as_user = argv[++i];
			} else
				c->lang_opt = argv[++i];
		} else if (strncmp(a, "--as=", 5) == 0)
			c->as_user = a + 5;
		else if (strncmp(a, "--lang=", 7) == 0)
			c->lang_opt = a + 7;
		else
			rest[n++] = argv[i];
	}
	*nrest = n;
	if (c->lang_opt != NULL) {
		if (strcmp(c->lang_opt, "en") == 0)
			c->en = 1;
		else if (strcmp(c->lang_opt, "id") == 0)
			c->en = 0;
		else
			return admin_err(c, EX_USAGE, _("--lang: id or en"));
	}
	if (c->as_user != NULL && !dir_valid_uid(c->as_user))
		return admin_err(c, EX_NOUSER, _("unknown user: %.64s"),
		    c->as_user);
	return EX_OK;
}

static int
run(struct admin_call *c, int argc, char **argv)
{
	static _Thread_local unsigned long seen_gen;	/* per worker */
	unsigned long gen;
	char **rest;
	int n = 0, st, own;

	if ((rest = calloc((size_t)argc + 1, sizeof(*rest))) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	st = globals(c, argc, argv, rest, &n);
	admin_wf()->wrote = 0;
	/* The directory was lost since this worker's connection was made
	 * (a slapd restart): it may be dead, so start on a new one. */
	if ((gen = gate_lost_generation()) != seen_gen) {
		ldapc_close(admin_ldap());
		seen_gen = gen;
	}
	/* two sites: a writer switched since the last command */
	ldapc_recheck(admin_ldap());
	if (st == EX_OK)
		st = dispatch(c, n, rest);
	/* the writer switch says itself what it could not reach */
	own = n > 0 && strcmp(rest[0], "directory") == 0;
	free(rest);
	if (st == EX_UNAVAILABLE && c->err.len == 0)
		admin_err(c, st, _("directory unavailable"));
	/* Two sites: say that the writer is away, or was switched, in the
	 * caller's language (doc/sites.md) */
	if (st == EX_UNAVAILABLE && !own && admin_ldap()->wid[0] != '\0' &&
	    admin_ldap()->ld == NULL && c->err.len > 11) {
		char was[300];

		snprintf(was, sizeof(was), "%.*s", (int)(c->err.len - 11),
		    c->err.s + 10);
		if (admin_ldap()->fenced)
			admin_err(c, st, ADMIN_T(c, "the writer was switched "
			    "while this ran (%s): nothing was written; try "
			    "again", "penulis dialihkan saat perintah ini "
			    "berjalan (%s): tidak ada yang ditulis; coba lagi"),
			    was);
		else
			admin_err(c, st, ADMIN_T(c, "the writer provider "
			    "(serverID %s) cannot be reached or does not answer "
			    "(%s): nothing was written; writes wait for it or "
			    "for an administrator's switch (kuncictl directory "
			    "writer)", "provider penulis (serverID %s) tidak "
			    "terjangkau atau tidak menjawab (%s): tidak ada yang "
			    "ditulis; tulisan menunggu ia kembali atau pengalihan "
			    "oleh administrator (kuncictl directory writer)"),
			    admin_ldap()->wid, was);
	}
	return st;
}

static void
caller_name(const struct peer *p, char *buf, size_t sz)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r(p->uid, &pw, tmp, sizeof(tmp), &res) == 0 &&
	    res != NULL && strlen(pw.pw_name) < sz)
		u_strlcpy(buf, pw.pw_name, sz);
	else
		snprintf(buf, sz, "uid:%u", (unsigned)p->uid);
}

/* Commands being run, on every worker (admin_running()). */
static atomic_int running;

int
admin_running(void)
{
	return atomic_load(&running);
}

int
admin_run(struct kunci_ctx *ctx, const struct peer *peer, int argc,
    char **argv, struct pbuf *reply)
{
	struct admin_call c;
	int st;

	atomic_fetch_add(&running, 1);
	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.peer = peer;
	c.en = ctx->cfg->agent.language == CFG_LANG_EN;
	i18n_bind(&c.en);	/* the engine's messages too (i18n.h) */
	sb_init(&c.out, OUT_MAX);
	sb_init(&c.err, 8192);
	caller_name(peer, c.caller, sizeof(c.caller));
	st = run(&c, argc, argv);
	if (sb_err(&c.out)) {
		sb_reset(&c.out);
		admin_err(&c, EX_SOFTWARE, _("output too large"));
		st = EX_SOFTWARE;
	}
	pbuf_reset(reply);
	if (proto_reply_encode(reply, (uint32_t)st, sb_str(&c.out),
	    c.out.len, sb_str(&c.err)) != PROTO_OK) {
		pbuf_reset(reply);
		st = EX_SOFTWARE;
		(void)proto_reply_encode(reply, (uint32_t)st, "", 0,
		    "kuncictl: reply too large\n");
	}
	/* A reply may carry a one-time password: wipe our copies. */
	if (c.out.len > 0)
		explicit_bzero(c.out.s, c.out.len);
	sb_free(&c.out);
	sb_free(&c.err);
	i18n_bind(NULL);
	atomic_fetch_sub(&running, 1);
	return st;
}

int
admin_init(struct kunci_ctx *ctx)
{
	/* Dates people type and SLAs in business days are local time.
	 * Set before any thread starts: setenv() races getenv(). */
	if (setenv("TZ", ctx->cfg->agent.timezone, 1) == -1) {
		log_warn("setenv TZ");
		return -1;
	}
	tzset();
	base_first();
	return 0;
}
