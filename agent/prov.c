/*
 * prov.c: cards, control-panel accounts, revocation, expiry and the
 * engine's provisioning hooks; the doors' allow lists are prov_allow.c's.
 * See prov.h and doc/provisioning.md.
 *
 * Every LDAP change here is either idempotent (an add whose DN is fixed,
 * a delete of what may be gone already) or asserted (a grant leaves
 * "active" only under (kunciStatus=active)), so two kuncid hosts, or a
 * retry after a crash, never revoke, expire or warn twice: the audit
 * record and the message follow the one write that succeeded.
 *
 * Account disabling: the panel account is an entry of its own under
 * provision.account_base (a POSIX account the panel hosts see through
 * nslcd), and disabling deletes its userPassword.  With
 * no userPassword a simple bind fails (invalidCredentials) on any slapd,
 * without the ppolicy overlay, and nothing else of the person is touched
 * (their own entry in ou=people keeps its password).  A new password is
 * only ever set by provisioning again.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cfg.h"
#include "counter.h"
#include "delegate.h"
#include "dir.h"
#include "gate.h"
#include "i18n.h"
#include "ldapc.h"
#include "log.h"
#include "notify.h"
#include "prov.h"
#include "prov_due.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define ALLOW_EVERY	10	/* seconds between full allow-list passes */
#define LIST_MAX	100000
#define WARNED_NOTE	"expiry warning sent"

static time_t last_allow;	/* the scheduler's thread only */

/* ---------------------------------------------------------------- grants */

struct one_grant {
	struct wf_grant	g;
	int		found;
};

static int
take_one(struct wf_grant *g, void *arg)
{
	struct one_grant *o = arg;

	o->g = *g;
	o->found = 1;
	return EX_OK;
}

static int
grant_get(struct wf *w, const char *id, struct wf_grant *g)
{
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 64];
	struct one_grant o;
	int st;

	memset(&o, 0, sizeof(o));
	memset(g, 0, sizeof(*g));
	if (strlen(id) > WF_ID_MAX ||
	    ldapc_escape_filter(esc, sizeof(esc), id) == -1)
		return wf_fail(w, EX_NOINPUT, _("unknown grant: %.40s"), id);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciId=%s))", esc);
	if ((st = wf_grants(w, filter, 1, take_one, &o)) != EX_OK)
		return st;
	if (!o.found)
		return wf_fail(w, EX_NOINPUT, _("unknown grant: %s"), id);
	*g = o.g;
	return EX_OK;
}

static int
grant_dn(struct wf *w, const char *id, char *dn, size_t sz)
{
	char esc[3 * WF_ID_MAX + 1];

	if (ldapc_escape_dn(esc, sizeof(esc), id) == -1)
		return -1;
	snprintf(dn, sz, "kunciId=%s,ou=grants,%s", esc,
	    w->cfg->directory.kunci_base);
	return 0;
}

/* Modify the grant dn under an assertion: wf_modify_asserted. */
static int
asserted(struct wf *w, const char *dn, const char *assertion,
    struct dir_mods *m)
{
	return wf_modify_asserted(w, dn, assertion, m, _("updating the grant"));
}

/* ----------------------------------------------------------------- cards */

struct card {
	char	serial[WF_CRED_MAX + 1];
	char	holder[DIR_UID_MAX + 1];
	char	status[16];
	char	resource[DIR_NAME_MAX + 1];
	int	lost;
	char	dn[DIR_DN_MAX];
};

static int
card_dn(struct wf *w, const char *serial, char *dn, size_t sz)
{
	char esc[3 * WF_CRED_MAX + 1];

	if (ldapc_escape_dn(esc, sizeof(esc), serial) == -1)
		return -1;
	snprintf(dn, sz, "kunciId=%s,ou=cards,%s", esc,
	    w->cfg->directory.kunci_base);
	return 0;
}

/* EX_OK, EX_NOINPUT when there is no such card. */
static int
card_get(struct wf *w, const char *serial, struct card *c)
{
	char *attrs[] = { U("kunciCardSerial"), U("kunciHolder"),
	    U("kunciStatus"), U("kunciResource"), U("kunciNote"), NULL };
	LDAPMessage *res = NULL, *e;
	struct berval **v;
	LDAP *ld;
	int rc, i;

	memset(c, 0, sizeof(*c));
	if (card_dn(w, serial, c->dn, sizeof(c->dn)) == -1)
		return wf_fail(w, EX_NOINPUT, _("unknown card: %.40s"), serial);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, c->dn, LDAP_SCOPE_BASE,
	    "(objectClass=kunciCard)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res)) == NULL)) {
		ldap_msgfree(res);
		return wf_fail(w, EX_NOINPUT, _("unknown card: %s"), serial);
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading the card"));
	}
	dir_get(ld, e, "kunciCardSerial", c->serial, sizeof(c->serial));
	dir_get(ld, e, "kunciHolder", c->holder, sizeof(c->holder));
	dir_get(ld, e, "kunciStatus", c->status, sizeof(c->status));
	dir_get(ld, e, "kunciResource", c->resource, sizeof(c->resource));
	v = ldap_get_values_len(ld, e, "kunciNote");
	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (v[i]->bv_len >= 5 && strncasecmp(v[i]->bv_val, "lost",
		    4) == 0)
			c->lost = 1;
	ldap_value_free_len(v);
	ldap_msgfree(res);
	return EX_OK;
}

