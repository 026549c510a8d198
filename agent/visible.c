/*
 * visible.c: who may see a request and what they may do with it; see
 * visible.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>
#include <ldap.h>

#include "dir.h"
#include "i18n.h"
#include "ldapc.h"
#include "out.h"
#include "util.h"
#include "visible.h"
#include "wf.h"

#define U(s)	((char *)(uintptr_t)(s))	/* libldap wants char * */
#define ACTED_MAX	5000	/* requests one person acted on, read at most */

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The request id of an event's DN: kunciId=EV,kunciId=ID,ou=requests,... */
static int
parent_id(const char *dn, char *id, size_t idsz)
{
	const char *p = strchr(dn, ','), *q;
	size_t n;

	if (p == NULL || strncasecmp(p + 1, "kunciId=", 8) != 0)
		return -1;
	p += 9;
	if ((q = strchr(p, ',')) == NULL || (n = (size_t)(q - p)) == 0 ||
	    n >= idsz)
		return -1;
	memcpy(id, p, n);
	id[n] = '\0';
	return 0;
}

int
visible_acted(struct wf *w, const struct wf_actor *a, struct visible_set *set)
{
	char filter[3 * DIR_UID_MAX + 64], esc[3 * DIR_UID_MAX + 1];
	char base[DIR_DN_MAX + 32], *attrs[] = { U("1.1"), NULL }, *dn;
	LDAPMessage *res = NULL, *e;
	size_t cnt;
	LDAP *ld;
	int rc, st = EX_OK;

	memset(set, 0, sizeof(*set));
	set->loaded = 1;
	if (!a->person)
		return EX_OK;
	if (ldapc_escape_filter(esc, sizeof(esc), a->p.uid) == -1)
		return wf_fail(w, EX_DATAERR, _("bad user name"));
	if ((ld = dir_ld(w->lc, w->err, sizeof(w->err))) == NULL)
		return EX_UNAVAILABLE;
	snprintf(filter, sizeof(filter),
	    "(&(objectClass=kunciEvent)(kunciActor=%s))", esc);
	snprintf(base, sizeof(base), "ou=requests,%s",
	    w->cfg->directory.kunci_base);
	rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0,
	    NULL, NULL, NULL, ACTED_MAX, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		ldap_msgfree(res);
		return wf_ldfail(w, rc, _("reading events"));
	}
	cnt = (size_t)ldap_count_entries(ld, res);
	if (cnt > 0 && (set->ids = calloc(cnt, sizeof(*set->ids))) == NULL) {
		st = wf_fail(w, EX_OSERR, _("out of memory"));
		goto out;
	}
	for (e = ldap_first_entry(ld, res); e != NULL && set->n < cnt;
	    e = ldap_next_entry(ld, e)) {
		if ((dn = ldap_get_dn(ld, e)) == NULL)
			continue;
		if (parent_id(dn, set->ids[set->n], sizeof(set->ids[0])) == 0)
			set->n++;
		ldap_memfree(dn);
	}
	if (set->n > 1)
		qsort(set->ids, set->n, sizeof(*set->ids), cmp_id);
out:
	ldap_msgfree(res);
	return st;
}

void
visible_set_free(struct visible_set *set)
{
	free(set->ids);
	memset(set, 0, sizeof(*set));
}

/* Has actor an event (a step, a comment, ...) under r? */
static int
acted_on(struct wf *w, const struct wf_actor *a, const struct wf_request *r)
{
	struct wf_event *ev = NULL;
	char filter[3 * DIR_UID_MAX + 64], esc[3 * DIR_UID_MAX + 1];
	size_t n = 0;

	if (ldapc_escape_filter(esc, sizeof(esc), a->p.uid) == -1)
		return 0;
	snprintf(filter, sizeof(filter),
	    "(&(objectClass=kunciEvent)(kunciActor=%s))", esc);
	if (wf_events_under(w, r->dn, filter, &ev, &n) != EX_OK)
		n = 0;
	free(ev);
	return n > 0;
}

int
visible_request(struct wf *w, const struct wf_actor *a,
    const struct wf_request *r, const struct visible_set *acted)
{
	if (a->admin || a->roles != 0)
		return 1;
	if (!a->person)
		return 0;
	if (strcmp(r->requester, a->p.uid) == 0 ||
	    strcmp(r->subject, a->p.uid) == 0)
		return 1;
	if (wf_open(r) && wf_can_act(w, a, r))
		return 1;
	if (acted != NULL && acted->loaded)
		return acted->n > 0 && bsearch(r->id, acted->ids, acted->n,
		    sizeof(*acted->ids), cmp_id) != NULL;
	return acted_on(w, a, r);
}

static void
add(json_t *arr, const char *action, const char *step, const char *input)
{
	json_t *o = json_object();

	json_object_set_new(o, "action", out_jstr(action));
	json_object_set_new(o, "step", step != NULL ? out_jstr(step) :
	    json_null());
	json_object_set_new(o, "input", input != NULL ? out_jstr(input) :
	    json_null());
	json_array_append_new(arr, o);
}

json_t *
visible_actions(struct wf *w, const struct wf_actor *a,
    const struct wf_request *r)
{
	const struct wf_step *s = wf_open(r) ? &r->snap.steps[r->step] : NULL;
	const char *input = NULL;
	char why[320];
	json_t *arr = json_array();

	if (arr == NULL)
		return NULL;
	if (!a->person)
		return arr;
	if (s != NULL) {
		if (s->kind == CFG_KIND_PROVISION)
			input = r->snap.grant_kind == CFG_GRANT_CARD ? "serial" :
			    r->snap.grant_kind == CFG_GRANT_ACCOUNT ? "account" :
			    NULL;
		if (wf_why_not(w, a, r, 0, why, sizeof(why)) != EX_OK)
			goto fail;
		/* the SOP's acts by their own commands (sopact.c) */
		if (why[0] == '\0')
			add(arr, s->kind == CFG_KIND_NOTIFY ? "inform" :
			    s->kind == CFG_KIND_RECORD ? "record" :
			    s->kind == CFG_KIND_RECEIVE ? "confirm" : "approve",
			    s->name, input);
		if (wf_why_not(w, a, r, 1, why, sizeof(why)) != EX_OK)
			goto fail;
		if (why[0] == '\0')
			add(arr, "reject", s->name, NULL);
	}
	/* wf_cancel(): a pending request, by its requester or subject. */
	if (strcmp(r->state, "pending") == 0 &&
	    (strcmp(a->p.uid, r->requester) == 0 ||
	    strcmp(a->p.uid, r->subject) == 0))
		add(arr, "cancel", NULL, NULL);
	/* A comment: whoever sees the request (admin.c checks). */
	add(arr, "comment", NULL, NULL);
	return arr;
fail:
	json_decref(arr);
	return NULL;
}
