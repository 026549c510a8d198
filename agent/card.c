/*
 * card.c: kuncictl's commands for access cards, the doors' signed allow
 * lists and control-panel account passwords (issue 5; prov.h does the
 * work, doc/provisioning.md documents the formats).
 *
 *   card issue REQUEST --serial S [--note TEXT]	the provision step
 *   card list [--holder U] [--status S]
 *   card show SERIAL
 *   card revoke SERIAL --reason TEXT
 *   card lost SERIAL [--reason TEXT]			revoked, audited as a loss
 *   card export DOOR					print the allow list
 *   account password GRANT				a fresh password, shown once
 */
#include <sys/types.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <ldap.h>

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
#include "util.h"
#include "wf.h"

#define U(s)	((char *)(uintptr_t)(s))

/* An administrator, or a holder of the role of a card workflow's
 * provision step (the server room operator). */
static int
card_operator(struct admin_call *c)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	size_t i, j;
	int idx;

	if (c->a.admin)
		return 1;
	for (i = 0; i < cfg->nworkflows; i++) {
		if (cfg->workflows[i].grant_kind != CFG_GRANT_CARD)
			continue;
		for (j = 0; j < cfg->workflows[i].nsteps; j++)
			if (cfg->workflows[i].steps[j].kind ==
			    CFG_KIND_PROVISION &&
			    (idx = dir_role_index(cfg,
			    cfg->workflows[i].steps[j].role)) >= 0 &&
			    ((c->a.roles >> idx) & 1))
				return 1;
	}
	return 0;
}

static int
cmd_issue(struct admin_call *c, int argc, char **argv)
{
	const char *serial = NULL, *note = NULL;
	struct admin_opt opts[] = { { "serial", &serial, NULL },
		{ "note", &note, NULL }, { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1 || serial == NULL)
		return admin_err(c, EX_USAGE, _("usage: card issue REQUEST "
		    "--serial SERIAL [--note TEXT]"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	w->info[0] = '\0';
	if ((st = wf_act(w, &c->a, pos[0], "approve", NULL, note, serial)) !=
	    EX_OK)
		return admin_wf_err(c, st);
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s}", "request", pos[0],
		    "serial", serial));
	else
		sb_printf(&c->out, "%s %s: %s %s\n", ADMIN_T(c, "request",
		    "permohonan"), pos[0], ADMIN_T(c, "card issued",
		    "kartu diterbitkan"), serial);
	return EX_OK;
}

static void
card_row(struct admin_call *c, LDAP *ld, LDAPMessage *e, struct out_table *t,
    json_t *arr, int one)
{
	char serial[WF_CRED_MAX + 1], holder[DIR_UID_MAX + 1], status[16],
	    res[DIR_NAME_MAX + 1], grants[512];
	struct berval **v;
	const char *cells[5];
	json_t *j;
	int i;

	dir_get(ld, e, "kunciCardSerial", serial, sizeof(serial));
	dir_get(ld, e, "kunciHolder", holder, sizeof(holder));
	dir_get(ld, e, "kunciStatus", status, sizeof(status));
	dir_get(ld, e, "kunciResource", res, sizeof(res));
	grants[0] = '\0';
	v = ldap_get_values_len(ld, e, "kunciGrantRef");
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (grants[0] != '\0')
			u_strlcat(grants, ",", sizeof(grants));
		if (strlen(grants) + v[i]->bv_len + 1 < sizeof(grants))
			strncat(grants, v[i]->bv_val, v[i]->bv_len);
	}
	ldap_value_free_len(v);
	if (c->json) {
		json_t *ga = json_array();

		v = ldap_get_values_len(ld, e, "kunciGrantRef");
		for (i = 0; v != NULL && v[i] != NULL; i++)
			json_array_append_new(ga, json_stringn(v[i]->bv_val,
			    v[i]->bv_len));
		ldap_value_free_len(v);
		j = json_pack("{s:o,s:o,s:o,s:o,s:o}", "serial",
		    out_jstr(serial), "holder", out_jstr(holder), "status",
		    out_jstr(status), "resource", out_jstr(res), "grants", ga);
		v = ldap_get_values_len(ld, e, "kunciNote");
		if (v != NULL && v[0] != NULL) {
			json_t *n = json_array();

			for (i = 0; v[i] != NULL; i++)
				json_array_append_new(n, json_stringn(
				    v[i]->bv_val, v[i]->bv_len));
			json_object_set_new(j, "notes", n);
		}
		ldap_value_free_len(v);
		if (one)
			out_json(&c->out, j);
		else
			json_array_append_new(arr, j);
		return;
	}
	if (one) {
		out_kv(&c->out, 12, ADMIN_T(c, "Card", "Kartu"), serial);
		out_kv(&c->out, 12, "Status", admin_state_label(c, status));
		out_kv(&c->out, 12, ADMIN_T(c, "Holder", "Pemegang"), holder);
		out_kv(&c->out, 12, ADMIN_T(c, "Resource", "Sumber daya"), res);
		out_kv(&c->out, 12, ADMIN_T(c, "Grants", "Hak akses"), grants);
		v = ldap_get_values_len(ld, e, "kunciNote");
		for (i = 0; v != NULL && v[i] != NULL; i++)
			sb_printf(&c->out, "%-12s %.*s\n", ADMIN_T(c, "Note",
			    "Catatan"), (int)v[i]->bv_len, v[i]->bv_val);
		ldap_value_free_len(v);
		return;
	}
	cells[0] = serial;
	cells[1] = admin_state_label(c, status);
	cells[2] = holder;
	cells[3] = res;
	cells[4] = grants;
	out_table_row(t, cells);
}

