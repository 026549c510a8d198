/*
 * admin.h: what the admin socket's command modules share.
 *
 * admin.c owns one request: the caller's identity and the dispatch
 * (adminsrv.c owns the connections and the worker threads); each area of
 * commands (requests and grants in admin.c, cards, removals, visits,
 * documents, reviews in their own files) provides a table of struct
 * admin_cmd, registered with admin_register() (kuncid.c).  A command
 * returns an exit status from sysexits.h and writes what the caller reads
 * into c->out (stdout) or, through admin_err(), c->err (one line, stderr).
 *
 * Threads: commands run on several admin workers at once, each with its
 * own engine (admin_wf(), admin_ldap()); a command keeps its state in its
 * struct admin_call and on the stack, never in a static.
 */
#ifndef KUNCI_ADMIN_H
#define KUNCI_ADMIN_H

#include <time.h>

#include <jansson.h>

#include "dir.h"
#include "proto.h"
#include "strbuf.h"
#include "wf.h"

struct kunci_ctx;
struct peer;
struct ldapc;

struct admin_call {
	struct kunci_ctx	*ctx;
	const struct peer	*peer;
	struct wf_actor		 a;	/* who acts; see admin_identify() */
	char			 caller[DIR_UID_MAX + 1]; /* the peer's login */
	const char		*as_user;	/* --as */
	const char		*lang_opt;	/* --lang */
	int			 json;		/* --json */
	int			 en;		/* 1: English, 0: Indonesian */
	int			 identified;
	struct strbuf		 out, err;
};

/* Text in the caller's language. */
#define ADMIN_T(c, s_en, s_id)	((c)->en ? (s_en) : (s_id))

/* An option of a command: a value (val) or a flag (flag). */
struct admin_opt {
	const char	*name;		/* without the leading "--" */
	const char	**val;
	int		*flag;
};

/*
 * A command: "word" alone (sub NULL) or "word sub".  fn gets argv from its
 * last word on, so argv[0] is sub (or word) and options follow.
 */
struct admin_cmd {
	const char	*word;
	const char	*sub;
	int		(*fn)(struct admin_call *, int argc, char **argv);
	const char	*usage;		/* the arguments, for `kuncictl help` */
};

/* A table of commands whose LDAP time grows with the directory (a review
 * campaign's scan of every grant): ADMIN_LONG_FACTOR times
 * agent.admin_command_timeout. */
#define ADMIN_LONG		0x1
#define ADMIN_LONG_FACTOR	4

/*
 * Add a module's command table (ending with a NULL word) to the dispatch,
 * with ADMIN_* flags for all its commands; kuncid.c registers every table
 * (cmdtab.h) before the workers start, so this module never names the
 * modules built on it.  -1 when full.
 */
int	admin_register(const struct admin_cmd *, unsigned flags);
/*
 * The usage of every registered command, as `kuncictl help` prints it
 * (kuncid --usage prints the same at build time, for kuncictl to answer
 * help without kuncid).
 */
struct strbuf;
void	admin_help(struct strbuf *);

/* Set c->err to "kuncictl: <message>\n" and return st. */
int	admin_err(struct admin_call *c, int st, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* admin_err() with the engine's message (admin_wf()->err); returns st. */
int	admin_wf_err(struct admin_call *c, int st);
/*
 * Parse argv (argv[0] is the command word) against opts (ending with a
 * NULL name); positionals go to pos (at most maxpos).  EX_USAGE with the
 * message set on unknown, repeated or valueless options.
 */
int	admin_opts(struct admin_call *c, int argc, char **argv,
	    struct admin_opt *opts, char **pos, int maxpos, int *npos);
/*
 * Find the caller in the directory (once per call): c->a.p is the person,
 * c->a.roles the role bits, c->a.admin set for root or an admin role.
 * Root with --as acts as that person (c->a.as holds root's name).
 */
int	admin_identify(struct admin_call *c);
/* An admin, or anyone holding a role: may read everything. */
int	admin_sees_all(const struct admin_call *c);

/*
 * The calling thread's LDAP connection and workflow engine: every admin
 * worker (adminsrv.h) has its own, set with admin_thread_engine() when it
 * starts, so a command never shares a connection or w->err and w->info
 * with another.
 */
struct ldapc *admin_ldap(void);
struct wf *admin_wf(void);
void	admin_thread_engine(struct wf *, struct ldapc *);

/* kuncid's own set-up before any thread runs (the time zone). */
int	admin_init(struct kunci_ctx *);
/*
 * Run one request (argv: the words kuncictl sent) for peer on the calling
 * thread's engine and encode the reply frame's payload into reply.
 * Returns the exit status sent.
 */
int	admin_run(struct kunci_ctx *, const struct peer *, int argc,
	    char **argv, struct pbuf *reply);
/*
 * Commands being run right now on all workers, the caller's included: a
 * long command (review start's scan) pauses between its pages while
 * others run, so it does not slow down every caller for its whole length.
 */
int	admin_running(void);

/* Labels and times as people read them. */
const char *admin_state_label(const struct admin_call *c, const char *state);
/* An access type ("card", "account") as people read it. */
const char *admin_type_label(const struct admin_call *c, const char *type);
/* The label of key in tab, rows { key, English, Indonesian }, n rows, in
 * the caller's language; key itself when no row has it. */
const char *admin_tab_label(const struct admin_call *c,
	    const char *const (*tab)[3], size_t n, const char *key);
const char *admin_role_label(const struct admin_call *c, const char *role);
void	admin_fmt_time(char *buf, size_t sz, time_t t);	/* local, minutes */
json_t	*admin_jtime(time_t t);		/* ISO 8601 with offset, or null */

/* The request, grant and check commands (admin_req.c), dispatched after
 * admin.c's own and before every registered table. */
extern const struct admin_cmd request_cmds[];

#endif /* KUNCI_ADMIN_H */
