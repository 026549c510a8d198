/*
 * docform.c: what each SOP form says (doc/forms.md has the user's view).
 *
 * Each form carries the identity of the SOP it belongs to: a request or a
 * visit its own workflow's; the forms about a resource (access list,
 * review, removal) the resource's workflow's, since that SOP lists them
 * among its forms (a server-room removal runs C3's steps but is a
 * "Formulir Permintaan Penghapusan Akses Ruang Server" of the server-room
 * SOP).  A review campaign or a month's guest book spanning several SOPs
 * is one form per SOP, each on its own page.
 *
 * The officials who sign: jabatan from the person's "title", the NIP from
 * "employeeNumber" and the unit from "ou" (inetOrgPerson attributes every
 * directory has, so no schema change); the role's label when the person
 * has no title.  Who signs which form follows the workflow's steps:
 * endorse "Menyetujui" (the direct superior), verify "Diverifikasi",
 * approve "Menyetujui", provision "Dilaksanakan", the first disposition
 * "Mengetahui" (the Kadis), each with the act's decision and date.  A step not
 * yet acted on shows its role's holder when the role group has exactly one
 * member, else a blank line to write the name on.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "admin.h"
#include "cfg.h"
#include "dir.h"
#include "docform.h"
#include "form.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "prov.h"
#include "render.h"
#include "review.h"
#include "sopact.h"
#include "strbuf.h"
#include "util.h"
#include "visit.h"
#include "visit_guest.h"
#include "wf.h"

#define U(s)		((char *)(uintptr_t)(s))
#define DOC_ROWS	5000
#define T(d, s_en, s_id)	((d)->en ? (s_en) : (s_id))

struct doc_str {
	struct doc_str	*next;
	char		 s[];
};

const char *
doc_keep(struct doc *d, const char *fmt, ...)
{
	struct doc_str *n;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || (n = malloc(sizeof(*n) + (size_t)len + 1)) == NULL) {
		d->oom = 1;
		return "";
	}
	va_start(ap, fmt);
	vsnprintf(n->s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	n->next = d->strs;
	d->strs = n;
	return n->s;
}

void
docform_free(struct doc *d)
{
	struct doc_str *n;
	size_t i;

	while ((n = d->strs) != NULL) {
		d->strs = n->next;
		free(n);
	}
	for (i = 0; i < d->nparts; i++)
		render_table_free(d->parts[i].t);
	render_table_free(d->flat);
	free(d->people);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------ people */

static char *person_attrs[] = { U("uid"), U("cn"), U("title"),
    U("employeeNumber"), U("ou"), U("manager"), NULL };

static struct doc_official *
cache_slot(struct doc *d)
{
	if (d->people == NULL &&
	    (d->people = calloc(DOC_PEOPLE, sizeof(*d->people))) == NULL)
		return NULL;
	if (d->npeople == DOC_PEOPLE)
		d->npeople = 0;		/* start over: a bound, not an LRU */
	memset(&d->people[d->npeople], 0, sizeof(d->people[0]));
	return &d->people[d->npeople++];
}

/* One person by filter under people_base, or the entry at dn. */
static const struct doc_official *
person_read(struct doc *d, const char *dn, const char *filter,
    const char *key)
{
	const struct kunci_cfg *cfg = d->c->ctx->cfg;
	struct doc_official *o;
	LDAPMessage *res = NULL, *e;
	char nip[64], *edn;
	LDAP *ld;
	int rc;

	if ((o = cache_slot(d)) == NULL)
		return NULL;
	if (dn != NULL)
		u_strlcpy(o->dn, key, sizeof(o->dn));
	else
		u_strlcpy(o->uid, key, sizeof(o->uid));
	if ((ld = dir_ld(admin_ldap(), admin_wf()->err,
	    sizeof(admin_wf()->err))) == NULL)
		return o;
	rc = ldap_search_ext_s(ld, dn != NULL ? dn :
	    cfg->directory.people_base, dn != NULL ? LDAP_SCOPE_BASE :
	    LDAP_SCOPE_SUBTREE, filter, person_attrs, 0, NULL, NULL, NULL, 2,
	    &res);
	if (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 1 &&
	    (e = ldap_first_entry(ld, res)) != NULL) {
		o->found = 1;
		dir_get(ld, e, "uid", o->uid, sizeof(o->uid));
		dir_get(ld, e, "cn", o->cn, sizeof(o->cn));
		dir_get(ld, e, "title", o->title, sizeof(o->title));
		dir_get(ld, e, "ou", o->unit, sizeof(o->unit));
		dir_get(ld, e, "manager", o->manager, sizeof(o->manager));
		if (dir_get(ld, e, "employeeNumber", nip, sizeof(nip)) == 0)
			form_nip(o->nip, sizeof(o->nip), nip);
		if ((edn = ldap_get_dn(ld, e)) != NULL) {
			u_strlcpy(o->dn, edn, sizeof(o->dn));
			ldap_memfree(edn);
		}
	} else if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
		(void)dir_status(admin_ldap(), rc);
	ldap_msgfree(res);
	return o;
}

const struct doc_official *
doc_person(struct doc *d, const char *uid)
{
	char esc[3 * DIR_UID_MAX + 1], filter[3 * DIR_UID_MAX + 64];
	size_t i;

	if (uid == NULL || !dir_valid_uid(uid))
		return NULL;
	for (i = 0; d->people != NULL && i < DOC_PEOPLE; i++)
		if (d->people[i].uid[0] != '\0' &&
		    strcmp(d->people[i].uid, uid) == 0)
			return &d->people[i];
	if (ldapc_escape_filter(esc, sizeof(esc), uid) == -1)
		return NULL;
	snprintf(filter, sizeof(filter),
	    "(&(objectClass=inetOrgPerson)(uid=%s))", esc);
	return person_read(d, NULL, filter, uid);
}

static const struct doc_official *
person_dn(struct doc *d, const char *dn)
{
	size_t i;

	if (dn == NULL || *dn == '\0' || strlen(dn) >= DIR_DN_MAX)
		return NULL;
	for (i = 0; d->people != NULL && i < DOC_PEOPLE; i++)
		if (d->people[i].dn[0] != '\0' &&
		    dir_dn_equal(d->people[i].dn, dn))
			return &d->people[i];
	return person_read(d, dn, "(objectClass=inetOrgPerson)", dn);
}

