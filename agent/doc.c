/*
 * doc.c: kuncictl's commands for the SOP forms as documents, and their CMS
 * signatures (doc/visits.md has the user's view).
 *
 *	doc request ID | access-list RESOURCE | review CAMPAIGN |
 *	    removal ID | guest-book MONTH|VISIT  [--format txt|csv|html|json]
 *	    [--sign]
 *	doc ca		the trust anchor (signing.ca), PEM, for verifiers
 *
 * Each form is one table (render.h) under the header block the SOPs carry:
 * the office (office.name, office.address), the SOP's name and number (the
 * workflow's sop, split at " No. "), the form's title and the date printed,
 * in the caller's language (--lang; Indonesian by default).
 *
 * Signing: kuncid holds the key, kuncictl runs as an ordinary user, so with
 * --sign kuncid renders the document, signs its exact bytes (sign.h:
 * detached CMS, DER) and answers with an envelope on stdout:
 *
 *	kunci-signed-document 1 <document length>\n
 *	<the document, that many bytes>
 *	<the signature, base64 of the DER, one line>\n
 *
 * kuncictl (doccli.c) only expects the envelope when it sent --sign, and
 * writes the document to --out FILE and the signature to FILE.p7s.  The
 * wire codec (proto.h) is unchanged.  Verifying needs no secret, so
 * kuncictl does it itself against the anchor "doc ca" returns (or --ca).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>
#include <openssl/evp.h>

#include "admin.h"
#include "cmdtab.h"
#include "cfg.h"
#include "dir.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "prov.h"
#include "render.h"
#include "sign.h"
#include "strbuf.h"
#include "util.h"
#include "visit.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define DOC_MAX		(2u * 1024 * 1024)	/* one rendered form */
#define DOC_ROWS	5000

enum fmt { F_TXT, F_CSV, F_HTML, F_JSON };

struct form {
	struct admin_call	*c;
	struct render_table	*t;
	char			 title[128];
	char			 sop_name[512];
	char			 sop_number[256];
	char			 office[1024];
	char			 printed[32];
	int			 n;		/* rows, for "No" */
};

static const struct render_column kv_cols_id[] = {
	{ "no", "No" }, { "item", "Uraian" }, { "value", "Isi" },
	{ "time", "Waktu" },
};
static const struct render_column kv_cols_en[] = {
	{ "no", "No" }, { "item", "Item" }, { "value", "Value" },
	{ "time", "Time" },
};

static void
form_sop(struct form *f, const char *workflow)
{
	const struct cfg_workflow *wfc;
	const char *sop, *p;

	f->sop_name[0] = f->sop_number[0] = '\0';
	if (workflow == NULL ||
	    (wfc = cfg_workflow(f->c->ctx->cfg, workflow)) == NULL)
		return;
	sop = wfc->sop != NULL && *wfc->sop != '\0' ? wfc->sop :
	    (f->c->en ? wfc->label_en : wfc->label_id);
	if ((p = strstr(sop, " No. ")) != NULL) {
		snprintf(f->sop_name, sizeof(f->sop_name), "%.*s",
		    (int)(p - sop), sop);
		u_strlcpy(f->sop_number, p + 5, sizeof(f->sop_number));
	} else
		u_strlcpy(f->sop_name, sop, sizeof(f->sop_name));
}

static int
form_init(struct form *f, struct admin_call *c, const char *title_en,
    const char *title_id, const struct render_column *cols, size_t ncols)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct tm tm;
	time_t now = time(NULL);

	memset(f, 0, sizeof(*f));
	f->c = c;
	u_strlcpy(f->title, c->en ? title_en : title_id, sizeof(f->title));
	snprintf(f->office, sizeof(f->office), "%s%s%s", cfg->office.name,
	    cfg->office.name[0] != '\0' && cfg->office.address[0] != '\0' ?
	    ", " : "", cfg->office.address);
	if (localtime_r(&now, &tm) != NULL)
		strftime(f->printed, sizeof(f->printed), "%Y-%m-%d %H:%M",
		    &tm);
	if (cols == NULL)
		cols = c->en ? kv_cols_en : kv_cols_id;
	if ((f->t = render_table_new(cols, ncols)) == NULL)
		return admin_err(c, EX_OSERR, "out of memory");
	return EX_OK;
}

/* A row of the 4-column (No, item, value, time) forms. */
static int
kv(struct form *f, const char *item, const char *value, time_t t)
{
	char no[16], when[32];
	const char *cells[4];

	snprintf(no, sizeof(no), "%d", ++f->n);
	admin_fmt_time(when, sizeof(when), t);
	cells[0] = no;
	cells[1] = item;
	cells[2] = value;
	cells[3] = when;
	return render_table_add_row(f->t, cells, 4) == 0 ? EX_OK :
	    admin_err(f->c, EX_OSERR, "out of memory");
}

