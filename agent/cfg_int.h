/*
 * cfg_int.h: what cfg.c shares with cfg_groups.c (the feature groups),
 * cfg_wf.c (the workflows group) and cfg_dump.c, and with no other module:
 * the parse context, the getters and the name tables.
 *
 * A getter leaves *dst (the default) alone when the key is absent, unless
 * required; a present key of the wrong type, or out of range, is an error:
 * "file:line: message" in c->err, and -1.  Strings stored are private
 * copies (cfg_str).  Not thread-safe: one struct ctx per cfg_load().
 */
#ifndef KUNCI_CFG_INT_H
#define KUNCI_CFG_INT_H

#include <stdint.h>
#include <stdio.h>

#include <libconfig.h>

struct kunci_cfg;

struct ctx {
	const char	*path;
	char		*err;
	size_t		 errsz;
	int		 pwline;	/* line of bind_password_file */
	int		 keyline;	/* line of snapshot_key_file */
};

void	cfg_err(struct ctx *, const config_setting_t *, const char *, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
int	cfg_str(struct ctx *, const config_setting_t *, char **, const char *);
void	free_list(char **, size_t);
int	check_keys(struct ctx *, const config_setting_t *, const char *,
	    const char *const *);
int	get_member(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, int, const char *, config_setting_t **);
int	get_str(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, char **);
/* an absolute path, or "" when allow_empty; *line (if not NULL) its line */
int	get_path(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, char **, int *);
int	get_int(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, int, int *);
int	get_bool(struct ctx *, const config_setting_t *, const char *,
	    const char *, int *);
int	get_duration(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, int64_t, int64_t *, int *);
int	get_enum(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, const char *const *, int, int *);
int	get_strlist(struct ctx *, const config_setting_t *, const char *,
	    const char *, int, char ***, size_t *, config_setting_t **);
int	get_grouplist(struct ctx *, const config_setting_t *, const char *,
	    const char *, config_setting_t **);
/* The optional top-level group key (keys NULL: any); *out NULL when
 * absent. */
int	get_group(struct ctx *, const config_setting_t *, const char *,
	    const char *const *, config_setting_t **);
/* One line of at most 300 bytes, as printed on a form. */
int	check_form_text(struct ctx *, const config_setting_t *, const char *,
	    const char *, const char *);
int	is_builtin_role(const char *);

/* cfg.c: the names of the enums' values, in the enums' order (offline,
 * mail, language, silence, tls, tls_require_cert), the days from "sun",
 * and the office group's keys in struct cfg_office's order (NULL-ended). */
extern const char *const offline_names[];
extern const char *const mail_names[];
extern const char *const lang_names[];
extern const char *const sched_names[];
extern const char *const day_names[];
extern const char *const silence_names[];
extern const char *const tls_names[];
extern const char *const tls_req_names[];
extern const char *const office_keys[];

/* cfg_groups.c: the feature groups, each into its part of *cfg. */
int	parse_calendar(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_requests(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_login(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_office(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_signing(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_audit(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_visits(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_removal(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_review(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_provision(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_notify(struct ctx *, struct kunci_cfg *, config_setting_t *);
int	parse_sop_totals(struct ctx *, struct kunci_cfg *, config_setting_t *);
/* cfg_groups.c: the office block's string fields, in office_keys' order;
 * NULL past the last (cfg_free() frees them). */
struct cfg_office;
char	**office_field(struct cfg_office *, size_t);

/* cfg_dump.c: cfg_dump()'s writers: a libconfig string; "indent key =
 * value;" */
void	put_str(FILE *, const char *);
void	put_kv(FILE *, const char *, const char *, const char *);
void	put_dur(FILE *, const char *, const char *, int64_t, int);
void	put_list(FILE *, const char *, const char *, char *const *, size_t);

/* cfg_wf.c: the "workflows" group (after roles), its freeing, its dump. */
int	cfg_wf_parse(struct ctx *, struct kunci_cfg *, config_setting_t *);
void	cfg_wf_free(struct kunci_cfg *);
void	cfg_wf_dump(const struct kunci_cfg *, FILE *);
/* cfg_wf.c: the "delegation" group; its dump "delegation = { ... " with
 * the group left open, as cfg_dump() closes each. */
int	cfg_dlg_parse(struct ctx *, struct kunci_cfg *, config_setting_t *);
void	cfg_dlg_dump(const struct kunci_cfg *, FILE *);

#endif /* KUNCI_CFG_INT_H */
