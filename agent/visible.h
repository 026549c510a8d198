/*
 * visible.h: who may see a request and what they may do with it.
 *
 * A request is seen by an admin or anyone holding a role (as before), by
 * its requester and subject, by everyone its current step waits on (the
 * requester's direct superior from `manager`, the resource's access
 * owner, a role's member: wf_can_act()) and by every person who already
 * acted on it (an event of theirs under it).  Anyone else is told
 * "unknown request", as if it did not exist.
 *
 * The actions offered with a request (`actions` in the JSON of `request
 * show` and `request list`) are computed from the checks the commands
 * themselves apply (wf_why_not(), the cancel rule), so a page shows a
 * button exactly when kuncid would accept the command, and a forged
 * command is refused by kuncid all the same.
 *
 * Layer: engine (wf, dir); no policy of its own beyond the seeing rule.
 * Not thread-safe across threads: one struct visible_set per command.
 */
#ifndef KUNCI_VISIBLE_H
#define KUNCI_VISIBLE_H

#include <stddef.h>

#include <jansson.h>

#include "wf.h"

/* The ids of the requests the actor has an event under (sorted). */
struct visible_set {
	char	(*ids)[WF_ID_MAX + 1];
	size_t	  n;
	int	  loaded;
};

/* Fill set with one subtree search (EX_OK or an error, w->err set);
 * visible_set_free() in any case. */
int	visible_acted(struct wf *, const struct wf_actor *,
	    struct visible_set *);
void	visible_set_free(struct visible_set *);

/*
 * 1 if actor may see r.  acted: a set from visible_acted(), or NULL to
 * look up this one request's events.  0 also when the directory could
 * not answer (fail closed).
 */
int	visible_request(struct wf *, const struct wf_actor *,
	    const struct wf_request *, const struct visible_set *acted);

/*
 * The actions actor may take on r, as a JSON array of objects
 * {"action": "approve"|"reject"|"cancel"|"comment", "step": NAME or null,
 *  "input": "serial"|"account"|null}; NULL when the directory could not
 * answer (w->err).  The caller has checked visible_request().
 */
json_t	*visible_actions(struct wf *, const struct wf_actor *,
	    const struct wf_request *);

#endif /* KUNCI_VISIBLE_H */