static int
row(struct form *f, const char **cells, size_t n)
{
	return render_table_add_row(f->t, cells, n) == 0 ? EX_OK :
	    admin_err(f->c, EX_OSERR, "out of memory");
}

/* "Name (uid)" for a uid, or the uid. */
static void
person_name(struct admin_call *c, const char *uid, char *buf, size_t sz)
{
	struct dir_person p;
	char err[256];

	if (uid == NULL || *uid == '\0') {
		buf[0] = '\0';
		return;
	}
	if (dir_valid_uid(uid) && dir_person_by_uid(admin_ldap(),
	    c->ctx->cfg, uid, &p, err, sizeof(err)) == EX_OK && p.cn[0])
		snprintf(buf, sz, "%s (%s)", p.cn, uid);
	else
		u_strlcpy(buf, uid, sz);
}

static const char *
decision_label(struct admin_call *c, const char *d)
{
	static const char *const tab[][3] = {
		{ "submit", "submitted", "diajukan" },
		{ "approve", "approved / done", "disetujui / dilaksanakan" },
		{ "reject", "rejected", "ditolak" },
		{ "cancel", "cancelled", "dibatalkan" },
		{ "expire", "expired", "kedaluwarsa" },
		{ "escalate", "escalated", "dieskalasi" },
		{ "comment", "comment", "catatan" },
		{ "escort", "escort appointed", "pendamping ditunjuk" },
		{ "checkin", "checked in", "masuk" },
		{ "checkout", "checked out", "keluar" },
		{ "lock", "room and racks locked", "ruang dan rak terkunci" },
		{ "overdue", "overdue", "lewat waktu" },
	};

	return admin_tab_label(c, tab, sizeof(tab) / sizeof(tab[0]), d);
}

/* The approval trail: one row per event. */
static int
trail(struct form *f, const struct wf_snap *snap, const struct wf_event *ev,
    size_t n)
{
	struct admin_call *c = f->c;
	char who[512], val[WF_NOTE_MAX + 1024];
	const char *item;
	size_t i;
	int st;

	for (i = 0; i < n; i++) {
		const struct wf_event *e = &ev[i];

		if (e->step >= 0 && (size_t)e->step < snap->nsteps)
			item = c->en ? snap->steps[e->step].label_en :
			    snap->steps[e->step].label_id;
		else
			item = decision_label(c, e->decision);
		person_name(c, e->actor, who, sizeof(who));
		snprintf(val, sizeof(val), "%s: %s%s%s%s%s", who,
		    decision_label(c, e->decision), e->note[0] ? "; " : "",
		    e->note, e->cred[0] ? "; " : "", e->cred);
		if ((st = kv(f, item, val, e->time)) != EX_OK)
			return st;
	}
	return EX_OK;
}

/* ------------------------------------------------------------- forms */

