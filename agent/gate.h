/*
 * gate.h: the login gate inside kuncid: the live grant index (kept current
 * by LDAP content sync), its integrity-checked snapshot, the query socket
 * that pam_kunci.so asks, and the decision itself.
 */
#ifndef KUNCI_GATE_H
#define KUNCI_GATE_H

#include "proto.h"

struct kunci_ctx;

/* Open the query socket and start the gate's threads; -1 on failure. */
int	gate_start(struct kunci_ctx *);
/* Stop the threads, write a last snapshot, close the socket. */
void	gate_stop(void);
/*
 * Decide one query (the same code path serves the query socket and
 * `kuncictl check`).  Fills a; never blocks on LDAP.
 */
void	gate_decide(const struct proto_query *, struct proto_answer *);
/*
 * The same decision as a dry run for `kuncictl check`: the grant's last
 * use is not noted and the audit record is login.check with the admin who
 * asked (actor, and as when root used --as), never a login.allow.
 */
void	gate_check(const struct proto_query *, struct proto_answer *,
	    const char *actor, const char *as);
/*
 * 1 when the sync connection has failed and not refreshed since: the
 * directory is known to be away, so other connections give up fast
 * (ldapc.h: away).  0 before the first attempt and once synced again.
 */
int	gate_directory_lost(void);

#endif /* KUNCI_GATE_H */
