/*
 * review.c: periodic access review (procedure C2, issue 6): campaigns,
 * stale-access findings, attestation by the access owners, the policy for
 * unanswered grants at the deadline, and the review forms.
 *
 *   review start [--resource R] [--period P]	admin or escalate_to role
 *   review list | review show CAMPAIGN
 *   review attest CAMPAIGN GRANT[,GRANT...]... valid|invalid --note TEXT
 *   review enforce CAMPAIGN [--dry-run]		admin or escalate_to role
 *   review close CAMPAIGN			admin or escalate_to role
 *   review report CAMPAIGN [--form review|list] [--format text|csv|json|html]
 *
 * The data model and the idempotence rules are in review.h; the campaign's
 * scan is in review_campaign.c, show, report and the form's data in
 * review_report.c, the deadline (enforce) in review_enforce.c, the
 * storage helpers they share in review_store.c and review_walk.c.
 *
 *
 * Commands run on an admin worker, the tick on the scheduler's thread,
 * each on its own engine and connection.
 */
#include <sys/types.h>
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

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
#include "render.h"
#include "removal.h"
#include "review.h"
#include "scheduler.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"
#include "review_int.h"

static int
has_role(const struct admin_call *c, const char *role)
{
	int i;

	if (role == NULL || *role == '\0')
		return 0;
	i = dir_role_index(c->ctx->cfg, role);
	return i >= 0 && ((c->a.roles >> i) & 1);
}

/* Admin, root, or the role unanswered grants escalate to (the Kasi). */
int
rv_may_run(const struct admin_call *c)
{
	return c->a.admin || has_role(c, c->ctx->cfg->review.escalate_to);
}

const char *
rv_actor_of(const struct admin_call *c)
{
	return c->a.person ? c->a.p.uid : c->caller;
}

