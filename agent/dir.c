/*
 * dir.c: people, roles and resources in the directory; see dir.h.
 *
 * Lookups by name never build a DN or filter from unchecked text: uids are
 * validated (dir_valid_uid) and escaped anyway, resource names are escaped
 * into the RDN and read with a base-scope search, so a name full of filter
 * or DN metacharacters can only miss, never match another entry.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cfg.h"
#include "dir.h"

#define U(s)	((char *)(uintptr_t)(s))	/* libldap wants char * */
#include "ldapc.h"
#include "util.h"
#include "i18n.h"

int
dir_valid_uid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > DIR_UID_MAX)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

LDAP *
dir_ld(struct ldapc *lc, char *err, size_t errsz)
{
	LDAP *ld;

	if ((ld = ldapc_get(lc, 0)) == NULL) {
		i18n_errf(err, errsz, N_("directory unavailable: %s"),
		    lc->err[0] != '\0' ? lc->err : _("no server answers"));
		i18n_note_en(err, "directory unavailable: %s",
		    lc->err[0] != '\0' ? i18n_en(lc->err) : "no server answers");
	}
	return ld;
}

int
dir_status(struct ldapc *lc, int rc)
{
	if (ldapc_is_down(rc)) {
		ldapc_fail(lc, rc);
		return EX_UNAVAILABLE;
	}
	/* a provider that is no longer the writer: nothing was written */
	if (ldapc_fenced(lc, rc))
		return EX_UNAVAILABLE;
	return EX_SOFTWARE;
}

int
dir_get(LDAP *ld, LDAPMessage *e, const char *attr, char *dst, size_t dstsz)
{
	struct berval **v;
	size_t n;

	if (dstsz > 0)
		dst[0] = '\0';
	v = ldap_get_values_len(ld, e, attr);
	if (v == NULL || v[0] == NULL) {
		ldap_value_free_len(v);
		return -1;
	}
	if (dstsz > 0) {
		n = v[0]->bv_len < dstsz - 1 ? v[0]->bv_len : dstsz - 1;
		memcpy(dst, v[0]->bv_val, n);
		dst[n] = '\0';
	}
	ldap_value_free_len(v);
	return 0;
}

char *
dir_get_dup(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v;
	char *s = NULL;

	v = ldap_get_values_len(ld, e, attr);
	if (v != NULL && v[0] != NULL &&
	    (s = malloc(v[0]->bv_len + 1)) != NULL) {
		memcpy(s, v[0]->bv_val, v[0]->bv_len);
		s[v[0]->bv_len] = '\0';
	}
	ldap_value_free_len(v);
	return s;
}

time_t
dir_get_time(LDAP *ld, LDAPMessage *e, const char *attr)
{
	char buf[64];
	time_t t;

	if (dir_get(ld, e, attr, buf, sizeof(buf)) == -1 ||
	    ldapc_parse_gentime(buf, &t) == -1)
		return 0;
	return t;
}

int
dir_fields(LDAP *ld, LDAPMessage *e, struct berval *dn, struct dir_field *f,
    size_t n)
{
	BerElement *ber = NULL;
	struct berval d, a, *v;
	uint64_t seen = 0;
	size_t i, left = n;
	int rc;

	if (dn != NULL) {
		dn->bv_val = NULL;
		dn->bv_len = 0;
	}
	for (i = 0; i < n; i++) {
		f[i].val.bv_val = NULL;
		f[i].val.bv_len = 0;
	}
	if (n > DIR_FIELDS_MAX)
		return -1;
	/* The BerElement is a copy of the entry's, over the same buffer:
	 * libldap's in-place decoding, as ldapsearch(1) reads entries. */
	if (ldap_get_dn_ber(ld, e, &ber, &d) != LDAP_SUCCESS) {
		if (ber != NULL)
			ber_free(ber, 0);
		return -1;
	}
	if (dn != NULL)
		*dn = d;
	while (left > 0) {
		v = NULL;
		rc = ldap_get_attribute_ber(ld, e, ber, &a, &v);
		if (rc != LDAP_SUCCESS || a.bv_val == NULL) {
			ber_memfree(v);
			if (rc != LDAP_SUCCESS) {
				ber_free(ber, 0);
				for (i = 0; i < n; i++)
					f[i].val.bv_val = NULL;
				if (dn != NULL)
					dn->bv_val = NULL;
				return -1;
			}
			break;
		}
		/* the first attribute of the name counts, as for
		 * ldap_get_values_len() */
		for (i = 0; i < n; i++)
			if (!((seen >> i) & 1) && strlen(f[i].attr) ==
			    a.bv_len && strncasecmp(f[i].attr, a.bv_val,
			    a.bv_len) == 0) {
				seen |= (uint64_t)1 << i;
				left--;
				if (v != NULL && v[0].bv_val != NULL)
					f[i].val = v[0];
				break;
			}
		ber_memfree(v);
	}
	ber_free(ber, 0);
	return 0;
}

