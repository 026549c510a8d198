/*
 * mapguard.h: survive a shared file mapping whose file shrinks under the
 * process.  kuncid writes its published gate table (gtab.h) through a
 * MAP_SHARED mapping; if someone else truncates the file (root running
 * ": > gate.table"), the next store into a page beyond the new end raises
 * SIGBUS, whose default action kills kuncid.
 *
 * A SIGBUS handler (after systemd-journald's sigbus.c) looks the faulting
 * address up among the registered mappings; inside one, it maps an
 * anonymous page over the faulting page and returns, so the store lands
 * in private memory, and marks the mapping hit.  The owner sees the hit
 * (or the file's new size) within a second and publishes a new file by
 * rename; the truncated file is unusable to readers anyway (its size no
 * longer matches its header).  A fault anywhere else restores the default
 * action and re-faults: a real bug still dumps core.
 */
#ifndef KUNCI_MAPGUARD_H
#define KUNCI_MAPGUARD_H

#include <stddef.h>

#define MAPGUARD_SLOTS	4

/* Install the handler (once; later calls do nothing).  0 or -1. */
int	mapguard_init(void);
/* Watch [addr, addr + len); a slot number, or -1 if all are in use. */
int	mapguard_add(void *addr, size_t len);
/* Stop watching slot (before the mapping is unmapped). */
void	mapguard_del(int slot);
/* 1 if a fault hit the slot's mapping since it was added. */
int	mapguard_hit(int slot);

#endif /* KUNCI_MAPGUARD_H */