static int
cmd_list_show(struct admin_call *c, int argc, char **argv)
{
	const char *holder = NULL, *status = NULL;
	struct admin_opt opts[] = { { "holder", &holder, NULL },
		{ "status", &status, NULL }, { NULL, NULL, NULL } };
	char *attrs[] = { U("kunciCardSerial"), U("kunciHolder"),
	    U("kunciStatus"), U("kunciResource"), U("kunciGrantRef"),
	    U("kunciNote"), NULL };
	char *pos[1], filter[1024], esc[3 * WF_CRED_MAX + 1],
	    base[DIR_DN_MAX];
	const char *hdr[5];
	struct out_table t;
	LDAPMessage *res = NULL, *e;
	json_t *arr = NULL;
	LDAP *ld;
	int np, st, rc, show = strcmp(argv[0], "show") == 0, n = 0;

	if ((st = admin_opts(c, argc, argv, opts, pos, show, &np)) != EX_OK)
		return st;
	if (show && np != 1)
		return admin_err(c, EX_USAGE, _("usage: card show SERIAL"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	u_strlcpy(filter, "(&(objectClass=kunciCard)", sizeof(filter));
	if (show) {
		if (strlen(pos[0]) > WF_CRED_MAX ||
		    ldapc_escape_filter(esc, sizeof(esc), pos[0]) == -1)
			return admin_err(c, EX_NOINPUT, _("unknown card: %.40s"),
			    pos[0]);
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciCardSerial=%s)", esc);
	}
	if (holder != NULL) {
		if (!dir_valid_uid(holder))
			return admin_err(c, EX_NOUSER, _("unknown user: %.64s"),
			    holder);
		ldapc_escape_filter(esc, sizeof(esc), holder);
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciHolder=%s)", esc);
	}
	if (status != NULL) {
		if (strlen(status) > 16 ||
		    ldapc_escape_filter(esc, sizeof(esc), status) == -1)
			return admin_err(c, EX_DATAERR, _("bad status"));
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciStatus=%s)", esc);
	}
	if (!admin_sees_all(c)) {
		ldapc_escape_filter(esc, sizeof(esc), c->a.p.uid);
		snprintf(filter + strlen(filter), sizeof(filter) -
		    strlen(filter), "(kunciHolder=%s)", esc);
	}
	u_strlcat(filter, ")", sizeof(filter));
	if ((ld = dir_ld(admin_ldap(), admin_wf()->err,
	    sizeof(admin_wf()->err))) == NULL)
		return admin_wf_err(c, EX_UNAVAILABLE);
	snprintf(base, sizeof(base), "ou=cards,%s",
	    c->ctx->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, attrs, 0,
	    NULL, NULL, NULL, 5000, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		return admin_err(c, dir_status(admin_ldap(), rc),
		    _("listing cards: %s"), ldap_err2string(rc));
	}
	hdr[0] = ADMIN_T(c, "SERIAL", "NOMOR");
	hdr[1] = "STATUS";
	hdr[2] = ADMIN_T(c, "HOLDER", "PEMEGANG");
	hdr[3] = ADMIN_T(c, "RESOURCE", "SUMBER DAYA");
	hdr[4] = ADMIN_T(c, "GRANTS", "HAK AKSES");
	if (!show && !c->json)
		out_table_init(&t, 5, hdr);
	if (!show && c->json)
		arr = json_array();
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e), n++)
		card_row(c, ld, e, &t, arr, show);
	ldap_msgfree(res);
	if (show && n == 0)
		return admin_err(c, EX_NOINPUT, _("unknown card: %s"), pos[0]);
	if (!show && c->json)
		out_json(&c->out, arr);
	else if (!show) {
		out_table_sort(&t, 0);
		out_table_render(&t, &c->out);
		out_table_free(&t);
	}
	return EX_OK;
}

