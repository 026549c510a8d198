/*
 * review_acts.c: procedure C2's acts on a review campaign as the SOP
 * gives them to its people (issue 15 item 3), timed and escalated by the
 * steps of the workflow review.workflow names:
 *
 *   step 0  review provide CAMPAIGN      the administrator provides the
 *                                        latest access list (SOP step 2)
 *   step 1  review ask CAMPAIGN          the Kasi reviews it and asks the
 *                                        access owners to verify: each
 *                                        owner is notified (step 3)
 *   step 2  review attest (review.c)     the owners verify (step 4)
 *   step 3  review determine CAMPAIGN [--invalid GRANT[,GRANT...]]
 *                                        the Kasi determines the validity
 *                                        of every holder once no grant is
 *                                        pending; a grant named --invalid
 *                                        goes to removal (C3) (step 5)
 *   step 4  review update-list CAMPAIGN  the administrator records the
 *                                        updated list (step 6)
 *   review steps CAMPAIGN                the five steps: who, when, the
 *                                        standard, the deadline, late
 *
 * Each act is a kunciEvent act-<i> under the campaign entry: the add
 * decides races across hosts, and the act exists once.  Step i's
 * deadline runs from the act before it (step 0: the campaign's start;
 * step 3: the last owner's answer), by the step's sla on the office
 * calendar; review_acts_tick() adds act-escalate-<i> once when it
 * passes and tells the step's role and the role it escalates to.  Step 2
 * keeps review.c's own deadline and escalation (review.deadline,
 * on_silence).  This file reads campaigns only through review.h, in
 * memory that does not follow the campaign: its counts (review_tally()),
 * a walk of its grants a finding page at a time (review_items_walk(), for
 * the owners to ask), and the grants --invalid names (review_holds()).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "admin.h"
#include "cfg.h"
#include "cmdtab.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "notify.h"
#include "out.h"
#include "removal.h"
#include "review.h"
#include "review_acts.h"
#include "strbuf.h"
#include "util.h"
#include "wf.h"

#define RA_STEPS	5	/* the C2 steps after the start (SOP 2-6) */
#define RA_OWNERS	2	/* the owners' step: review attest */
#define RA_TICK_EVERY	10	/* seconds between escalation passes */

/* A campaign and its acts, as the commands and the tick see it. */
struct ra {
	struct review_info	 info;
	size_t			 n;		/* grants */
	struct wf_snap		 snap;
	char			 dn[DIR_DN_MAX];
	char			 actor[RA_STEPS][DIR_UID_MAX + 1];
	char			 note[RA_STEPS][WF_NOTE_MAX + 1];
	time_t			 at[RA_STEPS];	/* 0 = not done */
	time_t			 start[RA_STEPS], due[RA_STEPS];
	int			 escalated[RA_STEPS];
	size_t			 pending;
};

static void
ra_free(struct ra *k)
{
	k->n = 0;
}

/*
 * Load campaign id with its acts.  EX_CONFIG when review.workflow is not
 * set or has not five steps; EX_NOINPUT for an unknown campaign.
 */
