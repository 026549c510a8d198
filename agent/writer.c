/*
 * writer.c: see writer.h.
 *
 * A contextCSN value is "YYYYmmddHHMMSS.uuuuuuZ#cccccc#sid#mmmmmm"; values
 * of one serverID compare as strings (fixed width), which is how slapd
 * itself orders them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "i18n.h"
#include "ldapc.h"
#include "writer.h"

static void
copy_bv(char *dst, size_t dstsz, const struct berval *bv)
{
	size_t n = bv->bv_len < dstsz - 1 ? bv->bv_len : dstsz - 1;

	memcpy(dst, bv->bv_val, n);
	dst[n] = '\0';
}

void
writer_sid(const char *id, char out[8])
{
	char *end;
	unsigned long v = strtoul(id, &end, 10);

	if (*id == '\0' || *end != '\0' || v > 4095)
		snprintf(out, 8, "?");
	else
		snprintf(out, 8, "%03lx", v);
}

int
writer_read(LDAP *ld, const struct kunci_cfg *cfg, struct writer_view *v,
    char *err, size_t errsz)
{
	char dn[1024], *sp;
	char *attrs[] = { (char *)(uintptr_t)"kunciWriterId",
	    (char *)(uintptr_t)"kunciWriterURI",
	    (char *)(uintptr_t)"kunciProvider", NULL };
	struct berval **vi = NULL, **vu = NULL, **vp = NULL;
	LDAPMessage *res = NULL, *e;
	char buf[16 + LDAPC_URI_MAX];
	struct writer_prov *p;
	int rc, r = -1, i, k;

	memset(v, 0, sizeof(*v));
	snprintf(dn, sizeof(dn), "%s,%s", LDAPC_WRITER_RDN,
	    cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=kunciWriter)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 0)) {
		r = 0;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		snprintf(err, errsz, _("reading %.100s: %s"), dn,
		    ldap_err2string(rc));
		goto out;
	}
	e = ldap_first_entry(ld, res);
	vi = ldap_get_values_len(ld, e, "kunciWriterId");
	vu = ldap_get_values_len(ld, e, "kunciWriterURI");
	vp = ldap_get_values_len(ld, e, "kunciProvider");
	if (vi == NULL || vi[0] == NULL || vu == NULL || vu[0] == NULL) {
		snprintf(err, errsz, _("%.100s is incomplete"), dn);
		goto out;
	}
	copy_bv(v->id, sizeof(v->id), vi[0]);
	for (i = 0; vu[i] != NULL && v->nuri < WRITER_MAX_URI; i++)
		copy_bv(v->uri[v->nuri++], LDAPC_URI_MAX, vu[i]);
	/* "SID URI": one value per URI; a provider may have several */
	for (i = 0; vp != NULL && vp[i] != NULL; i++) {
		copy_bv(buf, sizeof(buf), vp[i]);
		if ((sp = strchr(buf, ' ')) == NULL || sp == buf ||
		    (size_t)(sp - buf) >= sizeof(p->id))
			continue;
		*sp++ = '\0';
		for (k = 0; k < v->nprov; k++)
			if (strcmp(v->prov[k].id, buf) == 0)
				break;
		if (k == v->nprov) {
			if (v->nprov == WRITER_MAX_PROV)
				continue;
			snprintf(v->prov[v->nprov++].id, sizeof(p->id),
			    "%.15s", buf);
		}
		p = &v->prov[k];
		if (p->nuri < WRITER_MAX_URI)
			snprintf(p->uri[p->nuri++], LDAPC_URI_MAX, "%s", sp);
	}
	r = 1;
out:
	ldap_value_free_len(vi);
	ldap_value_free_len(vu);
	ldap_value_free_len(vp);
	ldap_msgfree(res);
	return r;
}

const struct writer_prov *
writer_prov(const struct writer_view *v, const char *id)
{
	int i;

	for (i = 0; i < v->nprov; i++)
		if (strcmp(v->prov[i].id, id) == 0)
			return &v->prov[i];
	return NULL;
}