int
dir_bv_get(const struct berval *bv, char *dst, size_t dstsz)
{
	size_t n;

	if (dstsz > 0)
		dst[0] = '\0';
	if (bv->bv_val == NULL)
		return -1;
	if (dstsz > 0) {
		n = bv->bv_len < dstsz - 1 ? bv->bv_len : dstsz - 1;
		memcpy(dst, bv->bv_val, n);
		dst[n] = '\0';
	}
	return 0;
}

char *
dir_bv_dup(const struct berval *bv)
{
	char *s;

	if (bv->bv_val == NULL || (s = malloc(bv->bv_len + 1)) == NULL)
		return NULL;
	memcpy(s, bv->bv_val, bv->bv_len);
	s[bv->bv_len] = '\0';
	return s;
}

time_t
dir_bv_time(const struct berval *bv)
{
	char buf[64];
	time_t t;

	if (dir_bv_get(bv, buf, sizeof(buf)) == -1 ||
	    ldapc_parse_gentime(buf, &t) == -1)
		return 0;
	return t;
}

void
dir_gentime(char *buf, size_t bufsz, time_t t)
{
	if (ldapc_gentime(buf, bufsz, t) == -1 && bufsz > 0)
		buf[0] = '\0';
}

int
dir_dn_equal(const char *a, const char *b)
{
	char *na = NULL, *nb = NULL;
	int eq;

	if (ldap_dn_normalize(a, LDAP_DN_FORMAT_LDAPV3, &na,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    ldap_dn_normalize(b, LDAP_DN_FORMAT_LDAPV3, &nb,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		eq = strcasecmp(a, b) == 0;
	else
		eq = strcasecmp(na, nb) == 0;
	ldap_memfree(na);
	ldap_memfree(nb);
	return eq;
}

/* Case-insensitive "dn ends with ,suffix" ignoring spaces after commas. */
int
dir_dn_under(const char *dn, const char *suffix)
{
	char a[1024], b[1024];
	size_t i, j, la, lb;

	for (i = j = 0; dn[i] != '\0' && j + 1 < sizeof(a); i++)
		if (!(dn[i] == ' ' && i > 0 && dn[i - 1] == ','))
			a[j++] = dn[i];
	a[j] = '\0';
	for (i = j = 0; suffix[i] != '\0' && j + 1 < sizeof(b); i++)
		if (!(suffix[i] == ' ' && i > 0 && suffix[i - 1] == ','))
			b[j++] = suffix[i];
	b[j] = '\0';
	la = strlen(a);
	lb = strlen(b);
	return la > lb + 1 && a[la - lb - 1] == ',' &&
	    strcasecmp(a + la - lb, b) == 0;
}

int
dir_has_class(LDAP *ld, LDAPMessage *e, const char *cls)
{
	struct berval **v;
	int i, r = 0;

	if ((v = ldap_get_values_len(ld, e, "objectClass")) == NULL)
		return 0;
	for (i = 0; v[i] != NULL; i++)
		if (v[i]->bv_len == strlen(cls) &&
		    strncasecmp(v[i]->bv_val, cls, v[i]->bv_len) == 0)
			r = 1;
	ldap_value_free_len(v);
	return r;
}

static void
fill_person(LDAP *ld, LDAPMessage *e, struct dir_person *p)
{
	char *dn;

	if ((dn = ldap_get_dn(ld, e)) != NULL) {
		u_strlcpy(p->dn, dn, sizeof(p->dn));
		ldap_memfree(dn);
	}
	dir_get(ld, e, "uid", p->uid, sizeof(p->uid));
	dir_get(ld, e, "cn", p->cn, sizeof(p->cn));
	dir_get(ld, e, "manager", p->manager, sizeof(p->manager));
	dir_get(ld, e, "preferredLanguage", p->lang, sizeof(p->lang));
}

static char *person_attrs[] = {
	U("uid"), U("cn"), U("manager"), U("preferredLanguage"), NULL
};

int
dir_person_by_uid(struct ldapc *lc, const struct kunci_cfg *cfg,
    const char *uid, struct dir_person *p, char *err, size_t errsz)
{
	char esc[3 * DIR_UID_MAX + 1], filter[3 * DIR_UID_MAX + 64];
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, st = EX_OK, n;

	memset(p, 0, sizeof(*p));
	if (!dir_valid_uid(uid) ||
	    ldapc_escape_filter(esc, sizeof(esc), uid) == -1) {
		i18n_errf(err, errsz, N_("unknown user: %.100s"), uid);
		return EX_NOUSER;
	}
	if ((ld = dir_ld(lc, err, errsz)) == NULL)
		return EX_UNAVAILABLE;
	snprintf(filter, sizeof(filter),
	    "(&(objectClass=inetOrgPerson)(uid=%s))", esc);
	rc = ldap_search_ext_s(ld, cfg->directory.people_base,
	    LDAP_SCOPE_SUBTREE, filter, person_attrs, 0, NULL, NULL, NULL,
	    2, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		i18n_errf(err, errsz,
		    N_("person lookup: %s"), ldap_err2string(rc));
		st = dir_status(lc, rc);
		goto out;
	}
	n = ldap_count_entries(ld, res);
	if (n != 1) {
		/* Two persons with one uid is a directory error: refuse. */
		if (n == 0)
			i18n_errf(err, errsz, N_("unknown user: %s"), uid);
		else
			i18n_errf(err, errsz, N_("user %s is not unique in "
			    "the directory"), uid);
		st = EX_NOUSER;
		goto out;
	}
	e = ldap_first_entry(ld, res);
	fill_person(ld, e, p);
out:
	ldap_msgfree(res);
	return st;
}

int
dir_person_by_dn(struct ldapc *lc, const struct kunci_cfg *cfg,
    const char *dn, struct dir_person *p, char *err, size_t errsz)
{
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, st = EX_OK;

	(void)cfg;
	memset(p, 0, sizeof(*p));
	if ((ld = dir_ld(lc, err, errsz)) == NULL)
		return EX_UNAVAILABLE;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=inetOrgPerson)", person_attrs, 0, NULL, NULL, NULL,
	    1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT || rc == LDAP_INVALID_DN_SYNTAX ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) != 1)) {
		i18n_errf(err, errsz, N_("no person at %.200s"), dn);
		st = EX_NOUSER;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		i18n_errf(err, errsz,
		    N_("person lookup: %s"), ldap_err2string(rc));
		st = dir_status(lc, rc);
		goto out;
	}
	e = ldap_first_entry(ld, res);
	fill_person(ld, e, p);