static int
ra_load_as(struct wf *w, const char *id, struct ra *k, int items,
    time_t created)
{
	const struct cfg_workflow *wfc;
	struct wf_event *ev = NULL;
	char esc[3 * REVIEW_ID_MAX + 1];
	size_t n, i;
	time_t last = 0;
	int st, s;

	memset(k, 0, sizeof(*k));
	if (w->cfg->review.workflow[0] == '\0' ||
	    (wfc = cfg_workflow(w->cfg, w->cfg->review.workflow)) == NULL)
		return wf_fail(w, EX_CONFIG, _("review.workflow is not set: "
		    "the review's steps are not configured"));
	if (wfc->nsteps != RA_STEPS)
		return wf_fail(w, EX_CONFIG, _("review.workflow %s has %zu "
		    "steps, not %d"), wfc->name, wfc->nsteps, RA_STEPS);
	wf_snap_from_cfg(wfc, &k->snap);
	if (items) {
		if ((st = review_tally(w, id, &k->info, &k->n, &k->pending,
		    &last)) != EX_OK)
			return st;
	} else {
		/* the tick's cheap look: the acts only */
		u_strlcpy(k->info.id, id, sizeof(k->info.id));
		u_strlcpy(k->info.state, "open", sizeof(k->info.state));
		k->info.created = created;
		k->pending = 1;		/* unknown: step 3 not started */
	}
	if (ldapc_escape_dn(esc, sizeof(esc), k->info.id) == -1) {
		ra_free(k);
		return wf_fail(w, EX_NOINPUT, _("unknown campaign: %.80s"), id);
	}
	snprintf(k->dn, sizeof(k->dn), "kunciId=%s,ou=reviews,%s", esc,
	    w->cfg->directory.kunci_base);
	if ((st = wf_events_under(w, k->dn, "(&(objectClass=kunciEvent)"
	    "(kunciId=act-*))", &ev, &n)) != EX_OK) {
		ra_free(k);
		return st;
	}
	for (i = 0; i < n; i++) {
		if (sscanf(ev[i].rdn, "act-escalate-%d", &s) == 1) {
			if (s >= 0 && s < RA_STEPS)
				k->escalated[s] = 1;
		} else if (sscanf(ev[i].rdn, "act-%d", &s) == 1 && s >= 0 &&
		    s < RA_STEPS && k->at[s] == 0) {
			k->at[s] = ev[i].time;
			u_strlcpy(k->actor[s], ev[i].actor,
			    sizeof(k->actor[s]));
			u_strlcpy(k->note[s], ev[i].note, sizeof(k->note[s]));
		}
	}
	free(ev);
	/* The owners' step is done when no grant waits for an answer
	 * (k->pending); it ended with the last answer. */
	/* When each step started (the act before it), and its deadline. */
	k->start[0] = k->info.created;
	k->start[1] = k->at[0];
	k->start[RA_OWNERS] = k->at[1];
	k->start[3] = items && k->pending == 0 && k->at[1] != 0 ?
	    (last > k->at[1] ? last : k->at[1]) : 0;
	k->start[4] = k->at[3];
	for (s = 0; s < RA_STEPS; s++)
		k->due[s] = k->start[s] != 0 ? wf_deadline(w->cfg,
		    k->start[s], k->snap.steps[s].sla, k->snap.steps[s].bd) :
		    0;
	return EX_OK;
}

static int
ra_load(struct wf *w, const char *id, struct ra *k)
{
	return ra_load_as(w, id, k, 1, 0);
}

/* Does the caller hold the role of step s? */
static int
holds(const struct admin_call *c, const struct ra *k, int s)
{
	int idx = dir_role_index(c->ctx->cfg, k->snap.steps[s].role);

	return c->a.person && idx >= 0 && ((c->a.roles >> idx) & 1);
}

/* "2032-q1@server-room:dc1" as a notify key part. */
static void
key_part(char *dst, size_t sz, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < sz; i++)
		dst[i] = (src[i] >= 'a' && src[i] <= 'z') ||
		    (src[i] >= 'A' && src[i] <= 'Z') ||
		    (src[i] >= '0' && src[i] <= '9') || src[i] == '.' ||
		    src[i] == '-' ? src[i] : '_';
	dst[i] = '\0';
}

/* The campaign's resources, each once (sorted): memory per resource. */
struct res_set {
	char	**v;
	size_t	  n, cap;
	int	  oom;
};

static int
res_add(const struct review_item *it, void *arg)
{
	struct res_set *s = arg;
	const char *key = it->resource;
	size_t lo = 0, hi = s->n, mid;
	char **nv;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(s->v[mid], key)) == 0)
			return EX_OK;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;

		if ((nv = reallocarray(s->v, cap, sizeof(*nv))) == NULL)
			goto oom;
		s->v = nv;
		s->cap = cap;
	}
	memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof(*s->v));
	if ((s->v[lo] = strdup(key)) == NULL) {
		memmove(s->v + lo, s->v + lo + 1, (s->n - lo) *
		    sizeof(*s->v));
		goto oom;
	}
	s->n++;
	return EX_OK;