static int
form_request(struct form *f, const char *id)
{
	struct admin_call *c = f->c;
	struct wf *w = admin_wf();
	struct wf_request *r;
	struct wf_event *ev = NULL;
	char buf[512];
	size_t n = 0;
	int st;

	if ((r = malloc(sizeof(*r))) == NULL)
		return admin_err(c, EX_OSERR, "out of memory");
	if ((st = wf_load(w, id, r)) != EX_OK) {
		free(r);
		return admin_wf_err(c, st);
	}
	if (!admin_sees_all(c) && strcmp(r->requester, c->a.p.uid) != 0 &&
	    strcmp(r->subject, c->a.p.uid) != 0) {
		st = admin_err(c, EX_NOPERM, "refused: not your request");
		goto out;
	}
	if ((st = form_init(f, c, "Access Request Form",
	    "Formulir Permintaan Akses", NULL, 4)) != EX_OK)
		goto out;
	form_sop(f, r->snap.workflow);
	if ((st = wf_events(w, r, &ev, &n)) != EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	kv(f, ADMIN_T(c, "Request number", "Nomor permintaan"), r->id,
	    r->created);
	person_name(c, r->requester, buf, sizeof(buf));
	kv(f, ADMIN_T(c, "Requester", "Pemohon"), buf, 0);
	person_name(c, r->subject, buf, sizeof(buf));
	kv(f, ADMIN_T(c, "Access for", "Akses untuk"), buf, 0);
	kv(f, ADMIN_T(c, "Resource", "Sumber daya"), r->resource, 0);
	kv(f, ADMIN_T(c, "Access type", "Jenis akses"), r->type, 0);
	kv(f, ADMIN_T(c, "Reason", "Alasan"), r->reason, 0);
	kv(f, ADMIN_T(c, "Valid from", "Berlaku mulai"), "", r->not_before);
	kv(f, ADMIN_T(c, "Valid until (exclusive)", "Berlaku sampai"), "",
	    r->not_after);
	kv(f, ADMIN_T(c, "Procedure", "Prosedur"), c->en ?
	    r->snap.label_en : r->snap.label_id, 0);
	kv(f, ADMIN_T(c, "State", "Status"), admin_state_label(c, r->state),
	    r->updated);
	kv(f, ADMIN_T(c, "Grant", "Hak akses"), r->grant, 0);
	st = trail(f, &r->snap, ev, n);
out:
	free(ev);
	wf_request_free(r);
	free(r);
	return st;
}

struct al_arg {
	struct form	*f;
	int		 n;
	int		 st;
};

static int
al_one(struct wf_grant *g, void *arg)
{
	struct al_arg *a = arg;
	struct admin_call *c = a->f->c;
	char no[16], who[512], nb[32], na[32];
	const char *cells[8];

	snprintf(no, sizeof(no), "%d", ++a->n);
	person_name(c, g->subject, who, sizeof(who));
	admin_fmt_time(nb, sizeof(nb), g->not_before);
	admin_fmt_time(na, sizeof(na), g->not_after);
	cells[0] = no;
	cells[1] = who;
	cells[2] = g->type;
	cells[3] = g->cred;
	cells[4] = nb;
	cells[5] = na;
	cells[6] = admin_state_label(c, g->status);
	cells[7] = g->request;
	return (a->st = row(a->f, cells, 8));
}

static int
form_access_list(struct form *f, const char *resource)
{
	struct admin_call *c = f->c;
	struct render_column cols[] = {
		{ "no", "No" },
		{ "holder", ADMIN_T(c, "Holder", "Pemegang") },
		{ "type", ADMIN_T(c, "Access type", "Jenis akses") },
		{ "credential", ADMIN_T(c, "Card / account", "Kartu / akun") },
		{ "from", ADMIN_T(c, "Valid from", "Berlaku mulai") },
		{ "until", ADMIN_T(c, "Valid until", "Berlaku sampai") },
		{ "status", "Status" },
		{ "request", ADMIN_T(c, "Request", "Permintaan") },
	};
	struct dir_resource res;
	struct al_arg a;
	char esc[3 * DIR_NAME_MAX + 1], filter[1024];
	int st;

	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: the access list is "
		    "for role holders");
	if (strlen(resource) > DIR_NAME_MAX ||
	    (st = dir_resource(admin_ldap(), c->ctx->cfg, resource, &res,
	    admin_wf()->err, sizeof(admin_wf()->err))) != EX_OK)
		return admin_err(c, EX_NOINPUT, "no such resource: %.80s",
		    resource);
	if ((st = form_init(f, c, "Access List Form", "Formulir Daftar Akses",
	    cols, 8)) != EX_OK)
		return st;
	form_sop(f, res.workflow);
	snprintf(f->title + strlen(f->title), sizeof(f->title) -
	    strlen(f->title), ": %s", res.name);
	if (ldapc_escape_filter(esc, sizeof(esc), res.name) == -1)
		return admin_err(c, EX_DATAERR, "bad resource name");
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciResource=%s))", esc);
	a.f = f;
	a.n = 0;
	a.st = EX_OK;
	if ((st = wf_grants(admin_wf(), filter, DOC_ROWS, al_one, &a)) !=
	    EX_OK)
		return c->err.len ? st : admin_wf_err(c, st);
	return a.st;
}

/* One entry and its children, read generically (a review campaign). */
static int
read_entry(struct admin_call *c, const char *base, int scope,
    const char *filter, LDAPMessage **res, LDAP **ldp)
{
	struct wf *w = admin_wf();
	LDAP *ld;
	int rc;

	*res = NULL;
	if ((ld = dir_ld(admin_ldap(), w->err, sizeof(w->err))) == NULL)
		return admin_err(c, EX_UNAVAILABLE, "%s", w->err);
	*ldp = ld;
	rc = ldap_search_ext_s(ld, base, scope, filter, NULL, 0, NULL, NULL,
	    NULL, DOC_ROWS, res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(*res);
		*res = NULL;
		return EX_NOINPUT;
	}
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(*res);
		*res = NULL;
		return admin_err(c, dir_status(admin_ldap(), rc), "reading "
		    "the directory: %s", ldap_err2string(rc));
	}
	return EX_OK;
}

