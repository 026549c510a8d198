/*
 * audit.c: kuncid's side of the audit trail's integrity: it starts the
 * hash chain (chain.h, log.h), signs the chain head into checkpoints that
 * it stores in the directory, and answers the commands that hand them to
 * a verifier (doc/audit.md has the auditor's view).
 *
 * A checkpoint is one line, signed as exact bytes (sign.h: detached CMS,
 * PEM, with the audit key, not the forms' key):
 *
 *	kunci-audit-checkpoint 1 host=H seq=N chain=HEX time=YYYYmmddHHMMSSZ
 *
 * H, N and HEX are the last record the log writer has sent.  It is made
 * every audit.checkpoint_interval (a scheduler tick, when records were
 * written since the last one), at shutdown, and on `audit checkpoint`,
 * and stored as kunciId=H.N,ou=audit,<kunci base> (kunciCheckpoint: the
 * line, kunciDocument: the signature), so replication carries it to every
 * directory server.  A log whose records of H stop before N has lost its
 * tail.
 *
 *	audit checkpoint		sign the head now (admins)
 *	audit checkpoints [--host H] [--from N]
 *					every stored checkpoint, oldest first,
 *					as an export file, in pages
 *					(readers of everything)
 *	audit certificate		the audit certificate, PEM
 */
#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "audit.h"
#include "cfg.h"
#include "chain.h"
#include "cmdtab.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "sign.h"
#include "strbuf.h"
#include "wf.h"

#define CP_MAX_ALL	1000000	/* checkpoints `audit checkpoints` lists */
#define CP_PAGE_BYTES	(2u * 1024 * 1024)	/* one answer's page */
#define U(s)		((char *)(uintptr_t)(s))	/* libldap wants char * */

/* a crashed run's lost positions are all passed over (chain.h) */
_Static_assert(CHAIN_CRASH_SKIP >= 2 * LOG_AUDIT_QMAX,
    "CHAIN_CRASH_SKIP must cover the queue and the batch being written");

static pthread_mutex_t	cp_mtx = PTHREAD_MUTEX_INITIALIZER;
static uint64_t		cp_last_seq;	/* last head signed */
static time_t		cp_last_time;

void
audit_chain_start(const struct kunci_cfg *cfg, const char *version)
{
	char host[CHAIN_HOST_MAX + 1], err[512], *dot;

	if (cfg->audit.host[0] != '\0')
		snprintf(host, sizeof(host), "%s", cfg->audit.host);
	else {
		if (gethostname(host, sizeof(host) - 1) == -1)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		if ((dot = strchr(host, '.')) != NULL)
			*dot = '\0';
	}
	if (log_audit_chain(cfg->agent.state_dir, host, version, err,
	    sizeof(err)) == -1)
		fatalx("%s", err);
	/* the first tick signs the head: a chain begun again after a lost
	 * head then has a checkpoint at a seq below its predecessor's last,
	 * which is how the thinning tells the chains apart (auditprune.c) */
	cp_last_time = 0;
}

/* Add ou=audit under the kunci base (a directory set up before it). */
static int
add_container(LDAP *ld, const char *dn)
{
	struct dir_mods m;
	int rc;

	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "organizationalUnit");
	dir_mods_add(&m, LDAP_MOD_ADD, "ou", "audit");
	rc = m.err ? LDAP_NO_MEMORY : ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	return rc == LDAP_ALREADY_EXISTS ? LDAP_SUCCESS : rc;
}

/*
 * Sign the head and store it.  force: even when nothing was written since
 * the last one.  EX_OK (line, if not NULL, gets the statement), or a
 * sysexits status with the reason in err.
 */