oom:
	s->oom = 1;
	return EX_OSERR;
}

static void
res_free(struct res_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Tell every access owner of the campaign's resources, once each. */
static void
ask_owners(struct wf *w, const struct ra *k, int *told)
{
	struct dir_resource res;
	struct notify_vars v;
	struct res_set rs;
	char err[256], key[REVIEW_ID_MAX + 64], kp[REVIEW_ID_MAX + 1];
	char **seen = NULL;
	size_t i, j, nseen = 0;

	*told = 0;
	memset(&rs, 0, sizeof(rs));
	if (review_items_walk(w, k->info.id, 1, res_add, &rs) != EX_OK ||
	    rs.oom) {
		log_warnx("review %s: asking the owners: %s", k->info.id,
		    rs.oom ? "out of memory" : i18n_en(w->err));
		res_free(&rs);
		return;
	}
	if (rs.n > 0 && (seen = calloc(rs.n, sizeof(*seen))) == NULL) {
		res_free(&rs);
		return;
	}
	key_part(kp, sizeof(kp), k->info.id);
	for (i = 0; i < rs.n; i++) {
		if (dir_resource(w->lc, w->cfg, rs.v[i], &res, err,
		    sizeof(err)) != EX_OK || res.owner[0] == '\0')
			continue;
		for (j = 0; j < nseen; j++)
			if (strcmp(seen[j], res.owner) == 0)
				break;
		if (j < nseen)
			continue;
		if ((seen[nseen] = strdup(res.owner)) == NULL)
			break;
		nseen++;
		memset(&v, 0, sizeof(v));
		v.request = k->info.id;
		v.resource = rs.v[i];
		v.step_id = k->snap.steps[RA_OWNERS].label_id;
		v.step_en = k->snap.steps[RA_OWNERS].label_en;
		snprintf(key, sizeof(key), "review-verify-%s-%zu", kp, nseen);
		notify_dn(w, res.owner, "review-verify", key, &v);
		(*told)++;
	}
	for (j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
	res_free(&rs);
}

static const char *const act_usage[RA_STEPS] = {
	"review provide CAMPAIGN [--note TEXT]",
	"review ask CAMPAIGN [--note TEXT]",
	NULL,
	"review determine CAMPAIGN [--invalid GRANT[,GRANT...]] "
	    "[--note TEXT]",
	"review update-list CAMPAIGN [--note TEXT]",
};
static const char *const act_cmd[RA_STEPS] = {
	"review provide", "review ask", "review attest", "review determine",
	"review update-list",
};

/*
 * Whether the caller may take act s on campaign k now: RA_MAY, or the
 * first check that refuses it.  The one rule of ra_act() and of the
 * actions `review show` offers (review_acts_offered()).
 */
enum { RA_MAY, RA_NOT_ROLE, RA_CLOSED, RA_DONE, RA_FIRST, RA_PENDING };

static int
ra_refusal(const struct admin_call *c, const struct ra *k, int s)
{
	int prev = s == 3 ? 1 : s - 1;

	if (!holds(c, k, s))
		return RA_NOT_ROLE;
	if (strcmp(k->info.state, "open") != 0)
		return RA_CLOSED;
	if (k->at[s] != 0)
		return RA_DONE;
	if (s > 0 && k->at[prev] == 0)
		return RA_FIRST;
	if (s == 3 && k->pending > 0)
		return RA_PENDING;
	return RA_MAY;
}

json_t *
review_acts_offered(struct admin_call *c, const char *campaign)
{
	static const char *const name[RA_STEPS] = { "provide", "ask", NULL,
		"determine", "update-list" };
	json_t *arr = json_array();
	struct ra k;
	int s;

	/* no review.workflow, or the campaign unreadable: nothing offered */
	if (ra_load(admin_wf(), campaign, &k) != EX_OK)
		return arr;
	for (s = 0; s < RA_STEPS; s++)
		if (name[s] != NULL && ra_refusal(c, &k, s) == RA_MAY)
			json_array_append_new(arr, json_string(name[s]));
	ra_free(&k);
	return arr;
}

/* Is every grant of the --invalid list one of campaign k's?  Looked up
 * RA_IDS_AT at a time.  EX_OK, or the refusal sent. */
#define RA_IDS_AT	64
static int
check_invalid(struct admin_call *c, struct wf *w, const struct ra *k,
    const char *invalid)
{
	char *ids[RA_IDS_AT], *list, *tok, *save;
	unsigned char in[RA_IDS_AT];
	size_t n, i;
	int st = EX_OK, end = 0;

	if ((list = strdup(invalid)) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	tok = strtok_r(list, ",", &save);
	while (st == EX_OK && !end) {
		for (n = 0; n < RA_IDS_AT && tok != NULL; n++) {
			if (strlen(tok) > WF_ID_MAX) {	/* no grant's id */
				st = admin_err(c, EX_NOINPUT, _("grant %.64s "
				    "is not in campaign %s"), tok, k->info.id);
				break;
			}
			ids[n] = tok;
			tok = strtok_r(NULL, ",", &save);
		}
		if (st != EX_OK)
			break;
		end = tok == NULL;
		if (n == 0)
			break;
		if ((st = review_holds(w, k->info.id, ids, n, in)) != EX_OK) {
			st = admin_wf_err(c, st);
			break;
		}
		for (i = 0; i < n; i++)
			if (!in[i]) {
				st = admin_err(c, EX_NOINPUT, _("grant %.64s "
				    "is not in campaign %s"), ids[i],
				    k->info.id);
				break;
			}
	}
	free(list);
	return st;
}

static int
ra_act(struct admin_call *c, int argc, char **argv, int s)
{
	const char *note = NULL, *invalid = NULL;
	struct admin_opt opts[] = { { "note", &note, NULL },
		{ "invalid", &invalid, NULL }, { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct ra k;
	char rdn[16], buf[WF_NOTE_MAX + 128], rid[WF_ID_MAX + 1];
	char *pos[1], *list = NULL, *tok, *save;
	int np, st, told = 0, prev, nbad = 0, why;

	if (s != 3)
		opts[1].name = NULL;
	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: %s"), act_usage[s]);
	if (note != NULL && (strlen(note) > WF_NOTE_MAX ||
	    !wf_utf8_valid(note)))
		return admin_err(c, EX_DATAERR, _("bad note: valid UTF-8, at "
		    "most %d bytes"), WF_NOTE_MAX);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if ((st = ra_load(w, pos[0], &k)) != EX_OK)
		return st == EX_NOINPUT ? admin_err(c, EX_NOINPUT, _("unknown "
		    "campaign: %.80s"), pos[0]) : admin_wf_err(c, st);
	why = ra_refusal(c, &k, s);
	if (why == RA_NOT_ROLE) {
		log_audit("review.refused", "campaign", k.info.id, "actor",
		    c->a.p.uid, "as", c->a.as, "action", act_cmd[s] + 7,
		    "reason", "not the step's role", NULL);
		st = admin_err(c, EX_NOPERM, _("refused: step %s of the review "
		    "needs role %s, which you do not hold"),
		    k.snap.steps[s].name, k.snap.steps[s].role);
		goto out;
	}
	if (why == RA_CLOSED) {
		st = admin_err(c, EX_DATAERR, _("campaign %s is %s"), k.info.id,
		    review_state_label(c->en, k.info.state));
		goto out;
	}
	if (why == RA_DONE) {
		char t[32];

		admin_fmt_time(t, sizeof(t), k.at[s]);
		st = admin_err(c, EX_DATAERR, _("step %s of campaign %s was "
		    "done by %s at %s"), k.snap.steps[s].name, k.info.id,
		    k.actor[s], t);
		goto out;
	}
	/* The act before this one. */
	prev = s == 3 ? 1 : s - 1;
	if (why == RA_FIRST) {
		st = admin_err(c, EX_DATAERR, _("campaign %s: step %s comes "
		    "first (kuncictl %s)"), k.info.id,
		    k.snap.steps[prev].name, act_cmd[prev]);
		goto out;
	}
	if (why == RA_PENDING) {
		st = admin_err(c, EX_DATAERR, _("campaign %s: %zu grant(s) "
		    "not yet verified by the access owners"), k.info.id,
		    k.pending);
		goto out;
	}
	/* --invalid: each must be a grant of the campaign. */
	if (invalid != NULL && (st = check_invalid(c, w, &k, invalid)) !=
	    EX_OK)
		goto out;
	snprintf(rdn, sizeof(rdn), "act-%d", s);
	if (s == 3)
		snprintf(buf, sizeof(buf), "invalid: %s%s%s",
		    invalid != NULL ? invalid : "-", note != NULL ? "; " : "",
		    note != NULL ? note : "");
	else
		snprintf(buf, sizeof(buf), "%s", note != NULL ? note : "");
	st = wf_event_add(w, k.dn, &k.snap, "open", rdn, c->a.p.uid, c->a.as,
	    "approve", s, k.snap.steps[s].role, buf, NULL);
	if (st == EX_CANTCREAT) {
		st = admin_err(c, EX_TEMPFAIL, _("step %s of campaign %s was "
		    "done by someone else meanwhile"), k.snap.steps[s].name,
		    k.info.id);
		goto out;
	}
	if (st != EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	log_audit("review.act", "campaign", k.info.id, "actor", c->a.p.uid,
	    "as", c->a.as, "step", k.snap.steps[s].name, "note", buf, NULL);
	if (s == 1)
		ask_owners(w, &k, &told);
	/* The Kasi's determination "not valid": removal (C3). */
	if (s == 3 && invalid != NULL &&
	    (list = strdup(invalid)) != NULL) {
		for (tok = strtok_r(list, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			snprintf(buf, sizeof(buf), "review %s: ditetapkan "
			    "tidak sah oleh Kasi", k.info.id);
			if (removal_open(w, &c->a, tok, buf, REMOVAL_REUSE,
			    rid, sizeof(rid)) != EX_OK)
				nbad++;
		}
	}
	if (c->json)
		out_json(&c->out, json_pack("{s:s,s:s,s:i}", "campaign",
		    k.info.id, "done", k.snap.steps[s].name, "owners_told",
		    told));
	else {
		sb_printf(&c->out, "%s %s: %s %s %s\n", ADMIN_T(c, "campaign",
		    "putaran reviu"), k.info.id, ADMIN_T(c, "step",
		    "langkah"), k.snap.steps[s].name, ADMIN_T(c, "done",
		    "selesai"));
		if (s == 1)
			sb_printf(&c->out, "%s: %d\n", ADMIN_T(c,
			    "access owners asked to verify",
			    "penanggung jawab hak akses diminta memverifikasi"),
			    told);
	}
	if (nbad > 0)
		st = admin_err(c, EX_TEMPFAIL, _("%d removal(s) could not be "
		    "opened: %s"), nbad, w->err);
	else
		st = EX_OK;
out:
	free(list);
	ra_free(&k);
	return st;
}

static int
cmd_provide(struct admin_call *c, int argc, char **argv)
{
	return ra_act(c, argc, argv, 0);
}

static int
cmd_ask(struct admin_call *c, int argc, char **argv)
{
	return ra_act(c, argc, argv, 1);
}

static int
cmd_determine(struct admin_call *c, int argc, char **argv)
{
	return ra_act(c, argc, argv, 3);
}

static int
cmd_update(struct admin_call *c, int argc, char **argv)
{
	return ra_act(c, argc, argv, 4);
}

static int
cmd_steps(struct admin_call *c, int argc, char **argv)
{
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	struct wf *w = admin_wf();
	struct out_table t;
	struct ra k;
	char *pos[1], due[32], at[32], sla[32];
	const char *cells[7], *hdr[7];
	json_t *arr;
	time_t now = time(NULL);
	int np, st, s;

	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &np)) != EX_OK)
		return st;
	if (np != 1)
		return admin_err(c, EX_USAGE, _("usage: review steps "
		    "CAMPAIGN"));
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: a review's steps "
		    "are for role holders"));
	if ((st = ra_load(w, pos[0], &k)) != EX_OK)
		return st == EX_NOINPUT ? admin_err(c, EX_NOINPUT, _("unknown "
		    "campaign: %.80s"), pos[0]) : admin_wf_err(c, st);
	arr = c->json ? json_array() : NULL;
	hdr[0] = ADMIN_T(c, "STEP", "LANGKAH");
	hdr[1] = ADMIN_T(c, "ROLE", "PERAN");
	hdr[2] = "SLA";
	hdr[3] = ADMIN_T(c, "DEADLINE", "BATAS WAKTU");
	hdr[4] = ADMIN_T(c, "DONE BY", "OLEH");
	hdr[5] = ADMIN_T(c, "AT", "WAKTU");
	hdr[6] = ADMIN_T(c, "NOTE", "CATATAN");
	out_table_init(&t, 7, hdr);
	for (s = 0; s < RA_STEPS; s++) {
		const struct wf_step *p = &k.snap.steps[s];
		int late;

		if (u_format_duration(p->sla, p->bd, sla, sizeof(sla)) == -1)
			u_strlcpy(sla, "?", sizeof(sla));
		admin_fmt_time(due, sizeof(due), k.due[s]);
		if (s == RA_OWNERS) {
			/* review attest: the answers so far */
			snprintf(at, sizeof(at), "%zu/%zu", k.n - k.pending,
			    k.n);
			late = k.pending > 0 && k.due[s] != 0 &&
			    now > k.due[s];
		} else {
			admin_fmt_time(at, sizeof(at), k.at[s]);
			late = k.due[s] != 0 && (k.at[s] != 0 ?
			    k.at[s] > k.due[s] : now > k.due[s]);
		}
		if (arr != NULL) {
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s,"
			    "s:o,s:o,s:o,s:b,s:b}", "step", p->name, "role",
			    p->role, "sla", sla, "deadline", admin_jtime(k.due[s]),
			    "actor", s == RA_OWNERS ||
			    k.at[s] == 0 ? json_null() : out_jstr(k.actor[s]),
			    "time", s == RA_OWNERS || k.at[s] == 0 ? json_null() :
			    admin_jtime(k.at[s]), "late", late, "escalated",
			    k.escalated[s]));
			continue;
		}
		cells[0] = c->en ? p->label_en : p->label_id;
		cells[1] = admin_role_label(c, p->role);
		cells[2] = sla;
		cells[3] = late ? strcat(due, ADMIN_T(c, " (late)",
		    " (terlambat)")) : due;
		cells[4] = s == RA_OWNERS ? ADMIN_T(c, "access owners",
		    "penanggung jawab hak akses") : k.actor[s];
		cells[5] = at;
		cells[6] = s == RA_OWNERS ? "" : k.note[s];
		out_table_row(&t, cells);
	}
	if (arr != NULL)
		out_json(&c->out, json_pack("{s:s,s:s,s:o}", "campaign",
		    k.info.id, "state", k.info.state, "steps", arr));
	else
		out_table_render(&t, &c->out);
	out_table_free(&t);
	ra_free(&k);
	return EX_OK;
}