static int
cmd_start(struct admin_call *c, int argc, char **argv)
{
	const char *resource = NULL, *period = NULL;
	struct admin_opt opts[] = { { "resource", &resource, NULL },
		{ "period", &period, NULL }, { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct dir_resource res;
	struct rv_campaign k;
	char *pos[1], p[REVIEW_PERIOD_MAX + 1], dl[32], err[256];
	int np, st, created;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!rv_may_run(c)) {
		log_audit("review.refused", "actor", rv_actor_of(c), "as",
		    c->a.as, "action", "start", "reason",
		    "not an administrator or the review role", NULL);
		return admin_err(c, EX_NOPERM, _("refused: only an "
		    "administrator or %s may start a review"),
		    w->cfg->review.escalate_to[0] ?
		    w->cfg->review.escalate_to : "root");
	}
	if (period != NULL) {
		if (!rv_valid_period(period))
			return admin_err(c, EX_DATAERR, _("bad period: %.40s "
			    "(lower-case letters, digits and '-', at most "
			    "%d)"), period, REVIEW_PERIOD_MAX);
		u_strlcpy(p, period, sizeof(p));
	} else
		review_period(w->cfg, time(NULL), p, sizeof(p));
	if (resource != NULL) {
		if (strlen(resource) > DIR_NAME_MAX ||
		    !wf_utf8_valid(resource) ||
		    (st = dir_resource(admin_ldap(), w->cfg, resource, &res,
		    err, sizeof(err))) == EX_NOINPUT)
			return admin_err(c, EX_NOINPUT, _("unknown resource: "
			    "%.80s"), resource);
		if (st != EX_OK)
			return admin_err(c, st, "%s", err);
		resource = res.name;
	}
	if ((st = rv_start_campaign(c, p, resource, &k, &created)) != EX_OK)
		return admin_wf_err(c, st);
	admin_fmt_time(dl, sizeof(dl), k.deadline);
	if (c->json) {
		out_json(&c->out, json_pack("{s:s,s:s,s:b,s:o,s:o}", "id",
		    k.id, "state", k.state, "created", created, "stats",
		    out_jcounts(k.stats), "deadline", admin_jtime(k.deadline)));
		return EX_OK;
	}
	if (created)
		sb_printf(&c->out, "%s %s: %s; %s %s\n", ADMIN_T(c, "campaign",
		    "putaran reviu"), k.id, k.stats, ADMIN_T(c, "deadline",
		    "batas waktu"), dl);
	else
		sb_printf(&c->out, "%s %s %s (%s): %s\n", ADMIN_T(c,
		    "campaign", "putaran reviu"), k.id, ADMIN_T(c,
		    "already exists", "sudah ada"), review_state_label(c->en,
		    k.state), ADMIN_T(c,
		    "nothing done", "tidak ada perubahan"));
	return EX_OK;
}

/* ----------------------------------------------------- list and show */

struct list_arg {
	struct admin_call	*c;
	struct out_table	 t;
	json_t			*arr;
	int			 owner;	/* an access owner with no role */
	size_t			 n;
};

static int
list_one(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct list_arg *la = arg;
	struct admin_call *c = la->c;
	struct rv_campaign k;
	const char *cells[6];
	char dl[32], cr[32];

	rv_parse_campaign(ld, e, &k);
	if (la->owner) {
		struct flist l;
		size_t mine, ndec[RV_NDEC], nf[F_COUNT];
		int st;

		/* only the open campaigns with a finding theirs to attest */
		if (strcmp(k.state, "open") != 0)
			return EX_OK;
		memset(ndec, 0, sizeof(ndec));
		memset(nf, 0, sizeof(nf));
		if ((st = rv_owner_window(c, &k, 0, 0, &l, &mine, ndec,
		    nf)) != EX_OK)
			return st;
		rv_flist_free(&l);
		if (mine == 0)
			return EX_OK;
	}
	la->n++;
	if (c->json) {
		json_array_append_new(la->arr, json_pack("{s:s,s:s,s:s,s:s,"
		    "s:o,s:o,s:o}", "id", k.id, "period", k.period, "scope",
		    k.scope[0] ? k.scope : "*", "state", k.state, "created",
		    admin_jtime(k.created), "deadline",
		    admin_jtime(k.deadline), "stats", out_jcounts(k.stats)));
		return EX_OK;
	}
	admin_fmt_time(dl, sizeof(dl), k.deadline);
	admin_fmt_time(cr, sizeof(cr), k.created);
	cells[0] = k.id;
	cells[1] = k.scope[0] ? k.scope : "*";
	cells[2] = review_state_label(c->en, k.state);
	cells[3] = cr;
	cells[4] = dl;
	cells[5] = k.stats;
	out_table_row(&la->t, cells);
	return EX_OK;
}

static int
list_refused(struct admin_call *c)
{
	return admin_err(c, EX_NOPERM, _("refused: reviews are for the roles, "
	    "administrators and access owners"));
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct list_arg la;
	const char *hdr[6];
	char *pos[1], base[DIR_DN_MAX];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c) && !c->a.person)
		return list_refused(c);
	memset(&la, 0, sizeof(la));
	la.c = c;
	la.owner = !admin_sees_all(c);
	hdr[0] = ADMIN_T(c, "CAMPAIGN", "PUTARAN REVIU");
	hdr[1] = ADMIN_T(c, "SCOPE", "CAKUPAN");
	hdr[2] = "STATUS";
	hdr[3] = ADMIN_T(c, "STARTED", "DIMULAI");
	hdr[4] = ADMIN_T(c, "DEADLINE", "BATAS WAKTU");
	hdr[5] = ADMIN_T(c, "GRANTS", "HAK AKSES");
	if (c->json)
		la.arr = json_array();
	else
		out_table_init(&la.t, 6, hdr);
	snprintf(base, sizeof(base), "ou=reviews,%s",
	    w->cfg->directory.kunci_base);
	st = rv_paged(w, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewCampaign)", rv_camp_attrs, list_one, NULL,
	    &la);
	if (st == EX_OK && la.owner && la.n == 0) {
		/* neither a role nor a finding to attest: nothing to see */
		if (c->json)
			json_decref(la.arr);
		else
			out_table_free(&la.t);
		return list_refused(c);
	}
	if (c->json)
		out_json(&c->out, la.arr);
	else {
		out_table_sort(&la.t, 0);
		out_table_render(&la.t, &c->out);
		out_table_free(&la.t);
	}
	return st == EX_OK ? EX_OK : admin_wf_err(c, st);
}

/* ------------------------------------------------------------ attest */

