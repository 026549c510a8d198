/*
 * audit.h: kuncid's side of the audit trail's integrity (audit.c): the
 * hash chain's start, signed checkpoints of its head, their commands.
 */
#ifndef KUNCI_AUDIT_H
#define KUNCI_AUDIT_H

#include <time.h>

struct kunci_cfg;
struct wf;

/* Chain every audit record from now on (after daemon(), before any
 * thread logs); fatal when the head cannot be opened. */
void	audit_chain_start(const struct kunci_cfg *, const char *version);
/* The scheduler's tick: a checkpoint every audit.checkpoint_interval. */
void	audit_tick(struct wf *, time_t now);
/* At shutdown, after the other threads stopped: audit.stop, a last
 * checkpoint. */
void	audit_stop(const struct kunci_cfg *);

#endif /* KUNCI_AUDIT_H */
