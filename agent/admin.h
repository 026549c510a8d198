/*
 * admin.h: what the admin socket's command modules share.
 *
 * admin.c owns the connection, the caller's identity and the dispatch;
 * each area of commands (requests and grants in admin.c, cards, removals,
 * visits, documents, reviews in their own files) provides a table of
 * struct admin_cmd, listed in ADMIN_MORE_TABLES below.  A command returns
 * an exit status from sysexits.h and writes what the caller reads into
 * c->out (stdout) or, through admin_err(), c->err (one line, stderr).
 * Everything runs in kuncid's main thread: no locking is needed here.
 */
#ifndef KUNCI_ADMIN_H
#define KUNCI_ADMIN_H

#include <time.h>

#include <jansson.h>

#include "dir.h"
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

/*
 * The command tables of the other modules, each ending with a NULL word.
 * Add a module's table here and to ADMIN_MORE_TABLES.
 */
extern const struct admin_cmd card_cmds[];	/* card.c */
extern const struct admin_cmd removal_cmds[];	/* removal.c */
extern const struct admin_cmd visit_cmds[];	/* visit.c */
extern const struct admin_cmd doc_cmds[];	/* doc.c */
extern const struct admin_cmd review_cmds[];	/* review.c */
#define ADMIN_MORE_TABLES	card_cmds, removal_cmds, visit_cmds, doc_cmds, \
				review_cmds,

extern const struct admin_cmd *const admin_tables[];

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

/* The main thread's LDAP connection and workflow engine. */
struct ldapc *admin_ldap(void);
struct wf *admin_wf(void);

/* Labels and times as people read them. */
const char *admin_state_label(const struct admin_call *c, const char *state);
/* The label of key in tab, rows { key, English, Indonesian }, n rows, in
 * the caller's language; key itself when no row has it. */
const char *admin_tab_label(const struct admin_call *c,
	    const char *const (*tab)[3], size_t n, const char *key);
const char *admin_role_label(const struct admin_call *c, const char *role);
void	admin_fmt_time(char *buf, size_t sz, time_t t);	/* local, minutes */
json_t	*admin_jtime(time_t t);		/* ISO 8601 with offset, or null */

#endif /* KUNCI_ADMIN_H */
