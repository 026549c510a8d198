/*
 * cfg_wf.c: the "workflows" group of conf/kunci.conf: each workflow, its
 * SOP identity block and its steps, parsed into struct cfg_workflow,
 * freed and dumped (cfg_load(), cfg_free() and cfg_dump() call in here).
 *
 * Roles are parsed before workflows (cfg.c), so a step's role is checked
 * against them here.  Like cfg.c, nothing here logs or exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_int.h"
#include "util.h"

static const char *const kind_names[CFG_KIND_COUNT] = {
	"endorse", "dispose", "verify", "approve", "provision", "escort",
	"notify", "record", "report"
};
static const char *const grant_names[CFG_GRANT_COUNT] = {
	"none", "card", "account"
};
static const char *const workflow_keys[] = {
	"label_id", "label_en", "sop", "sop_number", "sop_made", "sop_revised",
	"sop_effective", "sop_approver_title", "sop_approver_name",
	"sop_approver_rank", "sop_approver_nip", "form_object_id",
	"form_object_en", "one_act_per_person", "grant_kind", "expire_after",
	"steps", NULL
};
static const char *const step_keys[] = {
	"name", "role", "kind", "sla", "quorum", "may_reject", "label_id",
	"label_en", NULL
};

static int
valid_step_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return 0;
	return 1;
}

/* A workflow's SOP identity strings, in wf_doc_keys' order. */
static const char *const wf_doc_keys[] = {
	"sop_number", "sop_made", "sop_revised", "sop_effective",
	"sop_approver_title", "sop_approver_name", "sop_approver_rank",
	"sop_approver_nip", "form_object_id", "form_object_en", NULL
};

static char **
wf_doc_field(struct cfg_workflow *wf, size_t i)
{
	char	**f[] = { &wf->sop_number, &wf->sop_made, &wf->sop_revised,
	    &wf->sop_effective, &wf->sop_approver_title,
	    &wf->sop_approver_name, &wf->sop_approver_rank,
	    &wf->sop_approver_nip, &wf->form_object_id, &wf->form_object_en };

	return i < sizeof(f) / sizeof(f[0]) ? f[i] : NULL;
}

static const char *
wf_doc_str(const struct cfg_workflow *wf, size_t i)
{
	const char	*f[] = { wf->sop_number, wf->sop_made, wf->sop_revised,
	    wf->sop_effective, wf->sop_approver_title, wf->sop_approver_name,
	    wf->sop_approver_rank, wf->sop_approver_nip, wf->form_object_id,
	    wf->form_object_en };

	return i < sizeof(f) / sizeof(f[0]) ? f[i] : NULL;
}

/* The SOP identity keys: one-line text, dates, an 18-digit NIP. */
static int
parse_wf_doc(struct ctx *c, const config_setting_t *e, const char *where,
    struct cfg_workflow *wf)
{
	const char	*v, *p;
	size_t		 i, digits = 0;

