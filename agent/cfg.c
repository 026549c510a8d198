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
 * Here: the context and getters, the name tables, the directory, agent
 * and roles groups, the defaults, cfg_load()/cfg_free() and the secret
 * files.  The feature groups are parsed in cfg_groups.c, the workflows
 * and delegation in cfg_wf.c; cfg_dump.c writes the text back.
 *
 * Nothing here logs or exits: errors go back as "file:line: message".
 */
#include <sys/stat.h>

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
#include "util.h"

#define ZONEINFO	"/usr/share/zoneinfo"


const char *const offline_names[CFG_OFFLINE_COUNT] = {
	"deny", "cache"
};
const char *const mail_names[CFG_MAIL_COUNT] = {
	"smtp", "sendmail", "none"
};
const char *const lang_names[CFG_LANG_COUNT] = { "id", "en" };
const char *const sched_names[CFG_SCHED_COUNT] = { "all", "local" };
const char *const day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

static const char *const top_keys[] = {
	"directory", "agent", "calendar", "requests", "login", "roles",
	"workflows", "office", "signing", "visits", "provision", "notify",
	"review", "removal", "sop_totals", "audit", "delegation", NULL
};
const char *const silence_names[CFG_SILENCE_COUNT] = {
	"escalate", "remove"
};
const char *const office_keys[] = {
	"government", "name", "address", "phone", "email", "website", "city",
	NULL
};
static const char *const directory_keys[] = {
	"uri", "base", "kunci_base", "people_base", "groups_base", "bind_dn",
	"bind_password_file", "connect_timeout", "timeout", "heartbeat",
	"heartbeat_timeout", "writer_timeout", "tls", "tls_ca_file",
	"tls_require_cert", "tls_cert_file", "tls_key_file",
	"allow_cleartext_password", NULL
};
const char *const tls_names[] = { "none", "starttls" };
const char *const tls_req_names[] = {
	"demand", "try", "allow", "never"
};
static const char *const agent_keys[] = {
	"user", "admin_socket", "query_socket", "state_dir", "timezone",
	"language", "admins", "admin_workers", "admin_per_uid",
	"admin_lifetime", "admin_requests", "admin_command_timeout",
	"scheduler", NULL
};
static const char *const role_keys[] = {
	"group", "label_id", "label_en", "escalate_to", NULL
};


