/*
 * admin.c: what every kuncictl command shares (the caller's identity,
 * options, messages, labels and times), the status and help commands, and
 * the dispatch over the command tables; admin_req.c has the request,
 * grant and check commands.  See doc/kuncictl.1 for the commands.
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
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "admin.h"

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

/* The commands of this file; the other command tables are in admin.h. */
static const struct admin_cmd base_cmds[] = {
	{ "help", NULL, cmd_help, "" },
	{ "status", NULL, cmd_status, "" },
	{ NULL, NULL, NULL, NULL }
};

/* This file's commands first, then the requests' (admin_req.c), before
 * the tables kuncid.c registered. */
static void
base_first(void)
{
	static const struct admin_cmd *const first[] = { base_cmds,
	    request_cmds };
	size_t k, n = sizeof(first) / sizeof(first[0]);

	for (k = 0; k < n; k++) {
		if (admin_tables[k] == first[k])
			continue;
		memmove(admin_tables + k + 1, admin_tables + k,
		    (ADMIN_TABLES_MAX - k - 1) * sizeof(admin_tables[0]));
		memmove(admin_flags + k + 1, admin_flags + k,
		    (ADMIN_TABLES_MAX - k - 1) * sizeof(admin_flags[0]));
		admin_tables[k] = first[k];
		admin_flags[k] = 0;
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
