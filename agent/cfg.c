/*
 * cfg.c: conf/kunci.conf -> struct kunci_cfg.
 *
 * Order of work: defaults into a zeroed struct, then each group in a fixed
 * order (so later groups may depend on earlier ones: workflows default
 * expire_after to requests.pending_expiry, steps name roles), then the
 * cross-checks and the file permission checks.  Every key is looked up by
 * name; check_keys() walks each group's members to refuse unknown keys, and
 * the getters refuse wrong types, so a typo never silently leaves a
 * default.  The first error wins; the half-built struct is freed.
 *
 * Nothing here logs or exits: errors go back as "file:line: message".
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldap.h>
#include <libconfig.h>

#include "cfg.h"
#include "cfg_int.h"
#include "smtp.h"
#include "util.h"

#define ZONEINFO	"/usr/share/zoneinfo"


static const char *const offline_names[CFG_OFFLINE_COUNT] = {
	"deny", "cache"
};
static const char *const mail_names[CFG_MAIL_COUNT] = {
	"smtp", "sendmail", "none"
};
static const char *const lang_names[CFG_LANG_COUNT] = { "id", "en" };
static const char *const sched_names[CFG_SCHED_COUNT] = { "all", "local" };
static const char *const day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

static const char *const top_keys[] = {
	"directory", "agent", "calendar", "requests", "login", "roles",
	"workflows", "office", "signing", "visits", "provision", "notify",
	"review", "removal", "sop_totals", "audit", "delegation", NULL
};
static const char *const review_keys[] = {
	"interval", "unused_after", "deadline", "reminders", "on_silence",
	"escalate_to", "grace", "incompatible", "units", "workflow", NULL
};
static const char *const silence_names[CFG_SILENCE_COUNT] = {
	"escalate", "remove"
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
static const char *const office_keys[] = {
	"government", "name", "address", "phone", "email", "website", "city",
	NULL
};
static const char *const signing_keys[] = { "certificate", "key", "ca", NULL };
static const char *const audit_keys[] = {
	"host", "certificate", "key", "checkpoint_interval", NULL
};
static const char *const directory_keys[] = {
	"uri", "base", "kunci_base", "people_base", "groups_base", "bind_dn",
	"bind_password_file", "connect_timeout", "timeout", "heartbeat",
	"heartbeat_timeout", "tls", "tls_ca_file", "tls_require_cert",
	"tls_cert_file", "tls_key_file", "allow_cleartext_password", NULL
};
static const char *const tls_names[] = { "none", "starttls" };
static const char *const tls_req_names[] = {
	"demand", "try", "allow", "never"
};
static const char *const agent_keys[] = {
	"user", "admin_socket", "query_socket", "state_dir", "timezone",
	"language", "admins", "admin_workers", "admin_per_uid",
	"admin_lifetime", "admin_requests", "admin_command_timeout",
	"scheduler", NULL
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
static const char *const role_keys[] = {
	"group", "label_id", "label_en", "escalate_to", NULL
};


/* "file:line: msg", or "file: msg" when s is NULL or has no line */
void
seterr(struct ctx *c, const config_setting_t *s, const char *fmt, ...)
{
	va_list		 ap;
	char		 msg[512];
	const char	*file = c->path;
	int		 line = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s != NULL) {
		line = config_setting_source_line(s);
		if (config_setting_source_file(s) != NULL)
			file = config_setting_source_file(s);
	}
	if (line > 0)
		snprintf(c->err, c->errsz, "%s:%d: %s", file, line, msg);
	else
		snprintf(c->err, c->errsz, "%s: %s", file, msg);
}