/* Is the caller the access owner of resource (directly or by group)? */
/*
 * The resource entry named resource, with attrs: EX_OK with *res to free
 * (NULL when the name cannot be a resource: nothing matches it), or an
 * error with w->err set.
 */
int
rv_read_resource(struct wf *w, const char *resource, char **attrs, LDAP **ldp,
    LDAPMessage **res)
{
	char base[DIR_DN_MAX], esc[3 * DIR_NAME_MAX + 1],
	    filter[3 * DIR_NAME_MAX + 64];
	int rc;

	*res = NULL;
	if (ldapc_escape_filter(esc, sizeof(esc), resource) == -1)
		return EX_OK;
	if ((*ldp = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(base, sizeof(base), "ou=resources,%s",
	    w->cfg->directory.kunci_base);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciManagedResource)"
	    "(kunciName=%s))", esc);
	rc = ldap_search_ext_s(*ldp, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
	    0, NULL, NULL, NULL, 1, res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(*res);
		*res = NULL;
		return wf_ldfail(w, rc, _("reading the resource"));
	}
	return EX_OK;
}

int
rv_is_owner(struct admin_call *c, const char *resource, int *yes)
{
	struct wf *w = admin_wf();
	char err[256], *o;
	char *attrs[] = { U("kunciAccessOwner"), NULL };
	struct berval **v;
	LDAPMessage *res = NULL, *e;
	LDAP *ld = NULL;
	int rc, i, n, m;

	*yes = 0;
	if ((rc = rv_read_resource(w, resource, attrs, &ld, &res)) != EX_OK)
		return rc;
	if (res != NULL && (e = ldap_first_entry(ld, res)) != NULL &&
	    (v = ldap_get_values_len(ld, e, "kunciAccessOwner")) != NULL) {
		n = ldap_count_values_len(v);
		for (i = 0; i < n && !*yes; i++) {
			if ((o = strndup(v[i]->bv_val, v[i]->bv_len)) == NULL)
				break;
			if (dir_dn_equal(o, c->a.p.dn))
				*yes = 1;
			else if (dir_is_member(w->lc, o, c->a.p.dn, &m, err,
			    sizeof(err)) == EX_OK && m)
				*yes = 1;
			free(o);
		}
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	return EX_OK;
}

/*
 * Why the caller may not attest finding f of an open campaign (NULL: they
 * may): the one rule of cmd_attest() and of the actions `review show`
 * offers.  owner: rv_is_owner() of f's resource.
 */
const char *
rv_attest_refusal(const struct admin_call *c, const struct rv_finding *f,
    int owner)
{
	const struct wf_acting *ac;
	int escalated = strcmp(f->decision, "escalated") == 0;

	if (!c->a.person)
		return "not a person";
	if (!escalated && strcmp(f->decision, "pending") != 0)
		return "decided";
	if (strcasecmp(f->subject, c->a.p.uid) == 0)
		return "own grant";
	if (!owner && !(escalated &&
	    has_role(c, c->ctx->cfg->review.escalate_to)))
		return "not the access owner";
	if (!owner && (ac = wf_acting_for(c->ctx->cfg, &c->a,
	    c->ctx->cfg->review.escalate_to)) != NULL &&
	    strcasecmp(f->subject, ac->principal) == 0)
		return "the official's own grant";	/* a Plt./Plh. */
	return NULL;
}

/* Modify a finding, asserting its decision is still prev. */
static int
finding_modify(struct wf *w, const struct rv_campaign *k, const char *grant,
    const char *prev, struct dir_mods *m)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    af[64];
	LDAPControl *ctl = NULL, *ctls[2];
	LDAP *ld;
	int rc;

	if (m->err)
		return wf_fail(w, EX_OSERR, _("out of memory"));
	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, _("bad grant id"));
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, k->dn);
	snprintf(af, sizeof(af), "(kunciDecision=%s)", prev);
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	if ((rc = ldap_create_assertion_control(ld, af, 1, &ctl)) !=
	    LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("assertion control"));
	ctls[0] = ctl;
	ctls[1] = NULL;
	rc = ldap_modify_ext_s(ld, dn, m->p, ctls, NULL);
	ldap_control_free(ctl);
	if (rc == LDAP_ASSERTION_FAILED)
		return wf_fail(w, EX_TEMPFAIL, _("grant %s in campaign %s was "
		    "decided meanwhile"), grant, k->id);
	if (rc != LDAP_SUCCESS)
		return wf_ldfail(w, rc, _("updating a finding"));
	return EX_OK;
}

