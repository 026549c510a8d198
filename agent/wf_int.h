/*
 * wf_int.h: what wf.c shares with wf_act.c (a person's act) and wf_tick.c
 * (the lists and the scheduler pass), and with no other module: the hooks
 * as set, the checks of text, the request parser and its snapshot memo,
 * the event writes, the asserted modify and wf_settle().
 *
 * Include it after wf.h (which it does not include, so that the module
 * graph keeps wf_int below wf: tests/tools/modgraph.sh).
 */
#ifndef KUNCI_WF_INT_H
#define KUNCI_WF_INT_H

#include <stddef.h>
#include <stdint.h>

#include <ldap.h>

#define U(s)	((char *)(uintptr_t)(s))	/* libldap wants char * */
#define ACTOR_KUNCID	"kuncid"

/*
 * The snapshots a list parsed, and their texts: the requests of a
 * workflow share theirs (but for the superior named in it), and parsing
 * each was a quarter of a list's time in kuncid.  A hit copies the parse
 * into the list's reused request: the steps used, and zeroes over the
 * ones its previous snapshot used beyond them (hi), so that the request
 * holds the bytes a parse would give.
 */
#define SNAP_MEMO_MAX	16
struct snap_memo {
	struct snap_seen {
		char		*text;
		size_t		 len;
		struct wf_snap	 snap;
	}		*seen[SNAP_MEMO_MAX];
	size_t		 next;		/* the slot to fill next */
	size_t		 hi;		/* steps the request may hold */
};

/* wf.c: the hooks wf_set_hooks() set (NULL: none); the hooks' calls. */
extern const struct wf_hooks *wf_hook_tab;
int	hook_check_cred(struct wf *, const struct wf_request *, const char *);
void	hook_event(struct wf *, const struct wf_request *, const char *, int);

/* wf.c: a field of free text (UTF-8, printable, at most max bytes), and a
 * word (letters, digits and the extra characters). */
int	check_text(struct wf *, const char *, const char *, size_t, int);
int	valid_word(const char *, size_t, const char *);
/* wf.c: whether a step of this kind is decided by a person's act. */
int	wf_deciding(enum cfg_kind);

/* wf.c: the attributes of a request (NULL-ended), its parse from a
 * search's entry (memo NULL: none), the memo's freeing. */
extern char *req_attrs[];
int	parse_request(struct wf *, LDAP *, LDAPMessage *, struct wf_request *,
	    struct snap_memo *);
void	snap_memo_free(struct snap_memo *);

/* wf.c: an event under the request (kunciId=rdn), its removal; the
 * request's modify asserted on its state and step; the name of the step
 * it waits on; the roll-forward of a decided step. */
int	add_event(struct wf *, const struct wf_request *, const char *,
	    const char *, const char *, const char *, int, const char *,
	    const char *, const char *);
void	del_event(struct wf *, const struct wf_request *, const char *);
int	cas_modify(struct wf *, const struct wf_request *, struct dir_mods *);
const char *step_name(const struct wf_request *);
int	wf_settle(struct wf *, const char *);

#endif /* KUNCI_WF_INT_H */