static int
valid_key(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > WF_ID_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

static int
form_review(struct form *f, const char *period)
{
	struct admin_call *c = f->c;
	struct render_column cols[] = {
		{ "no", "No" },
		{ "grant", ADMIN_T(c, "Grant", "Hak akses") },
		{ "holder", ADMIN_T(c, "Holder", "Pemegang") },
		{ "resource", ADMIN_T(c, "Resource", "Sumber daya") },
		{ "decision", ADMIN_T(c, "Decision", "Keputusan") },
		{ "reviewer", ADMIN_T(c, "Reviewer", "Peninjau") },
		{ "time", ADMIN_T(c, "Time", "Waktu") },
		{ "note", ADMIN_T(c, "Note", "Catatan") },
	};
	char base[DIR_DN_MAX], v[6][512], no[16], t[32];
	LDAPMessage *res = NULL, *e;
	LDAP *ld = NULL;
	const char *cells[8];
	int st, n = 0;

	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: the review form is "
		    "for role holders");
	if (!valid_key(period))
		return admin_err(c, EX_NOINPUT, "no such campaign: %.40s",
		    period);
	snprintf(base, sizeof(base), "kunciId=%s,ou=reviews,%s", period,
	    c->ctx->cfg->directory.kunci_base);
	if ((st = read_entry(c, base, LDAP_SCOPE_BASE,
	    "(objectClass=kunciReviewCampaign)", &res, &ld)) != EX_OK ||
	    ldap_count_entries(ld, res) != 1) {
		ldap_msgfree(res);
		return st != EX_OK && st != EX_NOINPUT ? st :
		    admin_err(c, EX_NOINPUT, "no such campaign: %s", period);
	}
	ldap_msgfree(res);
	if ((st = form_init(f, c, "Access Review Form", "Formulir Review Akses",
	    cols, 8)) != EX_OK)
		return st;
	form_sop(f, "C2");
	snprintf(f->title + strlen(f->title), sizeof(f->title) -
	    strlen(f->title), " %s", period);
	if ((st = read_entry(c, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciReviewFinding)", &res, &ld)) != EX_OK)
		return st;
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		snprintf(no, sizeof(no), "%d", ++n);
		dir_get(ld, e, "kunciGrantRef", v[0], sizeof(v[0]));
		dir_get(ld, e, "kunciSubject", v[5], sizeof(v[5]));
		person_name(c, v[5], v[1], sizeof(v[1]));
		dir_get(ld, e, "kunciResource", v[2], sizeof(v[2]));
		dir_get(ld, e, "kunciDecision", v[3], sizeof(v[3]));
		dir_get(ld, e, "kunciActor", v[4], sizeof(v[4]));
		admin_fmt_time(t, sizeof(t), dir_get_time(ld, e, "kunciTime"));
		cells[0] = no;
		cells[1] = v[0];
		cells[2] = v[1];
		cells[3] = v[2];
		cells[4] = v[3];
		cells[5] = v[4];
		cells[6] = t;
		dir_get(ld, e, "kunciNote", v[5], sizeof(v[5]));
		cells[7] = v[5];
		if ((st = row(f, cells, 8)) != EX_OK)
			break;
	}
	ldap_msgfree(res);
	return st;
}

/*
 * The removal request form (Formulir Permintaan Penghapusan Akses).  A
 * removal is a request of the engine of type PROV_REMOVAL_TYPE on the
 * workflow removal.workflow named when it was opened (removal.c), so the
 * form reads that request, its grant and its events: who asked, who
 * recorded and forwarded it (the first deciding act before the provision
 * step: the Kasi in C3), who carried it out (the provision step: the
 * administrator) and when.  An emergency revocation's record is opened
 * already carried out, by the administrator who revoked.
 */
struct rm_grant {
	struct wf_grant	g;
	int		found;
};

static int
rm_grant_one(struct wf_grant *g, void *arg)
{
	struct rm_grant *o = arg;

	o->g = *g;
	o->found = 1;
	return EX_OK;
}

/* "Name (uid), role label" for an event's actor. */
static void
actor_line(struct admin_call *c, const struct wf_snap *snap,
    const struct wf_event *e, char *buf, size_t sz)
{
	char who[512];

	person_name(c, e->actor, who, sizeof(who));
	if (e->step >= 0 && (size_t)e->step < snap->nsteps)
		snprintf(buf, sz, "%s, %s", who, admin_role_label(c,
		    snap->steps[e->step].role));
	else
		u_strlcpy(buf, who, sz);
}

static int
form_removal(struct form *f, const char *id)
{
	struct admin_call *c = f->c;
	struct wf *w = admin_wf();
	struct wf_request *r;
	struct wf_event *ev = NULL;
	const struct wf_event *rec = NULL, *done = NULL;
	struct rm_grant rg;
	char buf[1024], esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 64];
	size_t n = 0, i, prov_at;
	int st;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return admin_err(c, EX_OSERR, "out of memory");
	st = strlen(id) > WF_ID_MAX ? EX_NOINPUT : wf_load(w, id, r);
	if (st != EX_OK) {
		free(r);
		if (st != EX_NOINPUT)
			return admin_wf_err(c, st);
		return admin_err(c, EX_NOINPUT, "no such removal request: "
		    "%.40s", id);
	}
	if (strcmp(r->type, PROV_REMOVAL_TYPE) != 0) {
		st = admin_err(c, EX_NOINPUT, "no such removal request: %s "
		    "(a request for access: kuncictl doc request %s)", r->id,
		    r->id);
		goto out;
	}
	if (!admin_sees_all(c) && strcmp(r->requester, c->a.p.uid) != 0 &&
	    strcmp(r->subject, c->a.p.uid) != 0) {
		st = admin_err(c, EX_NOPERM, "refused: not your removal "
		    "request");
		goto out;
	}
	if ((st = wf_events(w, r, &ev, &n)) != EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	/* The provision step (deactivate), and the acts around it. */
	for (prov_at = 0; prov_at < r->snap.nsteps; prov_at++)
		if (r->snap.steps[prov_at].kind == CFG_KIND_PROVISION)
			break;
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].decision, "approve") != 0 || ev[i].step < 0)
			continue;
		if ((size_t)ev[i].step < prov_at && rec == NULL)
			rec = &ev[i];
		else if ((size_t)ev[i].step == prov_at && done == NULL)
			done = &ev[i];
	}
	memset(&rg, 0, sizeof(rg));
	if (r->grant[0] != '\0' &&
	    ldapc_escape_filter(esc, sizeof(esc), r->grant) == 0) {
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
		    "(kunciId=%s))", esc);
		(void)wf_grants(w, filter, 1, rm_grant_one, &rg);
	}

	if ((st = form_init(f, c, "Access Removal Request Form",
	    "Formulir Permintaan Penghapusan Akses", NULL, 4)) != EX_OK)
		goto out;
	form_sop(f, r->snap.workflow);
	kv(f, ADMIN_T(c, "Removal request number",
	    "Nomor permintaan penghapusan"), r->id, r->created);
	person_name(c, r->requester, buf, sizeof(buf));
	kv(f, ADMIN_T(c, "Requested by", "Pemohon"), buf, r->created);
	person_name(c, r->subject, buf, sizeof(buf));
	kv(f, ADMIN_T(c, "Access holder", "Pemegang hak akses"), buf, 0);
	kv(f, ADMIN_T(c, "Resource", "Sumber daya"), r->resource, 0);
	if (rg.found)
		snprintf(buf, sizeof(buf), "%s (%s%s%s; %s)", rg.g.id,
		    rg.g.type, rg.g.cred[0] ? " " : "", rg.g.cred,
		    admin_state_label(c, rg.g.status));
	else
		u_strlcpy(buf, r->grant, sizeof(buf));
	kv(f, ADMIN_T(c, "Grant to remove", "Hak akses yang dihapus"), buf,
	    0);
	kv(f, ADMIN_T(c, "Reason", "Alasan"), r->reason != NULL ? r->reason :
	    "", 0);
	kv(f, ADMIN_T(c, "Procedure", "Prosedur"), c->en ?
	    r->snap.label_en : r->snap.label_id, 0);
	if (rec != NULL)
		actor_line(c, &r->snap, rec, buf, sizeof(buf));
	else
		buf[0] = '\0';
	kv(f, ADMIN_T(c, "Recorded and forwarded by",
	    "Dicatat dan diteruskan oleh"), buf, rec != NULL ? rec->time : 0);
	if (done != NULL)
		actor_line(c, &r->snap, done, buf, sizeof(buf));
	else if (!wf_open(r) && strcmp(r->state, "active") == 0) {
		/* Opened already carried out: an emergency revocation. */
		person_name(c, r->requester, buf, sizeof(buf));
		u_strlcat(buf, ADMIN_T(c, " (emergency revocation)",
		    " (pencabutan darurat)"), sizeof(buf));
	} else
		buf[0] = '\0';
	kv(f, ADMIN_T(c, "Carried out by", "Dilaksanakan oleh"), buf,
	    done != NULL ? done->time : buf[0] != '\0' ? r->created : 0);
	kv(f, ADMIN_T(c, "State", "Status"), strcmp(r->state, "active") == 0 ?
	    (wf_open(r) ? ADMIN_T(c, "being carried out",
	    "sedang dilaksanakan") : ADMIN_T(c, "carried out",
	    "dilaksanakan")) : admin_state_label(c, r->state), r->updated);
	st = trail(f, &r->snap, ev, n);