static int
checkpoint(const struct kunci_cfg *cfg, struct ldapc *lc, int force,
    char *line, size_t linesz, char *err, size_t errsz)
{
	char host[CHAIN_HOST_MAX + 1], hx[65], t[32], stmt[256], seqs[24];
	char dn[512], ou[256], id[CHAIN_HOST_MAX + 24];
	unsigned char val[CHAIN_VAL_LEN], *sig = NULL;
	struct dir_mods m;
	size_t siglen;
	uint64_t seq;
	time_t now = time(NULL);
	LDAP *ld;
	int rc, st = EX_OK;

	err[0] = '\0';
	if (cfg->audit.certificate[0] == '\0')
		return snprintf(err, errsz, _("audit checkpoints are not "
		    "configured (audit.certificate, audit.key)")), EX_CONFIG;
	pthread_mutex_lock(&cp_mtx);
	if (log_audit_head(host, sizeof(host), &seq, val) == -1) {
		snprintf(err, errsz, _("no audit record has been sent yet"));
		st = EX_TEMPFAIL;
		goto out;
	}
	if (!force && seq == cp_last_seq)
		goto out;
	chain_hex(val, hx);
	dir_gentime(t, sizeof(t), now);
	snprintf(stmt, sizeof(stmt), "kunci-audit-checkpoint 1 host=%s "
	    "seq=%" PRIu64 " chain=%s time=%s", host, seq, hx, t);
	if (sign_detached(cfg->audit.certificate, cfg->audit.key, stmt,
	    strlen(stmt), &sig, &siglen, 1, err, errsz) == -1) {
		st = EX_SOFTWARE;
		goto out;
	}
	if ((ld = dir_ld(lc, err, errsz)) == NULL) {
		st = EX_UNAVAILABLE;
		goto out;
	}
	snprintf(id, sizeof(id), "%s.%" PRIu64, host, seq);
	snprintf(ou, sizeof(ou), "ou=audit,%s", cfg->directory.kunci_base);
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", id, ou);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciAuditCheckpoint");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", id);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciHost", host);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCheckpoint", stmt);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciDocument", (char *)sig);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", t);
	rc = m.err ? LDAP_NO_MEMORY : ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT && (rc = add_container(ld, ou)) ==
	    LDAP_SUCCESS)
		rc = ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	/* the same head signed again (a second command): already stored */
	if (rc != LDAP_SUCCESS && rc != LDAP_ALREADY_EXISTS) {
		snprintf(err, errsz, _("storing checkpoint %s: %s"), id,
		    ldap_err2string(rc));
		st = dir_status(lc, rc);
		goto out;
	}
	cp_last_seq = seq;
	cp_last_time = now;
	snprintf(seqs, sizeof(seqs), "%" PRIu64, seq);
	log_audit("audit.checkpoint", "checkpoint_seq", seqs, "checkpoint_time",
	    t, NULL);
out:
	pthread_mutex_unlock(&cp_mtx);
	if (line != NULL && st == EX_OK)
		snprintf(line, linesz, "%s", err[0] == '\0' && sig != NULL ?
		    stmt : "");
	free(sig);
	return st;
}

void
audit_tick(struct wf *w, time_t now)
{
	char err[512];
	time_t last;

	pthread_mutex_lock(&cp_mtx);
	last = cp_last_time;
	pthread_mutex_unlock(&cp_mtx);
	audit_prune_tick(w, now);
	if (w->cfg->audit.certificate[0] == '\0' ||
	    now - last < w->cfg->audit.checkpoint_interval)
		return;
	if (checkpoint(w->cfg, w->lc, 0, NULL, 0, err, sizeof(err)) != EX_OK)
		log_warnx("audit checkpoint: %s", err);
	else {
		pthread_mutex_lock(&cp_mtx);
		cp_last_time = now;	/* also when nothing was new */
		pthread_mutex_unlock(&cp_mtx);
	}
}

void
audit_stop(const struct kunci_cfg *cfg)
{
	struct ldapc lc;
	char err[512];

	log_audit("audit.stop", NULL);
	/* the head to sign is the last record sent: let the queue drain */
	log_audit_drain(2000);
	if (cfg->audit.certificate[0] == '\0') {
		log_audit_close();
		return;
	}
	ldapc_init(&lc, cfg);
	lc.writer = 1;		/* two sites: checkpoints go to the writer too */
	lc.deadline = ldapc_now() + 5;
	if (checkpoint(cfg, &lc, 0, NULL, 0, err, sizeof(err)) != EX_OK)
		log_warnx("audit checkpoint at shutdown: %s", err);
	ldapc_close(&lc);
	/* the checkpoint's own record (audit.checkpoint) is the last */
	log_audit_close();
}

