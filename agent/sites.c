/*
 * sites.c: two sites on one replicated directory (doc/sites.md): the
 * administrator's switch of the writer, and the replication lines of
 * kuncictl status.
 *
 *   directory writer SERVERID [--force]	root or an admin
 *
 * One provider at a time takes kuncid's writes: the one cn=writer names
 * (ldapc.c routes every writing connection there; each provider's ACL
 * refuses kuncid's writes while its own copy of cn=writer names another,
 * kunci-directory(8) --server-id).  The switch:
 *
 *   1. the target must have seen everything the writer has (contextCSN,
 *      per serverID), waited for up to SWITCH_WAIT seconds; else 75;
 *   2. cn=writer is changed on the old writer, which fences it at once;
 *      the change reaches the target by replication after everything the
 *      old writer wrote before it, and the target then takes writes;
 *   3. the command waits (SWITCH_WAIT) until the target names itself.
 *
 * With the old writer unreachable the switch needs --force and is written
 * on the target: kunci cannot tell a dead writer from a cut link (two
 * sites have no majority; there is no witness), so the administrator
 * must first make sure the old writer takes no writes (stopped, or cut
 * off from every kuncid): doc/sites.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <ldap.h>

#include "admin.h"
#include "cfg.h"
#include "cmdtab.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "out.h"
#include "sites.h"
#include "strbuf.h"
#include "writer.h"

#define SWITCH_WAIT	10	/* seconds, each of the two waits */

/* A connection of this command's own, bounded like the worker's. */
static void
own_conn(struct ldapc *c, const struct kunci_cfg *cfg)
{
	ldapc_init(c, cfg);
	c->deadline = admin_ldap()->deadline;
}

/* The writer entry from the first provider this kuncid reaches. */
static int
read_view(struct admin_call *c, struct writer_view *v)
{
	struct ldapc lc;
	char err[256];
	LDAP *ld;
	int r;

	own_conn(&lc, c->ctx->cfg);
	if ((ld = ldapc_get(&lc, 1)) == NULL) {
		r = admin_err(c, EX_UNAVAILABLE, ADMIN_T(c, "no provider "
		    "answers: %s", "tidak ada provider yang menjawab: %s"),
		    lc.err);
		goto out;
	}
	if ((r = writer_read(ld, c->ctx->cfg, v, err, sizeof(err))) == -1)
		r = admin_err(c, EX_UNAVAILABLE, "%s", err);
	else if (r == 0)
		r = admin_err(c, EX_CONFIG, ADMIN_T(c, "the directory names "
		    "no writer (cn=writer,%s): one server, nothing to switch "
		    "(kunci-directory setup --server-id)", "direktori tidak "
		    "menyebut penulis (cn=writer,%s): satu server, tidak ada "
		    "yang dialihkan (kunci-directory setup --server-id)"),
		    c->ctx->cfg->directory.kunci_base);
	else
		r = EX_OK;
out:
	ldapc_close(&lc);
	return r;
}

static int
set_writer(LDAP *ld, const struct kunci_cfg *cfg, const struct writer_prov *t)
{
	char dn[1024], now[32], *idv[2], *uv[WRITER_MAX_URI + 1], *tv[2];
	LDAPMod mi, mu, mt, *mods[4];
	int i;

	snprintf(dn, sizeof(dn), "%s,%s", LDAPC_WRITER_RDN,
	    cfg->directory.kunci_base);
	idv[0] = (char *)(uintptr_t)t->id;
	idv[1] = NULL;
	for (i = 0; i < t->nuri; i++)
		uv[i] = (char *)(uintptr_t)t->uri[i];
	uv[i] = NULL;
	ldapc_gentime(now, sizeof(now), time(NULL));
	tv[0] = now;
	tv[1] = NULL;
	mi.mod_op = LDAP_MOD_REPLACE;
	mi.mod_type = (char *)(uintptr_t)"kunciWriterId";
	mi.mod_values = idv;
	mu.mod_op = LDAP_MOD_REPLACE;
	mu.mod_type = (char *)(uintptr_t)"kunciWriterURI";
	mu.mod_values = uv;
	mt.mod_op = LDAP_MOD_REPLACE;
	mt.mod_type = (char *)(uintptr_t)"kunciUpdated";
	mt.mod_values = tv;
	mods[0] = &mi;
	mods[1] = &mu;
	mods[2] = &mt;
	mods[3] = NULL;
	return ldap_modify_ext_s(ld, dn, mods, NULL, NULL);
}

