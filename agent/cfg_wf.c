/*
 * cfg_wf.c: the "workflows" group of conf/kunci.conf: each workflow, its
 * SOP identity block and its steps, parsed into struct cfg_workflow,
 * freed and dumped (cfg_load(), cfg_free() and cfg_dump() call in here);
 * and the "delegation" group, which says how acting officials decide in
 * a workflow's roles.
 *
 * Roles are parsed before workflows (cfg.c), so a step's role is checked
 * against them here.  Like cfg.c, nothing here logs or exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_int.h"
#include "util.h"

static const char *const kind_names[CFG_KIND_COUNT] = {
	"endorse", "dispose", "verify", "approve", "provision", "escort",
	"notify", "record", "report", "receive"
};
static const char *const grant_names[CFG_GRANT_COUNT] = {
	"none", "card", "account"
};
static const char *const workflow_keys[] = {
	"label_id", "label_en", "sop", "sop_number", "sop_made", "sop_revised",
	"sop_effective", "sop_approver_title", "sop_approver_name",
	"sop_approver_rank", "sop_approver_nip", "form_object_id",
	"form_object_en", "one_act_per_person", "grant_kind", "expire_after",
	"submit_sla", "max_validity", "types", "time_window", "steps", NULL
};
static const char *const delegation_keys[] = { "max_period", NULL };
static const char *const step_keys[] = {
	"name", "role", "kind", "sla", "quorum", "may_reject", "label_id",
	"label_en", "rejections", "not_same_as", "not_superior",
	"if_no_superior", "choose", "parallel", NULL
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
		if (cfg_str(c, e, wf_doc_field(wf, i), "") == -1 ||
		    get_str(c, e, where, wf_doc_keys[i], 0,
		    wf_doc_field(wf, i)) == -1 ||
		    check_form_text(c, e, where, wf_doc_keys[i],
		    *wf_doc_field(wf, i)) == -1)
			return -1;
		v = *wf_doc_field(wf, i);
		if (i >= 1 && i <= 3 && v[0] != '\0' &&
		    u_parse_date(v, NULL, NULL, NULL) == -1) {
			cfg_err(c, config_setting_get_member(e, wf_doc_keys[i]),
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
		cfg_err(c, config_setting_get_member(e, "sop_approver_nip"),
		    "%s.sop_approver_nip: \"%s\" is not an NIP (18 digits, "
		    "spaces allowed)", where, wf->sop_approver_nip);
		return -1;
	}
	return 0;
}
static int	parse_step_rules(struct ctx *, struct kunci_cfg *,
		    struct cfg_workflow *, size_t, config_setting_t *, const char *);

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
		cfg_err(c, config_setting_get_member(e, "may_reject"),
		    "%s.may_reject: a dispose step forwards and cannot reject",
		    where);
		return -1;
	}
	if (!valid_step_name(s->name)) {
		cfg_err(c, config_setting_get_member(e, "name"),
		    "%s.name: \"%s\" must match [a-z0-9-]+", where, s->name);
		return -1;
	}
	for (j = 0; j < idx; j++) {
		if (strcmp(wf->steps[j].name, s->name) == 0) {
			cfg_err(c, config_setting_get_member(e, "name"),
			    "%s.name: duplicate step name \"%s\"", where,
			    s->name);
			return -1;
		}
	}
	if (!is_builtin_role(s->role) && cfg_role(cfg, s->role) == NULL) {
		m = config_setting_get_member(e, "role");
		cfg_err(c, m, "%s.role: unknown role \"%s\"", where, s->role);
		return -1;
	}
	return parse_step_rules(c, cfg, wf, idx, e, where);
}

/*
 * A step's rules: how many rejections end it, who may not act on it
 * (separation of duties), and where a superior step goes when the
 * requester has none.  Run once the step's own keys are read.
 */