/* The one member of a role's group, or NULL (none, or several). */
static const struct doc_official *
role_holder(struct doc *d, const char *role)
{
	const struct cfg_role *r = cfg_role(d->c->ctx->cfg, role);
	char *attrs[] = { U("member"), NULL };
	struct berval **v;
	LDAPMessage *res = NULL, *e;
	char dn[DIR_DN_MAX];
	LDAP *ld;
	int rc, n = 0;

	if (r == NULL || (ld = dir_ld(admin_ldap(), admin_wf()->err,
	    sizeof(admin_wf()->err))) == NULL)
		return NULL;
	dn[0] = '\0';
	rc = ldap_search_ext_s(ld, r->group, LDAP_SCOPE_BASE,
	    "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_SUCCESS && (e = ldap_first_entry(ld, res)) != NULL &&
	    (v = ldap_get_values_len(ld, e, "member")) != NULL) {
		n = ldap_count_values_len(v);
		if (n == 1 && v[0]->bv_len < sizeof(dn))
			snprintf(dn, sizeof(dn), "%.*s", (int)v[0]->bv_len,
			    v[0]->bv_val);
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	return n == 1 && dn[0] != '\0' ? person_dn(d, dn) : NULL;
}

/* "Name (uid)", or the uid. */
static const char *
name_of(struct doc *d, const char *uid)
{
	const struct doc_official *o;

	if (uid == NULL || *uid == '\0')
		return "";
	if ((o = doc_person(d, uid)) != NULL && o->found && o->cn[0])
		return doc_keep(d, "%s", o->cn);
	return doc_keep(d, "%s", uid);
}

/* ------------------------------------------------------------ parts */

static struct doc_part *
part_new(struct doc *d, const char *workflow, const char *title_en,
    const char *title_id, const struct render_column *cols, size_t ncols)
{
	const struct kunci_cfg *cfg = d->c->ctx->cfg;
	const struct cfg_workflow *w = workflow != NULL && *workflow ?
	    cfg_workflow(cfg, workflow) : NULL;
	struct doc_part *p;
	const char *sop, *no, *obj;
	char buf[64];
	time_t now = time(NULL);

	if (d->nparts == DOC_PARTS)
		return NULL;
	p = &d->parts[d->nparts++];
	memset(p, 0, sizeof(*p));
	p->p.fields = p->f;
	p->p.sigs = p->s;
	if (w != NULL) {
		sop = w->sop[0] != '\0' ? w->sop : T(d, w->label_en,
		    w->label_id);
		no = w->sop_number;
		if (no[0] == '\0' && (no = strstr(sop, " No. ")) != NULL) {
			p->p.sop_name = doc_keep(d, "%.*s", (int)(no - sop),
			    sop);
			no += 5;
		} else
			p->p.sop_name = sop;
		p->p.sop_number = no;
		form_ymd(buf, sizeof(buf), w->sop_made, d->en);
		p->p.sop_made = doc_keep(d, "%s", buf);
		form_ymd(buf, sizeof(buf), w->sop_revised, d->en);
		p->p.sop_revised = doc_keep(d, "%s", buf);
		form_ymd(buf, sizeof(buf), w->sop_effective, d->en);
		p->p.sop_effective = doc_keep(d, "%s", buf);
		p->p.sop_approver[0] = w->sop_approver_title;
		p->p.sop_approver[1] = w->sop_approver_name;
		p->p.sop_approver[2] = w->sop_approver_rank;
		form_nip(buf, sizeof(buf), w->sop_approver_nip);
		p->p.sop_approver[3] = doc_keep(d, "%s", buf);
		obj = d->en ? w->form_object_en : w->form_object_id;
		snprintf(p->key, sizeof(p->key), "%s|%s", p->p.sop_name,
		    p->p.sop_number != NULL ? p->p.sop_number : "");
	} else
		obj = "";
	if (d->en)
		p->p.title = *obj ? doc_keep(d, "%s %s", obj, title_en) :
		    title_en;
	else
		p->p.title = *obj ? doc_keep(d, "%s %s", title_id, obj) :
		    title_id;
	form_date(buf, sizeof(buf), now, d->en, 0);
	p->p.place_date = cfg->office.city[0] != '\0' ?
	    doc_keep(d, "%s, %s", cfg->office.city, buf) : doc_keep(d, "%s",
	    buf);
	if (cols != NULL) {
		if ((p->t = render_table_new(cols, ncols)) == NULL ||
		    (d->flat == NULL &&
		    (d->flat = render_table_new(cols, ncols)) == NULL))
			d->oom = 1;
		p->p.table = p->t;
	}
	return p;
}

static void
field(struct doc *d, struct doc_part *p, const char *label,
    const char *value)
{
	if (p->p.nfields == DOC_FIELDS || value == NULL) {
		if (value != NULL)
			d->oom = 1;
		return;
	}
	p->f[p->p.nfields].label = label;
	p->f[p->p.nfields].value = doc_keep(d, "%s", value);
	p->p.nfields++;
}

static void
row(struct doc *d, struct doc_part *p, const char **cells, size_t n)
{
	if (render_table_add_row(p->t, cells, n) == -1 ||
	    render_table_add_row(d->flat, cells, n) == -1)
		d->oom = 1;
}

/*
 * "Plt. <role>" (or "Plh.") for an act made as an acting official; in a
 * direct superior's place, "Plt. <the official's title>" (the office the
 * step waited on: "Plt. Kepala Bidang ...").
 */
static const char *
acting_label(struct doc *d, const struct wf_event *ev, const char *role)
{
	const struct doc_official *o;
	const char *kind = strcmp(ev->acting_kind, "plh") == 0 ? "Plh." :
	    "Plt.";

	if (strcmp(role, CFG_ROLE_SUPERIOR) == 0 &&
	    (o = doc_person(d, ev->acting_for)) != NULL && o->found &&
	    o->title[0] != '\0')
		return doc_keep(d, "%s %s", kind, o->title);
	return doc_keep(d, "%s %s", kind, admin_role_label(d->c, role));
}

/* A signature block for o (or a blank one), in layout row r. */
static void
sig(struct doc *d, struct doc_part *p, int r, const char *caption,
    const char *role_label, const struct doc_official *o,
    const char *decision)
{
	struct form_sig *s;

	if (p->p.nsigs == DOC_SIGS)
		return;
	s = &p->s[p->p.nsigs++];
	s->row = r;
	s->caption = caption;
	s->jabatan = o != NULL && o->found && o->title[0] ?
	    doc_keep(d, "%s", o->title) : role_label;
	s->decision = decision;
	s->name = o != NULL && o->found ? doc_keep(d, "%s", o->cn) : NULL;
	s->nip = o != NULL && o->found ? doc_keep(d, "%s", o->nip) : "";
}

/* Rows of at most three blocks: a fourth starts a new row. */
static void
sig_rows(struct doc_part *p)
{
	size_t i, n = 0;
	int last = -1, out = -1;

	for (i = 0; i < p->p.nsigs; i++) {
		if (p->s[i].row != last || n == 3) {
			out++;
			n = 0;
		}
		last = p->s[i].row;
		p->s[i].row = out;
		n++;
	}
}

static const char *
sla_text(struct doc *d, int64_t sla, int bd)
{
	if (sla <= 0)
		return "-";
	if (bd)
		return doc_keep(d, "%lld %s", (long long)(sla / 86400),
		    T(d, "working day(s)", "hari kerja"));
	if (sla % 86400 == 0)
		return doc_keep(d, "%lld %s", (long long)(sla / 86400),
		    T(d, "day(s)", "hari"));
	if (sla % 3600 == 0)
		return doc_keep(d, "%lld %s", (long long)(sla / 3600),
		    T(d, "hour(s)", "jam"));
	return doc_keep(d, "%lld %s", (long long)(sla / 60),
	    T(d, "minute(s)", "menit"));
}

static const char *
when(struct doc *d, time_t t)
{
	char buf[64];

	form_date(buf, sizeof(buf), t, d->en, 1);
	return doc_keep(d, "%s", buf);
}

/* In a table cell: "06-12-2026 09:05", never wrapped. */
static const char *
stamp(struct doc *d, time_t t)
{
	struct tm tm;
	char buf[32];

	if (t == 0 || localtime_r(&t, &tm) == NULL)
		return "";
	strftime(buf, sizeof(buf), "%d-%m-%Y %H:%M", &tm);
	return doc_keep(d, "%s", buf);
}

static const char *
day(struct doc *d, time_t t)
{
	char buf[64];

	form_date(buf, sizeof(buf), t, d->en, 0);
	return doc_keep(d, "%s", buf);
}

/* What a step's act means, on its signature block. */
static const char *
act_word(struct doc *d, enum cfg_kind k, const char *decision)
{
	if (strcmp(decision, "reject") == 0)
		return T(d, "Rejected", "Ditolak");
	switch (k) {
	case CFG_KIND_ENDORSE:
	case CFG_KIND_APPROVE:
		return T(d, "Approved", "Disetujui");
	case CFG_KIND_VERIFY:
		return T(d, "Verified: approved", "Diverifikasi: disetujui");
	case CFG_KIND_DISPOSE:
		return T(d, "Disposition given", "Didisposisikan");
	case CFG_KIND_PROVISION:
		return T(d, "Carried out", "Dilaksanakan");
	case CFG_KIND_RECORD:
		return T(d, "Recorded", "Dicatat");
	default:
		return T(d, "Done", "Dilaksanakan");
	}
}

static const char *
caption_of(struct doc *d, enum cfg_kind k)
{
	switch (k) {
	case CFG_KIND_VERIFY:
		return T(d, "Verified by,", "Diverifikasi oleh,");
	case CFG_KIND_DISPOSE:
		return T(d, "Acknowledged,", "Mengetahui,");
	case CFG_KIND_PROVISION:
		return T(d, "Carried out by,", "Dilaksanakan oleh,");
	case CFG_KIND_RECORD:
		return T(d, "Recorded and forwarded by,",
		    "Dicatat dan diteruskan oleh,");
	case CFG_KIND_ESCORT:
		return T(d, "Escort,", "Pendamping,");
	default:
		return T(d, "Approved,", "Menyetujui,");
	}
}

/*
 * The officials' blocks for a request or visit: each deciding or
 * provisioning step (and the first disposition, first record before any
 * provision) with who acted and the decision, else the role's holder.
 * superior: the requester's manager.  Rows: 0 the superior, "Mengetahui"
 * (the Kadis) and the requester, 1 the deciding officials: two rows keep
 * one request on one A4 page.
 */
static void
step_sigs(struct doc *d, struct doc_part *p, const struct wf_snap *snap,
    const struct wf_event *ev, size_t n, const char *requester,
    int closed, const char *done_by, time_t done_at)
{
	const struct doc_official *o, *rq = doc_person(d, requester);
	const char *dec;
	int seen_dispose = 0, seen_record = 0, seen_prov = 0, pass, r;
	size_t i, j, k;

	for (i = 0; i < snap->nsteps; i++)
		if (snap->steps[i].kind == CFG_KIND_PROVISION)
			seen_prov = (int)i + 1;
	for (pass = 0; pass < 3; pass++)
	for (i = 0; i < snap->nsteps; i++) {
		const struct wf_step *s = &snap->steps[i];
		int acted = 0;

		switch (s->kind) {
		case CFG_KIND_ENDORSE:
			r = 0;
			break;
		case CFG_KIND_VERIFY:
		case CFG_KIND_APPROVE:
		case CFG_KIND_PROVISION:
			r = 1;
			break;
		case CFG_KIND_RECORD:
			if (seen_record || (seen_prov && (int)i >= seen_prov) ||
			    strcmp(s->role, CFG_ROLE_REQUESTER) == 0)
				continue;
			if (pass == 1)
				seen_record = 1;
			r = 1;
			break;
		case CFG_KIND_DISPOSE:
			if (seen_dispose)
				continue;
			if (pass == 0)
				seen_dispose = 1;
			r = 0;
			break;
		default:
			continue;
		}
		if (r != pass)
			continue;
		for (j = 0; j < n; j++) {
			if (ev[j].step != (int)i ||
			    (strcmp(ev[j].decision, "approve") != 0 &&
			    strcmp(ev[j].decision, "reject") != 0))
				continue;
			for (k = 0; k < j; k++)	/* one block per person */
				if (ev[k].step == (int)i &&
				    strcmp(ev[k].actor, ev[j].actor) == 0)
					break;
			if (k < j)
				continue;
			acted = 1;
			dec = doc_keep(d, "%s, %s%s%s", act_word(d, s->kind,
			    ev[j].decision), when(d, ev[j].time),
			    strcmp(ev[j].decision, "reject") == 0 &&
			    ev[j].note[0] ? ": " : "",
			    strcmp(ev[j].decision, "reject") == 0 ?
			    ev[j].note : "");
			if (ev[j].to[0] != '\0')	/* the disposition */
				dec = doc_keep(d, "%s %s %s%s%s", dec,
				    T(d, "to", "kepada"), admin_role_label(d->c,
				    ev[j].to), ev[j].note[0] ? ": " : "",
				    ev[j].note);
			sig(d, p, r, caption_of(d, s->kind),
			    admin_role_label(d->c, ev[j].role[0] ? ev[j].role :
			    s->role), doc_person(d, ev[j].actor), dec);
			if (ev[j].acting_for[0] != '\0')
				/* "Plt. Kepala Dinas": the office, not the
				 * acting official's own title */
				p->s[p->p.nsigs - 1].jabatan = acting_label(d,
				    &ev[j], ev[j].role[0] ? ev[j].role :
				    s->role);
		}
		if (acted)
			continue;
		if (s->kind == CFG_KIND_PROVISION && done_by != NULL) {
			/* opened already carried out, by done_by */
			sig(d, p, r, caption_of(d, s->kind),
			    admin_role_label(d->c, s->role),
			    doc_person(d, done_by), doc_keep(d, "%s, %s",
			    T(d, "Carried out (emergency revocation)",
			    "Dilaksanakan (pencabutan darurat)"),
			    when(d, done_at)));
			continue;
		}
		if (strcmp(s->role, CFG_ROLE_SUPERIOR) == 0)
			o = s->who[0] != '\0' ? doc_person(d, s->who) :
			    rq != NULL && rq->found ? person_dn(d, rq->manager) :
			    NULL;
		else
			o = role_holder(d, s->role);
		sig(d, p, r, caption_of(d, s->kind), admin_role_label(d->c,
		    s->role), o, closed ? "-" : "");
		if (pass == 0 && s->kind == CFG_KIND_ENDORSE &&
		    strcmp(s->role, CFG_ROLE_SUPERIOR) == 0)
			p->s[p->p.nsigs - 1].jabatan = doc_keep(d, "%s%s%s",
			    T(d, "Direct superior", "Atasan langsung"),
			    o != NULL && o->found && o->title[0] ? ", " : "",
			    o != NULL && o->found ? o->title : "");
	}
}

/* Move the requester's block (the last of row 0) to the right. */
static void
sig_requester(struct doc *d, struct doc_part *p, const char *uid,
    time_t t, const char *caption)
{
	struct form_sig tmp;
	size_t i, at;

	sig(d, p, 0, caption, T(d, "Requester", "Pemohon"),
	    doc_person(d, uid), doc_keep(d, "%s, %s", T(d, "Submitted",
	    "Diajukan"), when(d, t)));
	/* after the last row-0 block */
	at = p->p.nsigs - 1;
	tmp = p->s[at];
	for (i = at; i > 0 && p->s[i - 1].row != 0; i--)
		p->s[i] = p->s[i - 1];
	p->s[i] = tmp;
}

/* The process table of a request or visit: one row per step. */
static const struct render_column proc_cols_id[] = {
	{ "no", "No" }, { "step", "Kegiatan" }, { "by", "Pelaksana" },
	{ "decision", "Keputusan" }, { "time", "Waktu" },
	{ "standard", "Mutu baku" },
};
static const struct render_column proc_cols_en[] = {
	{ "no", "No" }, { "step", "Activity" }, { "by", "Done by" },
	{ "decision", "Decision" }, { "time", "Time" },
	{ "standard", "Standard" },
};

static void
proc_rows(struct doc *d, struct doc_part *p, const struct wf_snap *snap,
    const struct wf_event *ev, size_t n)
{
	const char *cells[6], *by, *dec, *t;
	char note[2 * WF_NOTE_MAX + 2];
	size_t i, j;

	for (i = 0; i < snap->nsteps; i++) {
		const struct wf_step *s = &snap->steps[i];

		by = admin_role_label(d->c, s->role);
		dec = "";
		t = "";
		for (j = 0; j < n; j++)
			if (ev[j].step == (int)i &&
			    (strcmp(ev[j].decision, "approve") == 0 ||
			    strcmp(ev[j].decision, "reject") == 0)) {
				by = doc_keep(d, "%s (%s)", name_of(d,
				    ev[j].actor), ev[j].acting_for[0] != '\0' ?
				    acting_label(d, &ev[j], ev[j].role[0] ?
				    ev[j].role : s->role) :
				    admin_role_label(d->c, ev[j].role[0] ?
				    ev[j].role : s->role));
				visit_note_text(d->c->en, ev[j].note, note,
				    sizeof(note));
				dec = doc_keep(d, "%s%s%s", act_word(d,
				    s->kind, ev[j].decision), note[0] ?
				    ": " : "", note);
				t = stamp(d, ev[j].time);
			}
		cells[0] = doc_keep(d, "%zu", i + 1);
		cells[1] = d->en ? s->label_en : s->label_id;
		cells[2] = by;
		cells[3] = dec;
		cells[4] = t;
		cells[5] = sla_text(d, s->sla, s->bd);
		row(d, p, cells, 6);
	}
}

static const char *
type_label(struct doc *d, const char *type)
{
	if (strcmp(type, "card") == 0)
		return T(d, "access card", "kartu akses");
	if (strcmp(type, "account") == 0)
		return T(d, "username and password", "username dan password");
	if (strcmp(type, PROV_REMOVAL_TYPE) == 0)
		return T(d, "removal", "penghapusan");
	return type;
}

/* "Name, NIP. ..., title, unit" for the fields. */
static void
person_fields(struct doc *d, struct doc_part *p, const char *uid,
    const char *l_name)
{
	const struct doc_official *o = doc_person(d, uid);

	if (o == NULL || !o->found) {
		field(d, p, l_name, uid);
		return;
	}
	field(d, p, l_name, doc_keep(d, "%s", o->cn));
	field(d, p, "NIP", o->nip[0] ? doc_keep(d, "%s", o->nip) : "-");
	field(d, p, T(d, "Position", "Jabatan"), o->title[0] ?
	    doc_keep(d, "%s", o->title) : "-");
	field(d, p, T(d, "Unit", "Unit kerja"), o->unit[0] ?
	    doc_keep(d, "%s", o->unit) : "-");
}

/* ------------------------------------------------------------ request */

static int
form_request(struct doc *d, const char *id)
{
	struct admin_call *c = d->c;
	struct wf *w = admin_wf();
	struct wf_request *r;
	struct wf_event *ev = NULL;
	struct doc_part *p;
	size_t n = 0;
	int st;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	st = strlen(id) > WF_ID_MAX ? EX_NOINPUT : wf_load(w, id, r);
	if (st != EX_OK) {
		free(r);
		return st == EX_NOINPUT ? admin_err(c, EX_NOINPUT, _("unknown "
		    "request: %.40s"), id) : admin_wf_err(c, st);
	}
	if (!admin_sees_all(c) && strcmp(r->requester, c->a.p.uid) != 0 &&
	    strcmp(r->subject, c->a.p.uid) != 0) {
		st = admin_err(c, EX_NOPERM, _("refused: not your request"));
		goto out;
	}
	if (strcmp(r->type, PROV_REMOVAL_TYPE) == 0) {
		st = admin_err(c, EX_NOINPUT, _("%s is a removal request: "
		    "kuncictl doc removal %s"), r->id, r->id);
		goto out;
	}
	if ((st = wf_events(w, r, &ev, &n)) != EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	d->title = T(d, "Access Request Form", "Formulir Permintaan Akses");
	if ((p = part_new(d, r->snap.workflow, "Request Form",
	    "Formulir Permintaan", d->en ? proc_cols_en : proc_cols_id,
	    6)) == NULL)
		goto oom;
	if (p->p.title != NULL && strcmp(p->p.title, "Request Form") == 0)
		p->p.title = "Access Request Form";
	if (strcmp(p->p.title, "Formulir Permintaan") == 0)
		p->p.title = "Formulir Permintaan Akses";
	d->title = p->p.title;
	p->p.procedure = doc_keep(d, "%s: %s", T(d, "Procedure", "Prosedur"),
	    d->en ? r->snap.label_en : r->snap.label_id);
	p->p.number = doc_keep(d, "%s: %s", T(d, "Number", "Nomor"), r->id);
	field(d, p, T(d, "Date of request", "Tanggal permohonan"),
	    when(d, r->created));
	person_fields(d, p, r->requester, T(d, "Requester", "Nama pemohon"));
	if (strcmp(r->subject, r->requester) != 0) {
		const struct doc_official *o = doc_person(d, r->subject);

		field(d, p, T(d, "Access for", "Akses untuk"),
		    o != NULL && o->found ? doc_keep(d, "%s, NIP. %s", o->cn,
		    o->nip[0] ? o->nip : "-") : r->subject);
	}
	field(d, p, T(d, "Resource", "Sumber daya"), r->resource);
	field(d, p, T(d, "Access type", "Jenis akses"),
	    type_label(d, r->type));
	field(d, p, T(d, "Reason", "Alasan / keperluan"),
	    r->reason != NULL ? doc_keep(d, "%s", r->reason) : "");
	field(d, p, T(d, "Validity", "Masa berlaku"), doc_keep(d, "%s %s %s",
	    r->not_before ? day(d, r->not_before) : "-", T(d, "to", "s.d."),
	    r->not_after ? day(d, r->not_after) : "-"));
	field(d, p, "Status", admin_state_label(c, r->state));
	if (r->grant[0] != '\0')
		field(d, p, T(d, "Grant", "Nomor hak akses"), r->grant);
	p->p.table_title = T(d, "Procedure steps", "Tahapan proses");
	proc_rows(d, p, &r->snap, ev, n);
	step_sigs(d, p, &r->snap, ev, n, r->requester, !wf_open(r), NULL, 0);
	sig_requester(d, p, r->requester, r->created,
	    T(d, "Requester,", "Pemohon,"));
	sig_rows(p);
	st = EX_OK;
	goto out;
oom:
	st = admin_err(c, EX_OSERR, _("out of memory"));
out:
	free(ev);
	wf_request_free(r);
	free(r);
	return st;
}

/* ------------------------------------------------------------ access list */

struct al_arg {
	struct doc	*d;
	struct doc_part	*p;
	int		 n;
};

static int
al_one(struct wf_grant *g, void *arg)
{
	struct al_arg *a = arg;
	struct doc *d = a->d;
	const struct doc_official *o = doc_person(d, g->subject), *ro;
	const char *cells[9];
	char who[DIR_UID_MAX + 1];
	time_t at;

	cells[0] = doc_keep(d, "%d", ++a->n);
	cells[1] = o != NULL && o->found ? doc_keep(d, "%s", o->cn) :
	    g->subject;
	cells[2] = o != NULL && o->found ? doc_keep(d, "%s", o->nip) : "";
	cells[3] = o != NULL && o->found ? doc_keep(d, "%s%s%s", o->title,
	    o->title[0] && o->unit[0] ? ", " : "", o->unit) : "";
	cells[4] = doc_keep(d, "%s%s%s", type_label(d, g->type),
	    g->cred[0] ? ": " : "", g->cred);
	cells[5] = doc_keep(d, "%s %s %s", day(d, g->not_before),
	    T(d, "to", "s.d."), day(d, g->not_after));
	cells[6] = admin_state_label(d->c, g->status);
	cells[7] = g->request;
	/* The record step's confirmation of this entry (sopact.c). */
	if (sopact_recorded(g, who, sizeof(who), &at)) {
		ro = doc_person(d, who);
		cells[8] = doc_keep(d, "%s, %s", ro != NULL && ro->found ?
		    ro->cn : who, day(d, at));
	} else
		cells[8] = T(d, "not yet recorded", "belum dicatat");
	row(d, a->p, cells, 9);
	return d->oom ? EX_OSERR : EX_OK;
}

/* Role of the workflow's first step of kind k, or NULL. */
static const char *
wf_role(const struct kunci_cfg *cfg, const char *workflow, enum cfg_kind k)
{
	const struct cfg_workflow *w = cfg_workflow(cfg, workflow);
	size_t i;

	for (i = 0; w != NULL && i < w->nsteps; i++)
		if (w->steps[i].kind == k)
			return w->steps[i].role;
	return NULL;
}

static int
form_access_list(struct doc *d, const char *resource)
{
	struct admin_call *c = d->c;
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct render_column cols[] = {
		{ "no", "No" },
		{ "holder", T(d, "Holder", "Nama pemegang") },
		{ "nip", "NIP" },
		{ "position", T(d, "Position / unit", "Jabatan / unit kerja") },
		{ "type", T(d, "Access", "Jenis akses") },
		{ "validity", T(d, "Validity", "Masa berlaku") },
		{ "status", "Status" },
		{ "request", T(d, "Request", "No. permohonan") },
		{ "recorded", T(d, "Recorded", "Dicatat") },
	};
	struct dir_resource res;
	struct doc_part *p;
	struct al_arg a;
	const char *role, *role2;
	char esc[3 * DIR_NAME_MAX + 1], filter[1024];
	int st;

	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: the access list is "
		    "for role holders"));
	if (strlen(resource) > DIR_NAME_MAX ||
	    (st = dir_resource(admin_ldap(), cfg, resource, &res,
	    admin_wf()->err, sizeof(admin_wf()->err))) == EX_NOINPUT)
		return admin_err(c, EX_NOINPUT, _("unknown resource: %.80s"),
		    resource);
	if (st != EX_OK)
		return admin_wf_err(c, st);
	if ((p = part_new(d, res.workflow, "List Form", "Formulir Daftar",
	    cols, 9)) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	if (strcmp(p->p.title, "Formulir Daftar") == 0)
		p->p.title = "Formulir Daftar Akses";
	else if (strcmp(p->p.title, "List Form") == 0)
		p->p.title = "Access List Form";
	d->title = p->p.title;
	d->landscape = 1;
	field(d, p, T(d, "Resource", "Sumber daya"), doc_keep(d, "%s",
	    res.name));
	if (res.owner[0] != '\0') {
		const struct doc_official *o = person_dn(d, res.owner);

		field(d, p, T(d, "Access owner", "Penanggung jawab hak akses"),
		    o != NULL && o->found ? doc_keep(d, "%s, NIP. %s", o->cn,
		    o->nip[0] ? o->nip : "-") : doc_keep(d, "%s", res.owner));
	}
	field(d, p, T(d, "As of", "Keadaan per"), when(d, time(NULL)));
	p->p.table_title = T(d, "Holders", "Daftar pemegang hak akses");
	p->p.table_empty = T(d, "No grants.", "Tidak ada hak akses.");
	if (ldapc_escape_filter(esc, sizeof(esc), res.name) == -1)
		return admin_err(c, EX_DATAERR, _("bad resource name"));
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
	    "(kunciResource=%s))", esc);
	a.d = d;
	a.p = p;
	a.n = 0;
	if ((st = wf_grants(admin_wf(), filter, DOC_ROWS, al_one, &a)) !=
	    EX_OK)
		return d->oom ? admin_err(c, EX_OSERR, _("out of memory")) :
		    admin_wf_err(c, st);
	/* Who keeps the list (the record step), and the deciding official. */
	role = wf_role(cfg, res.workflow, CFG_KIND_RECORD);
	if (role == NULL)
		role = wf_role(cfg, res.workflow, CFG_KIND_PROVISION);
	role2 = wf_role(cfg, res.workflow, CFG_KIND_APPROVE);
	if (role != NULL)
		sig(d, p, 0, T(d, "Recorded by,", "Dicatat oleh,"),
		    admin_role_label(c, role), role_holder(d, role), "");
	if (role2 != NULL && (role == NULL || strcmp(role, role2) != 0))
		sig(d, p, 0, T(d, "Acknowledged,", "Mengetahui,"),
		    admin_role_label(c, role2), role_holder(d, role2), "");
	else if (res.owner[0] != '\0')
		sig(d, p, 0, T(d, "Acknowledged,", "Mengetahui,"),
		    admin_role_label(c, CFG_ROLE_OWNER),
		    person_dn(d, res.owner), "");
	sig_rows(p);
	return EX_OK;
}