	for (i = 0; wf_doc_keys[i] != NULL; i++) {
		if (setstr(c, e, wf_doc_field(wf, i), "") == -1 ||
		    get_str(c, e, where, wf_doc_keys[i], 0,
		    wf_doc_field(wf, i)) == -1 ||
		    check_form_text(c, e, where, wf_doc_keys[i],
		    *wf_doc_field(wf, i)) == -1)
			return -1;
		v = *wf_doc_field(wf, i);
		if (i >= 1 && i <= 3 && v[0] != '\0' &&
		    u_parse_date(v, NULL, NULL, NULL) == -1) {
			seterr(c, config_setting_get_member(e, wf_doc_keys[i]),
			    "%s.%s: \"%s\" is not a YYYY-MM-DD date", where,
			    wf_doc_keys[i], v);
			return -1;
		}
	}
	for (p = wf->sop_approver_nip; *p != '\0'; p++)
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != ' ')
			digits = 99;
	if (wf->sop_approver_nip[0] != '\0' && digits != 18) {
		seterr(c, config_setting_get_member(e, "sop_approver_nip"),
		    "%s.sop_approver_nip: \"%s\" is not an NIP (18 digits, "
		    "spaces allowed)", where, wf->sop_approver_nip);
		return -1;
	}
	return 0;
}
static int
parse_step(struct ctx *c, struct kunci_cfg *cfg, struct cfg_workflow *wf,
    size_t idx, config_setting_t *e)
{
	struct cfg_step		*s = &wf->steps[idx];
	config_setting_t	*m;
	char			 where[128];
	size_t			 j;
	int			 kind = -1;

	snprintf(where, sizeof(where), "workflows.%s.steps[%zu]", wf->name,
	    idx);
	s->quorum = 1;
	if (check_keys(c, e, where, step_keys) == -1 ||
	    get_str(c, e, where, "name", 1, &s->name) == -1 ||
	    get_str(c, e, where, "role", 1, &s->role) == -1 ||
	    get_enum(c, e, where, "kind", 1, kind_names, CFG_KIND_COUNT,
	    &kind) == -1 ||
	    get_duration(c, e, where, "sla", 1, 1, &s->sla,
	    &s->sla_business) == -1 ||
	    get_int(c, e, where, "quorum", 1, CFG_MAX_QUORUM,
	    &s->quorum) == -1 ||
	    get_str(c, e, where, "label_id", 1, &s->label_id) == -1 ||
	    get_str(c, e, where, "label_en", 1, &s->label_en) == -1)
		return -1;
	s->kind = (enum cfg_kind)kind;
	s->may_reject = s->kind == CFG_KIND_ENDORSE ||
	    s->kind == CFG_KIND_VERIFY || s->kind == CFG_KIND_APPROVE;
	if (get_bool(c, e, where, "may_reject", &s->may_reject) == -1)
		return -1;
	if (s->kind == CFG_KIND_DISPOSE && s->may_reject) {
		seterr(c, config_setting_get_member(e, "may_reject"),
		    "%s.may_reject: a dispose step forwards and cannot reject",
		    where);
		return -1;
	}
	if (!valid_step_name(s->name)) {
		seterr(c, config_setting_get_member(e, "name"),
		    "%s.name: \"%s\" must match [a-z0-9-]+", where, s->name);
		return -1;
	}
	for (j = 0; j < idx; j++) {
		if (strcmp(wf->steps[j].name, s->name) == 0) {
			seterr(c, config_setting_get_member(e, "name"),
			    "%s.name: duplicate step name \"%s\"", where,
			    s->name);
			return -1;
		}
	}
	if (!is_builtin_role(s->role) && cfg_role(cfg, s->role) == NULL) {
		m = config_setting_get_member(e, "role");
		seterr(c, m, "%s.role: unknown role \"%s\"", where, s->role);
		return -1;
	}
	return 0;
}

