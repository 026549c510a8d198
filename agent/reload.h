/*
 * reload.h: SIGHUP, kuncid's configuration reload.
 *
 * The file is loaded and checked as at start-up; a file that does not
 * load is refused with its file:line message and the running
 * configuration stays.  A valid file puts the login group into force at
 * once (the services map, unmanaged accounts, offline policies, last-use
 * granularity, query timeout: gate_reload_login(), the table rebuilt with
 * them); every other group it changes is named in a warning as needing a
 * restart.  Each reload is audited as config.reload.
 */
#ifndef KUNCI_RELOAD_H
#define KUNCI_RELOAD_H

struct kunci_ctx;

/* Block SIGHUP in the calling thread and the threads it starts after. */
int	reload_block(void);
/* Start the thread that waits for SIGHUP and reloads. */
int	reload_start(struct kunci_ctx *);
/* One reload (what SIGHUP does). */
void	reload_config(struct kunci_ctx *);

#endif /* KUNCI_RELOAD_H */