/* Bind serial to holder's grant: create the card or add the grant. */
static int
card_bind(struct wf *w, const char *serial, const char *holder,
    const char *resource, const char *grant)
{
	struct dir_mods m;
	struct card c;
	char now[32];
	LDAP *ld;
	int st, rc;

	dir_gentime(now, sizeof(now), time(NULL));
	st = card_get(w, serial, &c);
	if (st != EX_OK && st != EX_NOINPUT)
		return st;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	dir_mods_init(&m);
	if (st == EX_NOINPUT) {
		dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciCard");
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", serial);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciCardSerial", serial);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciHolder", holder);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciStatus", "active");
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciResource", resource);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciGrantRef", grant);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciCreated", now);
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciUpdated", now);
		rc = m.err ? LDAP_NO_MEMORY : ldap_add_ext_s(ld, c.dn, m.p,
		    NULL, NULL);
	} else {
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciHolder", holder);
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStatus", "active");
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciResource", resource);
		dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", now);
		if (strcmp(c.status, "active") == 0 &&
		    strcmp(c.holder, holder) == 0) {
			dir_mods_add(&m, LDAP_MOD_DELETE, "kunciGrantRef",
			    grant);
			dir_mods_add(&m, LDAP_MOD_ADD, "kunciGrantRef", grant);
		} else
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciGrantRef",
			    grant);
		rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld, c.dn, m.p,
		    NULL, NULL);
		if (rc == LDAP_NO_SUCH_ATTRIBUTE) {
			/* The grant was not listed yet: just add it. */
			dir_mods_free(&m);
			dir_mods_init(&m);
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStatus",
			    "active");
			dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", now);
			dir_mods_add(&m, LDAP_MOD_ADD, "kunciGrantRef", grant);
			rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld,
			    c.dn, m.p, NULL, NULL);
		}
	}
	dir_mods_free(&m);
	if (rc == LDAP_ALREADY_EXISTS || rc == LDAP_TYPE_OR_VALUE_EXISTS)
		rc = LDAP_SUCCESS;
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("writing the card"));
	log_audit("card.issue", "card", serial, "holder", holder, "grant",
	    grant, "resource", resource, NULL);
	return EX_OK;
}

int
prov_card_revoke(struct wf *w, const char *serial, const char *actor,
    const char *as, const char *reason, int lost)
{
	struct dir_mods m;
	struct card c;
	char now[32], note[WF_NOTE_MAX + 32];
	LDAP *ld;
	int st, rc;

	if ((st = card_get(w, serial, &c)) != EX_OK)
		return st;
	if (strcmp(c.status, "active") != 0 && !lost)
		return wf_fail(w, EX_DATAERR,
		    _("card %s is already %s"), c.serial,
		    wf_word(c.status));
	if (c.lost)
		return wf_fail(w, EX_DATAERR,
		    _("card %s was already reported lost"),
		    c.serial);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	dir_gentime(now, sizeof(now), time(NULL));
	snprintf(note, sizeof(note), "%s %s%s%s", lost ? "lost" : "revoked",
	    now, reason != NULL && *reason ? ": " : "",
	    reason != NULL ? reason : "");
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStatus", "revoked");
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", now);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld, c.dn, m.p, NULL,
	    NULL);
	dir_mods_free(&m);
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("revoking the card"));
	log_audit(lost ? "card.lost" : "card.revoke", "card", c.serial,
	    "holder", c.holder, "actor", actor, "as", as, "reason", reason,
	    NULL);
	(void)prov_allow_refresh(w, NULL, 0);
	return EX_OK;
}

/* -------------------------------------------------------------- accounts */

int
prov_account_dn(struct wf *w, const char *account, char *dn, size_t sz)
{
	char esc[3 * DIR_UID_MAX + 1];

	if (!dir_valid_uid(account) ||
	    ldapc_escape_dn(esc, sizeof(esc), account) == -1)
		return -1;
	if (w->cfg->provision.account_base[0] != '\0')
		snprintf(dn, sz, "uid=%s,%s", esc,
		    w->cfg->provision.account_base);
	else
		snprintf(dn, sz, "uid=%s,ou=panel-accounts,%s", esc,
		    w->cfg->directory.base);
	return 0;
}

/* The person the account belongs to (seeAlso), "" when none; EX_NOINPUT
 * when there is no account. */
static int
account_owner(struct wf *w, const char *account, char *owner, size_t sz)
{
	char dn[DIR_DN_MAX], *attrs[] = { U("seeAlso"), NULL };
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc;

	owner[0] = '\0';
	if (prov_account_dn(w, account, dn, sizeof(dn)) == -1)
		return wf_fail(w, EX_DATAERR,
		    _("bad account name: %.64s"), account);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res)) == NULL)) {
		ldap_msgfree(res);
		return EX_NOINPUT;
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading the account"));
	}
	dir_get(ld, e, "seeAlso", owner, sz);
	ldap_msgfree(res);
	return EX_OK;
}

/*
 * A uid number for a new panel account: the next of the counter
 * cn=panel-uid (counter.c: one asserted write per number, so concurrent
 * creations on any host never share one), skipping a number some entry of
 * the directory already holds (an account made by hand, a person).
 */
static int
account_uid_number(struct wf *w, long long *uidn)
{
	char filter[64], *attrs[] = { U("1.1"), NULL };
	LDAPMessage *res = NULL;
	LDAP *ld;
	int st, rc, tries, n;

	for (tries = 0; tries < 100; tries++) {
		if ((st = counter_next(w->lc, w->cfg->directory.kunci_base,
		    "panel-uid", _("uid number"), w->cfg->provision.uid_min,
		    w->cfg->provision.uid_max, uidn, w->err,
		    sizeof(w->err))) != EX_OK)
			return st;
		if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
			return EX_UNAVAILABLE;
		snprintf(filter, sizeof(filter), "(uidNumber=%lld)", *uidn);
		rc = ldap_search_ext_s(ld, w->cfg->directory.base,
		    LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL, 1,
		    &res);
		n = rc == LDAP_SUCCESS ? ldap_count_entries(ld, res) : -1;
		ldap_msgfree(res);
		res = NULL;
		if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED)
			return wf_ldfail(w, rc, _("checking the uid number"));
		if (n == 0)
			return EX_OK;
		log_warnx("uid number %lld is taken in the directory; "
		    "skipping it", *uidn);
	}
	*uidn = 0;
	return wf_fail(w, EX_TEMPFAIL, _("no free uid number found in "
	    "provision.uid_min..uid_max"));
}

