/*
 * gate.h: the login gate inside kuncid: the live grant index (kept current
 * by LDAP content sync), its integrity-checked snapshot, the query socket
 * that pam_kunci.so asks, and the decision itself.
 */
#ifndef KUNCI_GATE_H
#define KUNCI_GATE_H

#include <stddef.h>

#include <jansson.h>

#include "proto.h"

struct gindex;
struct kunci_ctx;
struct strbuf;

/* Open the query socket and start the gate's threads; -1 on failure. */
int	gate_start(struct kunci_ctx *);
/* Stop the threads, write a last snapshot, close the socket. */
void	gate_stop(void);
/*
 * Decide one query (the same code path serves the query socket and
 * `kuncictl check`).  Fills a; never blocks on LDAP.  type: the --type a
 * denial's hint names (the resource's, when the caller looked it up), or
 * NULL (kd_message()).  why, when not NULL, gets the decision's reason
 * (the audit record's), at most whysz bytes.
 */
void	gate_decide(const struct proto_query *, const char *type,
	    struct proto_answer *, char *why, size_t whysz);
/*
 * kuncid itself took grant id of (subject, resource) out of "active"
 * (status "revoked", "expired" or "suspended") with a successful LDAP
 * modify: apply it to the index and the gate table at once, and keep sync
 * from putting "active" back until it shows the change (a lagging or
 * silent sync connection).  Never blocks on LDAP.
 */
void	gate_grant_left(const char *subject, const char *resource,
	    const char *id, const char *status);
/* The gate's lines of `kuncictl status': the sync connection, the
 * snapshot ("key: value" lines, en: English), or the same as JSON. */
void	gate_status_text(struct strbuf *, size_t keywidth, int en);
json_t	*gate_status_json(void);
/*
 * The same decision as a dry run for `kuncictl check`: the grant's last
 * use is not noted and the audit record is login.check with the admin who
 * asked (actor, and as when root used --as), never a login.allow.  en:
 * the message in English (the command's language), else Indonesian.
 */
void	gate_check(const struct proto_query *, const char *type,
	    struct proto_answer *, char *why, size_t whysz,
	    const char *actor, const char *as, int en);
/*
 * 1 when the sync connection has failed and not refreshed since: the
 * directory is known to be away, so other connections give up fast
 * (ldapc.h: away).  0 before the first attempt and once synced again.
 */
int	gate_directory_lost(void);
/*
 * How many times the sync connection has lost the directory: a worker
 * whose own connection is older than the last loss drops it before its
 * next command (it may be dead: a slapd restart), instead of failing
 * that command with "unavailable".
 */
unsigned long	gate_lost_generation(void);
/*
 * Call fn(arg, ix, online) under the index's read lock: ix is every grant
 * and person kuncid follows (NULL before a snapshot or the first sync),
 * online 1 while ix is current with the directory.  fn must not block
 * (logins wait for a change the sync thread holds meanwhile).
 */
void	gate_index_read(void (*)(void *, const struct gindex *, int),
	    void *);
/*
 * Put the login settings of a reloaded configuration into force (the
 * services map, unmanaged accounts, offline policies, last-use
 * granularity, query timeout; not snapshot_key_file) and rebuild the
 * table with them; l gets the previous settings, for the caller to free.
 */
struct cfg_login;
void	gate_reload_login(struct cfg_login *);

#endif /* KUNCI_GATE_H */
