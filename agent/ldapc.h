/*
 * ldapc.h: kuncid's LDAP connections.
 *
 * One struct ldapc is one connection, used by one thread only.  It tries
 * the configured URIs in order, with LDAP_OPT_NETWORK_TIMEOUT (connect) and
 * LDAP_OPT_TIMEOUT (every synchronous operation) set from the config, so a
 * directory that stops answering is given up in seconds; binds simply as
 * the service DN with the password read from bind_password_file; and after
 * a failure waits with exponential backoff (1 s doubling to 60 s) before it
 * tries again.  libldap must have been kept from reading ldaprc and LDAP*
 * variables (kuncid sets LDAPNOINIT before the first libldap call).
 *
 * Two sites (doc/sites.md): a connection that writes (writer set: the
 * admin workers, the scheduler, the last-used writer) goes to the one
 * provider the directory names in cn=writer,<kunci base>, whatever the
 * order of the configured URIs; the writer entry is read on the first
 * provider that answers and again on the writer itself, which must name
 * itself.  Without that entry (one server) the URIs' order decides, as
 * before.  A provider that is no longer the writer refuses kuncid's
 * writes (its ACL, kunci-directory(8)); ldapc_fenced() recognises that
 * refusal, so the next operation finds the new writer.
 */
#ifndef KUNCI_LDAPC_H
#define KUNCI_LDAPC_H

#include <time.h>

#include <ldap.h>

struct kunci_cfg;

#define LDAPC_URI_MAX	256
/* The writer entry's RDN under the kunci base. */
#define LDAPC_WRITER_RDN	"cn=writer"

struct ldapc {
	const struct kunci_cfg *cfg;
	LDAP		*ld;		/* NULL while disconnected */
	int		 uri_index;	/* the URI in use */
	time_t		 next_try;	/* backoff: no attempt before this */
	int		 backoff;	/* seconds */
	int		 backoff_max;	/* seconds; 0: the default (60) */
	time_t		 warned;	/* last "no directory answers" */
	char		 err[256];	/* the last failure, for messages */
	/*
	 * Set by the owner (an admin worker, the scheduler):
	 * deadline	0, or the monotonic second after which no operation
	 *		starts: ldapc_get() says "took too long" (the per-command
	 *		bound), and an operation waits at most until it.
	 * away	NULL, or a probe saying the directory is known to be away
	 *		(the login gate's sync connection lost it): then every
	 *		connect and operation waits at most LDAPC_AWAY_TIMEOUT.
	 */
	time_t		 deadline;
	int		(*away)(void);
	int		 capped;	/* the handle's timeouts were cut */
	/* Set by the owner before the first ldapc_get(): route to the
	 * writer (see above). */
	int		 writer;
	char		 uri[LDAPC_URI_MAX];	/* the URI in use, "" if none */
	int		 fenced;	/* the last failure was ldapc_fenced() */
	char		 wid[16];	/* the writer's serverID as last
					 * read, "" if the directory names
					 * no writer */
};

#define LDAPC_AWAY_TIMEOUT	1	/* seconds */

/* The monotonic clock in seconds, for deadline. */
time_t	ldapc_now(void);

/*
 * Initialise libldap's global options once, before any thread starts:
 * libldap does it lazily on first use, and two threads' first uses race.
 */
void	ldapc_global_init(void);
void	ldapc_init(struct ldapc *, const struct kunci_cfg *);
/*
 * Return the connected handle, connecting and binding first if needed;
 * NULL when no URI answers (or while the backoff runs: force ignores it),
 * or when deadline has passed.  Each call fits the handle's timeouts to
 * deadline and away (see above).
 */
LDAP	*ldapc_get(struct ldapc *, int force);
/* Drop the connection after an error that means it is gone. */
void	ldapc_fail(struct ldapc *, int rc);
/*
 * Give up the connection as dead although libldap saw no error (a server
 * that stopped answering): close it and start the next attempt with the
 * next URI, at once.
 */
void	ldapc_failover(struct ldapc *);
/* 1 if rc means the server is gone (reconnect), 0 otherwise. */
int	ldapc_is_down(int rc);
/*
 * 1 if rc is a writer connection's provider refusing a write because it
 * is no longer the writer (insufficient access while a writer is named):
 * the connection is closed and c->err says so; 0 otherwise.
 */
int	ldapc_fenced(struct ldapc *, int rc);
/*
 * Before a batch of writes (a command, a scheduler pass): a writer
 * connection whose provider no longer names itself the writer is closed,
 * so the next ldapc_get() finds the writer afresh.  One base search on
 * the writer; nothing for other connections or one server.
 */
void	ldapc_recheck(struct ldapc *);
/*
 * Connect and bind to one URI with c's settings (TLS, bind DN), without
 * the backoff or the writer routing: a second look at one provider
 * (kuncictl status, the writer switch).  NULL with c->err set on failure.
 */
LDAP	*ldapc_open(struct ldapc *, const char *uri);
void	ldapc_close(struct ldapc *);

/*
 * Escape a value for an LDAP filter (RFC 4515) or a DN attribute value
 * (RFC 4514) into dst.  Return 0, or -1 if it does not fit or the value
 * holds a NUL (the caller refuses the input).
 */
int	ldapc_escape_filter(char *dst, size_t dstsz, const char *v);
int	ldapc_escape_dn(char *dst, size_t dstsz, const char *v);

/* Format t as GeneralizedTime (YYYYmmddHHMMSSZ) / parse one. */
int	ldapc_gentime(char *dst, size_t dstsz, time_t t);
int	ldapc_parse_gentime(const char *s, time_t *t);

#endif /* KUNCI_LDAPC_H */