/* ------------------------------------------------------------ review */

static const char *
review_word(struct doc *d, const char *code)
{
	static const char *const tab[][3] = {
		{ "pending", "not yet verified", "belum diverifikasi" },
		{ "escalated", "not answered: escalated",
		    "tidak dijawab: dieskalasi" },
		{ "valid", "still valid", "sah" },
		{ "invalid", "not valid: removal",
		    "tidak sah: penghapusan hak akses" },
		{ "removed", "removed (no answer)",
		    "dicabut (tidak dijawab)" },
		{ "spared", "kept: last holder of a critical resource",
		    "dipertahankan: pemegang terakhir" },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i][0], code) == 0)
			return tab[i][d->en ? 1 : 2];
	return code;
}

struct rmap {
	char	name[DIR_NAME_MAX + 1];
	char	workflow[64];
	char	owner[DIR_DN_MAX];
};

struct rv_part {		/* a part's counts over the whole campaign */
	char	key[600];
	int	cnt[4];		/* grants, valid, not valid, other */
	char	actor[3][DIR_UID_MAX + 1];	/* the first who verified */
	time_t	atime[3];
	size_t	nact;
};

struct rv_form {
	struct doc	*d;
	struct rmap	*rm;		/* the campaign's resources */
	size_t		 nrm, caprm;
	struct rv_part	 pc[DOC_PARTS];
	size_t		 npc;
};

