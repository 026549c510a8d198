/*
 * gate_int.h: what gate.c shares with gate_consumer.c (the sync thread)
 * and gate_note.c (the note reader), and with no other module: the gate's
 * state gate_g and the note queue gate_nq, the index and table helpers, the
 * last-used queue, the audit of a login, the naps.  Locking: see gate.c's
 * top comment.
 */
#ifndef KUNCI_GATE_INT_H
#define KUNCI_GATE_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "gfresh.h"
#include "gsync.h"
#include "gtab_build.h"
#include "log.h"
#include "snapshot.h"

#define GATE_WORKERS	4
#define LU_QMAX		4096	/* pending last-used writes */
#define PIN_MAX		64	/* kuncid's own recent narrowings */

struct kunci_ctx;
struct kunci_cfg;
struct gindex;

/* gate.c: the gate's state (defined and initialised there). */
struct gate {
	struct kunci_ctx	*ctx;
	const struct kunci_cfg	*cfg;
	int			 started;
	pthread_rwlock_t	 lock;
	struct gindex		*ix;		/* NULL: nothing to answer from */
	int			 online;	/* ix is current with LDAP */
	_Atomic unsigned long	 lost_gen;	/* go_offline() calls so far */
	int			 lost;		/* the sync connection failed
						   and has not refreshed since
						   (gate_directory_lost()) */
	time_t			 synced_at;	/* last time ix was current */
	int			 qfd;
	int			 stop_pipe[2];
	_Atomic int		 stopping;	/* read by every thread unlocked */
	pthread_t		 workers[GATE_WORKERS];
	int			 nworkers;
	pthread_t		 sync_thr, lu_thr;
	int			 sync_running, lu_running, lu_thr_started;
	char			 hostname[256];
	unsigned char		 key[SNAPSHOT_KEY_MAX];
	size_t			 keylen;
	char			 snap_path[4096];
	/* last-used queue */
	pthread_mutex_t		 lu_mtx;
	pthread_cond_t		 lu_cv;
	char			*lu_q[LU_QMAX];
	size_t			 lu_head, lu_n;
	/* the gate table (gtab.h) and the note FIFO */
	pthread_mutex_t		 tab_mtx;
	pthread_cond_t		 tab_cv;
	int			 tab_dirty;	/* the index changed */
	int			 tab_kick;	/* the online flag changed */
	struct gtab_pub		 tab;		/* the published file */
	int			 tab_guard;	/* its mapguard slot */
	char			 tab_path[4096];
	char			 note_path[4096];
	int			 nfd;
	pthread_t		 tab_thr, note_thr;
	int			 tab_started, note_started;
	/* the sync connection, for status (stat_mtx) */
	pthread_mutex_t		 stat_mtx;
	int			 sync_uri;	/* index in uri, -1: none */
	time_t			 sync_since;	/* online or offline since */
	char			 sync_err[256];	/* why it is offline */
	unsigned long		 sync_silent;	/* connections given up */
	/* the snapshot's state (snap_mtx) */
	pthread_mutex_t		 snap_mtx;
	int			 snap_dirty;	/* the file lacks a change */
	unsigned long		 snap_gen;	/* changes so far */
	int			 snap_unsynced;	/* unlinked, directory not
						 * fsynced yet */
	unsigned		 snap_overtaken; /* attempts in a row a
						 * change made worthless */
	time_t			 snap_ok_at;	/* last written */
	time_t			 snap_fail_since;
	time_t			 snap_next;	/* no attempt before */
	unsigned long		 snap_fails;
	char			 snap_err[512];
	/* grants kuncid narrowed itself, until sync shows it (pin_mtx) */
	pthread_mutex_t		 pin_mtx;
	struct pin {
		char	 id[128];
		int	 status;
		time_t	 until;
	}			 pins[PIN_MAX];
	/* the cookie of the last complete state: the sync thread's, changed
	 * under snap_mtx, where the snapshot reads it (gate_snap.c) */
	struct gsync_cookie	 cookie;
	struct gfresh		 fresh;	/* the writer's beat (sync thread) */
};
extern struct gate gate_g;

#define RL_SECS	10	/* s: one warning a local user provokes per RL_SECS */
/* gate.c: the note FIFO's rate of warnings; "N held" for a summary. */
extern struct log_rate note_rl;
const char *held_text(unsigned long, char *, size_t);

/* gate.c: the index's source of a decision; a grant's use queued for
 * kunciLastUsed (lu_touch: the DN to queue, if due); a login audited. */
struct kd_source;
struct kd_result;
struct gindex_grant;
struct proto_query;
void	ix_source(struct kd_source *);
void	lu_enqueue(const char *);
char	*lu_touch(struct gindex_grant *, time_t);
int	audit_login(const struct proto_query *, const struct kd_result *,
	    const char *, const char *);

/* gate.c: a thread's signals blocked; the monotonic clock in ms; sleeps
 * that end early when the gate stops. */
void	gate_background(void);
int64_t	mono_ms(void);
void	gate_nap_ms(int);
void	gate_nap(int);

/* gate.c: the table to rebuild (dirty) or re-flag; the snapshot to
 * write, soon or now; a pinned narrowing of a grant sync has not shown. */
void	tab_changed(int);
void	snap_dirty(void);
void	snap_due_now(void);
/* gate_snap.c: the snapshot written if due (force: now), loaded at start. */
void	snap_write(int force);
void	snap_load(void);
int	pin_get(const char *, const char *);

/* gate_note.c: the note FIFO (gate_nq.wfd is kuncid's own write end), its
 * creation, and the thread that reads it. */
#define NOTE_BUF	(64 * 1024)
struct note_q {
	unsigned char	 buf[NOTE_BUF];
	size_t		 len;
	int		 wfd;		/* kuncid's own write end */
};
extern struct note_q gate_nq;
int	note_listen(const char *);
void	*note_main(void *);

/* gate_consumer.c: the sync thread. */
void	*sync_main(void *);

#endif /* KUNCI_GATE_INT_H */