/*
 * Decide a grant: add its decision entry kunciId=<grant> (the page holds
 * the finding).  The add is the assertion: of two deciders (or hosts) one
 * creates it, the other meets "exists".  An undecided grant (pending or
 * escalated) has no entry.  mark: see review_enforce.c.
 */
int
rv_set_decision(struct wf *w, const struct rv_campaign *k, const char *grant,
    const char *decision, const char *actor, const char *note,
    const char *mark)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    now[32];
	struct dir_mods m;
	LDAP *ld;
	int rc, st = EX_OK;

	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1)
		return wf_fail(w, EX_NOINPUT, _("bad grant id"));
	snprintf(dn, sizeof(dn), "kunciId=%s,%s", esc, k->dn);
	dir_gentime(now, sizeof(now), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "objectClass", "kunciReviewFinding");
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciId", grant);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciGrantRef", grant);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciDecision", decision);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciActor", actor);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciTime", now);
	if (note != NULL && *note != '\0')
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	if (mark != NULL)
		dir_mods_add(&m, LDAP_MOD_ADD, "kunciFinding", mark);
	if (m.err)
		st = wf_fail(w, EX_OSERR, _("out of memory"));
	else if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		st = EX_UNAVAILABLE;
	else if ((rc = ldap_add_ext_s(ld, dn, m.p, NULL, NULL)) ==
	    LDAP_ALREADY_EXISTS)
		st = wf_fail(w, EX_TEMPFAIL, _("grant %s in campaign %s was "
		    "decided meanwhile"), grant, k->id);
	else if (rc != LDAP_SUCCESS)
		st = wf_ldfail(w, rc, _("recording a decision"));
	dir_mods_free(&m);
	return st;
}

void
rv_add_finding_note(struct wf *w, const struct rv_campaign *k,
    const char *grant, const char *decision, const char *note)
{
	struct dir_mods m;

	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_ADD, "kunciNote", note);
	if (finding_modify(w, k, grant, decision, &m) != EX_OK)
		log_warnx("review %s: noting \"%s\" on %s: %s", k->id, note,
		    grant, i18n_en(w->err));
	dir_mods_free(&m);
}

