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
 * cb for each active grant ending at or before until, at most
 * PROV_DUE_MAX, as the directory has it.  warned_note not NULL (the
 * warning job): only the grants without that kunciNote value, and those
 * read without it once are not read again while their end time stays the
 * same (a warning is written once).  The wf_grants() status.
 */
int	prov_due_grants(struct wf *, time_t until, const char *warned_note,
	    wf_grant_fn cb, void *arg);

#endif /* KUNCI_PROV_DUE_H */
