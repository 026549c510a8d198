/*
 * adminsrv.h: the admin socket's connections, served concurrently.
 *
 * The main thread runs an event loop over every connection: it accepts,
 * reads request frames without blocking, writes replies without blocking,
 * and enforces the limits; a small pool of worker threads runs the
 * commands (admin.c's admin_run()), each worker on its own LDAP connection
 * and workflow engine.  No caller holds a thread while it is idle, slow
 * to send or slow to read: only a command being run occupies a worker,
 * and the LDAP time of a command is bounded (ldapc.h: deadline, away).
 *
 * Limits (agent.* in kunci.conf; root is exempt from the first three):
 *   admin_per_uid		open connections per uid; the next one is
 *				told why and closed
 *   admin_lifetime		a connection's whole life
 *   admin_requests		requests on one connection
 *   admin_command_timeout	the LDAP time of one command (everyone)
 * and for everyone: a request must arrive within ADMINSRV_IDLE_MS of the
 * connection or of the last reply; at most ADMINSRV_CONN_MAX connections,
 * the last ADMINSRV_ROOT_RESERVE of them for root; a request frame of at
 * most ADMINSRV_REQ_MAX bytes.  A non-root uid has at most half the
 * workers busy at once, and root's requests go first.
 */
#ifndef KUNCI_ADMINSRV_H
#define KUNCI_ADMINSRV_H

#include <signal.h>

#include "proto.h"

struct kunci_ctx;

#define ADMINSRV_IDLE_MS	10000
#define ADMINSRV_CONN_MAX	256
#define ADMINSRV_ROOT_RESERVE	16
#define ADMINSRV_REQ_MAX	(4 + PROTO_ARGC_MAX * (4 + PROTO_ARG_MAX))

/*
 * Start the workers.  away: NULL, or the probe saying the directory is
 * known to be away (ldapc.h).  -1 on failure.
 */
int	adminsrv_start(struct kunci_ctx *, int (*away)(void));
/* Serve the listening socket lfd until *quit is set. */
void	adminsrv_loop(int lfd, volatile sig_atomic_t *quit);
/* Close every connection and stop the workers. */
void	adminsrv_stop(void);

#endif /* KUNCI_ADMINSRV_H */