static int
parse_step_rules(struct ctx *c, struct kunci_cfg *cfg,
    struct cfg_workflow *wf, size_t idx, config_setting_t *e,
    const char *where)
{
	struct cfg_step		*s = &wf->steps[idx];
	config_setting_t	*m, *l;
	long long		 v;
	size_t			 j, k;
	int			 sup = strcmp(s->role, CFG_ROLE_SUPERIOR) == 0;

	s->rejections = 1;
	if (cfg_str(c, e, &s->if_no_superior, "") == -1)
		return -1;
	if (sup && s->quorum > 1) {
		cfg_err(c, config_setting_get_member(e, "quorum"),
		    "%s.quorum: %d can never be met: role %s is one person",
		    where, s->quorum, s->role);
		return -1;
	}
	if ((m = config_setting_get_member(e, "rejections")) != NULL) {
		if (config_setting_type(m) == CONFIG_TYPE_STRING &&
		    strcmp(config_setting_get_string(m), "quorum_lost") == 0)
			s->rejections = CFG_REJECT_QUORUM_LOST;
		else if (config_setting_type(m) == CONFIG_TYPE_INT ||
		    config_setting_type(m) == CONFIG_TYPE_INT64) {
			v = config_setting_get_int64(m);
			if (v < 1 || v > CFG_MAX_QUORUM) {
				cfg_err(c, m, "%s.rejections: %lld is out of "
				    "range 1..%d", where, v, CFG_MAX_QUORUM);
				return -1;
			}
			s->rejections = (int)v;
		} else {
			cfg_err(c, m, "%s.rejections: expected a number of "
			    "rejections or \"quorum_lost\"", where);
			return -1;
		}
		if (!s->may_reject) {
			cfg_err(c, m, "%s.rejections: step %s cannot reject "
			    "(may_reject is false)", where, s->name);
			return -1;
		}
		if (sup && s->rejections != 1) {
			cfg_err(c, m, "%s.rejections: can never be met: role "
			    "%s is one person", where, s->role);
			return -1;
		}
	}
	if (get_strlist(c, e, where, "not_same_as", 1, &s->not_same_as,
	    &s->nnot_same_as, &l) == -1)
		return -1;
	for (k = 0; k < s->nnot_same_as; k++) {
		for (j = 0; j < idx; j++)
			if (strcmp(wf->steps[j].name, s->not_same_as[k]) == 0)
				break;
		if (j < idx)
			continue;
		cfg_err(c, config_setting_get_elem(l, (unsigned int)k),
		    "%s.not_same_as: %s step \"%s\"", where,
		    strcmp(s->not_same_as[k], s->name) == 0 ? "this is the" :
		    "no earlier", s->not_same_as[k]);
		return -1;
	}
	if (get_bool(c, e, where, "not_superior", &s->not_superior) == -1)
		return -1;
	if (sup && s->not_superior) {
		cfg_err(c, config_setting_get_member(e, "not_superior"),
		    "%s.not_superior: can never be met: the step's role is "
		    "the superior", where);
		return -1;
	}
	if (get_str(c, e, where, "if_no_superior", 0,
	    &s->if_no_superior) == -1)
		return -1;
	m = config_setting_get_member(e, "if_no_superior");
	if (s->if_no_superior[0] != '\0' && !sup) {
		cfg_err(c, m, "%s.if_no_superior: only for a step whose role "
		    "is %s", where, CFG_ROLE_SUPERIOR);
		return -1;
	}
	if (get_strlist(c, e, where, "choose", 1, &s->choose, &s->nchoose,
	    &l) == -1)
		return -1;
	if (l != NULL && s->kind != CFG_KIND_DISPOSE) {
		cfg_err(c, l, "%s.choose: only for a dispose step", where);
		return -1;
	}
	for (k = 0, j = 0; k < s->nchoose; k++)
		j += strlen(s->choose[k]) + 1;
	if (j > CFG_CHOOSE_MAX + 1) {
		cfg_err(c, l, "%s.choose: longer than %d bytes", where,
		    CFG_CHOOSE_MAX);
		return -1;
	}
	for (k = 0; k < s->nchoose; k++)
		if (cfg_role(cfg, s->choose[k]) == NULL) {
			cfg_err(c, config_setting_get_elem(l, (unsigned int)k),
			    "%s.choose: unknown role \"%s\"", where,
			    s->choose[k]);
			return -1;
		}
	if (get_strlist(c, e, where, "parallel", 1, &s->parallel,
	    &s->nparallel, &l) == -1)
		return -1;
	for (k = 0, j = strlen(s->role) + 1; k < s->nparallel; k++)
		j += strlen(s->parallel[k]) + 1;
	if (l != NULL && (is_builtin_role(s->role) || s->quorum != 1 ||
	    s->rejections != 1 || j > CFG_CHOOSE_MAX + 1)) {
		cfg_err(c, l, "%s.parallel: only beside a role of \"roles\", "
		    "with quorum and rejections 1, at most %d bytes", where,
		    CFG_CHOOSE_MAX);
		return -1;
	}
	for (k = 0; k < s->nparallel; k++) {
		if (cfg_role(cfg, s->parallel[k]) == NULL ||
		    strcmp(s->parallel[k], s->role) == 0) {
			cfg_err(c, config_setting_get_elem(l, (unsigned int)k),
			    "%s.parallel: %s role \"%s\"", where,
			    cfg_role(cfg, s->parallel[k]) == NULL ? "unknown" :
			    "the step's own", s->parallel[k]);
			return -1;
		}
		for (j = 0; j < k; j++)
			if (strcmp(s->parallel[j], s->parallel[k]) == 0) {
				cfg_err(c, config_setting_get_elem(l,
				    (unsigned int)k), "%s.parallel: role "
				    "\"%s\" twice", where, s->parallel[k]);
				return -1;
			}
	}
	if (strcmp(s->role, CFG_ROLE_DISPOSED) == 0) {
		for (j = idx; j-- > 0;)
			if (wf->steps[j].nchoose > 0)
				break;
		if (j == (size_t)-1) {
			cfg_err(c, config_setting_get_member(e, "role"),
			    "%s.role: \"%s\" needs an earlier dispose step "
			    "with choose", where, CFG_ROLE_DISPOSED);
			return -1;
		}
	}
	if (s->if_no_superior[0] != '\0' &&
	    strcmp(s->if_no_superior, "skip") != 0 &&
	    strcmp(s->if_no_superior, CFG_ROLE_OWNER) != 0 &&
	    cfg_role(cfg, s->if_no_superior) == NULL) {
		cfg_err(c, m, "%s.if_no_superior: unknown role \"%s\" (a role, "
		    "%s, or \"skip\")", where, s->if_no_superior,
		    CFG_ROLE_OWNER);
		return -1;
	}
	return 0;
}