static void
mark_reviewed(struct wf *w, const char *grant, time_t now)
{
	char dn[DIR_DN_MAX + 3 * WF_ID_MAX + 16], esc[3 * WF_ID_MAX + 1],
	    t[32];
	struct dir_mods m;
	LDAP *ld;
	int rc;

	if (ldapc_escape_dn(esc, sizeof(esc), grant) == -1 ||
	    (ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return;
	snprintf(dn, sizeof(dn), "kunciId=%s,ou=grants,%s", esc,
	    w->cfg->directory.kunci_base);
	dir_gentime(t, sizeof(t), now);
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciLastReviewed", t);
	if (!m.err && (rc = ldap_modify_ext_s(ld, dn, m.p, NULL, NULL)) !=
	    LDAP_SUCCESS)
		log_warnx("review: marking grant %s reviewed: %s", grant,
		    ldap_err2string(rc));
	dir_mods_free(&m);
}

#define RV_MAX_POS	64

static int
cmd_attest(struct admin_call *c, int argc, char **argv)
{
	const char *note = NULL;
	struct admin_opt opts[] = { { "note", &note, NULL },
		{ NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct rv_campaign k;
	struct rv_finding f;
	char *pos[RV_MAX_POS], **ids = NULL, *copy = NULL, *tok, *save,
	    rid[WF_ID_MAX + 1], reason[WF_NOTE_MAX + 128], nb[64];
	const char *decision, **prev = NULL, *why;
	size_t nids = 0, i, j, len = 0;
	int np, st, ok, valid;
	time_t now = time(NULL);

	if ((st = admin_opts(c, argc, argv, opts, pos, RV_MAX_POS, &np)) !=
	    EX_OK)
		return st;
	if (np < 3 || note == NULL)
		return admin_err(c, EX_USAGE, _("usage: review attest CAMPAIGN "
		    "GRANT[,GRANT...]... valid|invalid --note TEXT"));
	decision = pos[np - 1];
	if (strcmp(decision, "valid") == 0)
		valid = 1;
	else if (strcmp(decision, "invalid") == 0)
		valid = 0;
	else
		return admin_err(c, EX_USAGE, _("the decision is valid or "
		    "invalid, not %.40s"), decision);
	if (*note == '\0' || strlen(note) > WF_NOTE_MAX ||
	    !wf_utf8_valid(note))
		return admin_err(c, EX_DATAERR, _("bad note (1..%d bytes of "
		    "UTF-8)"), WF_NOTE_MAX);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.person)
		return admin_err(c, EX_NOPERM, _("you are not a person in the "
		    "directory (root: use --as USER)"));
	if ((st = rv_campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if (strcmp(k.state, "open") != 0)
		return admin_err(c, EX_DATAERR, _("campaign %s is %s: no more "
		    "attestations"), k.id,
		    review_state_label(c->en, k.state));
	/* The grants: words, each maybe a comma-separated list. */
	for (i = 1; i < (size_t)np - 1; i++)
		len += strlen(pos[i]) + 1;
	if ((copy = malloc(len + 1)) == NULL ||
	    (ids = calloc(RV_MAX_BULK, sizeof(*ids))) == NULL ||
	    (prev = calloc(RV_MAX_BULK, sizeof(*prev))) == NULL) {
		st = admin_err(c, EX_OSERR, _("out of memory"));
		goto out;
	}
	copy[0] = '\0';
	for (i = 1; i < (size_t)np - 1; i++) {
		u_strlcat(copy, pos[i], len + 1);
		u_strlcat(copy, ",", len + 1);
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (nids == RV_MAX_BULK) {
			st = admin_err(c, EX_USAGE, _("at most %d grants at "
			    "once"), RV_MAX_BULK);
			goto out;
		}
		for (j = 0; j < nids; j++)
			if (strcmp(ids[j], tok) == 0)
				break;
		if (j == nids)
			ids[nids++] = tok;
	}
	if (nids == 0) {
		st = admin_err(c, EX_USAGE, _("no grant named"));
		goto out;
	}
	/* Check every grant first: all or nothing. */
	for (i = 0; i < nids; i++) {
		if ((st = rv_finding_load(w, &k, ids[i], &f)) != EX_OK) {
			st = admin_wf_err(c, st);
			goto out;
		}
		free(f.note);
		if (strcmp(f.decision, "pending") == 0)
			prev[i] = "pending";
		else if (strcmp(f.decision, "escalated") == 0)
			prev[i] = "escalated";
		else {
			st = admin_err(c, EX_DATAERR, _("grant %s in campaign "
			    "%s is already decided: %s by %s"), f.id, k.id,
			    rv_decision_label(c->en, f.decision),
			    f.actor[0] ? f.actor : "-");
			goto out;
		}
		if ((st = rv_is_owner(c, f.resource, &ok)) != EX_OK) {
			st = admin_wf_err(c, st);
			goto out;
		}
		why = rv_attest_refusal(c, &f, ok);
		if (why != NULL && strcmp(why, "own grant") == 0) {
			log_audit("review.refused", "campaign", k.id, "grant",
			    f.id, "actor", c->a.p.uid, "as", c->a.as,
			    "action", "attest", "reason", "own grant", NULL);
			st = admin_err(c, EX_NOPERM, _("refused: nobody "
			    "attests their own grant (%s)"), f.id);
			goto out;
		}
		if (why != NULL && strcmp(why, "the official's own grant") ==
		    0) {
			log_audit("review.refused", "campaign", k.id, "grant",
			    f.id, "actor", c->a.p.uid, "as", c->a.as,
			    "action", "attest", "reason", why, NULL);
			st = admin_err(c, EX_NOPERM, _("refused: as acting "
			    "official for %s you cannot attest %s's own grant "
			    "(%s)"), f.subject, f.subject, f.id);
			goto out;
		}
		if (why != NULL) {
			log_audit("review.refused", "campaign", k.id, "grant",
			    f.id, "actor", c->a.p.uid, "as", c->a.as,
			    "action", "attest", "resource", f.resource,
			    "reason", "not the access owner", NULL);
			st = admin_err(c, EX_NOPERM, _("refused: you are not "
			    "the "
			    "access owner of %s (grant %s)"), f.resource, f.id);
			goto out;
		}
	}
	for (i = 0; i < nids; i++) {
		if ((st = rv_set_decision(w, &k, ids[i], decision,
		    c->a.p.uid, note, NULL)) != EX_OK) {
			st = admin_err(c, st, _("%s (%zu of %zu done)"),
			    w->err, i, nids);
			goto out;
		}
		log_audit("review.attest", "campaign", k.id, "grant", ids[i],
		    "actor", c->a.p.uid, "as", c->a.as, "decision", decision,
		    "reason", note, NULL);
		if (strcmp(prev[i], "escalated") == 0 &&
		    wf_acting_for(w->cfg, &c->a, w->cfg->review.escalate_to) !=
		    NULL)	/* decided as a Plt./Plh. of the role */
			log_audit("delegation.act", "delegation",
			    wf_acting_for(w->cfg, &c->a,
			    w->cfg->review.escalate_to)->id, "actor",
			    c->a.p.uid, "for", wf_acting_for(w->cfg, &c->a,
			    w->cfg->review.escalate_to)->principal, "role",
			    w->cfg->review.escalate_to, "campaign", k.id,
			    "grant", ids[i], NULL);
		if (valid) {
			mark_reviewed(w, ids[i], now);
			if (!c->json)
				sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c,
				    "grant", "hak akses"), ids[i],
				    rv_decision_label(c->en, "valid"));
			continue;
		}
		snprintf(reason, sizeof(reason), "review %s: %s", k.id, note);
		rid[0] = '\0';
		st = removal_open(w, &c->a, ids[i], reason, REMOVAL_REUSE, rid,
		    sizeof(rid));
		if (st != EX_OK) {
			log_warnx("review %s: removal of %s: %s", k.id, ids[i],
			    i18n_en(w->err));
			if (!c->json)
				sb_printf(&c->out, "%s %s: %s; %s: %s\n",
				    ADMIN_T(c, "grant", "hak akses"), ids[i],
				    rv_decision_label(c->en, "invalid"),
				    ADMIN_T(c, "removal request failed",
				    "permohonan penghapusan gagal"), w->err);
			st = EX_OK;
			continue;
		}
		snprintf(nb, sizeof(nb), "removal %s", rid);
		rv_add_finding_note(w, &k, ids[i], "invalid", nb);
		log_audit("review.removal", "campaign", k.id, "grant", ids[i],
		    "request", rid, "actor", c->a.p.uid, NULL);
		if (!c->json)
			sb_printf(&c->out, "%s %s: %s; %s %s\n", ADMIN_T(c,
			    "grant", "hak akses"), ids[i],
			    rv_decision_label(c->en, "invalid"), ADMIN_T(c,
			    "removal request", "permohonan penghapusan"), rid);
	}
	if (c->json) {
		json_t *a = json_array();

		for (i = 0; i < nids; i++)
			json_array_append_new(a, out_jstr(ids[i]));
		out_json(&c->out, json_pack("{s:s,s:s,s:o}", "campaign", k.id,
		    "decision", decision, "grants", a));
	}
	st = EX_OK;
out:
	free(copy);
	free(ids);
	free(prev);
	return st;
}

int
rv_set_state(struct wf *w, struct rv_campaign *k, const char *from,
    const char *to)
{
	struct dir_mods m;
	char buf[32], af[64];
	int st;

	snprintf(af, sizeof(af), "(kunciState=%s)", from);
	dir_gentime(buf, sizeof(buf), time(NULL));
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciState", to);
	dir_mods_add(&m, LDAP_MOD_REPLACE, "kunciUpdated", buf);
	st = rv_campaign_modify(w, k, af, &m);
	dir_mods_free(&m);
	if (st == EX_OK)
		u_strlcpy(k->state, to, sizeof(k->state));
	return st;
}

static int
cmd_close(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct rv_campaign k;
	char *pos[1];
	int np, st;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: review close "
		    "CAMPAIGN"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!rv_may_run(c))
		return admin_err(c, EX_NOPERM, _("refused: only an "
		    "administrator or %s may close a review"),
		    w->cfg->review.escalate_to);
	if ((st = rv_campaign_load(w, pos[0], &k)) != EX_OK)
		return admin_wf_err(c, st);
	if (strcmp(k.state, "open") != 0)
		return admin_err(c, EX_DATAERR, _("campaign %s is %s"), k.id,
		    k.state);
	if ((st = rv_set_state(w, &k, "open", "closed")) != EX_OK)
		return admin_wf_err(c, st);
	(void)rv_campaign_event(w, &k, "close", rv_actor_of(c), "close", NULL, 0);
	log_audit("review.close", "campaign", k.id, "actor", rv_actor_of(c),
	    "as", c->a.as, NULL);
	sb_printf(&c->out, "%s %s: %s\n", ADMIN_T(c, "campaign",
	    "putaran reviu"), k.id, ADMIN_T(c, "closed", "ditutup"));
	return EX_OK;
}

/* ---------------------------------------------------------- scheduler */

struct tick_arg {
	struct wf	*w;
	time_t		 now;
	int		 more;	/* a removal left work for the next pass */
};

static int
tick_one(LDAP *ld, LDAPMessage *e, void *arg)
{
	struct tick_arg *ta = arg;
	struct wf *w = ta->w;
	const struct kunci_cfg *cfg = w->cfg;
	struct rv_campaign k;
	char rdn[32];
	size_t i;

	rv_parse_campaign(ld, e, &k);
	if (strcmp(k.state, "open") != 0 || k.deadline == 0)
		return EX_OK;
	for (i = 0; i < cfg->review.nreminders; i++) {
		if (ta->now < k.deadline - (time_t)cfg->review.reminders[i] ||
		    ta->now >= k.deadline)
			continue;
		snprintf(rdn, sizeof(rdn), "reminder-%zu", i + 1);
		if (rv_campaign_event(w, &k, rdn, REVIEW_ACTOR, "remind", NULL,
		    0) == EX_OK) {
			char dl[32];

			dir_gentime(dl, sizeof(dl), k.deadline);
			log_audit("review.remind", "campaign", k.id, "actor",
			    REVIEW_ACTOR, "deadline", dl, NULL);
		}
	}
	if (ta->now >= k.deadline && rv_tick_deadline(w, &k, ta->now))
		ta->more = 1;
	return EX_OK;
}

void
review_tick(struct wf *w, time_t now)
{
	static time_t last;	/* the scheduler's thread only */
	static int more;	/* a removal under way: no pause */
	struct tick_arg ta;
	char base[DIR_DN_MAX];

	if (!more && now - last < RV_TICK_EVERY)
		return;
	last = now;
	ta.w = w;
	ta.now = now;
	ta.more = 0;
	snprintf(base, sizeof(base), "ou=reviews,%s",
	    w->cfg->directory.kunci_base);
	(void)rv_paged(w, base, LDAP_SCOPE_ONELEVEL, "(&(objectClass="
	    "kunciReviewCampaign)(kunciState=open))", rv_camp_attrs, tick_one,
	    NULL, &ta);
	if ((more = ta.more))
		sched_soon();
}


const struct admin_cmd review_cmds[] = {
	{ "review", "start", cmd_start, "[--resource R] [--period P]" },
	{ "review", "list", cmd_list, "" },
	{ "review", "show", rv_cmd_show, "CAMPAIGN [--limit N] [--offset N]" },
	{ "review", "attest", cmd_attest,
	    "CAMPAIGN GRANT[,GRANT...]... valid|invalid --note TEXT" },
	{ "review", "enforce", rv_cmd_enforce,
	    "CAMPAIGN [--dry-run [--offset N] [--limit N]]" },
	{ "review", "close", cmd_close, "CAMPAIGN" },
	{ "review", "report", rv_cmd_report,
	    "CAMPAIGN [--form review|list] [--format text|csv|json|html] "
	    "[--offset N] [--limit N]" },
	{ NULL, NULL, NULL, NULL }
};
