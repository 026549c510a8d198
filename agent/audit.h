/*
 * audit.h: kuncid's side of the audit trail's integrity (audit.c): the
 * hash chain's start, signed checkpoints of its head, their commands.
 */
#ifndef KUNCI_AUDIT_H
#define KUNCI_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct kunci_cfg;
struct wf;

/* Chain every audit record from now on (after daemon(), before any
 * thread logs); fatal when the head cannot be opened. */
void	audit_chain_start(const struct kunci_cfg *, const char *version);
/* The scheduler's tick: a checkpoint every audit.checkpoint_interval. */
void	audit_tick(struct wf *, time_t now);
/* The same tick: this host's checkpoints older than
 * audit.checkpoint_retention thinned to one a day (auditprune.c). */
void	audit_prune_tick(struct wf *, time_t now);
/* Whether the i-th of n checkpoints of a host, by time (seq and signing
 * time of each), all signed before the cut-off, stays: the last of its
 * UTC day, of its chain, or of all. */
int	audit_prune_keep(const uint64_t *seq, const time_t *t, size_t n,
	    size_t i);
/* At shutdown, after the other threads stopped: audit.stop, a last
 * checkpoint. */
void	audit_stop(const struct kunci_cfg *);

#endif /* KUNCI_AUDIT_H */
