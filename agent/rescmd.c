/*
 * rescmd.c: `kuncictl resource list`: the resources a person may ask for,
 * with what a request form needs to offer (label, access types, the
 * workflow and its label), so a page never guesses them.
 *
 * Every directory person may list them (a requester without any grant
 * must be able to choose what to ask for); the list is what the
 * directory's ou=resources holds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <ldap.h>

#include "admin.h"
#include "cfg.h"
#include "cmdtab.h"
#include "dir.h"
#include "i18n.h"
#include "kuncid.h"
#include "ldapc.h"
#include "out.h"
#include "util.h"
#include "wf.h"
#include "wf_rules.h"

#define U(s)		((char *)(uintptr_t)(s))
#define RES_MAX		2000	/* resources listed at most */

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "name")), json_string_value(json_object_get(*(json_t *const *)b,
	    "name")));
}

/*
 * Whether wf_submit() takes type t: the workflow's one issued type (want),
 * its `types` list and the resource's own kunciAllowedType (rtypes,
 * ","-joined) all allow it.
 */
static int
type_ok(const struct cfg_workflow *wfc, const char *want, const char *rtypes,
    const char *t)
{
	size_t i;

	if (want != NULL && strcmp(t, want) != 0)
		return 0;
	if (rtypes[0] != '\0' && !wfr_in_list(rtypes, t))
		return 0;
	for (i = 0; i < wfc->ntypes; i++)
		if (strcmp(t, wfc->types[i]) == 0)
			return 1;
	return wfc->ntypes == 0;
}

/* The access types a request for the resource may use, appended to arr;
 * *any: none is named anywhere, any word goes. */
static void
access_types(const struct cfg_workflow *wfc, const char *rtypes,
    json_t *arr, int *any)
{
	const char *want = wf_access_type(wfc), *p, *e;
	char t[64];
	size_t i;

	*any = 0;
	if (want != NULL) {
		if (type_ok(wfc, want, rtypes, want))
			json_array_append_new(arr, out_jstr(want));
	} else if (wfc->ntypes > 0) {
		for (i = 0; i < wfc->ntypes; i++)
			if (type_ok(wfc, NULL, rtypes, wfc->types[i]))
				json_array_append_new(arr,
				    out_jstr(wfc->types[i]));
	} else if (rtypes[0] != '\0') {
		for (p = rtypes; *p != '\0'; p = *e == ',' ? e + 1 : e) {
			if ((e = strchr(p, ',')) == NULL)
				e = p + strlen(p);
			if ((size_t)(e - p) < sizeof(t)) {
				memcpy(t, p, (size_t)(e - p));
				t[e - p] = '\0';
				json_array_append_new(arr, out_jstr(t));
			}
		}
	} else
		*any = 1;
}

