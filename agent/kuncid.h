/*
 * kuncid.h: the daemon's shared context and the hooks its parts provide.
 *
 * Threads (doc/internals.md): the main thread runs the admin socket's
 * event loop (adminsrv.h), whose workers run the commands (admin.h); the
 * scheduler has its own thread (scheduler.h); the login gate (gate.h) runs
 * its own threads for the query socket and the LDAP content-sync
 * consumer.  They share the read-only configuration and this context.
 */
#ifndef KUNCI_KUNCID_H
#define KUNCI_KUNCID_H

#include <sys/types.h>
#include <time.h>

struct kunci_cfg;

struct admin_call;

struct kunci_ctx {
	struct kunci_cfg *cfg;		/* read-only after start-up */
	const char	*cfgpath;
	time_t		 started;
	uid_t		 uid;		/* kuncid's own uid */
	int		 debug;
	/* The scheduler's completed passes and when the last ended, for
	 * status: set by kuncid.c (admin.c sits below the scheduler). */
	void		(*sched_stats)(unsigned long *, time_t *);
	/* The replication lines of status (sites.c), to a json_t object
	 * or, when NULL, as text: set by kuncid.c (sites.c sits above). */
	void		(*repl_status)(struct admin_call *, void *json);
};

/* The caller of an admin request, as the kernel reported it. */
struct peer {
	pid_t	pid;
	uid_t	uid;
	gid_t	gid;
};

/* Open a listening unix socket at path (replacing a stale one), mode. */
int	kuncid_listen(const char *path, mode_t mode);
/* Read the peer's credentials; -1 if the kernel cannot say. */
int	kuncid_peer(int fd, struct peer *);

#endif /* KUNCI_KUNCID_H */