static int
name_in(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

int
setstr(struct ctx *c, const config_setting_t *s, char **dst, const char *v)
{
	char	*p;

	if ((p = strdup(v)) == NULL) {
		seterr(c, s, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = p;
	return 0;
}

void
free_list(char **list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* s must be a group whose member names all appear in keys */
int
check_keys(struct ctx *c, const config_setting_t *s, const char *where,
    const char *const *keys)
{
	const config_setting_t	*m;
	const char		*name;
	int			 i, rc = -1;

	if (!config_setting_is_group(s)) {
		seterr(c, s, "%s: expected a group { ... }", where);
		goto out;
	}
	for (i = 0; (m = config_setting_get_elem(s, i)) != NULL; i++) {
		name = config_setting_name(m);
		if (name == NULL || !name_in(name, keys)) {
			seterr(c, m, "%s: unknown key '%s'", where,
			    name != NULL ? name : "?");
			goto out;
		}
	}
	rc = 0;
out:
	return rc;
}

/*
 * The getters: a missing key leaves *dst (the default) alone unless
 * required; a present key of the wrong type is an error.
 */
int
get_member(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int required, int type, const char *tname,
    config_setting_t **out)
{
	config_setting_t	*m;

	*out = NULL;
	if ((m = config_setting_get_member(g, key)) == NULL) {
		if (required) {
			seterr(c, g, "%s: missing required key '%s'", where,
			    key);
			return -1;
		}
		return 0;
	}
	if (config_setting_type(m) != type &&
	    !(type == CONFIG_TYPE_INT &&
	    config_setting_type(m) == CONFIG_TYPE_INT64) &&
	    !(type == CONFIG_TYPE_LIST &&
	    config_setting_type(m) == CONFIG_TYPE_ARRAY)) {
		seterr(c, m, "%s.%s: expected %s", where, key, tname);
		return -1;
	}
	*out = m;
	return 0;
}

int
get_str(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int required, char **dst)
{
	config_setting_t	*m;

	if (get_member(c, g, where, key, required, CONFIG_TYPE_STRING,
	    "a string", &m) == -1)
		return -1;
	if (m == NULL)
		return 0;
	if (required && *config_setting_get_string(m) == '\0') {
		seterr(c, m, "%s.%s: must not be empty", where, key);
		return -1;
	}
	return setstr(c, m, dst, config_setting_get_string(m));
}

/* an absolute path, or "" when allow_empty */
static int
get_path(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int allow_empty, char **dst, int *line)
{
	config_setting_t	*m;

	if (get_member(c, g, where, key, 0, CONFIG_TYPE_STRING, "a string",
	    &m) == -1)
		return -1;
	if (m == NULL)
		return 0;
	if (line != NULL)
		*line = config_setting_source_line(m);
	if (*config_setting_get_string(m) == '\0' ? !allow_empty :
	    *config_setting_get_string(m) != '/') {
		seterr(c, m, "%s.%s: \"%s\" is not an absolute path", where,
		    key, config_setting_get_string(m));
		return -1;
	}
	return setstr(c, m, dst, config_setting_get_string(m));
}

int
get_int(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int min, int max, int *dst)
{
	config_setting_t	*m;
	long long		 v;

	if (get_member(c, g, where, key, 0, CONFIG_TYPE_INT, "an integer",
	    &m) == -1)
		return -1;
	if (m == NULL)
		return 0;
	v = config_setting_get_int64(m);
	if (v < min || v > max) {
		seterr(c, m, "%s.%s: %lld is out of range %d..%d", where, key,
		    v, min, max);
		return -1;
	}
	*dst = (int)v;
	return 0;
}

int
get_bool(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int *dst)
{
	config_setting_t	*m;

	if (get_member(c, g, where, key, 0, CONFIG_TYPE_BOOL,
	    "true or false", &m) == -1)
		return -1;
	if (m != NULL)
		*dst = config_setting_get_bool(m) ? 1 : 0;
	return 0;
}

/* business == NULL: "bd" refused.  min: smallest value in seconds */
int
get_duration(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int required, int64_t min, int64_t *dst, int *business)
{
	config_setting_t	*m;
	const char		*errstr;
	int64_t			 v;
	int			 bd;

	if (get_member(c, g, where, key, required, CONFIG_TYPE_STRING,
	    "a duration string such as \"5m\"", &m) == -1)
		return -1;
	if (m == NULL)
		return 0;
	if (u_parse_duration(config_setting_get_string(m), business != NULL,
	    &v, &bd, &errstr) == -1) {
		seterr(c, m, "%s.%s: bad duration \"%s\": %s", where, key,
		    config_setting_get_string(m), errstr);
		return -1;
	}
	if (v < min) {
		seterr(c, m, "%s.%s: duration \"%s\" must not be zero", where,
		    key, config_setting_get_string(m));
		return -1;
	}
	*dst = v;
	if (business != NULL)
		*business = bd;
	return 0;
}

int
get_enum(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int required, const char *const *names, int count,
    int *dst)
{
	config_setting_t	*m;
	const char		*v;
	int			 i;

	if (get_member(c, g, where, key, required, CONFIG_TYPE_STRING,
	    "a string", &m) == -1)
		return -1;
	if (m == NULL)
		return 0;
	v = config_setting_get_string(m);
	for (i = 0; i < count; i++) {
		if (strcmp(v, names[i]) == 0) {
			*dst = i;
			return 0;
		}
	}
	seterr(c, m, "%s.%s: unknown value \"%s\"", where, key, v);
	return -1;
}

/* a [ ] or ( ) of strings; replaces *list */
int
get_strlist(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, int nonempty, char ***list, size_t *n,
    config_setting_t **out)
{
	config_setting_t	*m, *e;
	char			**v = NULL;
	size_t			 i, len = 0;
	int			 rc = -1;

	if (out != NULL)
		*out = NULL;
	if (get_member(c, g, where, key, 0, CONFIG_TYPE_LIST,
	    "a list [ \"...\", ... ]", &m) == -1)
		goto out;
	if (m == NULL) {
		rc = 0;
		goto out;
	}
	if (out != NULL)
		*out = m;
	len = (size_t)config_setting_length(m);
	if (nonempty && len == 0) {
		seterr(c, m, "%s.%s: must not be empty", where, key);
		goto out;
	}
	if ((v = calloc(len + 1, sizeof(*v))) == NULL) {
		seterr(c, m, "out of memory");
		goto out;
	}
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(m, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			seterr(c, e, "%s.%s: element %zu: expected a string",
			    where, key, i + 1);
			goto out;
		}
		if (*config_setting_get_string(e) == '\0') {
			seterr(c, e, "%s.%s: element %zu: empty string",
			    where, key, i + 1);
			goto out;
		}
		if ((v[i] = strdup(config_setting_get_string(e))) == NULL) {
			seterr(c, e, "out of memory");
			goto out;
		}
	}
	free_list(*list, *n);
	*list = v;
	*n = len;
	v = NULL;
	rc = 0;
out:
	free_list(v, len);
	return rc;
}

/* a ( { ... }, ... ) list of groups */
int
get_grouplist(struct ctx *c, const config_setting_t *g, const char *where,
    const char *key, config_setting_t **out)
{
	config_setting_t	*m, *e;
	int			 i;

	if (get_member(c, g, where, key, 0, CONFIG_TYPE_LIST,
	    "a list ( { ... }, ... )", &m) == -1)
		return -1;
	*out = m;
	if (m == NULL)
		return 0;
	for (i = 0; (e = config_setting_get_elem(m, i)) != NULL; i++) {
		if (!config_setting_is_group(e)) {
			seterr(c, e, "%s.%s: element %d: expected a group "
			    "{ ... }", where, key, i + 1);
			return -1;
		}
	}
	return 0;
}

/* the optional top-level group key; *out NULL when absent */
int
get_group(struct ctx *c, const config_setting_t *root, const char *key,
    const char *const *keys, config_setting_t **out)
{
	*out = config_setting_get_member(root, key);
	if (*out == NULL)
		return 0;
	return keys == NULL ? (config_setting_is_group(*out) ? 0 :
	    (seterr(c, *out, "%s: expected a group { ... }", key), -1)) :
	    check_keys(c, *out, key, keys);
}

static int
valid_zone(const char *tz)
{
	struct stat	 st;
	char		 p[512];
	const char	*s;

	if (*tz == '\0' || *tz == '/' || strlen(tz) > 200)
		return 0;
	for (s = tz; *s != '\0'; s++)
		if (!(((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '+' ||
		    *s == '/' || *s == '-')))
			return 0;
	snprintf(p, sizeof(p), "%s/%s", ZONEINFO, tz);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* *dst = prefix + base when *dst is "" */
static int
derive_base(struct ctx *c, const config_setting_t *g, char **dst,
    const char *prefix, const char *base)
{
	char	*p;

	if (**dst != '\0')
		return 0;
	if (asprintf(&p, "%s%s", prefix, base) == -1) {
		seterr(c, g, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = p;
	return 0;
}

/* The server's host in uri is this machine (or the URI is ldapi://). */
static int
uri_is_local(const char *uri)
{
	LDAPURLDesc *lud = NULL;
	const char *h;
	int local;

	if (strncmp(uri, "ldapi://", 8) == 0)
		return 1;
	if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS)
		return 0;
	h = lud->lud_host;
	local = h == NULL || *h == '\0' || strcmp(h, "localhost") == 0 ||
	    strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
	ldap_free_urldesc(lud);
	return local;
}

/*
 * TLS settings, and the rule that a password never crosses the network in
 * clear: a simple bind over ldap:// without StartTLS is refused unless the
 * server is this machine or allow_cleartext_password says otherwise.
 */
static int
parse_tls(struct ctx *c, config_setting_t *g, struct cfg_directory *d,
    config_setting_t *l)
{
	const char *w = "directory";
	int tls = (int)d->tls, req = (int)d->tls_require_cert;
	size_t i;

	if (get_enum(c, g, w, "tls", 0, tls_names, 2, &tls) == -1 ||
	    get_path(c, g, w, "tls_ca_file", 1, &d->tls_ca_file, NULL) == -1 ||
	    get_enum(c, g, w, "tls_require_cert", 0, tls_req_names, 4,
	    &req) == -1 ||
	    get_path(c, g, w, "tls_cert_file", 1, &d->tls_cert_file,
	    NULL) == -1 ||
	    get_path(c, g, w, "tls_key_file", 1, &d->tls_key_file,
	    NULL) == -1 ||
	    get_bool(c, g, w, "allow_cleartext_password",
	    &d->allow_cleartext_password) == -1)
		return -1;
	d->tls = (enum cfg_tls)tls;
	d->tls_require_cert = (enum cfg_tls_req)req;
	if ((*d->tls_cert_file == '\0') != (*d->tls_key_file == '\0')) {
		seterr(c, g, "directory: tls_cert_file and tls_key_file go "
		    "together");
		return -1;
	}
	if (*d->bind_dn == '\0' || d->tls == CFG_TLS_STARTTLS ||
	    d->allow_cleartext_password)
		return 0;
	for (i = 0; i < d->nuri; i++) {
		if (strncmp(d->uri[i], "ldap://", 7) != 0 ||
		    uri_is_local(d->uri[i]))
			continue;
		seterr(c, config_setting_get_elem(l, (unsigned int)i),
		    "directory.uri: \"%s\" would carry the bind password in "
		    "clear; use ldaps://, tls = \"starttls\", or set "
		    "allow_cleartext_password = true", d->uri[i]);
		return -1;
	}
	return 0;
}

static int
parse_directory(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_directory	*d = &cfg->directory;
	config_setting_t	*g, *l;
	const char		*w = "directory";
	size_t			 i;

	if (get_group(c, root, w, directory_keys, &g) == -1)
		return -1;
	if (g == NULL) {
		seterr(c, NULL, "missing required group 'directory'");
		return -1;
	}
	if (get_strlist(c, g, w, "uri", 1, &d->uri, &d->nuri, &l) == -1)
		return -1;
	for (i = 0; i < d->nuri; i++) {
		if (strncmp(d->uri[i], "ldap://", 7) != 0 &&
		    strncmp(d->uri[i], "ldaps://", 8) != 0 &&
		    strncmp(d->uri[i], "ldapi://", 8) != 0) {
			seterr(c, config_setting_get_elem(l, (unsigned int)i),
			    "directory.uri: \"%s\" is not an ldap://, "
			    "ldaps:// or ldapi:// URI", d->uri[i]);
			return -1;
		}
	}
	if (get_str(c, g, w, "base", 1, &d->base) == -1 ||
	    get_str(c, g, w, "kunci_base", 0, &d->kunci_base) == -1 ||
	    get_str(c, g, w, "people_base", 0, &d->people_base) == -1 ||
	    get_str(c, g, w, "groups_base", 0, &d->groups_base) == -1 ||
	    get_str(c, g, w, "bind_dn", 0, &d->bind_dn) == -1 ||
	    get_path(c, g, w, "bind_password_file", 1,
	    &d->bind_password_file, &c->pwline) == -1 ||
	    get_duration(c, g, w, "connect_timeout", 0, 1,
	    &d->connect_timeout, NULL) == -1 ||
	    get_duration(c, g, w, "timeout", 0, 1, &d->timeout, NULL) == -1 ||
	    get_duration(c, g, w, "heartbeat", 0, 1, &d->heartbeat,
	    NULL) == -1 ||
	    get_duration(c, g, w, "heartbeat_timeout", 0, 1,
	    &d->heartbeat_timeout, NULL) == -1)
		return -1;
	/* a slower probe would not notice a silent directory in time */
	if (d->heartbeat > 60 || d->heartbeat_timeout > 60) {
		const char *k = d->heartbeat > 60 ? "heartbeat" :
		    "heartbeat_timeout";

		seterr(c, config_setting_get_member(g, k),
		    "directory.%s: must not exceed 1m", k);
		return -1;
	}
	if ((*d->bind_dn == '\0') != (*d->bind_password_file == '\0')) {
		seterr(c, g, "directory: bind_dn and bind_password_file go "
		    "together (both set, or both empty for SASL EXTERNAL)");
		return -1;
	}
	if (parse_tls(c, g, d, l) == -1)
		return -1;
	/* derived defaults, so that the dump shows the effective value */
	if (derive_base(c, g, &d->kunci_base, "ou=kunci,", d->base) == -1 ||
	    derive_base(c, g, &d->people_base, "ou=people,", d->base) == -1 ||
	    derive_base(c, g, &d->groups_base, "ou=groups,", d->base) == -1)
		return -1;
	return 0;
}

static int
parse_agent(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	struct cfg_agent	*a = &cfg->agent;
	config_setting_t	*g, *m;
	const char		*w = "agent";
	int			 lang = (int)a->language;
	int			 sched = (int)a->scheduler;

	if (get_group(c, root, w, agent_keys, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	if (get_str(c, g, w, "user", 0, &a->user) == -1 ||
	    get_path(c, g, w, "admin_socket", 0, &a->admin_socket,
	    NULL) == -1 ||
	    get_path(c, g, w, "query_socket", 0, &a->query_socket,
	    NULL) == -1 ||
	    get_path(c, g, w, "state_dir", 0, &a->state_dir, NULL) == -1 ||
	    get_str(c, g, w, "timezone", 0, &a->timezone) == -1 ||
	    get_enum(c, g, w, "language", 0, lang_names, CFG_LANG_COUNT,
	    &lang) == -1 ||
	    get_strlist(c, g, w, "admins", 0, &a->admins, &a->nadmins,
	    NULL) == -1 ||
	    get_int(c, g, w, "admin_workers", 1, 64, &a->admin_workers) ==
	    -1 ||
	    get_int(c, g, w, "admin_per_uid", 1, 1000, &a->admin_per_uid) ==
	    -1 ||
	    get_duration(c, g, w, "admin_lifetime", 0, 1, &a->admin_lifetime,
	    NULL) == -1 ||
	    get_int(c, g, w, "admin_requests", 1, 1000000,
	    &a->admin_requests) == -1 ||
	    get_duration(c, g, w, "admin_command_timeout", 0, 1,
	    &a->admin_command_timeout, NULL) == -1 ||
	    get_enum(c, g, w, "scheduler", 0, sched_names, CFG_SCHED_COUNT,
	    &sched) == -1)
		return -1;
	a->language = (enum cfg_language)lang;
	a->scheduler = (enum cfg_sched)sched;
	if (*a->user == '\0') {
		seterr(c, config_setting_get_member(g, "user"),
		    "agent.user: must not be empty");
		return -1;
	}
	if (!valid_zone(a->timezone)) {
		m = config_setting_get_member(g, "timezone");
		seterr(c, m, "agent.timezone: \"%s\" is not a time zone "
		    "under " ZONEINFO, a->timezone);
		return -1;
	}
	return 0;
}

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
		seterr(c, e, "calendar.office_hours: \"%s\": the hours must "
		    "be HH:MM-HH:MM, opening before closing", config_setting_get_string(e));
		return -1;
	}
	for (;; a = (a + 1) % 7) {
		if (*seen & (1U << a)) {
			seterr(c, e, "calendar.office_hours: %s is given twice",
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
	seterr(c, e, "calendar.office_hours: \"%s\" is not \"DAY[-DAY] "
	    "HH:MM-HH:MM\" (days: sun mon tue wed thu fri sat)",
	    config_setting_get_string(e));
	return -1;
}

static int
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
				seterr(c, config_setting_get_elem(l,
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
			seterr(c, config_setting_get_elem(l, (unsigned int)i),
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
				seterr(c, l, "calendar.office_hours: no hours "
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

static int
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
static char **
office_field(struct cfg_office *o, size_t i)
{
	char	**f[] = { &o->government, &o->name, &o->address, &o->phone,
	    &o->email, &o->website, &o->city };

	return i < sizeof(f) / sizeof(f[0]) ? f[i] : NULL;
}

static const char *
office_str(const struct cfg_office *o, size_t i)
{
	const char	*f[] = { o->government, o->name, o->address, o->phone,
	    o->email, o->website, o->city };

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
		seterr(c, config_setting_get_member(g, key), "%s.%s: longer "
		    "than %d bytes", where, key, CFG_FORM_TEXT_MAX);
		return -1;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			seterr(c, config_setting_get_member(g, key), "%s.%s: "
			    "must be one line of text", where, key);
			return -1;
		}
	return 0;
}

static int
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
		seterr(c, config_setting_get_member(g, "email"), "office.email: "
		    "\"%s\" is not an e-mail address", o->email);
		return -1;
	}
	if (strchr(o->website, ' ') != NULL) {
		seterr(c, config_setting_get_member(g, "website"),
		    "office.website: \"%s\" has a space", o->website);
		return -1;
	}
	if (o->name[0] == '\0' && (o->government[0] != '\0' ||
	    o->address[0] != '\0')) {
		seterr(c, g, "office: government and address need name (the "
		    "Dinas)");
		return -1;
	}
	return 0;
}

static int
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
static int
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
		seterr(c, g, "sop_totals: expected a group { WORKFLOW = "
		    "\"DURATION\"; ... }");
		return -1;
	}
	n = (unsigned int)config_setting_length(g);
	if (n > 0 && (cfg->sop_totals = calloc(n,
	    sizeof(*cfg->sop_totals))) == NULL) {
		seterr(c, g, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, i);
		name = config_setting_name(e);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			seterr(c, e, "sop_totals.%s: expected a duration "
			    "string such as \"22m\"", name);
			return -1;
		}
		v = config_setting_get_string(e);
		if (u_parse_duration(v, 1, &secs, &bd, &errstr) == -1 ||
		    secs == 0) {
			seterr(c, e, "sop_totals.%s: bad duration \"%s\": %s",
			    name, v, errstr != NULL ? errstr : "zero");
			return -1;
		}
		if (cfg_workflow(cfg, name) == NULL) {
			seterr(c, e, "sop_totals.%s: unknown workflow", name);
			return -1;
		}
		if ((cfg->sop_totals[i].workflow = strdup(name)) == NULL) {
			seterr(c, e, "out of memory");
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
static int
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
		seterr(c, m, "out of memory");
		goto out;
	}
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(m, (unsigned int)i);
		if (!config_setting_is_array(e) || config_setting_length(e) !=
		    2) {
			seterr(c, e, "review.%s: element %zu: expected "
			    "[ \"...\", \"...\" ]", key, i + 1);
			goto out;
		}
		for (j = 0; j < 2; j++) {
			v = config_setting_get_elem(e, (unsigned int)j);
			if (config_setting_type(v) != CONFIG_TYPE_STRING ||
			    *config_setting_get_string(v) == '\0') {
				seterr(c, e, "review.%s: element %zu: "
				    "expected two non-empty strings", key,
				    i + 1);
				goto out;
			}
			if ((out[2 * i + j] = strdup(
			    config_setting_get_string(v))) == NULL) {
				seterr(c, e, "out of memory");
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

static int
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
			seterr(c, l, "out of memory");
			goto out;
		}
		for (i = 0; i < nrem; i++) {
			if (u_parse_duration(rem[i], 0, &v[i], &bd,
			    &errstr) == -1 || v[i] <= 0) {
				seterr(c, config_setting_get_elem(l,
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
		seterr(c, m, "%s: \"%.64s\" is not an absolute path without "
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
		seterr(c, m != NULL ? m : g, "provision.uid_min: %d is below "
		    "provision.minimum_uid %d (pam_kunci's minimum_uid=): "
		    "pam_kunci would not gate these accounts", p->uid_min,
		    p->minimum_uid);
		return -1;
	}
	if (p->uid_max < p->uid_min) {
		m = config_setting_get_member(g, "uid_max");
		seterr(c, m != NULL ? m : g, "provision.uid_max: %d is below "
		    "provision.uid_min %d", p->uid_max, p->uid_min);
		return -1;
	}
	if (p->gid > 0 && p->gid < 100) {
		seterr(c, config_setting_get_member(g, "gid"), "provision.gid: "
		    "%d is a system group (0 = the uid number, or 100 and up)",
		    p->gid);
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
		seterr(c, list, "out of memory");
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
			seterr(c, config_setting_get_member(e, "resource"),
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

static int
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
		seterr(c, g, "provision.password_alphabet: 2 or more distinct "
		    "printable ASCII characters, no spaces");
		return -1;
	}
	return parse_accounts(c, p, g);
}

static int
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
		seterr(c, config_setting_get_member(g, "smtp_host"),
		    "notify.smtp_host: \"%s\" is not an IPv4 or IPv6 address "
		    "(names are not looked up)", n->smtp_host);
		return -1;
	}
	if (n->mail == CFG_MAIL_SENDMAIL && n->sendmail[0] == '\0') {
		seterr(c, g, "notify.sendmail: must be set when notify.mail "
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
		seterr(c, config_setting_get_member(g, "page_url"),
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
		seterr(c, m != NULL ? m : g, "notify.from: \"%s\" is not an "
		    "address such as \"kunci@example.org\" or \"kunci "
		    "<kunci@example.org>\"", n->from);
		return -1;
	}
	return 0;
}

/* The office's signing certificate: all three paths, or none. */
static int
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
		seterr(c, g, "signing: set certificate, key and ca together, "
		    "or none");
		return -1;
	}
	return 0;
}

/* The audit chain (chain.h, audit.c): its host name and checkpoint key. */
static int
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
	    &a->checkpoint_interval, NULL) == -1)
		return -1;
	for (i = 0; a->host[i] != '\0'; i++)
		if (!((a->host[i] >= 'a' && a->host[i] <= 'z') ||
		    (a->host[i] >= 'A' && a->host[i] <= 'Z') ||
		    (a->host[i] >= '0' && a->host[i] <= '9') ||
		    a->host[i] == '.' || a->host[i] == '-') || i >= 64) {
			seterr(c, g, "audit.host: 1 to 64 letters, digits, dots "
			    "and hyphens: %.80s", a->host);
			return -1;
		}
	if ((a->certificate[0] != '\0') != (a->key[0] != '\0')) {
		seterr(c, g, "audit: set certificate and key together, or "
		    "neither");
		return -1;
	}
	return 0;
}

static int
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
			seterr(c, list, "out of memory");
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
			seterr(c, list, "out of memory");
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
				seterr(c, config_setting_get_member(e,
				    "resource"), "%s.resource: '*' is only "
				    "allowed at the end", where);
				return -1;
			}
		}
	}
	return 0;
}

int
is_builtin_role(const char *name)
{
	return strcmp(name, CFG_ROLE_SUPERIOR) == 0 ||
	    strcmp(name, CFG_ROLE_REQUESTER) == 0 ||
	    strcmp(name, CFG_ROLE_OWNER) == 0 ||
	    strcmp(name, CFG_ROLE_DISPOSED) == 0;
}

static int
parse_roles(struct ctx *c, struct kunci_cfg *cfg, config_setting_t *root)
{
	config_setting_t	*g, *e, *m;
	struct cfg_role		*r;
	char			 where[128];
	size_t			 i, n;

	if (get_group(c, root, "roles", NULL, &g) == -1)
		return -1;
	if (g == NULL)
		return 0;
	n = (size_t)config_setting_length(g);
	if ((cfg->roles = calloc(n + 1, sizeof(*cfg->roles))) == NULL) {
		seterr(c, g, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		r = &cfg->roles[i];
		cfg->nroles = i + 1;
		snprintf(where, sizeof(where), "roles.%s",
		    config_setting_name(e));
		if (setstr(c, e, &r->name, config_setting_name(e)) == -1 ||
		    setstr(c, e, &r->escalate_to, "") == -1)
			return -1;
		if (is_builtin_role(r->name)) {
			seterr(c, e, "%s: \"%s\" is a built-in role name",
			    where, r->name);
			return -1;
		}
		if (check_keys(c, e, where, role_keys) == -1 ||
		    get_str(c, e, where, "group", 1, &r->group) == -1 ||
		    get_str(c, e, where, "label_id", 1, &r->label_id) == -1 ||
		    get_str(c, e, where, "label_en", 1, &r->label_en) == -1 ||
		    get_str(c, e, where, "escalate_to", 0,
		    &r->escalate_to) == -1)
			return -1;
		if (strchr(r->group, '=') == NULL) {
			m = config_setting_get_member(e, "group");
			seterr(c, m, "%s.group: \"%s\" is not a DN", where,
			    r->group);
			return -1;
		}
	}
	/* escalation targets, now that every role is known */
	for (i = 0; i < cfg->nroles; i++) {
		r = &cfg->roles[i];
		if (*r->escalate_to != '\0' &&
		    cfg_role(cfg, r->escalate_to) == NULL) {
			e = config_setting_get_elem(g, (unsigned int)i);
			seterr(c, config_setting_get_member(e, "escalate_to"),
			    "roles.%s.escalate_to: unknown role \"%s\"",
			    r->name, r->escalate_to);
			return -1;
		}
	}
	return 0;
}

/*
 * A secret-bearing file must be a readable regular file with no group or
 * world bits.  missing_ok: a file kuncid creates itself may be absent.
 */
static int
check_secret_file(struct ctx *c, const char *key, const char *path,
    int line, int missing_ok)
{
	struct stat	 st;
	int		 fd, rc = -1;
	char		 pfx[64] = "";

	if (line > 0)
		snprintf(pfx, sizeof(pfx), ":%d", line);
	/* O_NONBLOCK: a FIFO is refused below, not waited on */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		if (errno == ENOENT && missing_ok)
			rc = 0;
		else
			snprintf(c->err, c->errsz, "%s%s: %s %s: %s", c->path,
			    pfx, key, path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(c->err, c->errsz, "%s%s: %s %s: %s", c->path, pfx,
		    key, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(c->err, c->errsz, "%s%s: %s %s: not a regular file",
		    c->path, pfx, key, path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(c->err, c->errsz, "%s%s: %s %s: mode %04o is group- "
		    "or world-readable", c->path, pfx, key, path,
		    (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	return rc;
}

static int
set_defaults(struct ctx *c, struct kunci_cfg *cfg)
{
	struct cfg_directory	*d = &cfg->directory;
	struct cfg_agent	*a = &cfg->agent;
	struct cfg_login	*l = &cfg->login;

	if ((d->uri = calloc(2, sizeof(*d->uri))) == NULL)
		goto nomem;
	d->nuri = 1;
	if (setstr(c, NULL, &d->uri[0], "ldapi:///") == -1 ||
	    setstr(c, NULL, &d->base, "") == -1 ||
	    setstr(c, NULL, &d->kunci_base, "") == -1 ||
	    setstr(c, NULL, &d->people_base, "") == -1 ||
	    setstr(c, NULL, &d->groups_base, "") == -1 ||
	    setstr(c, NULL, &d->bind_dn, "") == -1 ||
	    setstr(c, NULL, &d->bind_password_file, "") == -1 ||
	    setstr(c, NULL, &d->tls_ca_file, "") == -1 ||
	    setstr(c, NULL, &d->tls_cert_file, "") == -1 ||
	    setstr(c, NULL, &d->tls_key_file, "") == -1 ||
	    setstr(c, NULL, &a->user, "_kunci") == -1 ||
	    setstr(c, NULL, &a->admin_socket, "/run/kunci/admin.sock") == -1 ||
	    setstr(c, NULL, &a->query_socket, "/run/kunci/query.sock") == -1 ||
	    setstr(c, NULL, &a->state_dir, "/var/lib/kunci") == -1 ||
	    setstr(c, NULL, &a->timezone, "Asia/Jakarta") == -1 ||
	    setstr(c, NULL, &l->snapshot_key_file,
	    "/etc/kunci/snapshot.key") == -1 ||
	    setstr(c, NULL, &cfg->office.government, "") == -1 ||
	    setstr(c, NULL, &cfg->office.name, "") == -1 ||
	    setstr(c, NULL, &cfg->office.address, "") == -1 ||
	    setstr(c, NULL, &cfg->office.phone, "") == -1 ||
	    setstr(c, NULL, &cfg->office.email, "") == -1 ||
	    setstr(c, NULL, &cfg->office.website, "") == -1 ||
	    setstr(c, NULL, &cfg->office.city, "") == -1 ||
	    setstr(c, NULL, &cfg->signing.certificate, "") == -1 ||
	    setstr(c, NULL, &cfg->signing.key, "") == -1 ||
	    setstr(c, NULL, &cfg->signing.ca, "") == -1 ||
	    setstr(c, NULL, &cfg->audit.host, "") == -1 ||
	    setstr(c, NULL, &cfg->audit.certificate, "") == -1 ||
	    setstr(c, NULL, &cfg->audit.key, "") == -1 ||
	    setstr(c, NULL, &cfg->visits.workflow, "") == -1 ||
	    setstr(c, NULL, &cfg->visits.route_role, "") == -1 ||
	    setstr(c, NULL, &cfg->removal.workflow, "") == -1 ||
	    setstr(c, NULL, &cfg->review.escalate_to, "") == -1 ||
	    setstr(c, NULL, &cfg->review.workflow, "") == -1 ||
	    setstr(c, NULL, &cfg->provision.account_base, "") == -1 ||
	    setstr(c, NULL, &cfg->provision.home_base, "/home") == -1 ||
	    setstr(c, NULL, &cfg->provision.shell, "/usr/sbin/nologin") ==
	    -1 ||
	    setstr(c, NULL, &cfg->provision.password_alphabet,
	    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") ==
	    -1 ||
	    setstr(c, NULL, &cfg->notify.smtp_host, "127.0.0.1") == -1 ||
	    setstr(c, NULL, &cfg->notify.sendmail, "/usr/sbin/sendmail") ==
	    -1 ||
	    setstr(c, NULL, &cfg->notify.command, "") == -1 ||
	    setstr(c, NULL, &cfg->notify.from, "kunci@localhost") == -1 ||
	    setstr(c, NULL, &cfg->notify.page_url, "") == -1)
		return -1;
	cfg->provision.password_length = 16;
	cfg->provision.expiry_warning = 7 * (int64_t)U_DAY;
	cfg->provision.minimum_uid = 1000;
	cfg->provision.uid_min = 20000;
	cfg->provision.uid_max = 29999;
	cfg->audit.checkpoint_interval = 3600;
	cfg->notify.mail = CFG_MAIL_SMTP;
	cfg->notify.smtp_port = 25;
	cfg->notify.timeout = 30;
	cfg->notify.retry = 60;
	cfg->notify.retry_max = 3600;
	cfg->notify.give_up = 3 * (int64_t)U_DAY;
	cfg->visits.max_guests_per_escort = 3;
	cfg->visits.grace = 15 * 60;
	cfg->review.interval = 90 * (int64_t)U_DAY;
	cfg->review.unused_after = 90 * (int64_t)U_DAY;
	cfg->review.deadline = 14 * (int64_t)U_DAY;
	cfg->review.grace = 3 * (int64_t)U_DAY;
	cfg->review.on_silence = CFG_SILENCE_ESCALATE;
	d->connect_timeout = 3;
	d->timeout = 5;
	d->heartbeat = 1;
	d->heartbeat_timeout = 3;
	a->language = CFG_LANG_ID;
	a->admin_workers = 4;
	a->admin_per_uid = 4;
	a->admin_lifetime = 60;
	a->admin_requests = 100;
	a->admin_command_timeout = 15;
	cfg->calendar.work_week = 0x3e;		/* mon..fri */
	cfg->requests.max_duration = 365 * (int64_t)U_DAY;
	cfg->requests.pending_expiry = 30 * (int64_t)U_DAY;
	cfg->requests.max_reason = 1000;
	l->offline = CFG_OFFLINE_DENY;		/* fail closed */
	l->offline_max_age = 12 * 3600;
	l->last_used_granularity = U_DAY;
	l->query_timeout = 2;
	return 0;
nomem:
	seterr(c, NULL, "out of memory");
	return -1;
}

/*
 * The whole file as one string for config_read_string(), or NULL with the
 * error set.  Why not config_read() on the stream: libconfig's scanner
 * follows "@include" on its own, and an include naming a directory makes it
 * exit the whole process ("input in flex scanner failed"), one naming a
 * FIFO blocks it.  kunci's configuration is one file, checked key by key,
 * so a line starting with '@' (libconfig's only use of it) is refused here
 * with its line number; so is a NUL byte, which would end the string early
 * and drop the rest of the file unseen.
 */
static char *
read_whole(struct ctx *c, FILE *fp, const struct stat *st)
{
	char	*text, *p;
	size_t	 n;
	int	 line = 1, bol = 1;

	if (st->st_size > CFG_FILE_MAX) {
		seterr(c, NULL, "larger than %d bytes", CFG_FILE_MAX);
		return NULL;
	}
	if ((text = malloc((size_t)st->st_size + 1)) == NULL) {
		seterr(c, NULL, "out of memory");
		return NULL;
	}
	n = fread(text, 1, (size_t)st->st_size, fp);
	if (ferror(fp) || getc(fp) != EOF) {
		seterr(c, NULL, "read error or changed while read");
		free(text);
		return NULL;
	}
	text[n] = '\0';
	for (p = text; p < text + n; p++) {
		if (*p == '\0') {
			snprintf(c->err, c->errsz, "%s:%d: a NUL byte",
			    c->path, line);
			free(text);
			return NULL;
		}
		if (bol && *p == '@') {
			snprintf(c->err, c->errsz, "%s:%d: @include and other "
			    "directives are not supported", c->path, line);
			free(text);
			return NULL;
		}
		if (*p == '\n') {
			line++;
			bol = 1;
		} else if (*p != ' ' && *p != '\t' && *p != '\r')
			bol = 0;
	}
	return text;
}

struct kunci_cfg *
cfg_load(const char *path, char *err, size_t errsz)
{
	struct ctx		 c;
	struct kunci_cfg	*cfg = NULL;
	config_t		 lc;
	config_setting_t	*root;
	const struct cfg_role	*r;
	FILE			*fp = NULL;
	char			*text = NULL;
	size_t			 i;
	int			 fd = -1;
	struct stat		 st;
	int			 ok = 0;

	memset(&c, 0, sizeof(c));
	c.path = path;
	c.err = err;
	c.errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';
	config_init(&lc);
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (cfg->path = strdup(path)) == NULL) {
		seterr(&c, NULL, "out of memory");
		goto out;
	}
	if (set_defaults(&c, cfg) == -1)
		goto out;
	/*
	 * Open it ourselves (config_read_file() hides errno), without
	 * blocking on a FIFO, and refuse anything but a regular file: a
	 * directory opens but cannot be read.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1 || (fp = fdopen(fd, "r")) == NULL) {
		seterr(&c, NULL, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		seterr(&c, NULL, "not a regular file");
		goto out;
	}
	if ((text = read_whole(&c, fp, &st)) == NULL)
		goto out;
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		snprintf(err, errsz, "%s:%d: %s",
		    config_error_file(&lc) != NULL ? config_error_file(&lc) :
		    path, config_error_line(&lc), config_error_text(&lc));
		goto out;
	}
	root = config_root_setting(&lc);
	if (check_keys(&c, root, "top level", top_keys) == -1 ||
	    parse_directory(&c, cfg, root) == -1 ||
	    parse_agent(&c, cfg, root) == -1 ||
	    parse_calendar(&c, cfg, root) == -1 ||
	    parse_requests(&c, cfg, root) == -1 ||
	    parse_login(&c, cfg, root) == -1 ||
	    parse_office(&c, cfg, root) == -1 ||
	    parse_signing(&c, cfg, root) == -1 ||
	    parse_audit(&c, cfg, root) == -1 ||
	    parse_visits(&c, cfg, root) == -1 ||
	    parse_removal(&c, cfg, root) == -1 ||
	    cfg_dlg_parse(&c, cfg, root) == -1 ||
	    parse_review(&c, cfg, root) == -1 ||
	    parse_provision(&c, cfg, root) == -1 ||
	    parse_notify(&c, cfg, root) == -1 ||
	    parse_roles(&c, cfg, root) == -1 ||
	    cfg_wf_parse(&c, cfg, root) == -1 ||
	    parse_sop_totals(&c, cfg, root) == -1)
		goto out;
	if (cfg->visits.route_role[0] != '\0' &&
	    cfg_role(cfg, cfg->visits.route_role) == NULL) {
		seterr(&c, config_lookup(&lc, "visits.route_role"),
		    "visits.route_role: unknown role \"%s\"",
		    cfg->visits.route_role);
		goto out;
	}
	for (i = 0; i < cfg->visits.nroute; i++) {
		const char *rt = cfg->visits.route[i], *colon = strchr(rt, ':');

		if (colon == NULL || !((colon - rt == 7 &&
		    strncmp(rt, "network", 7) == 0) || (colon - rt == 7 &&
		    strncmp(rt, "servers", 7) == 0)) ||
		    cfg_role(cfg, colon + 1) == NULL) {
			seterr(&c, config_lookup(&lc, "visits.route"),
			    "visits.route: \"%s\" is not network:ROLE or "
			    "servers:ROLE with a known role", rt);
			goto out;
		}
	}
	if (cfg->visits.workflow[0] != '\0' &&
	    cfg_workflow(cfg, cfg->visits.workflow) == NULL) {
		seterr(&c, config_lookup(&lc, "visits.workflow"),
		    "visits.workflow: unknown workflow \"%s\"",
		    cfg->visits.workflow);
		goto out;
	}
	if (cfg->removal.workflow[0] != '\0' &&
	    cfg_workflow(cfg, cfg->removal.workflow) == NULL) {
		seterr(&c, config_lookup(&lc, "removal.workflow"),
		    "removal.workflow: unknown workflow \"%s\"",
		    cfg->removal.workflow);
		goto out;
	}
	if (cfg->review.workflow[0] != '\0' &&
	    cfg_workflow(cfg, cfg->review.workflow) == NULL) {
		seterr(&c, config_lookup(&lc, "review.workflow"),
		    "review.workflow: unknown workflow \"%s\"",
		    cfg->review.workflow);
		goto out;
	}
	if (cfg->review.escalate_to[0] != '\0' &&
	    cfg_role(cfg, cfg->review.escalate_to) == NULL) {
		seterr(&c, config_lookup(&lc, "review.escalate_to"),
		    "review.escalate_to: unknown role \"%s\"",
		    cfg->review.escalate_to);
		goto out;
	}
	for (i = 0; i < cfg->agent.nadmins; i++) {
		if ((r = cfg_role(cfg, cfg->agent.admins[i])) == NULL) {
			config_setting_t *l =
			    config_lookup(&lc, "agent.admins");

			seterr(&c, config_setting_get_elem(l, (unsigned int)i),
			    "agent.admins: unknown role \"%s\"",
			    cfg->agent.admins[i]);
			goto out;
		}
	}
	/* permissions last, so that syntax is reported first */
	if (*cfg->directory.bind_password_file != '\0' &&
	    check_secret_file(&c, "bind_password_file",
	    cfg->directory.bind_password_file, c.pwline, 0) == -1)
		goto out;
	if (check_secret_file(&c, "snapshot_key_file",
	    cfg->login.snapshot_key_file, c.keyline, 1) == -1)
		goto out;
	ok = 1;
out:
	if (fp != NULL)
		fclose(fp);
	free(text);
	config_destroy(&lc);
	if (!ok) {
		cfg_free(cfg);
		cfg = NULL;
	}
	return cfg;
}

void
cfg_free(struct kunci_cfg *cfg)
{
	size_t			 i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free_list(cfg->directory.uri, cfg->directory.nuri);
	free(cfg->directory.base);
	free(cfg->directory.kunci_base);
	free(cfg->directory.people_base);
	free(cfg->directory.groups_base);
	free(cfg->directory.bind_dn);
	free(cfg->directory.bind_password_file);
	free(cfg->directory.tls_ca_file);
	free(cfg->directory.tls_cert_file);
	free(cfg->directory.tls_key_file);
	for (i = 0; office_keys[i] != NULL; i++)
		free(*office_field(&cfg->office, i));
	free(cfg->signing.certificate);
	free(cfg->signing.key);
	free(cfg->signing.ca);
	free(cfg->audit.host);
	free(cfg->audit.certificate);
	free(cfg->audit.key);
	free(cfg->provision.account_base);
	free(cfg->provision.password_alphabet);
	free(cfg->provision.home_base);
	free(cfg->provision.shell);
	for (i = 0; i < cfg->provision.nshells; i++) {
		free(cfg->provision.shells[i].resource);
		free(cfg->provision.shells[i].shell);
	}
	free(cfg->provision.shells);
	free(cfg->notify.smtp_host);
	free(cfg->notify.sendmail);
	free(cfg->notify.command);
	free(cfg->notify.from);
	free(cfg->notify.page_url);
	free(cfg->visits.workflow);
	free(cfg->visits.route_role);
	free_list(cfg->visits.route, cfg->visits.nroute);
	for (i = 0; i < cfg->nsop_totals; i++)
		free(cfg->sop_totals[i].workflow);
	free(cfg->sop_totals);
	free(cfg->removal.workflow);
	free(cfg->review.escalate_to);
	free(cfg->review.workflow);
	free(cfg->review.reminders);
	free_list(cfg->review.incompatible, 2 * cfg->review.nincompatible);
	free_list(cfg->review.units, 2 * cfg->review.nunits);
	free(cfg->agent.user);
	free(cfg->agent.admin_socket);
	free(cfg->agent.query_socket);
	free(cfg->agent.state_dir);
	free(cfg->agent.timezone);
	free_list(cfg->agent.admins, cfg->agent.nadmins);
	free_list(cfg->calendar.holidays, cfg->calendar.nholidays);
	for (i = 0; i < cfg->login.nservices; i++) {
		free(cfg->login.services[i].service);
		free(cfg->login.services[i].resource);
	}
	free(cfg->login.services);
	free_list(cfg->login.unmanaged, cfg->login.nunmanaged);
	for (i = 0; i < cfg->login.npolicies; i++)
		free(cfg->login.policies[i].resource);
	free(cfg->login.policies);
	free(cfg->login.snapshot_key_file);
	for (i = 0; i < cfg->nroles; i++) {
		free(cfg->roles[i].name);
		free(cfg->roles[i].group);
		free(cfg->roles[i].label_id);
		free(cfg->roles[i].label_en);
		free(cfg->roles[i].escalate_to);
	}
	free(cfg->roles);
	cfg_wf_free(cfg);
	free(cfg);
}

const struct cfg_role *
cfg_role(const struct kunci_cfg *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->nroles; i++)
		if (cfg->roles[i].name != NULL &&
		    strcmp(cfg->roles[i].name, name) == 0)
			return &cfg->roles[i];
	return NULL;
}

const char *
cfg_offline_name(enum cfg_offline o)
{
	return (unsigned int)o < CFG_OFFLINE_COUNT ? offline_names[o] : "?";
}

/* a libconfig string literal: \" \\ and \xNN for control bytes */
void
put_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(fp, "\\x%02x", (unsigned int)(unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

void
put_kv(FILE *fp, const char *indent, const char *key, const char *v)
{
	fprintf(fp, "%s%s = ", indent, key);
	put_str(fp, v);
	fputs(";\n", fp);
}

void
put_dur(FILE *fp, const char *indent, const char *key, int64_t v, int bd)
{
	char	buf[32];

	if (u_format_duration(v, bd, buf, sizeof(buf)) == -1)
		u_strlcpy(buf, "?", sizeof(buf));
	put_kv(fp, indent, key, buf);
}

void
put_list(FILE *fp, const char *indent, const char *key, char *const *v,
    size_t n)
{
	size_t	i;

	fprintf(fp, "%s%s = [", indent, key);
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? " " : ", ", fp);
		put_str(fp, v[i]);
	}
	fputs(" ];\n", fp);
}

int
cfg_dump(const struct kunci_cfg *cfg, FILE *fp)
{
	const struct cfg_directory *d = &cfg->directory;
	const struct cfg_agent	*a = &cfg->agent;
	const struct cfg_login	*l = &cfg->login;
	const char		*days[7];
	size_t			 i, n;

	/* no path or date here: a dump of a dump must be identical */
	fputs("# kunci effective configuration\n\ndirectory = {\n", fp);
	put_list(fp, "\t", "uri", d->uri, d->nuri);
	put_kv(fp, "\t", "base", d->base);
	put_kv(fp, "\t", "kunci_base", d->kunci_base);
	put_kv(fp, "\t", "people_base", d->people_base);
	put_kv(fp, "\t", "groups_base", d->groups_base);
	put_kv(fp, "\t", "bind_dn", d->bind_dn);
	put_kv(fp, "\t", "bind_password_file", d->bind_password_file);
	put_dur(fp, "\t", "connect_timeout", d->connect_timeout, 0);
	put_dur(fp, "\t", "timeout", d->timeout, 0);
	put_dur(fp, "\t", "heartbeat", d->heartbeat, 0);
	put_dur(fp, "\t", "heartbeat_timeout", d->heartbeat_timeout, 0);
	put_kv(fp, "\t", "tls", tls_names[d->tls]);
	put_kv(fp, "\t", "tls_ca_file", d->tls_ca_file);
	put_kv(fp, "\t", "tls_require_cert",
	    tls_req_names[d->tls_require_cert]);
	put_kv(fp, "\t", "tls_cert_file", d->tls_cert_file);
	put_kv(fp, "\t", "tls_key_file", d->tls_key_file);
	fprintf(fp, "\tallow_cleartext_password = %s;\n",
	    d->allow_cleartext_password ? "true" : "false");
	fputs("};\n\nagent = {\n", fp);
	put_kv(fp, "\t", "user", a->user);
	put_kv(fp, "\t", "admin_socket", a->admin_socket);
	put_kv(fp, "\t", "query_socket", a->query_socket);
	put_kv(fp, "\t", "state_dir", a->state_dir);
	put_kv(fp, "\t", "timezone", a->timezone);
	put_kv(fp, "\t", "language", lang_names[a->language]);
	put_list(fp, "\t", "admins", a->admins, a->nadmins);
	fprintf(fp, "\tadmin_workers = %d;\n", a->admin_workers);
	fprintf(fp, "\tadmin_per_uid = %d;\n", a->admin_per_uid);
	put_dur(fp, "\t", "admin_lifetime", a->admin_lifetime, 0);
	fprintf(fp, "\tadmin_requests = %d;\n", a->admin_requests);
	put_dur(fp, "\t", "admin_command_timeout", a->admin_command_timeout,
	    0);
	put_kv(fp, "\t", "scheduler", sched_names[a->scheduler]);
	fputs("};\n\ncalendar = {\n", fp);
	for (i = 1, n = 0; i <= 7; i++)		/* Monday first */
		if (cfg->calendar.work_week & (1U << (i % 7)))
			days[n++] = day_names[i % 7];
	/* put_list() takes the struct's char **; these are read only */
	put_list(fp, "\t", "work_week", (char *const *)(uintptr_t)days, n);
	put_list(fp, "\t", "holidays", cfg->calendar.holidays,
	    cfg->calendar.nholidays);
	if (cfg->calendar.office_hours) {
		fputs("\toffice_hours = [", fp);
		for (i = 1, n = 0; i <= 7; i++)		/* Monday first */
			if (cfg->calendar.work_week & (1U << (i % 7)))
				fprintf(fp, "%s\"%s %02d:%02d-%02d:%02d\"",
				    n++ == 0 ? " " : ", ", day_names[i % 7],
				    cfg->calendar.open[i % 7] / 60,
				    cfg->calendar.open[i % 7] % 60,
				    cfg->calendar.close[i % 7] / 60,
				    cfg->calendar.close[i % 7] % 60);
		fputs(" ];\n", fp);
	}
	fputs("};\n\nrequests = {\n", fp);
	put_dur(fp, "\t", "max_duration", cfg->requests.max_duration, 0);
	put_dur(fp, "\t", "pending_expiry", cfg->requests.pending_expiry, 0);
	fprintf(fp, "\tmax_reason = %d;\n", cfg->requests.max_reason);
	fputs("};\n\noffice = {\n", fp);
	for (i = 0; office_keys[i] != NULL; i++)
		put_kv(fp, "\t", office_keys[i], office_str(&cfg->office, i));
	fputs("};\n\nsigning = {\n", fp);
	put_kv(fp, "\t", "certificate", cfg->signing.certificate);
	put_kv(fp, "\t", "key", cfg->signing.key);
	put_kv(fp, "\t", "ca", cfg->signing.ca);
	fputs("};\n\naudit = {\n", fp);
	put_kv(fp, "\t", "host", cfg->audit.host);
	put_kv(fp, "\t", "certificate", cfg->audit.certificate);
	put_kv(fp, "\t", "key", cfg->audit.key);
	put_dur(fp, "\t", "checkpoint_interval",
	    cfg->audit.checkpoint_interval, 0);
	fputs("};\n\nprovision = {\n", fp);
	put_kv(fp, "\t", "account_base", cfg->provision.account_base);
	fprintf(fp, "\tpassword_length = %d;\n",
	    cfg->provision.password_length);
	put_kv(fp, "\t", "password_alphabet", cfg->provision.password_alphabet);
	put_dur(fp, "\t", "expiry_warning", cfg->provision.expiry_warning, 0);
	fprintf(fp, "\tminimum_uid = %d;\n\tuid_min = %d;\n\tuid_max = %d;\n"
	    "\tgid = %d;\n", cfg->provision.minimum_uid,
	    cfg->provision.uid_min, cfg->provision.uid_max,
	    cfg->provision.gid);
	put_kv(fp, "\t", "home_base", cfg->provision.home_base);
	put_kv(fp, "\t", "shell", cfg->provision.shell);
	fputs("\tshells = (", fp);
	for (i = 0; i < cfg->provision.nshells; i++) {
		fputs(i == 0 ? "\n\t\t{ resource = " : ",\n\t\t{ resource = ",
		    fp);
		put_str(fp, cfg->provision.shells[i].resource);
		fputs("; shell = ", fp);
		put_str(fp, cfg->provision.shells[i].shell);
		fputs("; }", fp);
	}
	fputs(cfg->provision.nshells > 0 ? "\n\t);\n" : " );\n", fp);
	fputs("};\n\nnotify = {\n", fp);
	put_kv(fp, "\t", "mail", mail_names[cfg->notify.mail]);
	put_kv(fp, "\t", "smtp_host", cfg->notify.smtp_host);
	fprintf(fp, "\tsmtp_port = %d;\n", cfg->notify.smtp_port);
	put_kv(fp, "\t", "sendmail", cfg->notify.sendmail);
	put_kv(fp, "\t", "command", cfg->notify.command);
	put_kv(fp, "\t", "from", cfg->notify.from);
	put_kv(fp, "\t", "page_url", cfg->notify.page_url);
	put_dur(fp, "\t", "timeout", cfg->notify.timeout, 0);
	put_dur(fp, "\t", "retry", cfg->notify.retry, 0);
	put_dur(fp, "\t", "retry_max", cfg->notify.retry_max, 0);
	put_dur(fp, "\t", "give_up", cfg->notify.give_up, 0);
	fputs("};\n\nvisits = {\n", fp);
	put_kv(fp, "\t", "workflow", cfg->visits.workflow);
	fprintf(fp, "\tmax_guests_per_escort = %d;\n",
	    cfg->visits.max_guests_per_escort);
	put_dur(fp, "\t", "grace", cfg->visits.grace, 0);
	put_kv(fp, "\t", "route_role", cfg->visits.route_role);
	put_list(fp, "\t", "route", cfg->visits.route, cfg->visits.nroute);
	put_dur(fp, "\t", "identity_retention", cfg->visits.identity_retention,
	    0);
	fputs("};\n\nsop_totals = {\n", fp);
	for (i = 0; i < cfg->nsop_totals; i++)
		put_dur(fp, "\t", cfg->sop_totals[i].workflow,
		    cfg->sop_totals[i].secs, cfg->sop_totals[i].bd);
	fputs("};\n\nremoval = {\n", fp);
	put_kv(fp, "\t", "workflow", cfg->removal.workflow);
	fputs("};\n\n", fp);
	cfg_dlg_dump(cfg, fp);
	fputs("};\n\nreview = {\n", fp);
	put_dur(fp, "\t", "interval", cfg->review.interval, 0);
	put_dur(fp, "\t", "unused_after", cfg->review.unused_after, 0);
	put_dur(fp, "\t", "deadline", cfg->review.deadline, 0);
	fputs("\treminders = [", fp);
	for (i = 0; i < cfg->review.nreminders; i++) {
		char rb[32];

		if (u_format_duration(cfg->review.reminders[i], 0, rb,
		    sizeof(rb)) == -1)
			u_strlcpy(rb, "?", sizeof(rb));
		fputs(i == 0 ? " " : ", ", fp);
		put_str(fp, rb);
	}
	fputs(" ];\n", fp);
	put_kv(fp, "\t", "on_silence", silence_names[cfg->review.on_silence]);
	put_kv(fp, "\t", "escalate_to", cfg->review.escalate_to);
	put_kv(fp, "\t", "workflow", cfg->review.workflow);
	put_dur(fp, "\t", "grace", cfg->review.grace, 0);
	fputs("\tincompatible = (", fp);
	for (i = 0; i < cfg->review.nincompatible; i++) {
		fputs(i == 0 ? " [ " : ", [ ", fp);
		put_str(fp, cfg->review.incompatible[2 * i]);
		fputs(", ", fp);
		put_str(fp, cfg->review.incompatible[2 * i + 1]);
		fputs(" ]", fp);
	}
	fputs(" );\n\tunits = (", fp);
	for (i = 0; i < cfg->review.nunits; i++) {
		fputs(i == 0 ? " [ " : ", [ ", fp);
		put_str(fp, cfg->review.units[2 * i]);
		fputs(", ", fp);
		put_str(fp, cfg->review.units[2 * i + 1]);
		fputs(" ]", fp);
	}
	fputs(" );\n", fp);
	fputs("};\n\nlogin = {\n\tservices = (", fp);
	for (i = 0; i < l->nservices; i++) {
		fputs(i == 0 ? "\n\t\t{ service = " : ",\n\t\t{ service = ",
		    fp);
		put_str(fp, l->services[i].service);
		fputs("; resource = ", fp);
		put_str(fp, l->services[i].resource);
		fputs("; }", fp);
	}
	fputs(l->nservices > 0 ? "\n\t);\n" : " );\n", fp);
	put_list(fp, "\t", "unmanaged", l->unmanaged, l->nunmanaged);
	put_kv(fp, "\t", "offline", offline_names[l->offline]);
	put_dur(fp, "\t", "offline_max_age", l->offline_max_age, 0);
	fputs("\tpolicies = (", fp);
	for (i = 0; i < l->npolicies; i++) {
		char	buf[32];

		fputs(i == 0 ? "\n\t\t{ resource = " : ",\n\t\t{ resource = ",
		    fp);
		put_str(fp, l->policies[i].resource);
		fprintf(fp, "; offline = \"%s\"; offline_max_age = ",
		    offline_names[l->policies[i].offline]);
		if (u_format_duration(l->policies[i].offline_max_age, 0, buf,
		    sizeof(buf)) == -1)
			u_strlcpy(buf, "?", sizeof(buf));
		put_str(fp, buf);
		fputs("; }", fp);
	}
	fputs(l->npolicies > 0 ? "\n\t);\n" : " );\n", fp);
	put_dur(fp, "\t", "last_used_granularity", l->last_used_granularity,
	    0);
	put_kv(fp, "\t", "snapshot_key_file", l->snapshot_key_file);
	put_dur(fp, "\t", "query_timeout", l->query_timeout, 0);
	fputs("};\n\nroles = {\n", fp);
	for (i = 0; i < cfg->nroles; i++) {
		fprintf(fp, "\t%s = {\n", cfg->roles[i].name);
		put_kv(fp, "\t\t", "group", cfg->roles[i].group);
		put_kv(fp, "\t\t", "label_id", cfg->roles[i].label_id);
		put_kv(fp, "\t\t", "label_en", cfg->roles[i].label_en);
		put_kv(fp, "\t\t", "escalate_to", cfg->roles[i].escalate_to);
		fputs("\t};\n", fp);
	}
	fputs("};\n\n", fp);
	cfg_wf_dump(cfg, fp);
	return ferror(fp) ? -1 : 0;
}

int
cfg_read_secret(const char *path, char *buf, size_t bufsz, char *err,
    size_t errsz)
{
	struct stat	 st;
	ssize_t		 r;
	size_t		 len = 0;
	int		 fd = -1, rc = -1;

	if (errsz > 0)
		err[0] = '\0';
	if (bufsz < 2) {
		snprintf(err, errsz, "%s: buffer too small", path);
		goto out;
	}
	/* O_NONBLOCK: a FIFO is refused below, not waited on (a regular
	 * file's reads are not affected) */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1 || fstat(fd, &st) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errsz, "%s: mode %04o is group- or "
		    "world-readable", path, (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	/* read one byte more than fits, to tell "too long" from "full" */
	while (len < bufsz) {
		r = read(fd, buf + len, bufsz - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len >= bufsz) {
		snprintf(err, errsz, "%s: secret longer than %zu bytes", path,
		    bufsz - 1);
		goto out;
	}
	if (len == 0) {
		snprintf(err, errsz, "%s: empty secret", path);
		goto out;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errsz, "%s: secret contains a NUL byte", path);
		goto out;
	}
	buf[len] = '\0';
	rc = 0;
out:
	if (rc == -1 && bufsz > 0)
		explicit_bzero(buf, bufsz);
	if (fd != -1)
		close(fd);
	return rc;
}
