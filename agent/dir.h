/*
 * dir.h: the directory as the workflow engine sees it: people (uid,
 * manager, language), roles (membership of the configured groups),
 * resources (ou=resources), and a few helpers to read and write entries.
 *
 * Every value that goes into a filter or a DN is escaped here
 * (ldapc_escape_filter / ldapc_escape_dn); names are validated first
 * (dir_valid_uid).  Functions that talk to LDAP return a sysexits.h status:
 * EX_OK, EX_NOUSER / EX_DATAERR (not found, as documented per function),
 * EX_UNAVAILABLE (the directory is down; the connection was dropped) or
 * EX_SOFTWARE; and put a one-line English message into err.
 *
 * Not thread-safe: one struct ldapc per thread (the admin thread).
 */
#ifndef KUNCI_DIR_H
#define KUNCI_DIR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldap.h>

struct kunci_cfg;
struct ldapc;

#define DIR_UID_MAX	64	/* PROTO_NAME_MAX */
#define DIR_DN_MAX	1024
#define DIR_NAME_MAX	255	/* a resource name */
#define DIR_MAX_ROLES	64	/* roles held as a bit mask */

struct dir_person {
	char	uid[DIR_UID_MAX + 1];
	char	dn[DIR_DN_MAX];
	char	cn[256];
	char	manager[DIR_DN_MAX];	/* DN or "" */
	char	lang[8];		/* preferredLanguage or "" */
};

struct dir_resource {
	char	name[DIR_NAME_MAX + 1];
	char	dn[DIR_DN_MAX];
	char	type[64];
	char	workflow[64];
	char	owner[DIR_DN_MAX];	/* kunciAccessOwner or "" */
	char	types[256];	/* kunciAllowedType values, ","-joined, or
				   "" (any); longer lists are cut short */
};

/* 1 if s is a plausible login name: [a-z_][a-z0-9_.-]*, 1..64 bytes. */
int	dir_valid_uid(const char *s);

/* The connected handle or NULL (err says why; status EX_UNAVAILABLE). */
LDAP	*dir_ld(struct ldapc *, char *err, size_t errsz);
/* After a failed operation: drop the connection if rc means it is gone,
 * and map rc to a sysexits status. */
int	dir_status(struct ldapc *, int rc);

/* Person by uid: EX_OK, EX_NOUSER when there is none (or the name is not
 * valid). */
int	dir_person_by_uid(struct ldapc *, const struct kunci_cfg *,
	    const char *uid, struct dir_person *, char *err, size_t errsz);
/* Person by DN: EX_OK or EX_NOUSER. */
int	dir_person_by_dn(struct ldapc *, const struct kunci_cfg *,
	    const char *dn, struct dir_person *, char *err, size_t errsz);
/* The configured roles whose group lists dn as a member: bit i set for
 * cfg->roles[i]. */
int	dir_roles(struct ldapc *, const struct kunci_cfg *, const char *dn,
	    uint64_t *mask, char *err, size_t errsz);
/* Whether dn is a member of group (an LDAP compare): *yes = 0 or 1. */
int	dir_is_member(struct ldapc *, const char *group, const char *dn,
	    int *yes, char *err, size_t errsz);
/* Resource by name: EX_OK, EX_NOINPUT when unknown (kuncictl(1)'s rule). */
int	dir_resource(struct ldapc *, const struct kunci_cfg *,
	    const char *name, struct dir_resource *, char *err, size_t errsz);

/* Index of a role in cfg->roles, or -1. */
int	dir_role_index(const struct kunci_cfg *, const char *name);

/*
 * A list of modifications for ldap_add_ext_s / ldap_modify_ext_s.  Values
 * are copied; dir_mods_free() releases them.  Errors stick (err).
 */
#define DIR_MODS_MAX	40
#define DIR_MODS_VALS	3	/* values of one modification, at most */
struct dir_mods {
	LDAPMod	 m[DIR_MODS_MAX];
	LDAPMod	*p[DIR_MODS_MAX + 1];
	char	*v[DIR_MODS_MAX][DIR_MODS_VALS + 1];	/* NULL-terminated */
	int	 n;
	int	 err;
};
void	dir_mods_init(struct dir_mods *);
/* op: LDAP_MOD_ADD / LDAP_MOD_REPLACE / LDAP_MOD_DELETE; val NULL for a
 * value-less replace or delete.  Adding the same attr with the same op
 * right after gives that modification another value (DIR_MODS_VALS in
 * all). */
void	dir_mods_add(struct dir_mods *, int op, const char *attr,
	    const char *val);
void	dir_mods_free(struct dir_mods *);

/* First value of attr in entry e copied into dst (always terminated);
 * 0, or -1 when absent ("" then). */
int	dir_get(LDAP *, LDAPMessage *, const char *attr, char *dst,
	    size_t dstsz);
/* First value as a fresh string (NULL when absent). */
char	*dir_get_dup(LDAP *, LDAPMessage *, const char *attr);
/* First value of attr as a GeneralizedTime; 0 when absent or malformed. */
time_t	dir_get_time(LDAP *, LDAPMessage *, const char *attr);
/*
 * One pass over an entry for many attributes: f[i].val is the first value
 * of f[i].attr (in place in e until it is freed, not terminated; bv_val
 * NULL when absent), what dir_get() would find, and *dn (when not NULL)
 * the entry's DN likewise.  dir_get() decodes the entry from its start
 * for each attribute: a list of 200 requests spent 40% of its time there.
 * 0, or -1 when the entry does not decode (every field absent then).  At
 * most DIR_FIELDS_MAX fields.
 */
#define DIR_FIELDS_MAX	64
struct dir_field {
	const char	*attr;
	struct berval	 val;
};
int	dir_fields(LDAP *, LDAPMessage *, struct berval *dn,
	    struct dir_field *f, size_t n);
/* dir_get(), dir_get_dup() and dir_get_time() on a field (or a DN) read
 * with dir_fields(). */
int	dir_bv_get(const struct berval *, char *dst, size_t dstsz);
char	*dir_bv_dup(const struct berval *);
time_t	dir_bv_time(const struct berval *);
/* t as a GeneralizedTime into buf; "" if it does not fit. */
void	dir_gentime(char *buf, size_t bufsz, time_t t);

/* 1 if two DNs name the same entry (normalised, case-insensitive). */
int	dir_dn_equal(const char *, const char *);
/* 1 if dn ends with ",suffix" (case-insensitive, spaces after commas
 * ignored). */
int	dir_dn_under(const char *dn, const char *suffix);
/* 1 if entry e has objectClass cls (case-insensitive). */
int	dir_has_class(LDAP *, LDAPMessage *e, const char *cls);

#endif /* KUNCI_DIR_H */