/* homeDirectory: <provision.home_base>/<account> */
static void
account_home(struct wf *w, const char *account, char *home, size_t sz)
{
	const char *b = w->cfg->provision.home_base;

	snprintf(home, sz, "%s%s%s", b, b[strlen(b) - 1] == '/' ? "" : "/",
	    account);
}

/* A real shell, not one that refuses logins. */
static int
real_shell(const char *sh)
{
	const char *b = strrchr(sh, '/');

	b = b != NULL ? b + 1 : sh;
	return strcmp(b, "nologin") != 0 && strcmp(b, "false") != 0;
}

/*
 * An existing account made ready for resource: posixAccount and
 * shadowAccount added to an account made before they were (issue 20),
 * the shell raised to a real one when this resource's panel needs it
 * (never lowered: another grant's Cockpit may need it).
 */
static int
account_update(struct wf *w, const char *account, const char *dn,
    const char *resource)
{
	char *attrs[] = { U("objectClass"), U("loginShell"), NULL };
	char shell[256] = "", num[32], home[4096];
	const char *want = cfg_account_shell(w->cfg, resource);
	const struct cfg_provision *p = &w->cfg->provision;
	LDAPMessage *res = NULL, *e;
	struct berval **v;
	struct dir_mods m;
	long long uidn;
	LDAP *ld;
	int rc, i, posix = 0, st;

	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading the account"));
	}
	v = ldap_get_values_len(ld, e, "objectClass");
	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (v[i]->bv_len == 12 &&
		    strncasecmp(v[i]->bv_val, "posixAccount", 12) == 0)
			posix = 1;
	ldap_value_free_len(v);
	dir_get(ld, e, "loginShell", shell, sizeof(shell));
	ldap_msgfree(res);
	dir_mods_init(&m);
	if (!posix) {
		if ((st = account_uid_number(w, &uidn)) != EX_OK) {
			dir_mods_free(&m);
			return st;
		}
		snprintf(num, sizeof(num), "%lld", uidn);
		dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "posixAccount");
		dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "shadowAccount");
		dir_mods_add(&m, LDAP_MOD_ADD, "uidNumber", num);
		if (p->gid > 0)
			snprintf(num, sizeof(num), "%d", p->gid);
		dir_mods_add(&m, LDAP_MOD_ADD, "gidNumber", num);
		account_home(w, account, home, sizeof(home));
		dir_mods_add(&m, LDAP_MOD_ADD, "homeDirectory", home);
		dir_mods_add(&m, LDAP_MOD_ADD, "loginShell", want);
	} else if (strcmp(shell, want) != 0 &&
	    (real_shell(want) || shell[0] == '\0'))
		dir_mods_add(&m, LDAP_MOD_REPLACE, "loginShell", want);
	if (m.n == 0) {
		dir_mods_free(&m);
		return EX_OK;
	}
	rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld, dn, m.p, NULL,
	    NULL);
	dir_mods_free(&m);
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("updating the account"));
	log_audit("account.update", "account", account, "dn", dn, "shell",
	    want, NULL);
	return EX_OK;
}

static int
account_ensure(struct wf *w, const char *account, const char *subject,
    const char *grant, const char *resource)
{
	const struct cfg_provision *pr = &w->cfg->provision;
	struct dir_person p;
	struct dir_mods m;
	char dn[DIR_DN_MAX], desc[256], owner[DIR_DN_MAX], uidn_s[32],
	    gidn_s[32], home[4096];
	const char *shell = cfg_account_shell(w->cfg, resource);
	long long uidn;
	LDAP *ld;
	int st, rc;

	if ((st = dir_person_by_uid(w->lc, w->cfg, subject, &p, w->err,
	    sizeof(w->err))) != EX_OK)
		return st;
	prov_account_dn(w, account, dn, sizeof(dn));
	st = account_owner(w, account, owner, sizeof(owner));
	if (st == EX_OK)	/* it exists: enabled by a password */
		return account_update(w, account, dn, resource);
	if (st != EX_NOINPUT)
		return st;
	if ((st = account_uid_number(w, &uidn)) != EX_OK)
		return st;
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(desc, sizeof(desc), "kunci control-panel account, grant %s",
	    grant);
	snprintf(uidn_s, sizeof(uidn_s), "%lld", uidn);
	snprintf(gidn_s, sizeof(gidn_s), "%lld", pr->gid > 0 ?
	    (long long)pr->gid : uidn);
	account_home(w, account, home, sizeof(home));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "inetOrgPerson");
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "posixAccount");
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "shadowAccount");
	dir_mods_add(&m, LDAP_MOD_ADD, "uid", account);
	dir_mods_add(&m, LDAP_MOD_ADD, "cn", p.cn[0] ? p.cn : account);
	dir_mods_add(&m, LDAP_MOD_ADD, "sn", account);
	dir_mods_add(&m, LDAP_MOD_ADD, "seeAlso", p.dn);
	dir_mods_add(&m, LDAP_MOD_ADD, "description", desc);
	dir_mods_add(&m, LDAP_MOD_ADD, "uidNumber", uidn_s);
	dir_mods_add(&m, LDAP_MOD_ADD, "gidNumber", gidn_s);
	dir_mods_add(&m, LDAP_MOD_ADD, "homeDirectory", home);
	dir_mods_add(&m, LDAP_MOD_ADD, "loginShell", shell);
	rc = m.err ? LDAP_NO_MEMORY : ldap_add_ext_s(ld, dn, m.p, NULL, NULL);
	dir_mods_free(&m);
	if (rc == LDAP_ALREADY_EXISTS)	/* a racing provisioning made it */
		return account_update(w, account, dn, resource);
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("creating the account"));
	log_audit("account.create", "account", account, "subject", subject,
	    "grant", grant, "dn", dn, "uid_number", uidn_s, "shell", shell,
	    NULL);
	return EX_OK;
}