static int
cmd_list(struct admin_call *c, int argc, char **argv)
{
	const struct kunci_cfg *cfg = c->ctx->cfg;
	struct admin_opt opts[] = { { NULL, NULL, NULL } };
	char *attrs[] = { U("kunciName"), U("kunciType"), U("kunciWorkflow"),
	    U("kunciAccessOwner"), U("description"), U("kunciAllowedType"),
	    NULL };
	char *pos[1], base[DIR_DN_MAX + 32], name[DIR_NAME_MAX + 1], type[64],
	    wfname[64], owner[DIR_DN_MAX], desc[512], err[256],
	    rtypes[256];
	const struct cfg_workflow *wfc;
	LDAPMessage *res = NULL, *e;
	json_t **rows = NULL, *arr;
	size_t n = 0, cnt, i;
	LDAP *ld;
	int np, st, rc;

	if ((st = admin_opts(c, argc, argv, opts, pos, 0, &np)) != EX_OK)
		return st;
	if ((st = admin_identify(c)) != EX_OK)
		return st;
	if (!c->a.person && !c->a.admin)
		return admin_err(c, EX_NOPERM, _("refused: you are not a person "
		    "in the directory"));
	if ((ld = dir_ld(admin_ldap(), err, sizeof(err))) == NULL)
		return admin_err(c, EX_UNAVAILABLE, "%s", err);
	snprintf(base, sizeof(base), "ou=resources,%s",
	    cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=kunciManagedResource)", attrs, 0, NULL, NULL, NULL,
	    RES_MAX, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		st = dir_status(admin_ldap(), rc);
		return admin_err(c, st, _("reading resources: %s"),
		    ldap_err2string(rc));
	}
	cnt = (size_t)ldap_count_entries(ld, res);
	if (cnt > 0 && (rows = calloc(cnt, sizeof(*rows))) == NULL) {
		ldap_msgfree(res);
		return admin_err(c, EX_OSERR, _("out of memory"));
	}
	for (e = ldap_first_entry(ld, res); e != NULL && n < cnt;
	    e = ldap_next_entry(ld, e)) {
		json_t *o, *types;
		struct berval **tv;
		char *p;
		int any = 0, k;

		dir_get(ld, e, "kunciName", name, sizeof(name));
		dir_get(ld, e, "kunciType", type, sizeof(type));
		dir_get(ld, e, "kunciWorkflow", wfname, sizeof(wfname));
		dir_get(ld, e, "kunciAccessOwner", owner, sizeof(owner));
		dir_get(ld, e, "description", desc, sizeof(desc));
		if (name[0] == '\0')
			continue;
		/* kunciAllowedType, ","-joined as dir_resource() reads it */
		rtypes[0] = '\0';
		if ((tv = ldap_get_values_len(ld, e, "kunciAllowedType")) !=
		    NULL) {
			for (k = 0; tv[k] != NULL; k++) {
				if (strlen(rtypes) + tv[k]->bv_len + 2 >
				    sizeof(rtypes) || memchr(tv[k]->bv_val,
				    ',', tv[k]->bv_len) != NULL)
					continue;
				if (rtypes[0] != '\0')
					u_strlcat(rtypes, ",", sizeof(rtypes));
				strncat(rtypes, tv[k]->bv_val, tv[k]->bv_len);
			}
			ldap_value_free_len(tv);
		}
		wfc = cfg_workflow(cfg, wfname);
		o = json_object();
		types = json_array();
		json_object_set_new(o, "name", out_jstr(name));
		/* "Indonesian / English" descriptions: the caller's half. */
		if ((p = strstr(desc, " / ")) != NULL) {
			if (c->en)
				memmove(desc, p + 3, strlen(p + 3) + 1);
			else
				*p = '\0';
		}
		json_object_set_new(o, "label", out_jstr(desc[0] ? desc : name));
		json_object_set_new(o, "type", out_jstr(type));
		json_object_set_new(o, "workflow", out_jstr(wfname));
		json_object_set_new(o, "workflow_label", wfc == NULL ?
		    json_null() : out_jstr(c->en ? wfc->label_en :
		    wfc->label_id));
		/* the types wf_submit() takes, or any when none is named */
		if (wfc != NULL)
			access_types(wfc, rtypes, types, &any);
		json_object_set_new(o, "access_types", types);
		json_object_set_new(o, "any_access_type", json_boolean(any));
		json_object_set_new(o, "requestable", json_boolean(wfc !=
		    NULL && (any || json_array_size(types) > 0)));
		rows[n++] = o;
	}
	ldap_msgfree(res);
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_name);
	if (c->json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, rows[i]);
		free(rows);
		return out_json(&c->out, arr) == 0 ? EX_OK : EX_SOFTWARE;
	}
	{
		const char *hdr[] = { ADMIN_T(c, "NAME", "NAMA"),
		    ADMIN_T(c, "TYPE", "JENIS"), ADMIN_T(c, "WORKFLOW",
		    "PROSEDUR"), ADMIN_T(c, "ACCESS TYPE", "JENIS AKSES"),
		    ADMIN_T(c, "DESCRIPTION", "KETERANGAN") };
		struct out_table t;

		out_table_init(&t, 5, hdr);
		for (i = 0; i < n; i++) {
			json_t *o = rows[i], *ty = json_object_get(o,
			    "access_types");
			const char *cells[5];
			char tl[256];
			size_t m;

			cells[0] = json_string_value(json_object_get(o, "name"));
			cells[1] = json_string_value(json_object_get(o, "type"));
			cells[2] = json_string_value(json_object_get(o,
			    "workflow"));
			tl[0] = '\0';
			for (m = 0; m < json_array_size(ty); m++) {
				if (m > 0)
					u_strlcat(tl, ",", sizeof(tl));
				u_strlcat(tl, admin_type_label(c,
				    json_string_value(json_array_get(ty, m))),
				    sizeof(tl));
			}
			cells[3] = tl[0] != '\0' ? tl : json_is_true(json_object_get(o,
			    "any_access_type")) ? ADMIN_T(c, "(any)",
			    "(bebas)") : "-";
			cells[4] = json_string_value(json_object_get(o,
			    "label"));
			out_table_row(&t, cells);
		}
		st = out_table_render(&t, &c->out) == 0 ? EX_OK : EX_SOFTWARE;
		out_table_free(&t);
	}
	for (i = 0; i < n; i++)
		json_decref(rows[i]);
	free(rows);
	return st;
}

const struct admin_cmd resource_cmds[] = {
	{ "resource", "list", cmd_list, "" },
	{ NULL, NULL, NULL, NULL }
};