out:
	ldap_msgfree(res);
	return st;
}

int
dir_role_index(const struct kunci_cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nroles && i < DIR_MAX_ROLES; i++)
		if (strcmp(cfg->roles[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
dir_roles(struct ldapc *lc, const struct kunci_cfg *cfg, const char *dn,
    uint64_t *mask, char *err, size_t errsz)
{
	char esc[3 * DIR_DN_MAX + 1], filter[3 * DIR_DN_MAX + 64];
	char *attrs[] = { U("1.1"), NULL }, *gdn;
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	size_t i;
	int rc;

	*mask = 0;
	if (ldapc_escape_filter(esc, sizeof(esc), dn) == -1) {
		i18n_errf(err, errsz, N_("DN too long"));
		return EX_DATAERR;
	}
	if ((ld = dir_ld(lc, err, errsz)) == NULL)
		return EX_UNAVAILABLE;
	snprintf(filter, sizeof(filter), "(&(objectClass=groupOfNames)"
	    "(member=%s))", esc);
	rc = ldap_search_ext_s(ld, cfg->directory.groups_base,
	    LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL,
	    LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		i18n_errf(err, errsz, N_("role lookup: %s"),
		    ldap_err2string(rc));
		return dir_status(lc, rc);
	}
	for (e = ldap_first_entry(ld, res); e != NULL;
	    e = ldap_next_entry(ld, e)) {
		if ((gdn = ldap_get_dn(ld, e)) == NULL)
			continue;
		for (i = 0; i < cfg->nroles && i < DIR_MAX_ROLES; i++)
			if (dir_dn_equal(gdn, cfg->roles[i].group))
				*mask |= (uint64_t)1 << i;
		ldap_memfree(gdn);
	}
	ldap_msgfree(res);
	return EX_OK;
}

int
dir_is_member(struct ldapc *lc, const char *group, const char *dn, int *yes,
    char *err, size_t errsz)
{
	struct berval bv;
	LDAP *ld;
	int rc;

	*yes = 0;
	if ((ld = dir_ld(lc, err, errsz)) == NULL)
		return EX_UNAVAILABLE;
	if (dir_dn_equal(group, dn)) {
		*yes = 1;
		return EX_OK;
	}
	bv.bv_val = (char *)(uintptr_t)dn;
	bv.bv_len = strlen(dn);
	rc = ldap_compare_ext_s(ld, group, "member", &bv, NULL, NULL);
	if (rc == LDAP_COMPARE_TRUE) {
		*yes = 1;
		return EX_OK;
	}
	if (rc == LDAP_COMPARE_FALSE || rc == LDAP_NO_SUCH_OBJECT ||
	    rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_UNDEFINED_TYPE ||
	    rc == LDAP_INAPPROPRIATE_MATCHING)
		return EX_OK;
	i18n_errf(err, errsz, N_("membership check: %s"), ldap_err2string(rc));
	return dir_status(lc, rc);
}

int
dir_resource(struct ldapc *lc, const struct kunci_cfg *cfg, const char *name,
    struct dir_resource *r, char *err, size_t errsz)
{
	char esc[3 * DIR_NAME_MAX + 1], dn[3 * DIR_NAME_MAX + DIR_DN_MAX];
	char *attrs[] = { U("kunciName"), U("kunciType"), U("kunciWorkflow"),
	    U("kunciAccessOwner"), U("kunciAllowedType"), NULL };
	struct berval **tv;
	int i;
	LDAPMessage *res = NULL, *e;
	LDAP *ld;
	int rc, st = EX_OK;

	memset(r, 0, sizeof(*r));
	if (*name == '\0' || strlen(name) > DIR_NAME_MAX ||
	    ldapc_escape_dn(esc, sizeof(esc), name) == -1) {
		i18n_errf(err, errsz, N_("unknown resource: %.100s"), name);
		return EX_NOINPUT;
	}
	if ((ld = dir_ld(lc, err, errsz)) == NULL)
		return EX_UNAVAILABLE;
	snprintf(dn, sizeof(dn), "kunciName=%s,ou=resources,%s", esc,
	    cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=kunciManagedResource)", attrs, 0, NULL, NULL, NULL,
	    1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT || rc == LDAP_INVALID_DN_SYNTAX ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(ld, res) != 1)) {
		i18n_errf(err, errsz, N_("unknown resource: %.100s"), name);
		st = EX_NOINPUT;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		i18n_errf(err, errsz, N_("resource lookup: %s"),
		    ldap_err2string(rc));
		st = dir_status(lc, rc);
		goto out;
	}
	e = ldap_first_entry(ld, res);
	dir_get(ld, e, "kunciName", r->name, sizeof(r->name));
	dir_get(ld, e, "kunciType", r->type, sizeof(r->type));
	dir_get(ld, e, "kunciWorkflow", r->workflow, sizeof(r->workflow));
	dir_get(ld, e, "kunciAccessOwner", r->owner, sizeof(r->owner));
	if ((tv = ldap_get_values_len(ld, e, "kunciAllowedType")) != NULL) {
		for (i = 0; tv[i] != NULL; i++) {
			if (strlen(r->types) + tv[i]->bv_len + 2 >
			    sizeof(r->types) || memchr(tv[i]->bv_val, ',',
			    tv[i]->bv_len) != NULL)
				continue;
			if (r->types[0] != '\0')
				u_strlcat(r->types, ",", sizeof(r->types));
			strncat(r->types, tv[i]->bv_val, tv[i]->bv_len);
		}
		ldap_value_free_len(tv);
	}
	u_strlcpy(r->dn, dn, sizeof(r->dn));
	/* The stored name must be the one asked for (not a near match). */
	if (strcasecmp(r->name, name) != 0) {
		i18n_errf(err, errsz, N_("unknown resource: %.100s"), name);
		st = EX_NOINPUT;
	}
out:
	ldap_msgfree(res);
	return st;
}

void
dir_mods_init(struct dir_mods *m)
{
	memset(m, 0, sizeof(*m));
}

void
dir_mods_add(struct dir_mods *m, int op, const char *attr, const char *val)
{
	LDAPMod *mod;
	int i;

	if (m->err)
		return;
	if (m->n > 0 && val != NULL && m->m[m->n - 1].mod_op == op &&
	    m->m[m->n - 1].mod_values != NULL &&
	    m->v[m->n - 1][DIR_MODS_VALS - 1] == NULL &&
	    strcasecmp(m->m[m->n - 1].mod_type, attr) == 0) {
		for (i = 1; m->v[m->n - 1][i] != NULL; i++)
			;
		if ((m->v[m->n - 1][i] = strdup(val)) == NULL)
			m->err = 1;
		return;
	}
	if (m->n >= DIR_MODS_MAX) {
		m->err = 1;
		return;
	}
	mod = &m->m[m->n];
	mod->mod_op = op;
	if ((mod->mod_type = strdup(attr)) == NULL) {
		m->err = 1;
		return;
	}
	if (val != NULL) {
		if ((m->v[m->n][0] = strdup(val)) == NULL) {
			free(mod->mod_type);
			m->err = 1;
			return;
		}
		for (i = 1; i <= DIR_MODS_VALS; i++)
			m->v[m->n][i] = NULL;
		mod->mod_values = m->v[m->n];
	} else
		mod->mod_values = NULL;
	m->p[m->n] = mod;
	m->n++;
	m->p[m->n] = NULL;
}

void
dir_mods_free(struct dir_mods *m)
{
	int i, j;

	for (i = 0; i < m->n; i++) {
		free(m->m[i].mod_type);
		for (j = 0; j < DIR_MODS_VALS; j++)
			free(m->v[i][j]);
	}
	memset(m, 0, sizeof(*m));
}