/* A uniformly drawn password of the configured length and alphabet. */
static int
gen_password(struct wf *w, char *pw, size_t pwsz)
{
	const char *alpha = w->cfg->provision.password_alphabet;
	size_t n = strlen(alpha), len = (size_t)w->cfg->provision.password_length,
	    i = 0, j;
	unsigned int limit = 256 - (256 % (unsigned int)n);
	unsigned char r[64];

	if (len + 1 > pwsz)
		return -1;
	while (i < len) {
		if (RAND_bytes(r, sizeof(r)) != 1) {
			OPENSSL_cleanse(r, sizeof(r));
			return -1;
		}
		for (j = 0; j < sizeof(r) && i < len; j++)
			if (r[j] < limit)
				pw[i++] = alpha[r[j] % n];
	}
	pw[i] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

int
prov_account_password(struct wf *w, const char *account, char *pw,
    size_t pwsz)
{
	struct berval user, newpw, out = { 0, NULL };
	char dn[DIR_DN_MAX];
	LDAP *ld;
	int rc;

	if (pwsz > 0)
		pw[0] = '\0';
	if (prov_account_dn(w, account, dn, sizeof(dn)) == -1)
		return wf_fail(w, EX_DATAERR,
		    _("bad account name: %.64s"), account);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	if (gen_password(w, pw, pwsz) == -1)
		return wf_fail(w, EX_SOFTWARE, _("the random number generator "
		    "failed"));
	user.bv_val = dn;
	user.bv_len = strlen(dn);
	newpw.bv_val = pw;
	newpw.bv_len = strlen(pw);
	/* RFC 3062: the server hashes it by its own policy. */
	rc = ldap_passwd_s(ld, &user, NULL, &newpw, &out, NULL, NULL);
	if (out.bv_val != NULL) {
		OPENSSL_cleanse(out.bv_val, out.bv_len);
		ber_memfree(out.bv_val);
	}
	if (rc != LDAP_SUCCESS) {
		explicit_bzero(pw, pwsz);
		return wf_ldfail(w, rc, _("setting the password"));
	}
	log_audit("account.password", "account", account, "dn", dn, NULL);
	return EX_OK;
}

int
prov_grant_active(struct wf *w, const char *grant)
{
	struct wf_grant g;
	int st;

	if ((st = grant_get(w, grant, &g)) != EX_OK)
		return st;
	if (strcmp(g.status, "active") != 0)
		return wf_fail(w, EX_DATAERR, _("grant %s is %s: a password is "
		    "set only for an active grant"), g.id, wf_word(g.status));
	return EX_OK;
}

struct count_arg {
	const char	*except;
	int		 n;
};

static int
count_other(struct wf_grant *g, void *arg)
{
	struct count_arg *c = arg;

	if (strcmp(g->id, c->except) != 0)
		c->n++;
	return EX_OK;
}

/* Disable the account unless another active grant still needs it. */
static void
account_disable(struct wf *w, const struct wf_grant *g)
{
	char esc[3 * WF_CRED_MAX + 1], filter[3 * WF_CRED_MAX + 100],
	    dn[DIR_DN_MAX], owner[DIR_DN_MAX];
	struct count_arg ca = { g->id, 0 };
	struct dir_mods m;
	LDAP *ld;
	int rc;

	if (account_owner(w, g->cred, owner, sizeof(owner)) != EX_OK)
		return;
	if (ldapc_escape_filter(esc, sizeof(esc), g->cred) == -1)
		return;
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciStatus=active)(kunciCredential=%s))", esc);
	if (wf_grants(w, filter, 100, count_other, &ca) != EX_OK)
		return;
	if (ca.n > 0) {
		log_audit("account.keep", "account", g->cred, "grant", g->id,
		    "reason", "another active grant needs it", NULL);
		return;
	}
	prov_account_dn(w, g->cred, dn, sizeof(dn));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	/* Disabled by deleting the password, not by shadowExpire or other
	 * shadow aging: the panel host's pam_unix and pam_ldap would answer
	 * those with PAM_ACCT_EXPIRED, which Webmin (passwd_mode) turns
	 * into its password-change form, a way back in. */
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_DELETE, "userPassword", NULL);
	rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld, dn, m.p, NULL,
	    NULL);
	dir_mods_free(&m);
	if (rc == LDAP_SUCCESS)
		log_audit("account.disable", "account", g->cred, "grant",
		    g->id, "dn", dn, NULL);
	else if (rc != LDAP_NO_SUCH_ATTRIBUTE)
		log_warnx("disabling account %s: %s", g->cred,
		    ldap_err2string(rc));
}

void
prov_account_drop(struct wf *w, const char *grant, const char *account)
{
	struct wf_grant g;

	memset(&g, 0, sizeof(g));
	u_strlcpy(g.id, grant, sizeof(g.id));
	u_strlcpy(g.cred, account, sizeof(g.cred));
	account_disable(w, &g);
}