/* The resource's SOP and owner, read once per resource; -1: no memory. */
static long
rf_resource(struct rv_form *f, const char *name)
{
	const struct kunci_cfg *cfg = f->d->c->ctx->cfg;
	struct dir_resource res;
	struct rmap *n;
	size_t j;

	for (j = 0; j < f->nrm; j++)
		if (strcmp(f->rm[j].name, name) == 0)
			return (long)j;
	if (f->nrm == f->caprm) {
		size_t cap = f->caprm ? f->caprm * 2 : 16;

		if ((n = reallocarray(f->rm, cap, sizeof(*n))) == NULL)
			return -1;
		f->rm = n;
		f->caprm = cap;
	}
	memset(&f->rm[j], 0, sizeof(f->rm[j]));
	u_strlcpy(f->rm[j].name, name, sizeof(f->rm[j].name));
	if (dir_resource(admin_ldap(), cfg, name, &res, admin_wf()->err,
	    sizeof(admin_wf()->err)) == EX_OK) {
		u_strlcpy(f->rm[j].workflow, res.workflow,
		    sizeof(f->rm[j].workflow));
		u_strlcpy(f->rm[j].owner, res.owner, sizeof(f->rm[j].owner));
	}
	f->nrm++;
	return (long)j;
}

/* The part key of a workflow: its SOP's name and number. */
static void
rf_key(const struct kunci_cfg *cfg, const char *workflow, char *key,
    size_t sz)
{
	const struct cfg_workflow *w = cfg_workflow(cfg, workflow);

	snprintf(key, sz, "%s|%s", w != NULL ? w->sop : "", w != NULL ?
	    w->sop_number : "");
}

