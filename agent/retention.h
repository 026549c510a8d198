/*
 * retention.h: personal data kept no longer than configured (retention.c).
 * retention_tick: the scheduler's tick (scheduler.h) that removes the
 * identity-document number from visits closed longer ago than
 * visits.identity_retention (nothing when it is 0); at most every ten
 * minutes, the first pass at once.  Scheduler thread only.
 */
#ifndef KUNCI_RETENTION_H
#define KUNCI_RETENTION_H

#include <time.h>

struct wf;

void	retention_tick(struct wf *, time_t now);

#endif /* KUNCI_RETENTION_H */