/* "file:line: msg", or "file: msg" when s is NULL or has no line */
void
cfg_err(struct ctx *c, const config_setting_t *s, const char *fmt, ...)
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
cfg_str(struct ctx *c, const config_setting_t *s, char **dst, const char *v)
{
	char	*p;

	if ((p = strdup(v)) == NULL) {
		cfg_err(c, s, "out of memory");
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
		cfg_err(c, s, "%s: expected a group { ... }", where);
		goto out;
	}
	for (i = 0; (m = config_setting_get_elem(s, i)) != NULL; i++) {
		name = config_setting_name(m);
		if (name == NULL || !name_in(name, keys)) {
			cfg_err(c, m, "%s: unknown key '%s'", where,
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
			cfg_err(c, g, "%s: missing required key '%s'", where,
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
		cfg_err(c, m, "%s.%s: expected %s", where, key, tname);
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
		cfg_err(c, m, "%s.%s: must not be empty", where, key);
		return -1;
	}
	return cfg_str(c, m, dst, config_setting_get_string(m));
}

/* an absolute path, or "" when allow_empty */
int
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
		cfg_err(c, m, "%s.%s: \"%s\" is not an absolute path", where,
		    key, config_setting_get_string(m));
		return -1;
	}
	return cfg_str(c, m, dst, config_setting_get_string(m));
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
		cfg_err(c, m, "%s.%s: %lld is out of range %d..%d", where, key,
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
		cfg_err(c, m, "%s.%s: bad duration \"%s\": %s", where, key,
		    config_setting_get_string(m), errstr);
		return -1;
	}
	if (v < min) {
		cfg_err(c, m, "%s.%s: duration \"%s\" must not be zero", where,
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
	cfg_err(c, m, "%s.%s: unknown value \"%s\"", where, key, v);
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
		cfg_err(c, m, "%s.%s: must not be empty", where, key);
		goto out;
	}
	if ((v = calloc(len + 1, sizeof(*v))) == NULL) {
		cfg_err(c, m, "out of memory");
		goto out;
	}
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(m, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_err(c, e, "%s.%s: element %zu: expected a string",
			    where, key, i + 1);
			goto out;
		}
		if (*config_setting_get_string(e) == '\0') {
			cfg_err(c, e, "%s.%s: element %zu: empty string",
			    where, key, i + 1);
			goto out;
		}
		if ((v[i] = strdup(config_setting_get_string(e))) == NULL) {
			cfg_err(c, e, "out of memory");
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
			cfg_err(c, e, "%s.%s: element %d: expected a group "
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
	    (cfg_err(c, *out, "%s: expected a group { ... }", key), -1)) :
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
		cfg_err(c, g, "out of memory");
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
		cfg_err(c, g, "directory: tls_cert_file and tls_key_file go "
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
		cfg_err(c, config_setting_get_elem(l, (unsigned int)i),
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
		cfg_err(c, NULL, "missing required group 'directory'");
		return -1;
	}
	if (get_strlist(c, g, w, "uri", 1, &d->uri, &d->nuri, &l) == -1)
		return -1;
	for (i = 0; i < d->nuri; i++) {
		if (strncmp(d->uri[i], "ldap://", 7) != 0 &&
		    strncmp(d->uri[i], "ldaps://", 8) != 0 &&
		    strncmp(d->uri[i], "ldapi://", 8) != 0) {
			cfg_err(c, config_setting_get_elem(l, (unsigned int)i),
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
	    &d->heartbeat_timeout, NULL) == -1 ||
	    get_duration(c, g, w, "writer_timeout", 0, 0,
	    &d->writer_timeout, NULL) == -1)
		return -1;
	/* a slower probe would not notice a silent directory in time */
	if (d->heartbeat > 60 || d->heartbeat_timeout > 60 ||
	    d->writer_timeout > 60) {
		const char *k = d->heartbeat > 60 ? "heartbeat" :
		    d->heartbeat_timeout > 60 ? "heartbeat_timeout" :
		    "writer_timeout";

		cfg_err(c, config_setting_get_member(g, k),
		    "directory.%s: must not exceed 1m", k);
		return -1;
	}
	if ((*d->bind_dn == '\0') != (*d->bind_password_file == '\0')) {
		cfg_err(c, g, "directory: bind_dn and bind_password_file go "
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
		cfg_err(c, config_setting_get_member(g, "user"),
		    "agent.user: must not be empty");
		return -1;
	}
	if (!valid_zone(a->timezone)) {
		m = config_setting_get_member(g, "timezone");
		cfg_err(c, m, "agent.timezone: \"%s\" is not a time zone "
		    "under " ZONEINFO, a->timezone);
		return -1;
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
		cfg_err(c, g, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		r = &cfg->roles[i];
		cfg->nroles = i + 1;
		snprintf(where, sizeof(where), "roles.%s",
		    config_setting_name(e));
		if (cfg_str(c, e, &r->name, config_setting_name(e)) == -1 ||
		    cfg_str(c, e, &r->escalate_to, "") == -1)
			return -1;
		if (is_builtin_role(r->name)) {
			cfg_err(c, e, "%s: \"%s\" is a built-in role name",
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
			cfg_err(c, m, "%s.group: \"%s\" is not a DN", where,
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
			cfg_err(c, config_setting_get_member(e, "escalate_to"),
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
	if (cfg_str(c, NULL, &d->uri[0], "ldapi:///") == -1 ||
	    cfg_str(c, NULL, &d->base, "") == -1 ||
	    cfg_str(c, NULL, &d->kunci_base, "") == -1 ||
	    cfg_str(c, NULL, &d->people_base, "") == -1 ||
	    cfg_str(c, NULL, &d->groups_base, "") == -1 ||
	    cfg_str(c, NULL, &d->bind_dn, "") == -1 ||
	    cfg_str(c, NULL, &d->bind_password_file, "") == -1 ||
	    cfg_str(c, NULL, &d->tls_ca_file, "") == -1 ||
	    cfg_str(c, NULL, &d->tls_cert_file, "") == -1 ||
	    cfg_str(c, NULL, &d->tls_key_file, "") == -1 ||
	    cfg_str(c, NULL, &a->user, "_kunci") == -1 ||
	    cfg_str(c, NULL, &a->admin_socket, "/run/kunci/admin.sock") == -1 ||
	    cfg_str(c, NULL, &a->query_socket, "/run/kunci/query.sock") == -1 ||
	    cfg_str(c, NULL, &a->state_dir, "/var/lib/kunci") == -1 ||
	    cfg_str(c, NULL, &a->timezone, "Asia/Jakarta") == -1 ||
	    cfg_str(c, NULL, &l->snapshot_key_file,
	    "/etc/kunci/snapshot.key") == -1 ||
	    cfg_str(c, NULL, &cfg->office.government, "") == -1 ||
	    cfg_str(c, NULL, &cfg->office.name, "") == -1 ||
	    cfg_str(c, NULL, &cfg->office.address, "") == -1 ||
	    cfg_str(c, NULL, &cfg->office.phone, "") == -1 ||
	    cfg_str(c, NULL, &cfg->office.email, "") == -1 ||
	    cfg_str(c, NULL, &cfg->office.website, "") == -1 ||
	    cfg_str(c, NULL, &cfg->office.city, "") == -1 ||
	    cfg_str(c, NULL, &cfg->signing.certificate, "") == -1 ||
	    cfg_str(c, NULL, &cfg->signing.key, "") == -1 ||
	    cfg_str(c, NULL, &cfg->signing.ca, "") == -1 ||
	    cfg_str(c, NULL, &cfg->audit.host, "") == -1 ||
	    cfg_str(c, NULL, &cfg->audit.certificate, "") == -1 ||
	    cfg_str(c, NULL, &cfg->audit.key, "") == -1 ||
	    cfg_str(c, NULL, &cfg->visits.workflow, "") == -1 ||
	    cfg_str(c, NULL, &cfg->visits.route_role, "") == -1 ||
	    cfg_str(c, NULL, &cfg->removal.workflow, "") == -1 ||
	    cfg_str(c, NULL, &cfg->review.escalate_to, "") == -1 ||
	    cfg_str(c, NULL, &cfg->review.workflow, "") == -1 ||
	    cfg_str(c, NULL, &cfg->provision.account_base, "") == -1 ||
	    cfg_str(c, NULL, &cfg->provision.home_base, "/home") == -1 ||
	    cfg_str(c, NULL, &cfg->provision.shell, "/usr/sbin/nologin") ==
	    -1 ||
	    cfg_str(c, NULL, &cfg->provision.password_alphabet,
	    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") ==
	    -1 ||
	    cfg_str(c, NULL, &cfg->notify.smtp_host, "127.0.0.1") == -1 ||
	    cfg_str(c, NULL, &cfg->notify.sendmail, "/usr/sbin/sendmail") ==
	    -1 ||
	    cfg_str(c, NULL, &cfg->notify.command, "") == -1 ||
	    cfg_str(c, NULL, &cfg->notify.from, "kunci@localhost") == -1 ||
	    cfg_str(c, NULL, &cfg->notify.page_url, "") == -1)
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
	cfg->review.enforce_batch = 200;
	cfg->review.on_silence = CFG_SILENCE_ESCALATE;
	d->connect_timeout = 3;
	d->timeout = 5;
	d->heartbeat = 1;
	d->heartbeat_timeout = 3;
	d->writer_timeout = 6;
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
	cfg_err(c, NULL, "out of memory");
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
		cfg_err(c, NULL, "larger than %d bytes", CFG_FILE_MAX);
		return NULL;
	}
	if ((text = malloc((size_t)st->st_size + 1)) == NULL) {
		cfg_err(c, NULL, "out of memory");
		return NULL;
	}
	n = fread(text, 1, (size_t)st->st_size, fp);
	if (ferror(fp) || getc(fp) != EOF) {
		cfg_err(c, NULL, "read error or changed while read");
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
		cfg_err(&c, NULL, "out of memory");
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
		cfg_err(&c, NULL, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		cfg_err(&c, NULL, "not a regular file");
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
		cfg_err(&c, config_lookup(&lc, "visits.route_role"),
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
			cfg_err(&c, config_lookup(&lc, "visits.route"),
			    "visits.route: \"%s\" is not network:ROLE or "
			    "servers:ROLE with a known role", rt);
			goto out;
		}
	}
	if (cfg->visits.workflow[0] != '\0' &&
	    cfg_workflow(cfg, cfg->visits.workflow) == NULL) {
		cfg_err(&c, config_lookup(&lc, "visits.workflow"),
		    "visits.workflow: unknown workflow \"%s\"",
		    cfg->visits.workflow);
		goto out;
	}
	if (cfg->removal.workflow[0] != '\0' &&
	    cfg_workflow(cfg, cfg->removal.workflow) == NULL) {
		cfg_err(&c, config_lookup(&lc, "removal.workflow"),
		    "removal.workflow: unknown workflow \"%s\"",
		    cfg->removal.workflow);
		goto out;
	}
	if (cfg->review.workflow[0] != '\0' &&
	    cfg_workflow(cfg, cfg->review.workflow) == NULL) {
		cfg_err(&c, config_lookup(&lc, "review.workflow"),
		    "review.workflow: unknown workflow \"%s\"",
		    cfg->review.workflow);
		goto out;
	}
	if (cfg->review.escalate_to[0] != '\0' &&
	    cfg_role(cfg, cfg->review.escalate_to) == NULL) {
		cfg_err(&c, config_lookup(&lc, "review.escalate_to"),
		    "review.escalate_to: unknown role \"%s\"",
		    cfg->review.escalate_to);
		goto out;
	}
	for (i = 0; i < cfg->agent.nadmins; i++) {
		if ((r = cfg_role(cfg, cfg->agent.admins[i])) == NULL) {
			config_setting_t *l =
			    config_lookup(&lc, "agent.admins");

			cfg_err(&c, config_setting_get_elem(l, (unsigned int)i),
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