out:
	free(ev);
	wf_request_free(r);
	free(r);
	return st;
}

struct gb_arg {
	struct form	*f;
	int		 n, st;
};

static int
gb_one(struct visit *v, void *arg)
{
	struct gb_arg *a = arg;
	struct admin_call *c = a->f->c;
	char no[16], in[32], out[32], day[16], esc[512];
	const char *cells[11];
	struct tm tm;

	snprintf(no, sizeof(no), "%d", ++a->n);
	day[0] = '\0';
	if (localtime_r(&v->created, &tm) != NULL)
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	admin_fmt_time(in, sizeof(in), v->checkin);
	admin_fmt_time(out, sizeof(out), v->checkout);
	person_name(c, v->escort, esc, sizeof(esc));
	cells[0] = no;
	cells[1] = day;
	cells[2] = v->guest;
	cells[3] = v->org;
	cells[4] = v->iddoc;
	cells[5] = strcmp(v->purpose, "network") == 0 ?
	    ADMIN_T(c, "network", "jaringan") :
	    strcmp(v->purpose, "servers") == 0 ? "server" : v->purpose;
	cells[6] = esc;
	cells[7] = in;
	cells[8] = out;
	cells[9] = v->checkout == 0 ? "" : v->locked == 1 ?
	    ADMIN_T(c, "yes", "ya") :
	    ADMIN_T(c, "NOT STATED", "TIDAK DINYATAKAN");
	cells[10] = v->id;
	return (a->st = row(a->f, cells, 11));
}