/* ---------------------------------------------------------- escalation */

struct tick_arg {
	time_t	now;
	int	n;
};

static int
tick_one(struct wf *w, LDAP *ld, LDAPMessage *e, void *arg)
{
	struct tick_arg *ta = arg;
	const struct cfg_role *role;
	struct notify_vars v;
	struct ra k;
	char id[REVIEW_ID_MAX + 1], rdn[32], key[REVIEW_ID_MAX + 64];
	char kp[REVIEW_ID_MAX + 1], when[32];
	int s, st;

	if (dir_get(ld, e, "kunciId", id, sizeof(id)) != 0 ||
	    ++ta->n > 100)
		return EX_OK;
	/* The acts only; the findings only when the Kasi's determination
	 * is due (its start is the last owner's answer). */
	if (ra_load_as(w, id, &k, 0, dir_get_time(ld, e, "kunciCreated")) !=
	    EX_OK)
		return EX_OK;
	for (s = 0; s < RA_STEPS; s++)
		if (s != RA_OWNERS && k.at[s] == 0)
			break;
	if (s == 3 && k.at[1] != 0) {
		ra_free(&k);
		if (ra_load(w, id, &k) != EX_OK)
			return EX_OK;
	}
	if (s == RA_STEPS || k.escalated[s] || k.due[s] == 0 ||
	    ta->now <= k.due[s]) {
		ra_free(&k);
		return EX_OK;
	}
	snprintf(rdn, sizeof(rdn), "act-escalate-%d", s);
	role = cfg_role(w->cfg, k.snap.steps[s].role);
	st = wf_event_add(w, k.dn, &k.snap, "open", rdn, REVIEW_ACTOR, NULL,
	    "escalate", s, k.snap.steps[s].role, role != NULL ?
	    role->escalate_to : "", NULL);
	if (st == EX_OK) {
		dir_gentime(when, sizeof(when), k.due[s]);
		log_audit("review.escalate", "campaign", k.info.id, "step",
		    k.snap.steps[s].name, "role", k.snap.steps[s].role, "to",
		    role != NULL ? role->escalate_to : "", "deadline", when,
		    NULL);
		memset(&v, 0, sizeof(v));
		v.request = k.info.id;
		v.step_id = k.snap.steps[s].label_id;
		v.step_en = k.snap.steps[s].label_en;
		key_part(kp, sizeof(kp), k.info.id);
		if (role != NULL) {
			snprintf(key, sizeof(key), "review-overdue-%s-%d", kp,
			    s);
			notify_dn(w, role->group, "overdue", key, &v);
		}
		if (role != NULL && role->escalate_to[0] != '\0' &&
		    (role = cfg_role(w->cfg, role->escalate_to)) != NULL) {
			snprintf(key, sizeof(key), "review-escalate-%s-%d",
			    kp, s);
			notify_dn(w, role->group, "escalate", key, &v);
		}
	}
	ra_free(&k);
	return EX_OK;
}

void
review_acts_tick(struct wf *w, time_t now)
{
	static __thread time_t last;
	char *attrs[] = { (char *)(uintptr_t)"kunciId",
	    (char *)(uintptr_t)"kunciCreated", NULL };
	struct tick_arg ta = { now, 0 };

	if (w->cfg->review.workflow[0] == '\0' ||
	    now - last < RA_TICK_EVERY)
		return;
	last = now;
	(void)wf_search_each(w, "ou=reviews", "(&(objectClass="
	    "kunciReviewCampaign)(kunciState=open))", attrs, 100, "review",
	    tick_one, &ta);
}

const struct admin_cmd review_act_cmds[] = {
	{ "review", "provide", cmd_provide, "CAMPAIGN [--note TEXT]" },
	{ "review", "ask", cmd_ask, "CAMPAIGN [--note TEXT]" },
	{ "review", "determine", cmd_determine,
	    "CAMPAIGN [--invalid GRANT[,GRANT...]] [--note TEXT]" },
	{ "review", "update-list", cmd_update, "CAMPAIGN [--note TEXT]" },
	{ "review", "steps", cmd_steps, "CAMPAIGN" },
	{ NULL, NULL, NULL, NULL }
};