/* Wait until target has seen everything old has: 1, 0 (behind), -1. */
static int
caught_up(struct admin_call *c, LDAP *old, LDAP *target, char *behind,
    size_t behindsz)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct writer_csns a, b;
	char err[256];
	time_t end = time(NULL) + SWITCH_WAIT;

	for (;;) {
		if (writer_csns(old, cfg, &b, err, sizeof(err)) == -1 ||
		    writer_csns(target, cfg, &a, err, sizeof(err)) == -1) {
			snprintf(behind, behindsz, "%s", err);
			return -1;
		}
		if (writer_covers(&a, &b, behind, behindsz))
			return 1;
		if (time(NULL) >= end)
			return 0;
		usleep(200 * 1000);
	}
}

static int
cmd_writer(struct admin_call *c, int argc, char **argv)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	int force = 0;
	struct admin_opt opts[] = { { "force", NULL, &force },
	    { NULL, NULL, NULL } };
	const struct writer_prov *t, *o;
	struct writer_view v, tv;
	struct ldapc lt, lo;
	LDAP *ldt = NULL, *ldo = NULL;
	char *pos[1], behind[256], err[256];
	time_t end;
	int np, st, rc, r;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: kuncictl directory "
		    "writer SERVERID [--force]"));
	/* root needs no directory to be known as an administrator: the
	 * switch is what it runs while the writer does not answer */
	if (!(c->peer->uid == 0 && c->as_user == NULL) &&
	    (st = admin_identify(c)) != EX_OK)
		return st;
	if (!(c->peer->uid == 0 && c->as_user == NULL) && !c->a.admin) {
		log_audit("directory.refused", "actor", c->a.p.uid,
		    "as", c->a.as, "action", "writer", "reason", "not an administrator",
		    NULL);
		return admin_err(c, EX_NOPERM, ADMIN_T(c, "refused: only an "
		    "administrator switches the writer", "ditolak: hanya "
		    "administrator yang mengalihkan penulis"));
	}
	if ((st = read_view(c, &v)) != EX_OK)
		return st;
	if ((t = writer_prov(&v, pos[0])) == NULL)
		return admin_err(c, EX_DATAERR, ADMIN_T(c, "no provider with "
		    "serverID %s in cn=writer (kunciProvider)", "tidak ada "
		    "provider dengan serverID %s di cn=writer "
		    "(kunciProvider)"), pos[0]);
	own_conn(&lt, cfg);
	own_conn(&lo, cfg);
	if ((ldt = writer_open(&lt, t)) == NULL) {
		st = admin_err(c, EX_UNAVAILABLE, ADMIN_T(c, "serverID %s "
		    "cannot be reached: %s", "serverID %s tidak terjangkau: "
		    "%s"), t->id, lt.err);
		goto out;
	}
	/* the target's own view: the writer may have moved since */
	if (writer_read(ldt, cfg, &tv, err, sizeof(err)) == 1 &&
	    strcmp(tv.id, v.id) != 0 && strcmp(tv.id, t->id) == 0)
		v = tv;
	if (strcmp(v.id, t->id) == 0) {
		sb_printf(&c->out, ADMIN_T(c, "serverID %s is already the "
		    "writer\n", "serverID %s sudah menjadi penulis\n"), t->id);
		st = EX_OK;
		goto out;
	}
	o = writer_prov(&v, v.id);
	if (o == NULL || (ldo = writer_open(&lo, o)) == NULL) {
		if (!force) {
			st = admin_err(c, EX_UNAVAILABLE, ADMIN_T(c, "the "
			    "writer (serverID %s) cannot be reached: %s; if it "
			    "is stopped or cut off from every kuncid, switch "
			    "with --force (doc/sites.md)", "penulis (serverID "
			    "%s) tidak terjangkau: %s; jika ia berhenti atau "
			    "terputus dari semua kuncid, alihkan dengan --force "
			    "(doc/sites.md)"), v.id, o != NULL ? lo.err :
			    "no URI");
			goto out;
		}
		if ((rc = set_writer(ldt, cfg, t)) != LDAP_SUCCESS) {
			st = admin_err(c, EX_UNAVAILABLE, "%s: %s", lt.uri,
			    ldap_err2string(rc));
			goto out;
		}
		log_audit("directory.writer", "actor", c->caller, "from",
		    v.id, "to", t->id, "forced", "yes", NULL);
		sb_printf(&c->out, ADMIN_T(c, "serverID %s is the writer "
		    "(forced: serverID %s was not reachable; writes it took "
		    "that did not reach %s return when it does and may "
		    "conflict: doc/sites.md)\n", "serverID %s menjadi penulis "
		    "(dipaksa: serverID %s tidak terjangkau; tulisan yang "
		    "diterimanya dan belum sampai ke %s kembali saat ia "
		    "tersambung dan bisa bentrok: doc/sites.md)\n"), t->id,
		    v.id, t->id);
		st = EX_OK;
		goto out;
	}
	/* 1. the target has everything the writer has */
	if ((r = caught_up(c, ldo, ldt, behind, sizeof(behind))) != 1) {
		st = admin_err(c, r == 0 ? EX_TEMPFAIL : EX_UNAVAILABLE,
		    r == 0 ? ADMIN_T(c, "serverID %s has not caught up with "
		    "the writer (serverID %s; behind on the changes of "
		    "serverID %s): nothing switched; try again when kuncictl "
		    "status shows no lag", "serverID %s belum menyusul penulis "
		    "(serverID %s; tertinggal pada perubahan serverID %s): "
		    "tidak ada yang dialihkan; coba lagi saat kuncictl status "
		    "tidak menunjukkan ketertinggalan") : "%s%s%s", t->id,
		    v.id, behind);
		goto out;
	}
	/* 2. fence the old writer by the switch itself */
	if ((rc = set_writer(ldo, cfg, t)) != LDAP_SUCCESS) {
		st = admin_err(c, EX_UNAVAILABLE, "%s: %s", lo.uri,
		    ldap_err2string(rc));
		goto out;
	}
	log_audit("directory.writer", "actor", c->caller, "from", v.id,
	    "to", t->id, "forced", "no", NULL);
	/* 3. until the target has the switch (and all before it) */
	end = time(NULL) + SWITCH_WAIT;
	while ((r = writer_read(ldt, cfg, &tv, err, sizeof(err))) == 1 &&
	    strcmp(tv.id, t->id) != 0 && time(NULL) < end)
		usleep(100 * 1000);
	if (r == 1 && strcmp(tv.id, t->id) == 0)
		sb_printf(&c->out, ADMIN_T(c, "serverID %s is the writer; "
		    "serverID %s takes no more writes\n", "serverID %s menjadi "
		    "penulis; serverID %s tidak menerima tulisan lagi\n"),
		    t->id, v.id);
	else
		sb_printf(&c->out, ADMIN_T(c, "switched on serverID %s, "
		    "which takes no more writes; serverID %s takes them once "
		    "replication brings it the switch (until then writes "
		    "fail with 69)\n", "dialihkan di serverID %s, yang tidak "
		    "menerima tulisan lagi; serverID %s menerimanya setelah "
		    "replikasi membawa pengalihan ini (sampai saat itu tulisan "
		    "gagal dengan 69)\n"), v.id, t->id);
	st = EX_OK;