static int
form_guest_book(struct form *f, const char *what)
{
	struct admin_call *c = f->c;
	struct render_column cols[] = {
		{ "no", "No" },
		{ "date", ADMIN_T(c, "Date", "Tanggal") },
		{ "guest", ADMIN_T(c, "Guest", "Nama tamu") },
		{ "org", ADMIN_T(c, "Organisation", "Instansi") },
		{ "id_doc", ADMIN_T(c, "Identity document", "Identitas") },
		{ "purpose", ADMIN_T(c, "Purpose", "Keperluan") },
		{ "escort", ADMIN_T(c, "Escort", "Pendamping") },
		{ "in", ADMIN_T(c, "In", "Jam masuk") },
		{ "out", ADMIN_T(c, "Out", "Jam keluar") },
		{ "locked", ADMIN_T(c, "Room and racks locked",
		    "Ruang dan rak terkunci") },
		{ "visit", ADMIN_T(c, "Visit", "Kunjungan") },
	};
	struct wf *w = admin_wf();
	struct gb_arg a;
	char filter[256], t1[32], t2[32], buf[512];
	time_t s, e;
	int st;

	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, "refused: the guest book is "
		    "for role holders");
	if (visit_month(what, &s, &e) == 0) {
		if ((st = form_init(f, c, "Guest Book", "Buku Tamu", cols,
		    11)) != EX_OK)
			return st;
		form_sop(f, c->ctx->cfg->visits.workflow);
		snprintf(f->title + strlen(f->title), sizeof(f->title) -
		    strlen(f->title), " %s", what);
		ldapc_gentime(t1, sizeof(t1), s);
		ldapc_gentime(t2, sizeof(t2), e);
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciVisit)"
		    "(kunciCreated>=%s)(!(kunciCreated>=%s)))", t1, t2);
		a.f = f;
		a.n = 0;
		a.st = EX_OK;
		if ((st = visit_list(w, filter, DOC_ROWS, gb_one, &a)) !=
		    EX_OK)
			return c->err.len ? st : admin_wf_err(c, st);
		return a.st;
	}
	/* One visit: its report (guest book entry and the whole trail). */
	{
		struct visit *v;
		struct wf_event *ev = NULL;
		size_t n = 0;

		if ((v = malloc(sizeof(*v))) == NULL)
			return admin_err(c, EX_OSERR, "out of memory");
		if ((st = visit_load(w, what, v)) != EX_OK) {
			free(v);
			return admin_err(c, st == EX_NOINPUT ? EX_NOINPUT : st,
			    "no such month or visit: %.40s (want YYYY-MM or "
			    "a visit id)", what);
		}
		if ((st = form_init(f, c, "Visit Report",
		    "Laporan Kunjungan", NULL, 4)) != EX_OK) {
			free(v);
			return st;
		}
		form_sop(f, v->snap.workflow);
		kv(f, ADMIN_T(c, "Visit", "Kunjungan"), v->id, v->created);
		kv(f, ADMIN_T(c, "Guest", "Nama tamu"), v->guest, 0);
		kv(f, ADMIN_T(c, "Organisation", "Instansi"), v->org, 0);
		kv(f, ADMIN_T(c, "Identity document", "Identitas"),
		    v->iddoc, 0);
		kv(f, ADMIN_T(c, "Purpose", "Keperluan"),
		    strcmp(v->purpose, "network") == 0 ?
		    ADMIN_T(c, "network", "jaringan") : "server", 0);
		kv(f, ADMIN_T(c, "Resource", "Sumber daya"), v->resource, 0);
		person_name(c, v->requester, buf, sizeof(buf));
		kv(f, ADMIN_T(c, "Requester", "Pemohon"), buf, 0);
		person_name(c, v->escort, buf, sizeof(buf));
		kv(f, ADMIN_T(c, "Escort", "Pendamping"), buf, 0);
		kv(f, ADMIN_T(c, "In", "Jam masuk"), "", v->checkin);
		kv(f, ADMIN_T(c, "Out", "Jam keluar"), "", v->checkout);
		kv(f, ADMIN_T(c, "Room and racks locked",
		    "Ruang dan rak terkunci"), v->checkout == 0 ? "" :
		    v->locked == 1 ? ADMIN_T(c, "yes", "ya") :
		    ADMIN_T(c, "NOT STATED", "TIDAK DINYATAKAN"), 0);
		if ((st = visit_events(w, v, &ev, &n)) == EX_OK)
			st = trail(f, &v->snap, ev, n);
		else
			st = admin_wf_err(c, st);
		free(ev);
		free(v);
		return st;
	}
}