/* The counting pass: per part, the grants by decision and the first
 * three who verified. */
static int
rf_count(const struct review_item *it, void *arg)
{
	struct rv_form *f = arg;
	struct rv_part *pc;
	char key[600];
	long j;
	size_t i, k;

	if ((j = rf_resource(f, it->resource)) < 0)
		return EX_OSERR;
	rf_key(f->d->c->ctx->cfg, f->rm[j].workflow, key, sizeof(key));
	for (i = 0; i < f->npc; i++)
		if (strcmp(f->pc[i].key, key) == 0)
			break;
	if (i == f->npc) {
		if (f->npc == DOC_PARTS)
			return EX_OK;	/* no part for it on the form either */
		u_strlcpy(f->pc[f->npc++].key, key, sizeof(f->pc[i].key));
	}
	pc = &f->pc[i];
	k = strcmp(it->decision, "valid") == 0 ? 1 :
	    strcmp(it->decision, "invalid") == 0 ||
	    strcmp(it->decision, "removed") == 0 ? 2 : 3;
	pc->cnt[0]++;
	pc->cnt[k]++;
	if (it->actor[0] == '\0' || pc->nact == 3)
		return EX_OK;
	for (k = 0; k < pc->nact; k++)
		if (strcmp(pc->actor[k], it->actor) == 0)
			return EX_OK;
	u_strlcpy(pc->actor[pc->nact], it->actor, sizeof(pc->actor[0]));
	pc->atime[pc->nact++] = it->time;
	return EX_OK;
}

static const struct rv_part *
rf_part(const struct rv_form *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->npc; i++)
		if (strcmp(f->pc[i].key, key) == 0)
			return &f->pc[i];
	return NULL;
}

/*
 * The review form, a page at a time: one counting pass over the campaign
 * (a finding page at a time) gives each part (SOP) its counts and
 * signers, then the grants ranked [offset, offset + limit) are the rows.
 * A page that does not hold the whole campaign says which rows it holds,
 * and numbers them by their rank in the whole campaign.
 */