out:
	ldapc_close(&lt);
	ldapc_close(&lo);
	/* this worker's own connection finds the writer afresh */
	ldapc_close(admin_ldap());
	return st;
}

/* ------------------------------------------------------------- status */

void
sites_status(struct admin_call *c, void *json)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct ldapc *w = admin_ldap(), ll;
	struct writer_csns lcs, wcs;
	struct writer_view v;
	char err[256], line[1024], sid[8];
	LDAP *ldw, *ldl;
	int haveview = 0, havel = 0, havew = 0, i;
	long lag = -1;

	if (w->wid[0] == '\0')
		return;		/* one server (or never reached): nothing */
	own_conn(&ll, cfg);
	if ((ldl = ldapc_get(&ll, 1)) != NULL) {
		haveview = writer_read(ldl, cfg, &v, err, sizeof(err)) == 1;
		havel = writer_csns(ldl, cfg, &lcs, err, sizeof(err)) == 0;
	}
	if (!haveview) {
		ldapc_close(&ll);
		return;		/* one server: nothing to show */
	}
	if ((ldw = ldapc_get(w, 0)) != NULL && w->wid[0] != '\0')
		havew = writer_csns(ldw, cfg, &wcs, err, sizeof(err)) == 0;
	if (havel && havew)
		lag = writer_lag(&lcs, &wcs, w->wid);
	writer_sid(v.id, sid);
	if (json != NULL) {
		json_t *o = json_object(), *a, *b;

		json_object_set_new(o, "writer_id", out_jstr(v.id));
		json_object_set_new(o, "writer_uri", out_jstr(havew ? w->uri :
		    ""));
		json_object_set_new(o, "writer_reached", json_boolean(havew));
		json_object_set_new(o, "local_uri", out_jstr(ll.uri));
		a = json_object();
		for (i = 0; havel && i < lcs.n; i++)
			json_object_set_new(a, lcs.v[i].sid,
			    out_jstr(lcs.v[i].csn));
		json_object_set_new(o, "local_csn", a);
		b = json_object();
		for (i = 0; havew && i < wcs.n; i++)
			json_object_set_new(b, wcs.v[i].sid,
			    out_jstr(wcs.v[i].csn));
		json_object_set_new(o, "writer_csn", b);
		json_object_set_new(o, "lag", lag >= 0 ? json_integer(lag) :
		    json_null());
		json_object_set_new((json_t *)json, "replication", o);
	} else {
		snprintf(line, sizeof(line), "serverID %s, %s", v.id, havew ?
		    w->uri : ADMIN_T(c, "not reachable", "tidak terjangkau"));
		out_kv(&c->out, 10, ADMIN_T(c, "Writer", "Penulis"), line);
		for (i = 0; havel && i < lcs.n; i++) {
			snprintf(line, sizeof(line), "%s %s %s", ll.uri,
			    lcs.v[i].sid, lcs.v[i].csn);
			out_kv(&c->out, 10, i == 0 ? ADMIN_T(c, "Local",
			    "Lokal") : "", line);
		}
		for (i = 0; havew && i < wcs.n; i++) {
			snprintf(line, sizeof(line), "%s %s %s", w->uri,
			    wcs.v[i].sid, wcs.v[i].csn);
			out_kv(&c->out, 10, i == 0 ? ADMIN_T(c, "At writer",
			    "Di penulis") : "", line);
		}
		if (lag >= 0)
			snprintf(line, sizeof(line), ADMIN_T(c, "%ld s behind "
			    "the writer (serverID %s)", "%ld dtk di belakang "
			    "penulis (serverID %s)"), lag, sid);
		else
			snprintf(line, sizeof(line), "%s", ADMIN_T(c,
			    "unknown", "tidak diketahui"));
		out_kv(&c->out, 10, ADMIN_T(c, "Lag", "Tertinggal"), line);
	}
	ldapc_close(&ll);
}

const struct admin_cmd sites_cmds[] = {
	{ "directory", "writer", cmd_writer, "SERVERID [--force]" },
	{ NULL, NULL, NULL, NULL }
};