/* "DAYS HH:MM-HH:MM" as doc/login-gate.md has it (gindex.c reads it). */
static int
valid_hhmm(const char *p)
{
	int	h, mi;

	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' ||
	    p[2] != ':' || p[3] < '0' || p[3] > '9' || p[4] < '0' ||
	    p[4] > '9')
		return -1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	mi = (p[3] - '0') * 10 + (p[4] - '0');
	if (mi > 59 || h > 24 || (h == 24 && mi != 0))
		return -1;
	return h * 60 + mi;
}

static int
valid_day(const char *p, size_t n)
{
	static const char *const days[] = {
		"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
	};
	size_t	i;

	if (n != 3)
		return 0;
	for (i = 0; days[i] != NULL; i++)
		if (strncasecmp(p, days[i], 3) == 0)
			return 1;
	return 0;
}

static int
valid_window(const char *s)
{
	const char	*sp, *p, *comma, *dash;
	int		 a, b;

	if (strlen(s) > CFG_WINDOW_MAX || (sp = strchr(s, ' ')) == NULL ||
	    sp == s)
		return 0;
	if (!((sp - s == 5 && strncasecmp(s, "daily", 5) == 0) ||
	    (sp - s == 1 && *s == '*'))) {
		for (p = s; p < sp; p = comma + 1) {
			if ((comma = memchr(p, ',', (size_t)(sp - p))) == NULL)
				comma = sp;
			dash = memchr(p, '-', (size_t)(comma - p));
			if (dash == NULL ? !valid_day(p, (size_t)(comma - p)) :
			    !valid_day(p, (size_t)(dash - p)) ||
			    !valid_day(dash + 1, (size_t)(comma - dash - 1)))
				return 0;
			if (comma == sp)
				break;
		}
	}
	while (*sp == ' ')
		sp++;
	if (strlen(sp) != 11 || sp[5] != '-' || (a = valid_hhmm(sp)) < 0 ||
	    (b = valid_hhmm(sp + 6)) < 0 || a == 1440 || b == 0 || a == b)
		return 0;
	return 1;
}