/* ------------------------------------------------------------ commands */

static int
cmd_checkpoint(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	char line[256], err[512];
	int st, npos;

	if ((st = admin_opts(c, argc, argv, opts, NULL, 0, &npos)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.admin)
		return admin_err(c, EX_NOPERM, "%s", ADMIN_T(c,
		    "only an administrator may sign a checkpoint",
		    "hanya administrator yang boleh menandatangani titik "
		    "periksa"));
	line[0] = '\0';
	if ((st = checkpoint(c->ctx->cfg, admin_ldap(), 1, line, sizeof(line),
	    err, sizeof(err))) != EX_OK)
		return admin_err(c, st, "%s", err);
	sb_printf(&c->out, "%s\n", line);
	return EX_OK;
}

/* One stored checkpoint, for ordering them by signing time. */
struct cpe {
	LDAPMessage	*e;
	time_t		 t;
	char		 id[CHAIN_HOST_MAX + 24];
};

static int
cpe_cmp(const void *a, const void *b)
{
	const struct cpe *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->id, y->id);
}

/*
 * Every checkpoint, oldest first, in pages that fit one answer: a page
 * that is not the last ends with "# more: --from N", which kuncictl
 * follows (auditcli.c).  A year's checkpoints do not fit one answer.
 */
static int
cmd_checkpoints(struct admin_call *c, int argc, char **argv)
{
	const char *host = NULL, *from = NULL;
	struct admin_opt opts[] = { { "host", &host, NULL },
	    { "from", &from, NULL }, { NULL, NULL, NULL } };
	char *attrs[] = { U("kunciCheckpoint"), U("kunciDocument"),
	    U("kunciCreated"), U("kunciId"), NULL };
	char filter[256], esc[160], base[512], err[256], *end;
	LDAPMessage *res = NULL, *e;
	struct cpe *v = NULL, *nv;
	struct berval **bv;
	size_t n = 0, i, off = 0;
	unsigned long long q;
	LDAP *ld;
	int st, npos, rc;

	if ((st = admin_opts(c, argc, argv, opts, NULL, 0, &npos)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "%s", ADMIN_T(c,
		    "only an administrator or a role holder may read the "
		    "checkpoints", "hanya administrator atau pemegang peran "
		    "yang boleh membaca titik periksa"));
	if (host != NULL && !chain_host_ok(host))
		return admin_err(c, EX_USAGE, "--host: %s: %.64s", ADMIN_T(c,
		    "not a host name", "bukan nama host"), host);
	if (from != NULL) {
		q = strtoull(from, &end, 10);
		if (*from < '0' || *from > '9' || *end != '\0' ||
		    q > CP_MAX_ALL)
			return admin_err(c, EX_USAGE, "--from: %s: %.24s",
			    ADMIN_T(c, "not a number", "bukan angka"), from);
		off = (size_t)q;
	}
	if (ldapc_escape_filter(esc, sizeof(esc), host != NULL ? host : "") ==
	    -1)
		return admin_err(c, EX_USAGE, _("--host too long"));
	snprintf(filter, sizeof(filter), host != NULL ?
	    "(&(objectClass=kunciAuditCheckpoint)(kunciHost=%s))" :
	    "(objectClass=kunciAuditCheckpoint)", esc);
	snprintf(base, sizeof(base), "ou=audit,%s",
	    c->ctx->cfg->directory.kunci_base);
	if ((ld = dir_ld(admin_ldap(), err, sizeof(err))) == NULL)
		return admin_err(c, EX_UNAVAILABLE, "%s", err);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL, filter, attrs, 0,
	    NULL, NULL, NULL, CP_MAX_ALL, &res);
	if (rc == LDAP_NO_SUCH_OBJECT)
		rc = LDAP_SUCCESS;	/* none made yet */
	if (rc != LDAP_SUCCESS) {
		/* a partial list would hide the newest: none rather */
		ldap_msgfree(res);
		return admin_err(c, dir_status(admin_ldap(), rc),
		    _("checkpoints: %s"), ldap_err2string(rc));
	}
	for (e = res != NULL ? ldap_first_entry(ld, res) : NULL; e != NULL;
	    e = ldap_next_entry(ld, e)) {
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL) {
			free(v);
			ldap_msgfree(res);
			return admin_err(c, EX_SOFTWARE, _("too many "
			    "checkpoints"));
		}
		v = nv;
		v[n].e = e;
		v[n].t = dir_get_time(ld, e, "kunciCreated");
		if (dir_get(ld, e, "kunciId", v[n].id, sizeof(v[n].id)) == -1)
			v[n].id[0] = '\0';
		n++;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cpe_cmp);
	sb_puts(&c->out, "# kunci audit checkpoints: each a line and its "
	    "signature (CMS, PEM)\n");
	for (i = off; i < n; i++) {
		char stmt[256];

		if (c->out.len > CP_PAGE_BYTES) {
			sb_printf(&c->out, "# more: --from %zu\n", i);
			break;
		}
		if (dir_get(ld, v[i].e, "kunciCheckpoint", stmt, sizeof(stmt)) ==
		    -1 || (bv = ldap_get_values_len(ld, v[i].e,
		    "kunciDocument")) == NULL)
			continue;
		if (bv[0] != NULL && bv[0]->bv_len > 0 &&
		    memchr(bv[0]->bv_val, '\0', bv[0]->bv_len) == NULL) {
			sb_printf(&c->out, "%s\n", stmt);
			sb_add(&c->out, bv[0]->bv_val, bv[0]->bv_len);
			if (bv[0]->bv_val[bv[0]->bv_len - 1] != '\n')
				sb_puts(&c->out, "\n");
		}
		ldap_value_free_len(bv);
	}
	free(v);
	ldap_msgfree(res);
	if (sb_err(&c->out))
		return admin_err(c, EX_SOFTWARE, _("too many checkpoints"));
	return EX_OK;
}