/* ------------------------------------------------------------ output */

static int
render_form(struct form *f, enum fmt fmt, struct strbuf *b)
{
	struct render_header h;
	struct admin_call *c = f->c;

	memset(&h, 0, sizeof(h));
	h.office = f->office[0] ? f->office : NULL;
	h.sop_name = f->sop_name[0] ? f->sop_name : NULL;
	h.sop_number = f->sop_number[0] ? f->sop_number : NULL;
	h.title = f->title;
	h.printed = f->printed;
	h.lang = c->en ? "en" : "id";
	switch (fmt) {
	case F_HTML:
		return render_html(f->t, &h, b);
	case F_CSV:
		return render_csv(f->t, b);
	case F_JSON:
		return render_json(f->t, b);
	case F_TXT:
		break;
	}
	if (h.office != NULL)
		sb_printf(b, "%s\n", h.office);
	if (h.sop_name != NULL)
		sb_printf(b, "%s\n", h.sop_name);
	if (h.sop_number != NULL)
		sb_printf(b, "%s: %s\n", ADMIN_T(c, "Number", "Nomor"),
		    h.sop_number);
	sb_printf(b, "\n%s\n%s: %s\n\n", h.title, ADMIN_T(c, "Printed",
	    "Dicetak"), h.printed);
	return render_text(f->t, b);
}

static int
sign_out(struct admin_call *c, const struct strbuf *doc)
{
	const struct cfg_signing *s = &c->ctx->cfg->signing;
	unsigned char *sig = NULL, *b64 = NULL;
	size_t siglen = 0;
	char err[512];
	int st = EX_OK;

	if (s->certificate[0] == '\0')
		return admin_err(c, EX_CONFIG, "signing is not configured "
		    "(signing.certificate, key, ca)");
	if (sign_detached(s->certificate, s->key, doc->s, doc->len, &sig,
	    &siglen, 0, err, sizeof(err)) == -1) {
		log_warnx("doc: signing failed: %s", err);
		return admin_err(c, EX_SOFTWARE, "signing failed: %s", err);
	}
	if ((b64 = malloc(4 * ((siglen + 2) / 3) + 1)) == NULL) {
		st = admin_err(c, EX_OSERR, "out of memory");
		goto out;
	}
	EVP_EncodeBlock(b64, sig, (int)siglen);
	sb_printf(&c->out, "kunci-signed-document 1 %zu\n", doc->len);
	sb_add(&c->out, doc->s, doc->len);
	sb_printf(&c->out, "%s\n", (char *)b64);
out:
	free(sig);
	free(b64);
	return st;
}