static int
cmd_revoke(struct admin_call *c, int argc, char **argv)
{
	const char *reason = NULL;
	struct admin_opt opts[] = { { "reason", &reason, NULL },
		{ NULL, NULL, NULL } };
	int lost = strcmp(argv[0], "lost") == 0;
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1 || (!lost && reason == NULL))
		return admin_err(c, EX_USAGE, lost ? _("usage: card lost "
		    "SERIAL [--reason TEXT]") : _("usage: card revoke SERIAL "
		    "--reason TEXT"));
	if (reason != NULL && (strlen(reason) > WF_NOTE_MAX ||
	    !wf_utf8_valid(reason)))
		return admin_err(c, EX_DATAERR, _("bad reason"));
	if (strlen(pos[0]) > WF_CRED_MAX)
		return admin_err(c, EX_NOINPUT, _("unknown card: %.40s"), pos[0]);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!card_operator(c)) {
		/* A holder may report their own card lost. */
		int own = 0;

		if (lost && c->a.person) {
			struct admin_call *cc = c;
			char *attrs[] = { U("kunciHolder"), NULL };
			char dn[DIR_DN_MAX], esc[3 * WF_CRED_MAX + 1], h[80];
			LDAPMessage *res = NULL, *e;
			LDAP *ld;

			if (ldapc_escape_dn(esc, sizeof(esc), pos[0]) == 0 &&
			    (ld = dir_ld(admin_ldap(), admin_wf()->err,
			    sizeof(admin_wf()->err))) != NULL) {
				snprintf(dn, sizeof(dn), "kunciId=%s,ou=cards,"
				    "%s", esc, cc->ctx->cfg->directory.kunci_base);
				if (ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
				    "(objectClass=kunciCard)", attrs, 0, NULL,
				    NULL, NULL, 1, &res) == LDAP_SUCCESS &&
				    (e = ldap_first_entry(ld, res)) != NULL &&
				    dir_get(ld, e, "kunciHolder", h,
				    sizeof(h)) == 0 && strcmp(h, c->a.p.uid) == 0)
					own = 1;
				ldap_msgfree(res);
			}
		}
		if (!own) {
			log_audit("request.refused", "actor", c->a.p.uid, "as",
			    c->a.as, "action", lost ? "card.lost" :
			    "card.revoke", "card", pos[0], "reason",
			    "not an operator or administrator", NULL);
			return admin_err(c, EX_NOPERM, "%s", lost ?
			    _("refused: only the server room operator or an "
			    "administrator may report a lost card") :
			    _("refused: only the server room operator or an "
			    "administrator may revoke a card"));
		}
	}
	if ((st = prov_card_revoke(admin_wf(), pos[0], c->a.p.uid, c->a.as,
	    reason, lost)) != EX_OK)
		return admin_wf_err(c, st);
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s}", "serial", pos[0],
		    "status", "revoked"));
	else
		sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c, "card", "kartu"),
		    pos[0], lost ? ADMIN_T(c, "revoked (lost)",
		    "dicabut (hilang)") : ADMIN_T(c, "revoked", "dicabut"));
	return EX_OK;
}

