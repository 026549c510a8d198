/*
 * removal.h: opening a removal request (procedure C3), the one way every
 * caller does it: kuncictl's "removal request", the record of an
 * emergency "grant revoke --now", a review finding attested invalid, and
 * a review's remove-on-silence revocation (removal.c).
 *
 * A removal request is an engine request (ou=requests, kunciAccessType
 * PROV_REMOVAL_TYPE, kunciGrantRef the grant) on the workflow
 * cfg->removal.workflow names; "" refuses (EX_CONFIG).
 */
#ifndef KUNCI_REMOVAL_H
#define KUNCI_REMOVAL_H

#include <stddef.h>

#include "wf.h"

#define REMOVAL_DONE	0x1	/* recorded as already carried out: the
				   grant may be revoked already, and an
				   open request does not stop it (unless
				   REMOVAL_REUSE) */
#define REMOVAL_REUSE	0x2	/* an open removal of the grant is the
				   answer: its id, EX_OK */

/*
 * Open a removal request for grant on behalf of a, with reason.  The
 * caller has authorised a (the access owner, an administrator, kuncid).
 * Returns EX_OK with the request id in id; EX_CONFIG (removal.workflow is
 * ""), EX_NOINPUT (unknown grant), EX_DATAERR (without REMOVAL_DONE: the
 * grant is not active, or a removal of it is open and REMOVAL_REUSE is
 * not set), or wf_submit()'s status, with a message in w->err.  id (idsz
 * >= WF_ID_MAX + 1) is cleared on entry; wf_submit() may fill it and
 * still fail (the request exists, a later step failed).  Any thread,
 * each on its own struct wf.
 */
int	removal_open(struct wf *w, const struct wf_actor *a, const char *grant,
	    const char *reason, int flags, char *id, size_t idsz);

#endif /* KUNCI_REMOVAL_H */