static int
cmd_form(struct admin_call *c, int argc, char **argv, const char *kind)
{
	const char *format = NULL;
	int sign = 0, npos, st;
	char *pos[1];
	struct admin_opt opts[] = {
		{ "format", &format, NULL }, { "sign", NULL, &sign },
		{ NULL, NULL, NULL }
	};
	struct form f;
	struct strbuf doc;
	enum fmt fmt = F_TXT;

	memset(&f, 0, sizeof(f));
	f.c = c;
	if ((st = admin_opts(c, argc, argv, opts, pos, 1, &npos)) != EX_OK)
		return st;
	if (npos != 1)
		return admin_err(c, EX_USAGE, "usage: kuncictl doc %s %s "
		    "[--format txt|csv|html] [--sign --out FILE]", kind,
		    strcmp(kind, "access-list") == 0 ? "RESOURCE" :
		    strcmp(kind, "review") == 0 ? "CAMPAIGN" :
		    strcmp(kind, "guest-book") == 0 ? "YYYY-MM|VISIT" : "ID");
	if (format == NULL && c->json)
		format = "json";
	if (format == NULL || strcmp(format, "txt") == 0)
		fmt = F_TXT;
	else if (strcmp(format, "csv") == 0)
		fmt = F_CSV;
	else if (strcmp(format, "html") == 0)
		fmt = F_HTML;
	else if (strcmp(format, "json") == 0)
		fmt = F_JSON;
	else
		return admin_err(c, EX_USAGE, "--format: txt, csv or html "
		    "(or json), not %.20s", format);
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (strcmp(kind, "request") == 0)
		st = form_request(&f, pos[0]);
	else if (strcmp(kind, "access-list") == 0)
		st = form_access_list(&f, pos[0]);
	else if (strcmp(kind, "review") == 0)
		st = form_review(&f, pos[0]);
	else if (strcmp(kind, "removal") == 0)
		st = form_removal(&f, pos[0]);
	else
		st = form_guest_book(&f, pos[0]);
	if (st != EX_OK)
		goto out;
	sb_init(&doc, DOC_MAX);
	if (render_form(&f, fmt, &doc) == -1 || sb_err(&doc)) {
		sb_free(&doc);
		st = admin_err(c, EX_SOFTWARE, "document too large");
		goto out;
	}
	if (sign)
		st = sign_out(c, &doc);
	else
		sb_add(&c->out, doc.s != NULL ? doc.s : "", doc.len);
	if (st == EX_OK)
		log_audit("doc.render", "actor", c->a.person ? c->a.p.uid :
		    c->caller, "as", c->a.as, "document", kind, "id", pos[0],
		    "format", format != NULL ? format : "txt", "signed",
		    sign ? "yes" : "no", NULL);
	sb_free(&doc);
out:
	render_table_free(f.t);
	return st;
}

static int
cmd_request(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "request");
}

static int
cmd_access_list(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "access-list");
}

static int
cmd_review(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "review");
}

static int
cmd_removal(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "removal");
}

static int
cmd_guest_book(struct admin_call *c, int argc, char **argv)
{
	return cmd_form(c, argc, argv, "guest-book");
}

/* The trust anchor, public: kuncictl verifies against it. */
static int
cmd_ca(struct admin_call *c, int argc, char **argv)
{
	const char *ca = c->ctx->cfg->signing.ca;
	char buf[8192];
	size_t n;
	FILE *fp;

	(void)argv;
	if (argc != 1)
		return admin_err(c, EX_USAGE, "usage: kuncictl doc ca");
	if (ca[0] == '\0')
		return admin_err(c, EX_CONFIG, "signing is not configured "
		    "(signing.ca)");
	if ((fp = fopen(ca, "re")) == NULL)
		return admin_err(c, EX_CONFIG, "cannot read %s", ca);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 &&
	    c->out.len < 1024 * 1024)
		sb_add(&c->out, buf, n);
	fclose(fp);
	return EX_OK;
}

/* Reached only when kuncictl did not handle "doc verify" itself. */
static int
cmd_verify(struct admin_call *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return admin_err(c, EX_USAGE, "doc verify is done by kuncictl: "
	    "kuncictl doc verify FILE SIGNATURE [--ca CAFILE]");
}

static int
cmd_unknown(struct admin_call *c, int argc, char **argv)
{
	return admin_err(c, EX_USAGE, "unknown document type: %.40s "
	    "(request, access-list, review, removal, guest-book)",
	    argc >= 2 ? argv[1] : "");
}

const struct admin_cmd doc_cmds[] = {
	{ "doc", "request", cmd_request, "ID [--format txt|csv|html] "
	    "[--sign --out FILE]" },
	{ "doc", "access-list", cmd_access_list, "RESOURCE [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "review", cmd_review, "CAMPAIGN [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "removal", cmd_removal, "ID [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "guest-book", cmd_guest_book, "YYYY-MM|VISIT [--format F] "
	    "[--sign --out FILE]" },
	{ "doc", "verify", cmd_verify, "FILE SIGNATURE [--ca CAFILE]" },
	{ "doc", "ca", cmd_ca, "" },
	{ "doc", NULL, cmd_unknown, "(any other word: an error)" },
	{ NULL, NULL, NULL, NULL }
};