static int
form_review(struct doc *d, const char *campaign)
{
	struct admin_call *c = d->c;
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct render_column cols[] = {
		{ "no", "No" },
		{ "holder", T(d, "Holder", "Nama pemegang") },
		{ "nip", "NIP" },
		{ "resource", T(d, "Resource", "Sumber daya") },
		{ "findings", T(d, "Findings", "Temuan") },
		{ "decision", T(d, "Verification", "Hasil verifikasi") },
		{ "by", T(d, "Verified by", "Diverifikasi oleh") },
		{ "time", T(d, "Date", "Tanggal") },
		{ "note", T(d, "Note", "Catatan") },
	};
	struct review_info info;
	struct review_item *it = NULL;
	struct rv_form f;
	const struct rv_part *pc;
	struct doc_part *p;
	const struct doc_official *o;
	const char *cells[9];
	char key[600];
	size_t n = 0, total = 0, i, j, k, pi;
	long r;
	int st, paged;

	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: the review form is "
		    "for role holders"));
	if (strlen(campaign) > REVIEW_ID_MAX)
		return admin_err(c, EX_NOINPUT, _("unknown campaign: %.40s"),
		    campaign);
	memset(&f, 0, sizeof(f));
	f.d = d;
	if ((st = review_items_page(admin_wf(), campaign, d->en, d->offset,
	    d->limit, &info, &it, &n, &total)) != EX_OK)
		return st == EX_NOINPUT ? admin_err(c, EX_NOINPUT, _("unknown "
		    "campaign: %.80s"), campaign) : admin_wf_err(c, st);
	if ((st = review_items_walk(admin_wf(), campaign, d->en, rf_count,
	    &f)) != EX_OK) {
		st = st == EX_OSERR ? admin_err(c, EX_OSERR, _("out of memory")) :
		    admin_wf_err(c, st);
		goto out;
	}
	paged = d->offset > 0 || n < total;
	d->landscape = 1;
	for (i = 0; i < n && !d->oom; i++) {
		if ((r = rf_resource(&f, it[i].resource)) < 0)
			goto oomout;
		j = (size_t)r;
		/* its part: one per SOP */
		rf_key(cfg, f.rm[j].workflow, key, sizeof(key));
		for (pi = 0; pi < d->nparts; pi++)
			if (strcmp(d->parts[pi].key, key) == 0)
				break;
		if (pi == d->nparts) {
			if ((p = part_new(d, f.rm[j].workflow, "Review Form",
			    "Formulir Review", cols, 9)) == NULL)
				break;
			if (strcmp(p->p.title, "Formulir Review") == 0)
				p->p.title = "Formulir Review Akses";
			else if (strcmp(p->p.title, "Review Form") == 0)
				p->p.title = "Access Review Form";
			u_strlcpy(p->key, key, sizeof(p->key));
			p->p.number = doc_keep(d, "%s: %s", T(d, "Campaign",
			    "Putaran reviu"), info.id);
			p->p.table_title = T(d, "Access rights reviewed",
			    "Hak akses yang direviu");
		}
		p = &d->parts[pi];
		o = doc_person(d, it[i].subject);
		cells[0] = doc_keep(d, "%zu", paged ? d->offset + i + 1 :
		    render_table_nrows(p->t) + 1);
		cells[1] = o != NULL && o->found ? doc_keep(d, "%s", o->cn) :
		    it[i].subject;
		cells[2] = o != NULL && o->found ? doc_keep(d, "%s", o->nip) :
		    "";
		cells[3] = it[i].resource;
		cells[4] = it[i].findings[0] ? it[i].findings : "-";
		cells[5] = review_word(d, it[i].decision);
		cells[6] = it[i].actor[0] ? name_of(d, it[i].actor) : "";
		cells[7] = it[i].time ? day(d, it[i].time) : "";
		cells[8] = it[i].note != NULL ? it[i].note : "";
		row(d, p, cells, 9);
	}
	if (d->nparts == 0) {
		if ((p = part_new(d, NULL, "Access Review Form",
		    "Formulir Review Akses", cols, 9)) == NULL)
			goto oomout;
		p->p.number = doc_keep(d, "%s: %s", T(d, "Campaign",
		    "Putaran reviu"), info.id);
	}
	d->title = d->parts[0].p.title;
	for (pi = 0; pi < d->nparts; pi++) {
		const char *kasi = cfg->review.escalate_to;
		int zero[4] = { 0, 0, 0, 0 };
		const int *cnt;

		p = &d->parts[pi];
		pc = rf_part(&f, p->key);
		cnt = pc != NULL ? pc->cnt : zero;
		p->p.table_empty = total > 0 ? T(d, "No rows on this page.",
		    "Tidak ada baris pada halaman ini.") : T(d, "No grants in "
		    "this campaign.", "Tidak ada hak akses dalam putaran "
		    "reviu ini.");
		field(d, p, T(d, "Campaign", "Putaran reviu"),
		    doc_keep(d, "%s", info.id));
		field(d, p, T(d, "Scope", "Ruang lingkup"), info.scope[0] ?
		    doc_keep(d, "%s", info.scope) : T(d, "all resources",
		    "semua sumber daya"));
		field(d, p, T(d, "Started", "Dimulai"), when(d, info.created));
		field(d, p, T(d, "Verify by", "Batas waktu verifikasi"),
		    when(d, info.deadline));
		field(d, p, T(d, "Campaign state", "Status putaran reviu"),
		    strcmp(info.state, "closed") == 0 ? T(d, "closed",
		    "ditutup") : strcmp(info.state, "open") == 0 ?
		    T(d, "in progress", "berjalan") : T(d, "being prepared",
		    "sedang disiapkan"));
		field(d, p, T(d, "Summary", "Ringkasan"), doc_keep(d,
		    d->en ? "%d grants: %d still valid, %d not valid, %d not "
		    "yet verified" : "%d hak akses: %d sah, %d tidak sah, %d "
		    "belum diverifikasi", cnt[0], cnt[1], cnt[2],
		    cnt[3]));
		if (paged)
			field(d, p, T(d, "Rows", "Baris"), n > 0 ? doc_keep(d,
			    "%zu-%zu %s %zu", d->offset + 1, d->offset + n,
			    T(d, "of", "dari"), total) : doc_keep(d, "0 %s %zu",
			    T(d, "of", "dari"), total));
		/* the access owners who verified sign */
		for (k = 0; pc != NULL && k < pc->nact && p->p.nsigs < 3; k++)
			sig(d, p, 0, T(d, "Verified by,", "Diverifikasi oleh,"),
			    admin_role_label(c, CFG_ROLE_OWNER),
			    doc_person(d, pc->actor[k]), doc_keep(d, "%s, %s",
			    T(d, "Verified", "Diverifikasi"),
			    day(d, pc->atime[k])));
		if (p->p.nsigs == 0)	/* nobody verified yet: the owners */
			for (j = 0; j < f.nrm && p->p.nsigs < 2; j++)
				if (f.rm[j].owner[0] != '\0')
					sig(d, p, 0, T(d, "Verified by,",
					    "Diverifikasi oleh,"),
					    admin_role_label(c,
					    CFG_ROLE_OWNER), person_dn(d,
					    f.rm[j].owner), "");
		if (kasi[0] != '\0')
			sig(d, p, 1, T(d, "Determined by,", "Menetapkan,"),
			    admin_role_label(c, kasi), role_holder(d, kasi),
			    strcmp(info.state, "closed") == 0 ?
			    T(d, "Campaign closed", "Putaran reviu "
			    "ditutup") : "");
		sig_rows(p);
	}
	st = d->oom ? admin_err(c, EX_OSERR, _("out of memory")) : EX_OK;
	goto out;
oomout:
	st = admin_err(c, EX_OSERR, _("out of memory"));
out:
	free(f.rm);
	review_items_free(it, n);
	return st;
}

/* ------------------------------------------------------------ removal */

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