LDAP *
writer_open(struct ldapc *c, const struct writer_prov *p)
{
	const struct cfg_directory *d = &c->cfg->directory;
	LDAP *ld;
	size_t k;
	int pass, i, listed, tried = 0;

	snprintf(c->err, sizeof(c->err), _("serverID %s has no URI"), p->id);
	/* the listed URIs, or all when none is listed (as ldapc.c) */
	for (pass = 0; pass < 2 && (pass == 0 || !tried); pass++)
		for (i = 0; i < p->nuri; i++) {
			for (listed = 0, k = 0; k < d->nuri; k++)
				if (strcmp(d->uri[k], p->uri[i]) == 0)
					listed = 1;
			if (listed != (pass == 0))
				continue;
			tried = 1;
			if ((ld = ldapc_open(c, p->uri[i])) != NULL) {
				snprintf(c->uri, sizeof(c->uri), "%s",
				    p->uri[i]);
				return ld;
			}
		}
	return NULL;
}

int
writer_csns(LDAP *ld, const struct kunci_cfg *cfg, struct writer_csns *o,
    char *err, size_t errsz)
{
	char *attrs[] = { (char *)(uintptr_t)"contextCSN", NULL };
	struct berval **vv = NULL;
	LDAPMessage *res = NULL, *e;
	char *h1, *h2, *h3;
	struct writer_csn *w;
	int rc, i, r = -1;

	memset(o, 0, sizeof(*o));
	rc = ldap_search_ext_s(ld, cfg->directory.base, LDAP_SCOPE_BASE,
	    "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc != LDAP_SUCCESS) {
		snprintf(err, errsz, _("reading contextCSN: %s"),
		    ldap_err2string(rc));
		goto out;
	}
	if ((e = ldap_first_entry(ld, res)) != NULL)
		vv = ldap_get_values_len(ld, e, "contextCSN");
	for (i = 0; vv != NULL && vv[i] != NULL && o->n < WRITER_MAX_CSN;
	    i++) {
		w = &o->v[o->n];
		copy_bv(w->csn, sizeof(w->csn), vv[i]);
		if ((h1 = strchr(w->csn, '#')) == NULL ||
		    (h2 = strchr(h1 + 1, '#')) == NULL ||
		    (h3 = strchr(h2 + 1, '#')) == NULL ||
		    h3 - h2 - 1 <= 0 || (size_t)(h3 - h2 - 1) >= sizeof(w->sid))
			continue;
		memcpy(w->sid, h2 + 1, (size_t)(h3 - h2 - 1));
		w->sid[h3 - h2 - 1] = '\0';
		o->n++;
	}
	r = 0;
out:
	ldap_value_free_len(vv);
	ldap_msgfree(res);
	return r;
}

static const char *
csn_of(const struct writer_csns *s, const char *sid)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->v[i].sid, sid) == 0)
			return s->v[i].csn;
	return NULL;
}

int
writer_covers(const struct writer_csns *a, const struct writer_csns *b,
    char *behind, size_t behindsz)
{
	const char *x;
	int i;

	for (i = 0; i < b->n; i++) {
		x = csn_of(a, b->v[i].sid);
		if (x == NULL || strcmp(x, b->v[i].csn) < 0) {
			snprintf(behind, behindsz, "%s", b->v[i].sid);
			return 0;
		}
	}
	return 1;
}

/* The time of a CSN (whole seconds), or -1. */
static time_t
csn_time(const char *csn)
{
	char t[16];
	time_t v;

	if (strlen(csn) < 14)
		return -1;
	memcpy(t, csn, 14);
	t[14] = 'Z';
	t[15] = '\0';
	return ldapc_parse_gentime(t, &v) == 0 ? v : -1;
}

long
writer_lag(const struct writer_csns *a, const struct writer_csns *b,
    const char *id)
{
	char sid[8];
	const char *x, *y;
	time_t tx, ty;

	writer_sid(id, sid);
	if ((y = csn_of(b, sid)) == NULL)
		return 0;
	if ((x = csn_of(a, sid)) == NULL)
		return -1;
	if (strcmp(x, y) >= 0)
		return 0;
	tx = csn_time(x);
	ty = csn_time(y);
	if (tx == -1 || ty == -1)
		return -1;
	return ty - tx > 0 ? (long)(ty - tx) : 0;
}
