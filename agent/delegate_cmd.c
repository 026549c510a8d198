/*
 * delegate_cmd.c: kuncictl's commands for acting officials (delegate.h):
 *
 *   delegate create --to USER --role ROLE --until DATE [--from DATE]
 *                   [--for USER] [--kind plt|plh] [--reason TEXT]
 *   delegate list [--all]
 *   delegate end ID [--reason TEXT]
 *
 * The official delegates their own role; an administrator may do it for
 * them (--for).  A list shows the caller's delegations, made or received;
 * an administrator's --all shows every one.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "admin.h"
#include "cmdtab.h"
#include "delegate.h"
#include "i18n.h"
#include "out.h"
#include "util.h"
#include "wf.h"

/* "Plt." or "Plh." */
static const char *
kind_word(const char *kind)
{
	return strcmp(kind, "plh") == 0 ? "Plh." : "Plt.";
}

static int
cmd_create(struct admin_call *c, int argc, char **argv)
{
	const char *to = NULL, *role = NULL, *from = NULL, *until = NULL;
	const char *holder = NULL, *kind = NULL, *reason = NULL;
	struct admin_opt opts[] = { { "to", &to, NULL },
		{ "role", &role, NULL }, { "from", &from, NULL },
		{ "until", &until, NULL }, { "for", &holder, NULL },
		{ "kind", &kind, NULL }, { "reason", &reason, NULL },
		{ NULL, NULL, NULL } };
	char *pos[1], id[WF_DLG_ID_MAX + 1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if (np != 0 || to == NULL || role == NULL || until == NULL)
		return admin_err(c, EX_USAGE,
		    _("usage: delegate create --to USER "
		    "--role ROLE --until DATE [--from DATE] [--for USER] "
		    "[--kind plt|plh] [--reason TEXT]"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = dlg_create(admin_wf(), &c->a, holder, to, role, kind, from,
	    until, reason, id)) != EX_OK)
		return admin_wf_err(c, st);
	if (c->json)
		out_json(&c->out, json_pack("{s:s}", "id", id));
	else
		sb_printf(&c->out, "%s %s: %s %s %s %s\n", ADMIN_T(c,
		    "delegation", "pelimpahan wewenang"), id, to, ADMIN_T(c,
		    "acts as", "menjadi"), kind_word(kind != NULL ? kind :
		    "plt"), admin_role_label(c, role));
	return EX_OK;
}

struct list_arg {
	struct admin_call	*c;
	struct out_table	 t;
	json_t			*arr;
};

static int
list_one(const struct dlg *d, void *arg)
{
	struct list_arg *la = arg;
	struct admin_call *c = la->c;
	const char *cells[7];
	char b1[32], b2[32], who[128];
	int ended = strcmp(d->status, "active") != 0 ||
	    d->not_after <= time(NULL);

	if (c->json) {
		json_array_append_new(la->arr, json_pack("{s:s,s:s,s:s,s:s,"
		    "s:s,s:s,s:o,s:o,s:s}", "id", d->id, "holder", d->holder,
		    "acting", d->acting, "role", d->role, "kind", d->kind,
		    "status", ended ? "ended" : "active", "from",
		    admin_jtime(d->not_before), "until",
		    admin_jtime(d->not_after), "by", d->actor));
		return EX_OK;
	}
	admin_fmt_time(b1, sizeof(b1), d->not_before);
	admin_fmt_time(b2, sizeof(b2), d->not_after);
	snprintf(who, sizeof(who), "%s %s", kind_word(d->kind),
	    admin_role_label(c, d->role));
	cells[0] = d->id;
	cells[1] = d->acting;
	cells[2] = who;
	cells[3] = d->holder;
	cells[4] = b1;
	cells[5] = b2;
	cells[6] = ended ? ADMIN_T(c, "ended", "berakhir") :
	    ADMIN_T(c, "active", "aktif");
	out_table_row(&la->t, cells);
	return EX_OK;
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	int all = 0, np, st;
	struct admin_opt opts[] = { { "all", NULL, &all },
		{ NULL, NULL, NULL } };
	const char *hdr[7];
	struct list_arg la;
	char *pos[1];

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if (np != 0)
		return admin_err(c, EX_USAGE,
		    _("usage: delegate list [--all]"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (all && !c->a.admin)
		return admin_err(c, EX_NOPERM, _("refused: --all is for "
		    "administrators"));
	memset(&la, 0, sizeof(la));
	la.c = c;
	hdr[0] = "ID";
	hdr[1] = ADMIN_T(c, "ACTING", "PELAKSANA");
	hdr[2] = ADMIN_T(c, "AS", "SEBAGAI");
	hdr[3] = ADMIN_T(c, "FOR", "MENGGANTIKAN");
	hdr[4] = ADMIN_T(c, "FROM", "MULAI");
	hdr[5] = ADMIN_T(c, "UNTIL", "SAMPAI");
	hdr[6] = ADMIN_T(c, "STATUS", "STATUS");
	if (c->json)
		la.arr = json_array();
	else
		out_table_init(&la.t, 7, hdr);
	st = dlg_list(admin_wf(), all ? "" : c->a.p.uid, 2000, list_one, &la);
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
cmd_end(struct admin_call *c, int argc, char **argv)
{
	const char *reason = NULL;
	struct admin_opt opts[] = { { "reason", &reason, NULL },
		{ NULL, NULL, NULL } };
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: delegate end ID "
		    "[--reason TEXT]"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = dlg_end(admin_wf(), &c->a, pos[0], reason)) != EX_OK)
		return admin_wf_err(c, st);
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s}", "id", pos[0],
		    "status", "ended"));
	else
		sb_printf(&c->out, "%s %s %s\n", ADMIN_T(c, "delegation",
		    "pelimpahan wewenang"), pos[0], ADMIN_T(c, "ended",
		    "berakhir"));
	return EX_OK;
}

const struct admin_cmd delegate_cmds[] = {
	{ "delegate", "create", cmd_create, "--to USER --role ROLE --until "
	    "DATE [--from DATE] [--for USER] [--kind plt|plh] "
	    "[--reason TEXT]" },
	{ "delegate", "list", cmd_list, "[--all]" },
	{ "delegate", "end", cmd_end, "ID [--reason TEXT]" },
	{ NULL, NULL, NULL, NULL }
};