static int
form_removal(struct doc *d, const char *id)
{
	struct admin_call *c = d->c;
	struct wf *w = admin_wf();
	struct wf_request *r;
	struct wf_event *ev = NULL;
	struct rm_grant rg;
	struct dir_resource res;
	struct doc_part *p;
	const char *wfname;
	char esc[3 * WF_ID_MAX + 1], filter[3 * WF_ID_MAX + 64];
	size_t n = 0;
	int st;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	st = strlen(id) > WF_ID_MAX ? EX_NOINPUT : wf_load(w, id, r);
	if (st != EX_OK) {
		free(r);
		if (st != EX_NOINPUT)
			return admin_wf_err(c, st);
		return admin_err(c, EX_NOINPUT, _("unknown removal request: "
		    "%.40s"), id);
	}
	if (strcmp(r->type, PROV_REMOVAL_TYPE) != 0) {
		st = admin_err(c, EX_NOINPUT, _("unknown removal request: %s "
		    "(a request for access: kuncictl doc request %s)"), r->id,
		    r->id);
		goto out;
	}
	if (!admin_sees_all(c) && strcmp(r->requester, c->a.p.uid) != 0 &&
	    strcmp(r->subject, c->a.p.uid) != 0) {
		st = admin_err(c, EX_NOPERM, _("refused: not your removal "
		    "request"));
		goto out;
	}
	if ((st = wf_events(w, r, &ev, &n)) != EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	memset(&rg, 0, sizeof(rg));
	if (r->grant[0] != '\0' &&
	    ldapc_escape_filter(esc, sizeof(esc), r->grant) == 0) {
		snprintf(filter, sizeof(filter), "(&(objectClass=kunciGrant)"
		    "(kunciId=%s))", esc);
		(void)wf_grants(w, filter, 1, rm_grant_one, &rg);
	}
	/* The resource's SOP (its forms include this one). */
	wfname = r->snap.workflow;
	if (dir_resource(admin_ldap(), c->ctx->cfg, r->resource, &res,
	    w->err, sizeof(w->err)) == EX_OK && res.workflow[0] != '\0')
		wfname = res.workflow;
	if ((p = part_new(d, wfname, "Removal Request Form",
	    "Formulir Permintaan Penghapusan", d->en ? proc_cols_en :
	    proc_cols_id, 6)) == NULL) {
		st = admin_err(c, EX_OSERR, _("out of memory"));
		goto out;
	}
	if (strcmp(p->p.title, "Formulir Permintaan Penghapusan") == 0)
		p->p.title = "Formulir Permintaan Penghapusan Akses";
	else if (strcmp(p->p.title, "Removal Request Form") == 0)
		p->p.title = "Access Removal Request Form";
	d->title = p->p.title;
	p->p.procedure = doc_keep(d, "%s: %s", T(d, "Procedure", "Prosedur"),
	    d->en ? r->snap.label_en : r->snap.label_id);
	p->p.number = doc_keep(d, "%s: %s", T(d, "Number", "Nomor"), r->id);
	field(d, p, T(d, "Date of request", "Tanggal permintaan"),
	    when(d, r->created));
	field(d, p, T(d, "Requested by", "Diajukan oleh"), name_of(d,
	    r->requester));
	person_fields(d, p, r->subject, T(d, "Access holder",
	    "Pemegang hak akses"));
	field(d, p, T(d, "Resource", "Sumber daya"), r->resource);
	field(d, p, T(d, "Grant to remove", "Hak akses yang dihapus"),
	    rg.found ? doc_keep(d, "%s (%s%s%s; %s)", rg.g.id,
	    type_label(d, rg.g.type), rg.g.cred[0] ? ": " : "", rg.g.cred,
	    admin_state_label(c, rg.g.status)) : r->grant);
	field(d, p, T(d, "Reason", "Alasan"), r->reason != NULL ?
	    doc_keep(d, "%s", r->reason) : "");
	field(d, p, "Status", strcmp(r->state, "active") == 0 ?
	    (wf_open(r) ? T(d, "being carried out", "sedang dilaksanakan") :
	    T(d, "carried out", "dilaksanakan")) : admin_state_label(c,
	    r->state));
	p->p.table_title = T(d, "Procedure steps", "Tahapan proses");
	proc_rows(d, p, &r->snap, ev, n);
	/* An emergency revocation's record is opened already carried out,
	 * by the administrator who revoked (its requester). */
	step_sigs(d, p, &r->snap, ev, n, r->requester, !wf_open(r),
	    !wf_open(r) && strcmp(r->state, "active") == 0 ? r->requester :
	    NULL, r->created);
	sig_requester(d, p, r->requester, r->created, T(d, "Requested by,",
	    "Pemohon,"));
	sig_rows(p);
	st = EX_OK;
out:
	free(ev);
	wf_request_free(r);
	free(r);
	return st;
}

/* ------------------------------------------------------------ visits */

static const char *
purpose_word(struct doc *d, const char *p)
{
	if (strcmp(p, "network") == 0)
		return T(d, "network", "jaringan");
	if (strcmp(p, "servers") == 0)
		return "server";
	return p;
}

static const char *
locked_word(struct doc *d, const struct visit *v)
{
	if (v->checkout == 0)
		return "";
	return v->locked == 1 ? T(d, "yes", "ya") :
	    T(d, "NOT STATED", "TIDAK DINYATAKAN");
}

static int
form_visit(struct doc *d, const char *id)
{
	struct admin_call *c = d->c;
	struct wf *w = admin_wf();
	struct visit *v;
	struct wf_event *ev = NULL;
	struct doc_part *p;
	const struct doc_official *o;
	struct visit_guest g;
	size_t n = 0;
	int st;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	if (strlen(id) > WF_ID_MAX || (st = visit_load(w, id, v)) != EX_OK) {
		free(v);
		return admin_err(c, EX_NOINPUT, _("unknown month or visit: "
		    "%.40s (want YYYY-MM or a visit id)"), id);
	}
	if (!admin_sees_all(c) && strcmp(v->requester, c->a.p.uid) != 0 &&
	    strcmp(v->escort, c->a.p.uid) != 0) {
		st = admin_err(c, EX_NOPERM, _("refused: not your visit"));
		goto out;
	}
	if ((st = visit_events(w, v, &ev, &n)) != EX_OK) {
		st = admin_wf_err(c, st);
		goto out;
	}
	visit_guest_read(ev, n, &g);
	if ((p = part_new(d, v->snap.workflow, "Special Permit to Enter the",
	    "Formulir Izin Khusus Memasuki", d->en ? proc_cols_en :
	    proc_cols_id, 6)) == NULL) {
		st = admin_err(c, EX_OSERR, _("out of memory"));
		goto out;
	}
	if (strcmp(p->p.title, "Formulir Izin Khusus Memasuki") == 0)
		p->p.title = "Formulir Izin Khusus Memasuki Ruang Server";
	else if (d->en)
		p->p.title = "Special Permit to Enter the Server Room";
	d->title = p->p.title;
	p->p.procedure = doc_keep(d, "%s: %s", T(d, "Procedure", "Prosedur"),
	    d->en ? v->snap.label_en : v->snap.label_id);
	p->p.number = doc_keep(d, "%s: %s", T(d, "Number", "Nomor"), v->id);
	field(d, p, T(d, "Date", "Tanggal"), when(d, v->created));
	field(d, p, T(d, "Guest", "Nama tamu"), v->guest);
	field(d, p, T(d, "Organisation", "Instansi"), v->org);
	field(d, p, T(d, "Identity document", "Kartu identitas"), v->iddoc);
	field(d, p, T(d, "Work concerns", "Pekerjaan berhubungan dengan"),
	    purpose_word(d, v->purpose));
	if (v->note[0] != '\0')
		field(d, p, T(d, "Note", "Catatan"), v->note);
	field(d, p, T(d, "Room", "Ruang"), v->resource);
	if (v->expected > 0)
		field(d, p, T(d, "Expected duration", "Perkiraan lama"),
		    doc_keep(d, "%lld %s", (long long)(v->expected / 60),
		    T(d, "minutes", "menit")));
	field(d, p, T(d, "Requested by", "Diajukan oleh"), name_of(d,
	    v->requester));
	field(d, p, T(d, "Escort", "Pendamping"), v->escort[0] ?
	    name_of(d, v->escort) : "-");
	field(d, p, T(d, "Time in", "Jam masuk"), v->checkin ?
	    when(d, v->checkin) : "-");
	/* The guest's own entry (visit_guest.c), where there is one: the
	 * document's hand-over and return, and the equipment. */
	if (g.held)
		field(d, p, T(d, "Identity document held",
		    "Penyerahan kartu identitas"),
		    doc_keep(d, "%s %s%s%s", T(d, "handed over",
		    "diserahkan"), when(d, g.in), g.returned ? T(d,
		    ", returned ", ", dikembalikan ") : "", g.returned ?
		    when(d, g.out) : ""));
	if (g.equipment[0] != '\0')
		field(d, p, T(d, "Equipment brought", "Peralatan yang dibawa"),
		    doc_keep(d, "%s", g.equipment));
	field(d, p, T(d, "Time out", "Jam keluar"), v->checkout ?
	    when(d, v->checkout) : "-");
	field(d, p, T(d, "Room and racks locked", "Ruang dan rak terkunci"),
	    v->checkout ? locked_word(d, v) : "-");
	field(d, p, "Status", admin_state_label(c, v->state));
	p->p.table_title = T(d, "Procedure steps", "Tahapan proses");
	proc_rows(d, p, &v->snap, ev, n);
	/* The guest signs (no NIP), then the officials, then the escort. */
	sig(d, p, 0, T(d, "Guest,", "Tamu,"), T(d, "Guest", "Tamu"), NULL,
	    doc_keep(d, "%s, %s", T(d, "Submitted", "Diajukan"),
	    when(d, v->created)));
	p->s[p->p.nsigs - 1].name = doc_keep(d, "%s", v->guest);
	p->s[p->p.nsigs - 1].nip = NULL;
	p->s[p->p.nsigs - 1].jabatan = doc_keep(d, "%s", v->org);
	step_sigs(d, p, &v->snap, ev, n, v->requester,
	    strcmp(v->state, "pending") != 0 &&
	    strcmp(v->state, "active") != 0, NULL, 0);
	if (v->escort[0] != '\0' && (o = doc_person(d, v->escort)) != NULL)
		sig(d, p, 0, T(d, "Escort,", "Pendamping,"),
		    T(d, "Escort", "Pendamping"), o, v->checkout ?
		    doc_keep(d, "%s, %s", T(d, "Out", "Keluar"),
		    when(d, v->checkout)) : "");
	sig_rows(p);
	st = d->oom ? admin_err(c, EX_OSERR, _("out of memory")) : EX_OK;
out:
	free(ev);
	free(v);
	return st;
}

struct gb_arg {
	struct doc		*d;
	struct render_column	*cols;
	int			 st;
};

static int
gb_one(struct visit *v, void *arg)
{
	struct gb_arg *a = arg;
	struct doc *d = a->d;
	const struct cfg_workflow *w = cfg_workflow(d->c->ctx->cfg,
	    v->snap.workflow);
	struct doc_part *p;
	const char *cells[11], *role;
	char key[600];
	size_t pi;

	snprintf(key, sizeof(key), "%s|%s", w != NULL ? w->sop : "",
	    w != NULL ? w->sop_number : "");
	for (pi = 0; pi < d->nparts; pi++)
		if (strcmp(d->parts[pi].key, key) == 0)
			break;
	if (pi == d->nparts) {
		if ((p = part_new(d, v->snap.workflow, "Guest Book",
		    "Buku Tamu", a->cols, 11)) == NULL)
			return EX_OSERR;
		if (d->en)
			p->p.title = "Guest Book";
		else
			p->p.title = doc_keep(d, "Buku Tamu %s", w != NULL &&
			    w->form_object_id[0] ? w->form_object_id :
			    "Ruang Server");
		u_strlcpy(p->key, key, sizeof(p->key));
		p->p.table_title = "";
		role = wf_role(d->c->ctx->cfg, v->snap.workflow,
		    CFG_KIND_VERIFY);
		if (role != NULL)
			sig(d, p, 0, T(d, "Acknowledged,", "Mengetahui,"),
			    admin_role_label(d->c, role),
			    role_holder(d, role), "");
	}
	p = &d->parts[pi];
	cells[0] = doc_keep(d, "%zu", render_table_nrows(p->t) + 1);
	cells[1] = day(d, v->created);
	cells[2] = doc_keep(d, "%s\n(%s)", v->guest, v->id);
	cells[3] = doc_keep(d, "%s", v->org);
	cells[4] = doc_keep(d, "%s", v->iddoc);
	cells[5] = purpose_word(d, v->purpose);
	cells[6] = v->escort[0] ? name_of(d, v->escort) : "";
	cells[7] = v->checkin ? stamp(d, v->checkin) : "";
	cells[8] = v->checkout ? stamp(d, v->checkout) : "";
	cells[9] = locked_word(d, v);
	cells[10] = "";
	row(d, p, cells, 11);
	return d->oom ? EX_OSERR : EX_OK;
}

static int
form_guest_book(struct doc *d, const char *what)
{
	struct admin_call *c = d->c;
	struct render_column cols[] = {
		{ "no", "No" },
		{ "date", T(d, "Date", "Tanggal") },
		{ "guest", T(d, "Guest (visit)", "Nama tamu (kunjungan)") },
		{ "org", T(d, "Organisation", "Instansi") },
		{ "id_doc", T(d, "Identity document", "Kartu identitas") },
		{ "purpose", T(d, "Purpose", "Keperluan") },
		{ "escort", T(d, "Escort", "Pendamping") },
		{ "in", T(d, "Time in", "Jam masuk") },
		{ "out", T(d, "Time out", "Jam keluar") },
		{ "locked", T(d, "Room and racks locked",
		    "Ruang dan rak terkunci") },
		{ "sign", T(d, "Guest's signature", "Tanda tangan tamu") },
	};
	struct gb_arg a;
	char filter[256], t1[32], t2[32];
	time_t s, e;
	size_t i;
	int st;

	if (visit_month(what, &s, &e) != 0)
		return form_visit(d, what);
	if (!admin_sees_all(c))
		return admin_err(c, EX_NOPERM, _("refused: the guest book is "
		    "for role holders"));
	d->landscape = 1;
	ldapc_gentime(t1, sizeof(t1), s);
	ldapc_gentime(t2, sizeof(t2), e);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciVisit)"
	    "(kunciCreated>=%s)(!(kunciCreated>=%s)))", t1, t2);
	a.d = d;
	a.cols = cols;
	a.st = EX_OK;
	if ((st = visit_list(admin_wf(), filter, DOC_ROWS, gb_one, &a)) !=
	    EX_OK)
		return d->oom || st == EX_OSERR ? admin_err(c, EX_OSERR,
		    _("out of memory")) : admin_wf_err(c, st);
	if (d->nparts == 0 && part_new(d, c->ctx->cfg->visits.workflow,
	    "Guest Book", "Buku Tamu", cols, 11) == NULL)
		return admin_err(c, EX_OSERR, _("out of memory"));
	for (i = 0; i < d->nparts; i++) {
		d->parts[i].p.number = doc_keep(d, "%s: %s", T(d, "Month",
		    "Bulan"), what);
		d->parts[i].p.table_empty = T(d, "No visits this month.",
		    "Tidak ada kunjungan bulan ini.");
		sig_rows(&d->parts[i]);
	}
	d->title = d->parts[0].p.title;
	return EX_OK;
}

int
docform_build(struct doc *d, struct admin_call *c, const char *kind,
    const char *arg, size_t offset, size_t limit)
{
	int st;

	memset(d, 0, sizeof(*d));
	d->c = c;
	d->en = c->en;
	d->offset = offset;
	d->limit = limit;
	if (strcmp(kind, "request") == 0)
		st = form_request(d, arg);
	else if (strcmp(kind, "access-list") == 0)
		st = form_access_list(d, arg);
	else if (strcmp(kind, "review") == 0)
		st = form_review(d, arg);
	else if (strcmp(kind, "removal") == 0)
		st = form_removal(d, arg);
	else if (strcmp(kind, "visit") == 0)
		st = form_visit(d, arg);
	else
		st = form_guest_book(d, arg);
	if (st == EX_OK && d->oom)
		st = admin_err(c, EX_OSERR, _("out of memory"));
	return st;
}
