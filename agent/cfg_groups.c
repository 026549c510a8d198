/*
 * cfg_groups.c: the feature groups of conf/kunci.conf (calendar, requests,
 * office, visits, sop_totals, removal, review, provision, notify, signing,
 * audit, login), each parsed into its part of struct kunci_cfg for
 * cfg_load(), and the lookups over two of them (cfg_sop_total(),
 * cfg_account_shell()).
 *
 * cfg_load() calls the parsers in its fixed order; the workflow names that
 * visits, removal, review and sop_totals give are checked against the
 * "workflows" group there, after all are parsed.  Like cfg.c, nothing here
 * logs or exits.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_int.h"
#include "smtp.h"
#include "util.h"

static const char *const review_keys[] = {
	"interval", "unused_after", "deadline", "reminders", "on_silence",
	"escalate_to", "grace", "incompatible", "units", "workflow",
	"enforce_batch", NULL
};
static const char *const provision_keys[] = {
	"account_base", "password_length", "password_alphabet",
	"expiry_warning", "minimum_uid", "uid_min", "uid_max", "gid",
	"home_base", "shell", "shells", NULL
};
static const char *const shell_keys[] = { "resource", "shell", NULL };
static const char *const notify_keys[] = {
	"mail", "smtp_host", "smtp_port", "sendmail", "command", "from", "page_url", "timeout", "retry", "retry_max",
	"give_up", NULL
};
static const char *const visits_keys[] = {
	"workflow", "max_guests_per_escort", "grace", "identity_retention",
	"route_role", "route", NULL
};
static const char *const removal_keys[] = { "workflow", NULL };
static const char *const signing_keys[] = { "certificate", "key", "ca", NULL };
static const char *const audit_keys[] = {
	"host", "certificate", "key", "checkpoint_interval",
	"checkpoint_retention", NULL
};
static const char *const calendar_keys[] = {
	"work_week", "holidays", "office_hours", NULL
};
static const char *const requests_keys[] = {
	"max_duration", "pending_expiry", "max_reason", NULL
};
static const char *const login_keys[] = {
	"services", "unmanaged", "offline", "offline_max_age", "policies",
	"last_used_granularity", "snapshot_key_file", "query_timeout", NULL
};
static const char *const service_keys[] = { "service", "resource", NULL };
static const char *const policy_keys[] = {
	"resource", "offline", "offline_max_age", NULL
};

/* "HH:MM" at s (5 bytes) as minutes after midnight, or -1 */
static int
hhmm(const char *s)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	if ((s[0] - '0') * 10 + (s[1] - '0') > 24 ||
	    (s[3] - '0') * 10 + (s[4] - '0') > 59)
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 +
	    (s[3] - '0') * 10 + (s[4] - '0');
}

/*
 * One calendar.office_hours entry, "DAY[-DAY] HH:MM-HH:MM" ("mon-thu
 * 07:30-16:00", "fri 07:30-16:30"), into k; *seen: the days given so far.
 */
static int
office_hours(struct ctx *c, config_setting_t *e, const char *s,
    struct cfg_calendar *k, unsigned int *seen)
{
	char d1[4] = "", d2[4] = "";
	int a = -1, b = -1, o, cl;
	size_t n = strlen(s);

	if (n == 15 && s[3] == ' ' && s[9] == '-') {
		memcpy(d1, s, 3);
		s += 4;
	} else if (n == 19 && s[3] == '-' && s[7] == ' ' && s[13] == '-') {
		memcpy(d1, s, 3);
		memcpy(d2, s + 4, 3);
		s += 8;
	} else
		goto bad;
	for (o = 0; o < 7; o++) {
		if (strcmp(d1, day_names[o]) == 0)
			a = o;
		if (strcmp(d2, day_names[o]) == 0)
			b = o;
	}
	if (a < 0 || (d2[0] != '\0' && b < 0))
		goto bad;
	if (b < 0)
		b = a;
	o = hhmm(s);
	cl = hhmm(s + 6);
	if (o < 0 || cl < 0 || cl > 24 * 60 || o >= cl) {
		cfg_err(c, e, "calendar.office_hours: \"%s\": the hours must "
		    "be HH:MM-HH:MM, opening before closing", config_setting_get_string(e));
		return -1;
	}
	for (;; a = (a + 1) % 7) {
		if (*seen & (1U << a)) {
			cfg_err(c, e,
			    "calendar.office_hours: %s is given twice",
			    day_names[a]);
			return -1;
		}
		*seen |= 1U << a;
		k->open[a] = o;
		k->close[a] = cl;
		if (a == b)
			break;
	}
	return 0;
bad:
	cfg_err(c, e, "calendar.office_hours: \"%s\" is not \"DAY[-DAY] "
	    "HH:MM-HH:MM\" (days: sun mon tue wed thu fri sat)",
	    config_setting_get_string(e));
	return -1;
}