static int
cmd_export(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct dir_resource res;
	char *pos[1], path[4096], buf[8192], err[256];
	ssize_t n;
	int np, st, fd;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: card export DOOR"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: the allow lists are "
		    "for operators and administrators"));
	if (strlen(pos[0]) > DIR_NAME_MAX || (st = dir_resource(admin_ldap(),
	    c->ctx->cfg, pos[0], &res, err, sizeof(err))) == EX_NOINPUT)
		return admin_err(c, EX_NOINPUT, _("unknown door: %.80s"), pos[0]);
	if (st != EX_OK)
		return admin_err(c, st, "%s", err);
	if ((st = prov_allow_refresh(admin_wf(), res.name, 0)) != EX_OK)
		return admin_wf_err(c, st);
	if (prov_allow_path(admin_wf(), res.name, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return admin_err(c, EX_IOERR, _("no allow list for %s"), res.name);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(&c->out, buf, (size_t)n);
	close(fd);
	return EX_OK;
}

static int
cmd_password(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct wf_request r;
	char *pos[1], pw[PROV_PW_MAX];
	size_t i;
	int np, st, may;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: account password GRANT"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	/* A grant's id is its request's; the user named a grant. */
	if ((st = wf_load(w, pos[0], &r)) == EX_NOINPUT)
		return admin_err(c, st, _("unknown grant: %.40s"), pos[0]);
	if (st != EX_OK)
		return admin_wf_err(c, st);
	if (r.snap.grant_kind != CFG_GRANT_ACCOUNT || r.grant[0] == '\0') {
		wf_request_free(&r);
		return admin_err(c, EX_DATAERR, _("%s has no account grant"),
		    pos[0]);
	}
	/* Who provisions: the role of the account's provision step. */
	may = c->a.admin;
	for (i = 0; i < r.snap.nsteps && !may; i++)
		if (r.snap.steps[i].kind == CFG_KIND_PROVISION) {
			int idx = dir_role_index(c->ctx->cfg,
			    r.snap.steps[i].role);

			may = idx >= 0 && ((c->a.roles >> idx) & 1);
		}
	if (!may) {
		log_audit("request.refused", "request", r.id, "actor",
		    c->a.p.uid, "as", c->a.as, "action", "account.password",
		    "reason", "not the provisioning role", NULL);
		wf_request_free(&r);
		return admin_err(c, EX_NOPERM, _("refused: only the provisioning "
		    "role or an administrator may set the password"));
	}
	{
		/* The account name is the grant's credential. */
		struct wf_event *ev = NULL;
		size_t n;
		char acct[WF_CRED_MAX + 1] = "";

		if (wf_events(w, &r, &ev, &n) == EX_OK)
			for (i = 0; i < n; i++)
				if (ev[i].cred[0] != '\0')
					u_strlcpy(acct, ev[i].cred,
					    sizeof(acct));
		free(ev);
		wf_request_free(&r);
		if (acct[0] == '\0')
			return admin_err(c, EX_DATAERR, _("no account recorded "
			    "for %s"), pos[0]);
		if ((st = prov_grant_active(w, pos[0])) != EX_OK ||
		    (st = prov_account_password(w, acct, pw, sizeof(pw))) !=
		    EX_OK)
			return admin_wf_err(c, st);
		if (c->json)
			out_json(&c->out, json_pack("{s:s,s:s}", "account",
			    acct, "password", pw));
		else
			sb_printf(&c->out, _("account %s, password %s (shown "
			    "once)\n"), acct, pw);
		explicit_bzero(pw, sizeof(pw));
	}
	return EX_OK;
}

const struct admin_cmd card_cmds[] = {
	{ "card", "issue", cmd_issue, "REQUEST --serial SERIAL [--note TEXT]" },
	{ "card", "list", cmd_list_show, "[--holder USER] [--status S]" },
	{ "card", "show", cmd_list_show, "SERIAL" },
	{ "card", "revoke", cmd_revoke, "SERIAL --reason TEXT" },
	{ "card", "lost", cmd_revoke, "SERIAL [--reason TEXT]" },
	{ "card", "export", cmd_export, "DOOR" },
	{ "account", "password", cmd_password, "GRANT" },
	{ NULL, NULL, NULL, NULL }
};