static int
valid_type(const char *t)
{
	const char	*p;

	if (*t == '\0' || strlen(t) > 64)
		return 0;
	for (p = t; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			return 0;
	return 1;
}

/* A workflow's own limits: validity, access types, time windows. */
static int
parse_wf_limits(struct ctx *c, struct kunci_cfg *cfg,
    struct cfg_workflow *wf, config_setting_t *e, const char *where)
{
	config_setting_t	*l;
	size_t			 i;

	wf->max_validity = cfg->requests.max_duration;
	if (get_duration(c, e, where, "max_validity", 0, 1,
	    &wf->max_validity, NULL) == -1 ||
	    get_strlist(c, e, where, "types", 1, &wf->types, &wf->ntypes,
	    &l) == -1)
		return -1;
	if (l != NULL && wf->grant_kind != CFG_GRANT_NONE) {
		cfg_err(c, l, "%s.types: grant_kind %s takes only --type %s",
		    where, grant_names[wf->grant_kind],
		    grant_names[wf->grant_kind]);
		return -1;
	}
	for (i = 0; i < wf->ntypes; i++)
		if (!valid_type(wf->types[i])) {
			cfg_err(c, config_setting_get_elem(l, (unsigned int)i),
			    "%s.types: \"%s\" is not an access type (letters, "
			    "digits, . _ -; at most 64 bytes)", where,
			    wf->types[i]);
			return -1;
		}
	if (get_strlist(c, e, where, "time_window", 1, &wf->time_window,
	    &wf->ntime_window, &l) == -1)
		return -1;
	if (wf->ntime_window > CFG_MAX_WINDOWS) {
		cfg_err(c, l, "%s.time_window: more than %d windows", where,
		    CFG_MAX_WINDOWS);
		return -1;
	}
	for (i = 0; i < wf->ntime_window; i++)
		if (!valid_window(wf->time_window[i])) {
			cfg_err(c, config_setting_get_elem(l, (unsigned int)i),
			    "%s.time_window: \"%s\" is not DAYS HH:MM-HH:MM "
			    "(e.g. \"mon-fri 07:30-16:00\"; at most %d "
			    "bytes)", where,
			    wf->time_window[i], CFG_WINDOW_MAX);
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
		cfg_err(c, g, "out of memory");
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
		if (cfg_str(c, e, &wf->name, config_setting_name(e)) == -1 ||
		    cfg_str(c, e, &wf->sop, "") == -1 ||
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
		    get_duration(c, e, where, "submit_sla", 0, 1,
		    &wf->submit_sla, &wf->submit_sla_bd) == -1 ||
		    get_grouplist(c, e, where, "steps", &list) == -1)
			return -1;
		wf->grant_kind = (enum cfg_grant_kind)gk;
		if (parse_wf_limits(c, cfg, wf, e, where) == -1)
			return -1;
		if (list == NULL || config_setting_length(list) == 0) {
			cfg_err(c, list != NULL ? list : e,
			    "%s: %s", where, list == NULL ?
			    "missing required key 'steps'" :
			    "steps must not be empty");
			return -1;
		}
		wf->nsteps = (size_t)config_setting_length(list);
		if ((wf->steps = calloc(wf->nsteps, sizeof(*wf->steps))) ==
		    NULL) {
			wf->nsteps = 0;
			cfg_err(c, list, "out of memory");
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
			free_list(s->not_same_as, s->nnot_same_as);
			free_list(s->choose, s->nchoose);
			free_list(s->parallel, s->nparallel);
			free(s->if_no_superior);
		}
		free(wf->steps);
		free_list(wf->types, wf->ntypes);
		free_list(wf->time_window, wf->ntime_window);
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
		if (wf->submit_sla != 0)
			put_dur(fp, "\t\t", "submit_sla", wf->submit_sla,
			    wf->submit_sla_bd);
		put_dur(fp, "\t\t", "max_validity", wf->max_validity, 0);
		if (wf->ntypes > 0)
			put_list(fp, "\t\t", "types", wf->types, wf->ntypes);
		if (wf->ntime_window > 0)
			put_list(fp, "\t\t", "time_window", wf->time_window,
			    wf->ntime_window);
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
			if (s->rejections == CFG_REJECT_QUORUM_LOST)
				put_kv(fp, "\t\t\t\t", "rejections",
				    "quorum_lost");
			else if (s->may_reject)
				fprintf(fp, "\t\t\t\trejections = %d;\n",
				    s->rejections);
			if (s->nnot_same_as > 0)
				put_list(fp, "\t\t\t\t", "not_same_as",
				    s->not_same_as, s->nnot_same_as);
			if (s->nchoose > 0)
				put_list(fp, "\t\t\t\t", "choose", s->choose,
				    s->nchoose);
			if (s->nparallel > 0)
				put_list(fp, "\t\t\t\t", "parallel",
				    s->parallel, s->nparallel);
			fprintf(fp, "\t\t\t\tnot_superior = %s;\n",
			    s->not_superior ? "true" : "false");
			if (strcmp(s->role, CFG_ROLE_SUPERIOR) == 0)
				put_kv(fp, "\t\t\t\t", "if_no_superior",
				    s->if_no_superior);
			fputs(j + 1 < wf->nsteps ? "\t\t\t},\n" : "\t\t\t}\n",
			    fp);
		}
		fputs("\t\t);\n\t};\n", fp);
	}
	fputs("};\n", fp);
}

/* delegation.max_period: the longest a Plt./Plh. may be appointed for. */
int
cfg_dlg_parse(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	config_setting_t	*g;

	cfg->delegation.max_period = 30 * 86400;
	if (get_group(c, root, "delegation", delegation_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	return get_duration(c, g, "delegation", "max_period", 0, 60,
	    &cfg->delegation.max_period, NULL);
}

void
cfg_dlg_dump(const struct kunci_cfg *cfg, FILE *fp)
{
	fputs("delegation = {\n", fp);
	put_dur(fp, "\t", "max_period", cfg->delegation.max_period, 0);
}
