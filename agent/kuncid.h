/*
 * kuncid.h: the daemon's shared context and the hooks its parts provide.
 *
 * Threads: the main thread runs the admin socket and the scheduler tick
 * (admin_*); the login gate (gate_*) runs its own threads for the query
 * socket and the LDAP content-sync consumer, and shares nothing with the
 * main thread but the read-only configuration.
 */
#ifndef KUNCI_KUNCID_H
#define KUNCI_KUNCID_H

#include <sys/types.h>
#include <time.h>

struct kunci_cfg;

struct kunci_ctx {
	struct kunci_cfg *cfg;		/* read-only after start-up */
	const char	*cfgpath;
	time_t		 started;
	uid_t		 uid;		/* kuncid's own uid */
	int		 debug;
};

/* The caller of an admin request, as the kernel reported it. */
struct peer {
	pid_t	pid;
	uid_t	uid;
	gid_t	gid;
};

/* admin.c: the admin socket's commands and the scheduler. */
int	admin_init(struct kunci_ctx *);
/* Serve one accepted connection until the client closes it. */
void	admin_serve(struct kunci_ctx *, int fd, const struct peer *);
/* Called about once a second: SLA escalation, expiry, retries. */
void	admin_tick(struct kunci_ctx *, time_t now);
void	admin_shutdown(struct kunci_ctx *);

/* Open a listening unix socket at path (replacing a stale one), mode. */
int	kuncid_listen(const char *path, mode_t mode);
/* Read the peer's credentials; -1 if the kernel cannot say. */
int	kuncid_peer(int fd, struct peer *);

#endif /* KUNCI_KUNCID_H */