int
cfg_wf_parse(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	config_setting_t	*g, *e, *list;
	struct cfg_workflow	*wf;
	char			 where[128];
	size_t			 i, j, n;
	int			 gk;

	if (get_group(c, root, "workflows", NULL, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	n = (size_t)config_setting_length(g);
	if ((cfg->workflows = calloc(n + 1, sizeof(*cfg->workflows))) ==
	    NULL) {
		seterr(c, g, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		wf = &cfg->workflows[i];
		cfg->nworkflows = i + 1;
		snprintf(where, sizeof(where), "workflows.%s",
		    config_setting_name(e));
		wf->one_act_per_person = 1;
		wf->expire_after = cfg->requests.pending_expiry;
		gk = CFG_GRANT_NONE;
		if (setstr(c, e, &wf->name, config_setting_name(e)) == -1 ||
		    setstr(c, e, &wf->sop, "") == -1 ||
		    check_keys(c, e, where, workflow_keys) == -1 ||
		    get_str(c, e, where, "label_id", 1, &wf->label_id) == -1 ||
		    get_str(c, e, where, "label_en", 1, &wf->label_en) == -1 ||
		    get_str(c, e, where, "sop", 0, &wf->sop) == -1 ||
		    check_form_text(c, e, where, "sop", wf->sop) == -1 ||
		    parse_wf_doc(c, e, where, wf) == -1 ||
		    get_bool(c, e, where, "one_act_per_person",
		    &wf->one_act_per_person) == -1 ||
		    get_enum(c, e, where, "grant_kind", 0, grant_names,
		    CFG_GRANT_COUNT, &gk) == -1 ||
		    get_duration(c, e, where, "expire_after", 0, 1,
		    &wf->expire_after, NULL) == -1 ||
		    get_grouplist(c, e, where, "steps", &list) == -1)
			return -1;
		wf->grant_kind = (enum cfg_grant_kind)gk;
		if (list == NULL || config_setting_length(list) == 0) {
			seterr(c, list != NULL ? list : e,
			    "%s: %s", where, list == NULL ?
			    "missing required key 'steps'" :
			    "steps must not be empty");
			return -1;
		}
		wf->nsteps = (size_t)config_setting_length(list);
		if ((wf->steps = calloc(wf->nsteps, sizeof(*wf->steps))) ==
		    NULL) {
			wf->nsteps = 0;
			seterr(c, list, "out of memory");
			return -1;
		}
		for (j = 0; j < wf->nsteps; j++)
			if (parse_step(c, cfg, wf, j, config_setting_get_elem(
			    list, (unsigned int)j)) == -1)
				return -1;
	}
	return 0;
}
void
cfg_wf_free(struct kunci_cfg *cfg)
{
	struct cfg_workflow	*wf;
	struct cfg_step		*s;
	size_t			 i, j;

	for (i = 0; i < cfg->nworkflows; i++) {
		wf = &cfg->workflows[i];
		free(wf->name);
		free(wf->label_id);
		free(wf->label_en);
		free(wf->sop);
		for (j = 0; wf_doc_keys[j] != NULL; j++)
			free(*wf_doc_field(wf, j));
		for (j = 0; j < wf->nsteps; j++) {
			s = &wf->steps[j];
			free(s->name);
			free(s->role);
			free(s->label_id);
			free(s->label_en);
		}
		free(wf->steps);
	}
	free(cfg->workflows);
}

const struct cfg_workflow *
cfg_workflow(const struct kunci_cfg *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->nworkflows; i++)
		if (strcmp(cfg->workflows[i].name, name) == 0)
			return &cfg->workflows[i];
	return NULL;
}

const char *
cfg_kind_name(enum cfg_kind k)
{
	return (unsigned int)k < CFG_KIND_COUNT ? kind_names[k] : "?";
}

const char *
cfg_grant_kind_name(enum cfg_grant_kind k)
{
	return (unsigned int)k < CFG_GRANT_COUNT ? grant_names[k] : "?";
}

void
cfg_wf_dump(const struct kunci_cfg *cfg, FILE *fp)
{
	const struct cfg_workflow *wf;
	const struct cfg_step	*s;
	size_t			 i, j;

	fputs("workflows = {\n", fp);
	for (i = 0; i < cfg->nworkflows; i++) {
		wf = &cfg->workflows[i];
		fprintf(fp, "\t%s = {\n", wf->name);
		put_kv(fp, "\t\t", "label_id", wf->label_id);
		put_kv(fp, "\t\t", "label_en", wf->label_en);
		put_kv(fp, "\t\t", "sop", wf->sop);
		for (j = 0; wf_doc_keys[j] != NULL; j++)
			put_kv(fp, "\t\t", wf_doc_keys[j], wf_doc_str(wf, j));
		fprintf(fp, "\t\tone_act_per_person = %s;\n",
		    wf->one_act_per_person ? "true" : "false");
		put_kv(fp, "\t\t", "grant_kind", grant_names[wf->grant_kind]);
		put_dur(fp, "\t\t", "expire_after", wf->expire_after, 0);
		fputs("\t\tsteps = (\n", fp);
		for (j = 0; j < wf->nsteps; j++) {
			s = &wf->steps[j];
			fputs("\t\t\t{\n", fp);
			put_kv(fp, "\t\t\t\t", "name", s->name);
			put_kv(fp, "\t\t\t\t", "role", s->role);
			put_kv(fp, "\t\t\t\t", "kind", kind_names[s->kind]);
			put_dur(fp, "\t\t\t\t", "sla", s->sla,
			    s->sla_business);
			fprintf(fp, "\t\t\t\tquorum = %d;\n", s->quorum);
			fprintf(fp, "\t\t\t\tmay_reject = %s;\n",
			    s->may_reject ? "true" : "false");
			put_kv(fp, "\t\t\t\t", "label_id", s->label_id);
			put_kv(fp, "\t\t\t\t", "label_en", s->label_en);
			fputs(j + 1 < wf->nsteps ? "\t\t\t},\n" : "\t\t\t}\n",
			    fp);
		}
		fputs("\t\t);\n\t};\n", fp);
	}
	fputs("};\n", fp);
}