static int
cmd_certificate(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	char buf[16384];
	size_t n;
	FILE *fp;
	int st, npos;

	if ((st = admin_opts(c, argc, argv, opts, NULL, 0, &npos)) != EX_OK)
		return st;
	if (c->ctx->cfg->audit.certificate[0] == '\0')
		return admin_err(c, EX_CONFIG, "%s", ADMIN_T(c,
		    "audit checkpoints are not configured (audit.certificate)",
		    "titik periksa audit tidak dikonfigurasi "
		    "(audit.certificate)"));
	if ((fp = fopen(c->ctx->cfg->audit.certificate, "re")) == NULL)
		return admin_err(c, EX_CONFIG, "%s: %s",
		    c->ctx->cfg->audit.certificate, strerror(errno));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	if (n == sizeof(buf))
		return admin_err(c, EX_CONFIG, _("%s: too large"),
		    c->ctx->cfg->audit.certificate);
	sb_add(&c->out, buf, n);
	return EX_OK;
}

/* Reached only when kuncictl did not handle the command itself. */
static int
cmd_local(struct admin_call *c, int argc, char **argv)
{
	(void)argc;
	return admin_err(c, EX_USAGE, _("audit %s is done by kuncictl itself "
	    "(kuncictl audit %s ...)"), argv[0], argv[0]);
}

const struct admin_cmd audit_cmds[] = {
	{ "audit", "verify", cmd_local, "[FILE...] [--journal] "
	    "[--checkpoints FILE | --no-checkpoints] [--cert CERT] [--json]" },
	{ "audit", "search", cmd_local, "[FILE...] [--journal] [--person P] "
	    "[--resource R] [--request ID] [--grant ID] [--event E] "
	    "[--host H] [--since T] [--until T] [--json]" },
	{ "audit", "export", cmd_local, "[FILE...] [--journal] [--person P] "
	    "[--resource R] [--request ID] [--grant ID] [--event E] "
	    "[--host H] [--since T] [--until T] [--format csv|signed] "
	    "[--cert CERT --key KEY] --out FILE" },
	{ "audit", "checkpoint", cmd_checkpoint, "" },
	{ "audit", "checkpoints", cmd_checkpoints, "[--host HOST] [--from N]" },
	{ "audit", "certificate", cmd_certificate, "" },
	{ NULL, NULL, NULL, NULL }
};
