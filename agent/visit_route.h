/*
 * visit_route.h: SOP B step 2 ("apakah pekerjaan berhubungan dengan
 * jaringan atau server?") routes the visit to the matching administrator
 * (visit_route.c): visits.route_role is done, on each visit, by the role
 * visits.route names for the visit's purpose.
 */
#ifndef KUNCI_VISIT_ROUTE_H
#define KUNCI_VISIT_ROUTE_H

#include "cfg.h"
#include "wf.h"

/* The role that does a step of role `role` on a visit for purpose. */
const char *visit_route_role(const struct kunci_cfg *, const char *role,
	    const char *purpose);
/*
 * The Kasi's determination at the verify step (visit approve --purpose
 * P): check P, then write it to the visit at dn, asserting its state and
 * step.  EX_OK, EX_DATAERR (a bad purpose, or not a verify step: the
 * caller checks), EX_TEMPFAIL (the visit moved).
 */
int	visit_route_set(struct wf *, const char *dn, const char *state,
	    int step, const char *purpose);
/* Is purpose one a visit may have (network, servers)? */
int	visit_route_valid(const char *purpose);

#endif /* KUNCI_VISIT_ROUTE_H */
