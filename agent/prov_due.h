/*
 * prov_due.h: the grants the scheduler's expiry jobs act on (prov.c),
 * found without asking slapd for an inequality on kunciNotAfter.
 *
 * slapd answers (kunciNotAfter<=t) by walking one index entry per
 * distinct end time up to t: every grant that ever ended, at a million
 * grants 7 s of its CPU for each search, and the scheduler asked twice
 * every 2 s (bench/cards.sh).  So the candidates come from the gate's
 * index (gate_index_read(): kuncid's in-memory copy of every grant, kept
 * by content sync) and are read back from the directory by kunciId, in
 * batches, with equality terms only; kuncid tests the end time of what
 * comes back.  The directory stays the judge: a grant the index has
 * wrong is read as it is and left alone.  While the index is not
 * current (none yet, or the sync connection down), the old search is
 * made instead.
 *
 * Scheduler thread only (the warning job's memory is its own).
 */
#ifndef KUNCI_PROV_DUE_H
#define KUNCI_PROV_DUE_H

#include <time.h>

#include "wf.h"

#define PROV_DUE_MAX	500	/* grants handed over per pass */

/*
 * Walk the gate's index once for this scheduler pass (about 37 ms of CPU
 * at a million grants, under its read lock): the active grants ending at
 * or before now (the expiry job's), and those ending at or before
 * warn_until (the warning job's; 0: none).
 */
void	prov_due_walk(time_t now, time_t warn_until);
/*
 * cb for each grant the walk found, at most PROV_DUE_MAX, as the
 * directory has it: active and ending at or before now, or, with
 * warned_note (the warning job), at or before warn_until and without that
 * kunciNote value.  A grant the warning job read and found not due is
 * not read again while its end time stays the same.  The wf_grants()
 * status.
 */
int	prov_due_grants(struct wf *, const char *warned_note, wf_grant_fn cb,
	    void *arg);

#endif /* KUNCI_PROV_DUE_H */