int
parse_calendar(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_calendar	*k = &cfg->calendar;
	config_setting_t	*g, *l;
	char			**days = NULL;
	size_t			 ndays = 0, i;
	unsigned int		 d, week = 0;
	int			 rc = -1;

	if (get_group(c, root, "calendar", calendar_keys, &g) == -1)
		goto out;
	if (g == NULL) {
		rc = 0;
		goto out;
	}
	if (get_strlist(c, g, "calendar", "work_week", 1, &days, &ndays,
	    &l) == -1)
		goto out;
	if (l != NULL) {
		for (i = 0; i < ndays; i++) {
			for (d = 0; d < 7; d++)
				if (strcmp(days[i], day_names[d]) == 0)
					break;
			if (d == 7 || (week & (1U << d))) {
				cfg_err(c, config_setting_get_elem(l,
				    (unsigned int)i), "calendar.work_week: "
				    "\"%s\" is %s", days[i], d == 7 ?
				    "not one of sun mon tue wed thu fri sat" :
				    "listed twice");
				goto out;
			}
			week |= 1U << d;
		}
		k->work_week = week;
	}
	if (get_strlist(c, g, "calendar", "holidays", 0, &k->holidays,
	    &k->nholidays, &l) == -1)
		goto out;
	for (i = 0; i < k->nholidays; i++) {
		if (u_parse_date(k->holidays[i], NULL, NULL, NULL) == -1) {
			cfg_err(c, config_setting_get_elem(l, (unsigned int)i),
			    "calendar.holidays: \"%s\" is not a valid "
			    "YYYY-MM-DD date", k->holidays[i]);
			goto out;
		}
	}
	free_list(days, ndays);
	days = NULL;
	ndays = 0;
	if (get_strlist(c, g, "calendar", "office_hours", 1, &days, &ndays,
	    &l) == -1)
		goto out;
	if (l != NULL) {
		week = 0;
		for (i = 0; i < ndays; i++)
			if (office_hours(c, config_setting_get_elem(l,
			    (unsigned int)i), days[i], k, &week) == -1)
				goto out;
		for (d = 0; d < 7; d++)
			if ((k->work_week & (1U << d)) && !(week & (1U << d))) {
				cfg_err(c, l, "calendar.office_hours: no hours "
				    "for %s, a working day", day_names[d]);
				goto out;
			}
		k->office_hours = 1;
	}
	rc = 0;
out:
	free_list(days, ndays);
	return rc;
}