/* ------------------------------------------------------------ take away */

/* After a grant left "active": card, account, allow list. */
static void
deprovision(struct wf *w, const struct wf_grant *g, const char *why)
{
	struct dir_mods m;
	struct card c;
	char now[32];
	LDAP *ld;
	int rc;

	if (g->cred[0] != '\0' && card_get(w, g->cred, &c) == EX_OK &&
	    strcmp(c.status, "active") == 0 &&
	    (ld = dir_ld(w->lc, w->err, sizeof(w->err))) != NULL) {
		dir_gentime(now, sizeof(now), time(NULL));
		dir_mods_init(&m);
		dir_mods_add(&m, LDAP_MOD_DELETE, "kunciGrantRef", g->id);
		rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld, c.dn, m.p,
		    NULL, NULL);
		dir_mods_free(&m);
		(void)rc;
		/* Revoked or removed: the card goes.  Expired: it goes when
		 * no active grant lists it any more. */
		{
			char *attrs[] = { U("kunciGrantRef"), NULL };
			LDAPMessage *res = NULL, *e;
			struct berval **v;
			int left = 0, i;

			if (ldap_search_ext_s(ld, c.dn, LDAP_SCOPE_BASE,
			    "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1,
			    &res) == LDAP_SUCCESS &&
			    (e = ldap_first_entry(ld, res)) != NULL) {
				v = ldap_get_values_len(ld, e, "kunciGrantRef");
				for (i = 0; v != NULL && v[i] != NULL; i++) {
					struct wf_grant o;
					char id[WF_ID_MAX + 1];

					if (v[i]->bv_len > WF_ID_MAX)
						continue;
					memcpy(id, v[i]->bv_val, v[i]->bv_len);
					id[v[i]->bv_len] = '\0';
					if (grant_get(w, id, &o) == EX_OK &&
					    strcmp(o.status, "active") == 0)
						left++;
				}
				ldap_value_free_len(v);
			}
			ldap_msgfree(res);
			if (strcmp(why, "expired") != 0 || left == 0) {
				dir_mods_init(&m);
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciStatus", strcmp(why, "expired") == 0 ?
				    "expired" : "revoked");
				dir_mods_add(&m, LDAP_MOD_REPLACE,
				    "kunciUpdated", now);
				if (!m.err && ldap_modify_ext_s(ld, c.dn, m.p,
				    NULL, NULL) == LDAP_SUCCESS)
					log_audit("card.revoke", "card",
					    c.serial, "holder", c.holder,
					    "actor", "kuncid", "grant", g->id,
					    "reason", why, NULL);
				dir_mods_free(&m);
			}
		}
	}
	account_disable(w, g);
	(void)prov_allow_refresh(w, g->resource, 0);
}

static void
grant_vars(const struct wf_grant *g, struct notify_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->grant = g->id;
	v->resource = g->resource;
	v->subject = g->subject;
	v->credential = g->cred[0] ? g->cred : NULL;
	v->not_after = g->not_after;
	v->state = g->status;
}

/* Leave "active" under the assertion; EX_DATAERR if it was not. */
static int
grant_leave(struct wf *w, const struct wf_grant *g, const char *status,
    const char *note)
{
	struct dir_mods m;
	char dn[DIR_DN_MAX], now[32];
	int st;

	if (grant_dn(w, g->id, dn, sizeof(dn)) == -1)
		return wf_fail(w, EX_DATAERR, _("bad grant id"));
	dir_gentime(now, sizeof(now), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciStatus", status);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", now);
	if (note != NULL && *note != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	st = asserted(w, dn, "(kunciStatus=active)", &m);
	dir_mods_free(&m);
	if (st == EX_OK)	/* the gate must not wait for sync to see it */
		gate_grant_left(g->subject, g->resource, g->id, status);
	if (st == EX_TEMPFAIL)
		return wf_fail(w, EX_DATAERR, _("grant %s is no longer active"),
		    g->id);
	return st;
}

int
prov_revoke(struct wf *w, const char *grant, const char *actor,
    const char *as, const char *reason, int emergency)
{
	struct notify_vars v;
	struct wf_grant g;
	char note[WF_NOTE_MAX + 64], key[96];
	int st;

	if ((st = grant_get(w, grant, &g)) != EX_OK)
		return st;
	if (strcmp(g.status, "active") != 0)
		return wf_fail(w, EX_DATAERR, _("grant %s is already %s"), g.id,
		    wf_word(g.status));
	snprintf(note, sizeof(note), "%s by %s: %s", emergency ?
	    "emergency revocation" : "revoked", actor, reason ? reason : "");
	if ((st = grant_leave(w, &g, "revoked", note)) != EX_OK)
		return st;
	log_audit(emergency ? "grant.revoke.emergency" : "grant.revoke",
	    "grant", g.id, "actor", actor, "as", as, "subject", g.subject,
	    "resource", g.resource, "credential", g.cred, "emergency",
	    emergency ? "yes" : "no", "reason", reason, NULL);
	u_strlcpy(g.status, "revoked", sizeof(g.status));
	deprovision(w, &g, "revoked");
	grant_vars(&g, &v);
	v.reason = reason;
	snprintf(key, sizeof(key), "revoked-%s", g.id);
	notify_person(w, g.subject, emergency ? "revoked" : "removed", key,
	    &v);
	return EX_OK;
}

/* ----------------------------------------------------------- wf hooks */

int
prov_check_cred(struct wf *w, const struct wf_request *r, const char *cred)
{
	struct dir_person p;
	struct card c;
	char owner[DIR_DN_MAX];
	int st;

	if (cred == NULL || *cred == '\0' ||
	    strcmp(r->type, PROV_REMOVAL_TYPE) == 0)
		return EX_OK;
	if (r->snap.grant_kind == CFG_GRANT_CARD) {
		st = card_get(w, cred, &c);
		if (st == EX_NOINPUT)
			return EX_OK;
		if (st != EX_OK)
			return st;
		if (c.lost)
			return wf_fail(w, EX_DATAERR,
			    _("card %s was reported lost; "
			    "issue another card"), c.serial);
		if (strcmp(c.status, "active") == 0 &&
		    strcmp(c.holder, r->subject) != 0)
			return wf_fail(w, EX_DATAERR, _("card %s is bound to "
			    "another holder (%s)"), c.serial, c.holder);
		return EX_OK;
	}
	if (r->snap.grant_kind == CFG_GRANT_ACCOUNT) {
		if (!dir_valid_uid(cred))
			return wf_fail(w, EX_DATAERR,
			    _("bad account name: %.64s "
			    "(a login name: [a-z_][a-z0-9_.-]*)"), cred);
		st = account_owner(w, cred, owner, sizeof(owner));
		if (st == EX_NOINPUT)
			return EX_OK;
		if (st != EX_OK)
			return st;
		if ((st = dir_person_by_uid(w->lc, w->cfg, r->subject, &p,
		    w->err, sizeof(w->err))) != EX_OK)
			return st;
		if (owner[0] == '\0' || !dir_dn_equal(owner, p.dn))
			return wf_fail(w, EX_DATAERR, _("account %s belongs to "
			    "someone else"), cred);
	}
	return EX_OK;
}

void
prov_granted(struct wf *w, const struct wf_request *r, const char *cred)
{
	char pw[PROV_PW_MAX];
	int n;

	if (cred == NULL || *cred == '\0')
		return;
	if (r->snap.grant_kind == CFG_GRANT_CARD) {
		if (card_bind(w, cred, r->subject, r->resource, r->id) !=
		    EX_OK)
			log_warnx("request %s: card %s: %s", r->id, cred,
			    i18n_en(w->err));
		(void)prov_allow_refresh(w, r->resource, 0);
	} else if (r->snap.grant_kind == CFG_GRANT_ACCOUNT) {
		if (account_ensure(w, cred, r->subject, r->id, r->resource) !=
		    EX_OK ||
		    prov_account_password(w, cred, pw, sizeof(pw)) != EX_OK) {
			log_warnx("request %s: account %s: %s", r->id, cred,
			    i18n_en(w->err));
			snprintf(w->info, sizeof(w->info),
			    _("account %s: %.300s; "
			    "retry with: kuncictl account password %s"), cred,
			    w->err, r->id);
			return;
		}
		/* Shown once, to the operator who acted (the reply of this
		 * call); wiped by the next scheduler tick. */
		n = snprintf(w->info, sizeof(w->info), _("account %s, password "
		    "%s (shown once; hand it to %s)"), cred, pw, r->subject);
		(void)n;
		w->info_secret = 1;
		explicit_bzero(pw, sizeof(pw));
	}
}

/* Does a step of kind k come after step i of r? */
static int
later_kind(const struct wf_request *r, int i, enum cfg_kind k)
{
	size_t j;

	for (j = (size_t)(i + 1); i >= -1 && j < r->snap.nsteps; j++)
		if (r->snap.steps[j].kind == k)
			return 1;
	return 0;
}

int
prov_removal(struct wf *w, const struct wf_request *r)
{
	struct notify_vars v;
	struct wf_grant g;
	char note[WF_NOTE_MAX + 64], key[96];
	int st;

	if ((st = grant_get(w, r->grant, &g)) != EX_OK)
		return st == EX_NOINPUT ? EX_OK : st;
	if (strcmp(g.status, "active") == 0) {
		snprintf(note, sizeof(note), "removed by request %s: %s",
		    r->id, r->reason ? r->reason : "");
		st = grant_leave(w, &g, "revoked", note);
		if (st == EX_OK) {
			log_audit("grant.revoke", "grant", g.id, "removal",
			    r->id, "actor", "kuncid", "subject", g.subject,
			    "resource", g.resource, "credential", g.cred,
			    "emergency", "no", "reason", r->reason, NULL);
			u_strlcpy(g.status, "revoked", sizeof(g.status));
			deprovision(w, &g, "revoked");
		} else if (st != EX_DATAERR)
			return st;
	}
	/* A later notify step is the administrator's act of informing
	 * (C3 step 5): the notice goes out with it, not here. */
	if (later_kind(r, r->step, CFG_KIND_NOTIFY))
		return EX_OK;
	grant_vars(&g, &v);
	v.request = r->id;
	v.reason = r->reason;
	v.state = "revoked";
	snprintf(key, sizeof(key), "removed-%s", r->id);
	notify_person(w, g.subject, "removed", key, &v);
	notify_person(w, r->requester, "removed", key, &v);
	return EX_OK;
}

static void
req_vars(const struct wf_request *r, int step, struct notify_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->request = r->id;
	v->resource = r->resource;
	v->subject = r->subject;
	v->state = r->state;
	v->grant = r->grant[0] ? r->grant : NULL;
	v->not_after = strcmp(r->type, PROV_REMOVAL_TYPE) == 0 ? 0 :
	    r->not_after;
	if (step >= 0 && (size_t)step < r->snap.nsteps) {
		v->step_id = r->snap.steps[step].label_id;
		v->step_en = r->snap.steps[step].label_en;
	}
}

struct tell {
	struct wf			*w;
	const struct wf_request		*r;
	const char			*event, *key;
	const struct notify_vars	*v;
};

/* An acting official in the place of one the step waits on (never on a
 * request of their own, where they may not act). */
static void
tell_acting(const char *uid, void *arg)
{
	const struct tell *t = arg;

	if (strcmp(uid, t->r->requester) == 0 ||
	    strcmp(uid, t->r->subject) == 0)
		return;
	notify_person(t->w, uid, t->event, t->key, t->v);
}

/* Tell whoever step i of r waits on, and their acting officials. */
static void
tell_step(struct wf *w, const struct wf_request *r, int i, const char *event,
    const char *key, const struct notify_vars *v)
{
	const struct wf_step *s = &r->snap.steps[i];
	const struct cfg_role *role;
	struct dir_resource res;
	char err[256], rname[64];
	int k;

	struct tell t = { w, r, event, key, v };
	time_t now = time(NULL);

	if (s->rule.skip)
		return;		/* kuncid passes it: nobody to wait on */
	/* the disposition's choice, and the roles beside the step's own */
	wf_step_role(w, r, i, rname, sizeof(rname));
	for (k = 2; wfr_parallel_role(&s->rule, s->role, k, err,
	    sizeof(err)) == 0; k++)
		if ((role = cfg_role(w->cfg, err)) != NULL) {
			notify_dn(w, role->group, event, key, v);
			(void)dlg_acting(w, err, NULL, now, tell_acting, &t);
		}
	if (strcmp(s->role, CFG_ROLE_SUPERIOR) == 0) {
		notify_person(w, s->who, event, key, v);
		(void)dlg_acting(w, CFG_ROLE_SUPERIOR, s->who, now,
		    tell_acting, &t);
	} else if (strcmp(s->role, CFG_ROLE_REQUESTER) == 0)
		notify_person(w, r->requester, event, key, v);
	else if (strcmp(s->role, CFG_ROLE_OWNER) == 0) {
		if (dir_resource(w->lc, w->cfg, r->resource, &res, err,
		    sizeof(err)) == EX_OK)
			notify_dn(w, res.owner, event, key, v);
	} else if ((role = cfg_role(w->cfg, rname)) != NULL) {
		notify_dn(w, role->group, event, key, v);
		(void)dlg_acting(w, rname, NULL, now, tell_acting, &t);
	}
}

/*
 * The event of step i of r (the first approving one, or with reject the
 * rejecting one), for the notice: who informed, and a rejection's reason.
 * 0 when there is none.
 */
static int
step_event(struct wf *w, const struct wf_request *r, int i, int reject,
    struct wf_event *out)
{
	struct wf_event *ev = NULL;
	size_t n, k;
	int found = 0;

	if (wf_events(w, r, &ev, &n) != EX_OK) {
		free(ev);
		return 0;
	}
	for (k = 0; k < n && !found; k++)
		if (strncmp(ev[k].rdn, "step-", 5) == 0 &&
		    (i < 0 || ev[k].step == i) &&
		    strcmp(ev[k].decision, reject ? "reject" : "approve") ==
		    0) {
			*out = ev[k];
			found = 1;
		}
	free(ev);
	return found;
}

void
prov_event(struct wf *w, const struct wf_request *r, const char *event,
    int step)
{
	struct wf_event se;
	const struct cfg_role *role;
	struct notify_vars v;
	char key[128];
	int removal = strcmp(r->type, PROV_REMOVAL_TYPE) == 0;

	req_vars(r, step, &v);
	if (strcmp(event, "submit") == 0) {
		snprintf(key, sizeof(key), "submit-%s", r->id);
		v.reason = r->reason;
		if (removal) {
			/* Not "your request has been received": the owner
			 * asked for a removal, which is now recorded. */
			notify_person(w, r->requester, "removal-submit", key,
			    &v);
			return;
		}
		notify_person(w, r->requester, "submit", key, &v);
		if (strcmp(r->subject, r->requester) != 0 && !removal)
			notify_person(w, r->subject, "submit", key, &v);
	} else if (strcmp(event, "waiting") == 0) {
		if (step < 0 || (size_t)step >= r->snap.nsteps)
			return;
		snprintf(key, sizeof(key), "wait-%s-%d", r->id, step);
		{
			const struct wf_step *s = &r->snap.steps[step];
			char cmd[WF_ID_MAX + 256];

			v.reason = r->reason;
			v.deadline = step == r->step && r->deadline != 0 ?
			    r->deadline : wf_deadline(w->cfg, time(NULL),
			    s->sla, s->bd);
			snprintf(cmd, sizeof(cmd), "kuncictl request approve "
			    "%s --step %s%s", r->id, s->name,
			    s->kind != CFG_KIND_PROVISION ? "" :
			    r->snap.grant_kind == CFG_GRANT_CARD ?
			    " --serial SERIAL" :
			    r->snap.grant_kind == CFG_GRANT_ACCOUNT ?
			    " --account NAME" : "");
			v.command = cmd;
			tell_step(w, r, step, "waiting", key, &v);
		}
	} else if (strcmp(event, "rejected") == 0) {
		snprintf(key, sizeof(key), "reject-%s", r->id);
		v.state = "rejected";
		/* The notice carries the official's reason. */
		if (step_event(w, r, -1, 1, &se)) {
			v.reason = se.note;
			v.by = se.actor;
		}
		notify_person(w, r->requester, "rejected", key, &v);
		if (strcmp(r->subject, r->requester) != 0 && !removal)
			notify_person(w, r->subject, "rejected", key, &v);
	} else if (strcmp(event, "approved") == 0 && !removal) {
		snprintf(key, sizeof(key), "approved-%s", r->id);
		v.state = "active";
		v.grant = r->id;
		notify_person(w, r->requester, "approved", key, &v);
		if (strcmp(r->subject, r->requester) != 0)
			notify_person(w, r->subject, "approved", key, &v);
	} else if (strcmp(event, "inform") == 0) {
		snprintf(key, sizeof(key), "inform-%s-%d", r->id, step);
		/* Sent as part of the informing official's act. */
		if (step_event(w, r, step, 0, &se)) {
			v.by = se.actor;
			v.note = se.note[0] != '\0' ? se.note : NULL;
		}
		if (removal) {
			/* The administrator's informing act: the holder and
			 * the access owner learn of the removal now. */
			snprintf(key, sizeof(key), "removed-%s", r->id);
			v.state = "revoked";
			v.reason = r->reason;
			v.not_after = 0;
			notify_person(w, r->subject, "removed", key, &v);
			if (later_kind(r, step, CFG_KIND_RECEIVE))
				v.confirm = r->id;
			notify_person(w, r->requester, "removed", key, &v);
			return;
		}
		if (later_kind(r, step, CFG_KIND_RECEIVE))
			v.confirm = r->id;
		notify_person(w, r->requester, "inform", key, &v);
		if (strcmp(r->subject, r->requester) != 0)
			notify_person(w, r->subject, "inform", key, &v);
	} else if (strcmp(event, "escalate") == 0) {
		if (step < 0 || (size_t)step >= r->snap.nsteps)
			return;
		snprintf(key, sizeof(key), "overdue-%s-%d", r->id, step);
		tell_step(w, r, step, "overdue", key, &v);
		role = cfg_role(w->cfg, r->snap.steps[step].role);
		if (role != NULL && role->escalate_to[0] != '\0' &&
		    (role = cfg_role(w->cfg, role->escalate_to)) != NULL) {
			snprintf(key, sizeof(key), "escalate-%s-%d", r->id,
			    step);
			notify_dn(w, role->group, "escalate", key, &v);
		}
	}
}

/* ------------------------------------------------------------ scheduler */

struct tick_arg {
	struct wf	*w;
	int		 n;
	struct wf_grant	*v;
	size_t		 cap;
};

static int
gather(struct wf_grant *g, void *arg)
{
	struct tick_arg *t = arg;
	struct wf_grant *nv;

	if ((size_t)t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		if ((nv = reallocarray(t->v, t->cap, sizeof(*nv))) == NULL)
			return EX_OSERR;
		t->v = nv;
	}
	t->v[t->n++] = *g;
	return EX_OK;
}

static void
tick_expiry(struct wf *w, time_t now)
{
	struct tick_arg t;
	struct notify_vars v;
	struct dir_mods m;
	char dn[DIR_DN_MAX], key[96];
	LDAP *ld;
	int i, rc;

	prov_due_walk(now, w->cfg->provision.expiry_warning > 0 ?
	    now + (time_t)w->cfg->provision.expiry_warning : 0);
	memset(&t, 0, sizeof(t));
	if (prov_due_grants(w, NULL, gather, &t) == EX_OK)
		for (i = 0; i < t.n; i++) {
			if (grant_leave(w, &t.v[i], "expired", NULL) != EX_OK)
				continue;	/* another host was first */
			log_audit("grant.expire", "grant", t.v[i].id, "actor",
			    "kuncid", "subject", t.v[i].subject, "resource",
			    t.v[i].resource, "credential", t.v[i].cred, NULL);
			u_strlcpy(t.v[i].status, "expired",
			    sizeof(t.v[i].status));
			deprovision(w, &t.v[i], "expired");
			grant_vars(&t.v[i], &v);
			snprintf(key, sizeof(key), "expired-%s", t.v[i].id);
			notify_person(w, t.v[i].subject, "expired", key, &v);
		}
	free(t.v);
	if (w->cfg->provision.expiry_warning <= 0)
		return;
	memset(&t, 0, sizeof(t));
	if (prov_due_grants(w, WARNED_NOTE, gather, &t) == EX_OK &&
	    (ld = dir_ld(w->lc, w->err, sizeof(w->err))) != NULL)
		for (i = 0; i < t.n; i++) {
			if (grant_dn(w, t.v[i].id, dn, sizeof(dn)) == -1)
				continue;
			/* Adding an existing value fails: once only. */
			dir_mods_init(&m);
			dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote",
			    WARNED_NOTE);
			rc = m.err ? LDAP_NO_MEMORY : ldap_modify_ext_s(ld, dn,
			    m.p, NULL, NULL);
			dir_mods_free(&m);
			if (rc != LDAP_SUCCESS)
				continue;
			log_audit("grant.expiry-warning", "grant", t.v[i].id,
			    "subject", t.v[i].subject, "resource",
			    t.v[i].resource, NULL);
			grant_vars(&t.v[i], &v);
			snprintf(key, sizeof(key), "expiring-%s", t.v[i].id);
			notify_person(w, t.v[i].subject, "expiring", key, &v);
		}
	free(t.v);
}

const struct wf_hooks prov_wf_hooks = {
	.check_cred = prov_check_cred,
	.granted = prov_granted,
	.removal = prov_removal,
	.event = prov_event,
};

void
prov_tick(struct wf *w, time_t now)
{
	if (w->info_secret) {
		explicit_bzero(w->info, sizeof(w->info));
		w->info_secret = 0;
	}
	tick_expiry(w, now);
	if (now - last_allow >= ALLOW_EVERY) {
		if (prov_allow_refresh(w, NULL, 0) != EX_UNAVAILABLE)
			last_allow = now;
	}
	notify_tick(w, now);
}