int
parse_requests(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_requests	*r = &cfg->requests;
	config_setting_t	*g;
	const char		*w = "requests";

	if (get_group(c, root, w, requests_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_duration(c, g, w, "max_duration", 0, 1, &r->max_duration,
	    NULL) == -1 ||
	    get_duration(c, g, w, "pending_expiry", 0, 1, &r->pending_expiry,
	    NULL) == -1 ||
	    get_int(c, g, w, "max_reason", 1, CFG_MAX_REASON,
	    &r->max_reason) == -1)
		return -1;
	return 0;
}

/* The office block's strings, in office_keys' order. */
char **
office_field(struct cfg_office *o, size_t i)
{
	char	**f[] = { &o->government, &o->name, &o->address, &o->phone,
	    &o->email, &o->website, &o->city };

	return i < sizeof(f) / sizeof(f[0]) ? f[i] : NULL;
}

/*
 * Text printed on a form: one line (no control characters: a newline
 * would break the header block) of at most CFG_FORM_TEXT_MAX bytes.
 */
#define CFG_FORM_TEXT_MAX	300
int
check_form_text(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, const char *v)
{
	const unsigned char	*p;

	if (strlen(v) > CFG_FORM_TEXT_MAX) {
		cfg_err(c, config_setting_get_member(g, key), "%s.%s: longer "
		    "than %d bytes", where, key, CFG_FORM_TEXT_MAX);
		return -1;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			cfg_err(c, config_setting_get_member(g, key), "%s.%s: "
			    "must be one line of text", where, key);
			return -1;
		}
	return 0;
}

int
parse_office(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	config_setting_t	*g;
	struct cfg_office	*o = &cfg->office;
	const char		*w = "office";
	size_t			 i;

	if (get_group(c, root, w, office_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	for (i = 0; office_keys[i] != NULL; i++)
		if (get_str(c, g, w, office_keys[i], 0,
		    office_field(o, i)) == -1 ||
		    check_form_text(c, g, w, office_keys[i],
		    *office_field(o, i)) == -1)
			return -1;
	if (strchr(o->email, ' ') != NULL || (o->email[0] != '\0' &&
	    (strchr(o->email, '@') == NULL || o->email[0] == '@'))) {
		cfg_err(c, config_setting_get_member(g, "email"),
		    "office.email: \"%s\" is not an e-mail address",
		    o->email);
		return -1;
	}
	if (strchr(o->website, ' ') != NULL) {
		cfg_err(c, config_setting_get_member(g, "website"),
		    "office.website: \"%s\" has a space", o->website);
		return -1;
	}
	if (o->name[0] == '\0' && (o->government[0] != '\0' ||
	    o->address[0] != '\0')) {
		cfg_err(c, g, "office: government and address need name (the "
		    "Dinas)");
		return -1;
	}
	return 0;
}

int
parse_visits(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_visits	*v = &cfg->visits;
	config_setting_t	*g;
	const char		*w = "visits";

	if (get_group(c, root, w, visits_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_str(c, g, w, "workflow", 0, &v->workflow) == -1 ||
	    get_int(c, g, w, "max_guests_per_escort", 1, 100,
	    &v->max_guests_per_escort) == -1 ||
	    get_duration(c, g, w, "grace", 0, 0, &v->grace, NULL) == -1 ||
	    get_duration(c, g, w, "identity_retention", 0, 0,
	    &v->identity_retention, NULL) == -1)
		return -1;
	/* route_role and route are checked against "roles" in cfg_load(). */
	if (get_str(c, g, w, "route_role", 0, &v->route_role) == -1 ||
	    get_strlist(c, g, w, "route", 0, &v->route, &v->nroute,
	    NULL) == -1)
		return -1;
	return 0;
}

/* sop_totals = { WORKFLOW = "DURATION"; ... }; after parse_workflows() */
int
parse_sop_totals(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	config_setting_t	*g, *e;
	const char		*name, *v, *errstr;
	unsigned int		 i, n;
	int64_t			 secs;
	int			 bd;

	if ((g = config_setting_get_member(root, "sop_totals")) == NULL)
		return 0;
	if (!config_setting_is_group(g)) {
		cfg_err(c, g, "sop_totals: expected a group { WORKFLOW = "
		    "\"DURATION\"; ... }");
		return -1;
	}
	n = (unsigned int)config_setting_length(g);
	if (n > 0 && (cfg->sop_totals = calloc(n,
	    sizeof(*cfg->sop_totals))) == NULL) {
		cfg_err(c, g, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, i);
		name = config_setting_name(e);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_err(c, e, "sop_totals.%s: expected a duration "
			    "string such as \"22m\"", name);
			return -1;
		}
		v = config_setting_get_string(e);
		if (u_parse_duration(v, 1, &secs, &bd, &errstr) == -1 ||
		    secs == 0) {
			cfg_err(c, e, "sop_totals.%s: bad duration \"%s\": %s",
			    name, v, errstr != NULL ? errstr : "zero");
			return -1;
		}
		if (cfg_workflow(cfg, name) == NULL) {
			cfg_err(c, e, "sop_totals.%s: unknown workflow", name);
			return -1;
		}
		if ((cfg->sop_totals[i].workflow = strdup(name)) == NULL) {
			cfg_err(c, e, "out of memory");
			return -1;
		}
		cfg->sop_totals[i].secs = secs;
		cfg->sop_totals[i].bd = bd;
		cfg->nsop_totals++;
	}
	return 0;
}

const struct cfg_sop_total *
cfg_sop_total(const struct kunci_cfg *cfg, const char *workflow)
{
	size_t	i;

	for (i = 0; i < cfg->nsop_totals; i++)
		if (strcmp(cfg->sop_totals[i].workflow, workflow) == 0)
			return &cfg->sop_totals[i];
	return NULL;
}

/* removal.workflow is checked against "workflows" in cfg_load(). */
int
parse_removal(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	config_setting_t	*g;
	const char		*w = "removal";

	if (get_group(c, root, w, removal_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_str(c, g, w, "workflow", 0, &cfg->removal.workflow) == -1)
		return -1;
	return 0;
}

/* review.incompatible / review.units: ( [ "a", "b" ], ... ), flat */
static int
get_pairs(struct ctx *c, const config_setting_t *g, const char *key,
    char ***list, size_t *n)
{
	config_setting_t	*m, *e, *v;
	char			**out = NULL;
	size_t			 i, j, len = 0;
	int			 rc = -1;

	if (get_member(c, g, "review", key, 0, CONFIG_TYPE_LIST,
	    "a list ( [ \"...\", \"...\" ], ... )", &m) == -1)
		goto out;
	if (m == NULL) {
		rc = 0;
		goto out;
	}
	len = (size_t)config_setting_length(m);
	if ((out = calloc(2 * len + 1, sizeof(*out))) == NULL) {
		cfg_err(c, m, "out of memory");
		goto out;
	}
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(m, (unsigned int)i);
		if (!config_setting_is_array(e) || config_setting_length(e) !=
		    2) {
			cfg_err(c, e, "review.%s: element %zu: expected "
			    "[ \"...\", \"...\" ]", key, i + 1);
			goto out;
		}
		for (j = 0; j < 2; j++) {
			v = config_setting_get_elem(e, (unsigned int)j);
			if (config_setting_type(v) != CONFIG_TYPE_STRING ||
			    *config_setting_get_string(v) == '\0') {
				cfg_err(c, e, "review.%s: element %zu: "
				    "expected two non-empty strings", key,
				    i + 1);
				goto out;
			}
			if ((out[2 * i + j] = strdup(
			    config_setting_get_string(v))) == NULL) {
				cfg_err(c, e, "out of memory");
				goto out;
			}
		}
	}
	free_list(*list, 2 * *n);
	*list = out;
	*n = len;
	out = NULL;
	rc = 0;
out:
	free_list(out, 2 * len);
	return rc;
}

int
parse_review(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_review	*r = &cfg->review;
	config_setting_t	*g, *l = NULL;
	char			**rem = NULL;
	const char		*errstr;
	size_t			 i, nrem = 0;
	int64_t			*v = NULL;
	int			 bd, sil = (int)r->on_silence, rc = -1;

	if (get_group(c, root, "review", review_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_duration(c, g, "review", "interval", 0, 86400, &r->interval,
	    NULL) == -1 ||
	    get_duration(c, g, "review", "unused_after", 0, 1,
	    &r->unused_after, NULL) == -1 ||
	    get_duration(c, g, "review", "deadline", 0, 1, &r->deadline,
	    NULL) == -1 ||
	    get_duration(c, g, "review", "grace", 0, 0, &r->grace,
	    NULL) == -1 ||
	    get_int(c, g, "review", "enforce_batch", 1, 100000,
	    &r->enforce_batch) == -1 ||
	    get_enum(c, g, "review", "on_silence", 0, silence_names,
	    CFG_SILENCE_COUNT, &sil) == -1 ||
	    get_str(c, g, "review", "escalate_to", 0, &r->escalate_to) == -1 ||
	    get_str(c, g, "review", "workflow", 0, &r->workflow) == -1 ||
	    get_pairs(c, g, "incompatible", &r->incompatible,
	    &r->nincompatible) == -1 ||
	    get_pairs(c, g, "units", &r->units, &r->nunits) == -1 ||
	    get_strlist(c, g, "review", "reminders", 0, &rem, &nrem,
	    &l) == -1)
		goto out;
	r->on_silence = (enum cfg_silence)sil;
	if (l != NULL) {
		if ((v = calloc(nrem + 1, sizeof(*v))) == NULL) {
			cfg_err(c, l, "out of memory");
			goto out;
		}
		for (i = 0; i < nrem; i++) {
			if (u_parse_duration(rem[i], 0, &v[i], &bd,
			    &errstr) == -1 || v[i] <= 0) {
				cfg_err(c, config_setting_get_elem(l,
				    (unsigned int)i), "review.reminders: bad "
				    "duration \"%s\"", rem[i]);
				goto out;
			}
		}
		free(r->reminders);
		r->reminders = v;
		r->nreminders = nrem;
		v = NULL;
	}
	rc = 0;
out:
	free(v);
	free_list(rem, nrem);
	return rc;
}

/* A passwd field's path (shell, home): absolute, printable ASCII, no
 * spaces or colons, 255 bytes at most. */
static int
check_pwpath(struct ctx *c, const config_setting_t *m, const char *where,
    const char *v)
{
	const char	*p;

	for (p = v; *p > ' ' && *p <= '~' && *p != ':'; p++)
		;
	if (*v != '/' || *p != '\0' || p - v > 255) {
		cfg_err(c, m, "%s: \"%.64s\" is not an absolute path without "
		    "spaces or ':'", where, v);
		return -1;
	}
	return 0;
}

/* provision: the POSIX side of panel accounts (cfg.h, struct
 * cfg_provision) */
static int
parse_accounts(struct ctx *c, struct cfg_provision *p, config_setting_t *g)
{
	config_setting_t	*list, *e, *m;
	const char		*w = "provision";
	char			 where[64], *star;
	size_t			 i, n;

	if (get_int(c, g, w, "minimum_uid", 0, CFG_UID_MAX,
	    &p->minimum_uid) == -1 ||
	    get_int(c, g, w, "uid_min", 1, CFG_UID_MAX, &p->uid_min) == -1 ||
	    get_int(c, g, w, "uid_max", 1, CFG_UID_MAX, &p->uid_max) == -1 ||
	    get_int(c, g, w, "gid", 0, CFG_UID_MAX, &p->gid) == -1 ||
	    get_path(c, g, w, "home_base", 0, &p->home_base, NULL) == -1 ||
	    get_str(c, g, w, "shell", 0, &p->shell) == -1)
		return -1;
	/* Below pam_kunci's minimum_uid the module lets the account in
	 * without asking kuncid: a panel account there has no gate. */
	if (p->uid_min < p->minimum_uid) {
		if ((m = config_setting_get_member(g, "uid_min")) == NULL)
			m = config_setting_get_member(g, "minimum_uid");
		cfg_err(c, m != NULL ? m : g, "provision.uid_min: %d is below "
		    "provision.minimum_uid %d (pam_kunci's minimum_uid=): "
		    "pam_kunci would not gate these accounts", p->uid_min,
		    p->minimum_uid);
		return -1;
	}
	if (p->uid_max < p->uid_min) {
		m = config_setting_get_member(g, "uid_max");
		cfg_err(c, m != NULL ? m : g, "provision.uid_max: %d is below "
		    "provision.uid_min %d", p->uid_max, p->uid_min);
		return -1;
	}
	if (p->gid > 0 && p->gid < 100) {
		cfg_err(c, config_setting_get_member(g, "gid"),
		    "provision.gid: %d is a system group (0 = the uid "
		    "number, or 100 and up)", p->gid);
		return -1;
	}
	if (check_pwpath(c, config_setting_get_member(g, "shell"),
	    "provision.shell", p->shell) == -1 ||
	    check_pwpath(c, config_setting_get_member(g, "home_base"),
	    "provision.home_base", p->home_base) == -1)
		return -1;
	if (get_grouplist(c, g, w, "shells", &list) == -1)
		return -1;
	if (list == NULL)
		return 0;
	n = (size_t)config_setting_length(list);
	if ((p->shells = calloc(n + 1, sizeof(*p->shells))) == NULL) {
		cfg_err(c, list, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(list, (unsigned int)i);
		snprintf(where, sizeof(where), "provision.shells[%zu]", i);
		p->nshells = i + 1;
		if (check_keys(c, e, where, shell_keys) == -1 ||
		    get_str(c, e, where, "resource", 1,
		    &p->shells[i].resource) == -1 ||
		    get_str(c, e, where, "shell", 1, &p->shells[i].shell) == -1)
			return -1;
		snprintf(where, sizeof(where), "provision.shells[%zu].shell",
		    i);
		if (check_pwpath(c, config_setting_get_member(e, "shell"),
		    where, p->shells[i].shell) == -1)
			return -1;
		star = strchr(p->shells[i].resource, '*');
		if (star != NULL && star[1] != '\0') {
			cfg_err(c, config_setting_get_member(e, "resource"),
			    "provision.shells[%zu].resource: '*' is only "
			    "allowed at the end", i);
			return -1;
		}
	}
	return 0;
}

const char *
cfg_account_shell(const struct kunci_cfg *cfg, const char *resource)
{
	const struct cfg_shell	*s;
	size_t			 i, n;

	for (i = 0; i < cfg->provision.nshells; i++) {
		s = &cfg->provision.shells[i];
		n = strlen(s->resource);
		if (n > 0 && s->resource[n - 1] == '*' ?
		    strncmp(resource, s->resource, n - 1) == 0 :
		    strcmp(resource, s->resource) == 0)
			return s->shell;
	}
	return cfg->provision.shell;
}

int
parse_provision(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_provision	*p = &cfg->provision;
	config_setting_t	*g;
	const char		*w = "provision";
	size_t			 i, n;

	if (get_group(c, root, w, provision_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_str(c, g, w, "account_base", 0, &p->account_base) == -1 ||
	    get_int(c, g, w, "password_length", 8, 128,
	    &p->password_length) == -1 ||
	    get_str(c, g, w, "password_alphabet", 0,
	    &p->password_alphabet) == -1 ||
	    get_duration(c, g, w, "expiry_warning", 0, 0, &p->expiry_warning,
	    NULL) == -1)
		return -1;
	n = strlen(p->password_alphabet);
	for (i = 0; i < n; i++)
		if (p->password_alphabet[i] <= ' ' ||
		    p->password_alphabet[i] > '~' ||
		    strchr(p->password_alphabet + i + 1,
		    p->password_alphabet[i]) != NULL)
			break;
	if (n < 2 || i < n) {
		cfg_err(c, g, "provision.password_alphabet: 2 or more distinct "
		    "printable ASCII characters, no spaces");
		return -1;
	}
	return parse_accounts(c, p, g);
}

int
parse_notify(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_notify	*n = &cfg->notify;
	char			 addr[256];
	config_setting_t	*g, *m;
	size_t			 i;
	const char		*w = "notify";
	int			 mail = (int)n->mail;

	if (get_group(c, root, w, notify_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_enum(c, g, w, "mail", 0, mail_names, CFG_MAIL_COUNT,
	    &mail) == -1 ||
	    get_str(c, g, w, "smtp_host", 0, &n->smtp_host) == -1 ||
	    get_int(c, g, w, "smtp_port", 1, 65535, &n->smtp_port) == -1 ||
	    get_path(c, g, w, "sendmail", 1, &n->sendmail, NULL) == -1 ||
	    get_path(c, g, w, "command", 1, &n->command, NULL) == -1 ||
	    get_str(c, g, w, "from", 0, &n->from) == -1 ||
	    get_str(c, g, w, "page_url", 0, &n->page_url) == -1 ||
	    get_duration(c, g, w, "timeout", 0, 1, &n->timeout, NULL) == -1 ||
	    get_duration(c, g, w, "retry", 0, 1, &n->retry, NULL) == -1 ||
	    get_duration(c, g, w, "retry_max", 0, 1, &n->retry_max,
	    NULL) == -1 ||
	    get_duration(c, g, w, "give_up", 0, 1, &n->give_up, NULL) == -1)
		return -1;
	/* Before "mail" existed, sendmail = "" was how e-mail was off. */
	if (config_setting_get_member(g, "mail") == NULL &&
	    config_setting_get_member(g, "sendmail") != NULL &&
	    n->sendmail[0] == '\0')
		mail = CFG_MAIL_NONE;
	n->mail = (enum cfg_mail)mail;
	if (!smtp_host_ok(n->smtp_host)) {
		cfg_err(c, config_setting_get_member(g, "smtp_host"),
		    "notify.smtp_host: \"%s\" is not an IPv4 or IPv6 address "
		    "(names are not looked up)", n->smtp_host);
		return -1;
	}
	if (n->mail == CFG_MAIL_SENDMAIL && n->sendmail[0] == '\0') {
		cfg_err(c, g, "notify.sendmail: must be set when notify.mail "
		    "is \"sendmail\"");
		return -1;
	}
	/* One line of a message: http(s)://, no blank or control byte. */
	for (i = 0; n->page_url[i] != '\0'; i++)
		if ((unsigned char)n->page_url[i] <= ' ' ||
		    n->page_url[i] == 0x7f)
			break;
	if (n->page_url[0] != '\0' && (n->page_url[i] != '\0' ||
	    i > 300 || (strncmp(n->page_url, "https://", 8) != 0 &&
	    strncmp(n->page_url, "http://", 7) != 0))) {
		cfg_err(c, config_setting_get_member(g, "page_url"),
		    "notify.page_url: \"%.80s\" is not an http:// or https:// "
		    "address of at most 300 bytes without spaces", n->page_url);
		return -1;
	}
	for (i = 0; n->from[i] != '\0'; i++)
		if ((unsigned char)n->from[i] < ' ' || n->from[i] == 0x7f)
			break;
	if (n->from[i] != '\0' ||
	    smtp_addr(n->from, addr, sizeof(addr)) == -1) {
		m = config_setting_get_member(g, "from");
		cfg_err(c, m != NULL ? m : g, "notify.from: \"%s\" is not an "
		    "address such as \"kunci@example.org\" or \"kunci "
		    "<kunci@example.org>\"", n->from);
		return -1;
	}
	return 0;
}

/* The office's signing certificate: all three paths, or none. */
int
parse_signing(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_signing	*s = &cfg->signing;
	config_setting_t	*g;
	const char		*w = "signing";
	int			 set;

	if (get_group(c, root, w, signing_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_path(c, g, w, "certificate", 1, &s->certificate, NULL) == -1 ||
	    get_path(c, g, w, "key", 1, &s->key, NULL) == -1 ||
	    get_path(c, g, w, "ca", 1, &s->ca, NULL) == -1)
		return -1;
	set = (s->certificate[0] != '\0') + (s->key[0] != '\0') +
	    (s->ca[0] != '\0');
	if (set != 0 && set != 3) {
		cfg_err(c, g, "signing: set certificate, key and ca together, "
		    "or none");
		return -1;
	}
	return 0;
}

/* The audit chain (chain.h, audit.c): its host name and checkpoint key. */
int
parse_audit(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_audit	*a = &cfg->audit;
	config_setting_t	*g;
	const char		*w = "audit";
	size_t			 i;

	if (get_group(c, root, w, audit_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_str(c, g, w, "host", 0, &a->host) == -1 ||
	    get_path(c, g, w, "certificate", 1, &a->certificate, NULL) == -1 ||
	    get_path(c, g, w, "key", 1, &a->key, NULL) == -1 ||
	    get_duration(c, g, w, "checkpoint_interval", 0, 1,
	    &a->checkpoint_interval, NULL) == -1 ||
	    get_duration(c, g, w, "checkpoint_retention", 0, 0,
	    &a->checkpoint_retention, NULL) == -1)
		return -1;
	/* thinning keeps one a day: a shorter period would thin the day
	 * being written */
	if (a->checkpoint_retention != 0 && a->checkpoint_retention < 86400) {
		cfg_err(c, g, "audit.checkpoint_retention: \"0s\" (keep every "
		    "checkpoint) or at least \"1d\"");
		return -1;
	}
	for (i = 0; a->host[i] != '\0'; i++)
		if (!((a->host[i] >= 'a' && a->host[i] <= 'z') ||
		    (a->host[i] >= 'A' && a->host[i] <= 'Z') ||
		    (a->host[i] >= '0' && a->host[i] <= '9') ||
		    a->host[i] == '.' || a->host[i] == '-') || i >= 64) {
			cfg_err(c, g, "audit.host: 1 to 64 letters, digits, "
			    "dots and hyphens: %.80s", a->host);
			return -1;
		}
	if ((a->certificate[0] != '\0') != (a->key[0] != '\0')) {
		cfg_err(c, g, "audit: set certificate and key together, or "
		    "neither");
		return -1;
	}
	return 0;
}

int
parse_login(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_login	*l = &cfg->login;
	config_setting_t	*g, *list, *e;
	const char		*w = "login";
	char			 where[64];
	size_t			 i, n;
	int			 off = (int)l->offline, poff;
	char			*star;

	if (get_group(c, root, w, login_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_strlist(c, g, w, "unmanaged", 0, &l->unmanaged,
	    &l->nunmanaged, NULL) == -1 ||
	    get_enum(c, g, w, "offline", 0, offline_names, CFG_OFFLINE_COUNT,
	    &off) == -1 ||
	    get_duration(c, g, w, "offline_max_age", 0, 0,
	    &l->offline_max_age, NULL) == -1 ||
	    get_duration(c, g, w, "last_used_granularity", 0, 1,
	    &l->last_used_granularity, NULL) == -1 ||
	    get_path(c, g, w, "snapshot_key_file", 0, &l->snapshot_key_file,
	    &c->keyline) == -1 ||
	    get_duration(c, g, w, "query_timeout", 0, 1, &l->query_timeout,
	    NULL) == -1)
		return -1;
	l->offline = (enum cfg_offline)off;

	if (get_grouplist(c, g, w, "services", &list) == -1)
		return -1;
	if (list != NULL) {
		n = (size_t)config_setting_length(list);
		if ((l->services = calloc(n + 1, sizeof(*l->services))) ==
		    NULL) {
			cfg_err(c, list, "out of memory");
			return -1;
		}
		for (i = 0; i < n; i++) {
			e = config_setting_get_elem(list, (unsigned int)i);
			snprintf(where, sizeof(where), "login.services[%zu]",
			    i);
			l->nservices = i + 1;
			if (check_keys(c, e, where, service_keys) == -1 ||
			    get_str(c, e, where, "service", 1,
			    &l->services[i].service) == -1 ||
			    get_str(c, e, where, "resource", 1,
			    &l->services[i].resource) == -1)
				return -1;
		}
	}

	if (get_grouplist(c, g, w, "policies", &list) == -1)
		return -1;
	if (list != NULL) {
		n = (size_t)config_setting_length(list);
		if ((l->policies = calloc(n + 1, sizeof(*l->policies))) ==
		    NULL) {
			cfg_err(c, list, "out of memory");
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct cfg_policy *p = &l->policies[i];

			e = config_setting_get_elem(list, (unsigned int)i);
			snprintf(where, sizeof(where), "login.policies[%zu]",
			    i);
			l->npolicies = i + 1;
			/* a policy inherits what it does not override */
			p->offline = l->offline;
			p->offline_max_age = l->offline_max_age;
			poff = (int)p->offline;
			if (check_keys(c, e, where, policy_keys) == -1 ||
			    get_str(c, e, where, "resource", 1,
			    &p->resource) == -1 ||
			    get_enum(c, e, where, "offline", 0, offline_names,
			    CFG_OFFLINE_COUNT, &poff) == -1 ||
			    get_duration(c, e, where, "offline_max_age", 0, 0,
			    &p->offline_max_age, NULL) == -1)
				return -1;
			p->offline = (enum cfg_offline)poff;
			star = strchr(p->resource, '*');
			if (star != NULL && star[1] != '\0') {
				cfg_err(c, config_setting_get_member(e,
				    "resource"), "%s.resource: '*' is only "
				    "allowed at the end", where);
				return -1;
			}
		}
	}
	return 0;
}
