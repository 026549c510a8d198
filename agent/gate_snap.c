/*
 * gate_snap.c: the grant index's snapshot on disk (snapshot.h), as the
 * gate keeps it: withdrawn at the first change, written by the table
 * thread in pieces off the index's lock, loaded at start-up.  The rest of
 * the gate is in gate.c; what they share is in gate_int.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "gate_int.h"
#include "gindex.h"
#include "log.h"
#include "snapshot.h"

#define SNAP_EVERY	5	/* seconds between snapshots of a dirty index */
#define SNAP_RETRY	5	/* seconds between attempts after a failure */
#define SNAP_PIECE	(1024 * 1024)	/* encoded per hold of the read lock */
#define SNAP_HOLD_AFTER	3	/* attempts overtaken by changes before one
				 * holds the read lock from start to end */

/*
 * Durability: a snapshot never lets a restarted kuncid allow what the
 * index it came from no longer allows.  The first change after a snapshot
 * withdraws the file (unlink needs no free space) before the next one is
 * written, so a snapshot that cannot be written -- a full state directory
 * -- leaves none rather than an older one.  The dirty state stays set
 * until a write succeeds, is retried every SNAP_RETRY seconds and is shown
 * by `kuncictl status`.  The price: a kuncid killed within moments of a
 * change starts without a snapshot (no offline answers until the
 * directory is reached).  kunciLastUsed changes do not count (ix_change).
 */
void
snap_dirty(void)
{
	int kick = 0;

	if (gate_g.keylen == 0)
		return;

	pthread_mutex_lock(&gate_g.snap_mtx);
	gate_g.snap_gen++;
	if (!gate_g.snap_dirty) {
		gate_g.snap_dirty = 1;
		if (unlink(gate_g.snap_path) == 0)
			kick = gate_g.snap_unsynced = 1;
		else if (errno != ENOENT) {
			snprintf(gate_g.snap_err, sizeof(gate_g.snap_err),
			    "cannot withdraw the old snapshot: %s",
			    strerror(errno));
			log_warnx("snapshot: %s", gate_g.snap_err);
		}
	}
	pthread_mutex_unlock(&gate_g.snap_mtx);
	/* the unlink to disk, by the table thread: this one never waits */
	if (kick)
		tab_changed(0);
}

/*
 * An unlink of the snapshot to disk (its directory fsynced): without it a
 * power loss could bring back the snapshot a change had withdrawn.
 */
static void
snap_sync_withdrawal(void)
{
	int pending;

	pthread_mutex_lock(&gate_g.snap_mtx);
	pending = gate_g.snap_unsynced;
	gate_g.snap_unsynced = 0;
	pthread_mutex_unlock(&gate_g.snap_mtx);
	if (pending && snapshot_sync_dir(gate_g.snap_path) == -1)
		log_warn("snapshot: fsync of the directory of %s", gate_g.snap_path);
}

/* A fresh index: write it at the table thread's next wake (tab_changed). */
void
snap_due_now(void)
{
	pthread_mutex_lock(&gate_g.snap_mtx);
	gate_g.snap_next = 0;
	pthread_mutex_unlock(&gate_g.snap_mtx);
}

/* 1 if a change came since generation gen. */
static int
snap_overtaken(unsigned long gen)
{
	int r;

	pthread_mutex_lock(&gate_g.snap_mtx);
	r = gen != gate_g.snap_gen;
	pthread_mutex_unlock(&gate_g.snap_mtx);
	return r;
}

/*
 * Encode gate_g.ix into the snapshot w, SNAP_PIECE at a time under the read
 * lock, each piece written after the lock is let go (hold: the lock is
 * the caller's for the whole run); w NULL: only count the length into
 * *plen.  0 done, 1 overtaken by a change (the rest not written), -1
 * with err.
 */
static int
snap_pieces(struct snapshot_out *w, uint64_t *plen, unsigned long gen,
    int hold, char *err, size_t errsz)
{
	struct gindex_enc *e;
	const unsigned char *p;
	size_t n;
	int r;

	if ((e = gindex_enc_new(w == NULL)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (;;) {
		if (!hold)
			pthread_rwlock_rdlock(&gate_g.lock);
		r = gindex_enc_step(gate_g.ix, e, SNAP_PIECE, &p, &n);
		if (!hold)
			pthread_rwlock_unlock(&gate_g.lock);
		if (r == -1) {
			snprintf(err, errsz, "out of memory, or the index "
			    "changed while it was written");
			break;
		}
		if (r == 0)
			break;
		if (w == NULL)
			*plen += n;
		else if ((r = snapshot_put(w, p, n, err, errsz)) == -1)
			break;
		if (!hold && snap_overtaken(gen)) {
			r = 1;
			break;
		}
	}
	gindex_enc_free(e);
	return r;
}

/*
 * Write the snapshot when it is due (dirty, and not before snap_next), or
 * at once with force.  The table thread calls it (background work, at
 * nice 10: the sync thread never waits for a disk), and gate_stop() after
 * the threads have ended.  The index is read-locked only while a piece of
 * it is encoded (SNAP_PIECE, a few ms), never while one is written: a
 * change that comes meanwhile makes the attempt worthless (the file
 * would lack it), so it stops and starts again.  After SNAP_HOLD_AFTER
 * attempts overtaken in a row (changes never pause for as long as an
 * encoding takes), one holds the read lock from start to end, as all did
 * before: changes wait for it (0.6-0.9 s at a million grants) rather than
 * the snapshot never being written.  gate_g.ix, once set, is only ever
 * replaced by gate_stop().
 */
/*
 * Under snap_mtx, just before the new file's rename (snapshot_end_if()):
 * still the index it was encoded from?  Then it is clean from now on, so
 * that the next change withdraws it (snap_dirty()); else it is not put in
 * place at all.  A crash can then never leave in place a snapshot that
 * lacks a change made before it.
 */
static int
snap_current(void *arg)
{
	if (*(const unsigned long *)arg != gate_g.snap_gen)
		return 0;
	gate_g.snap_dirty = 0;
	return 1;
}

_Static_assert(SNAPSHOT_COOKIE_MAX >= GSYNC_COOKIE_MAX,
    "a snapshot keeps any cookie the sync thread keeps");

/*
 * The sync state to write with the index (under snap_mtx and the index's
 * read lock: the cookie of a state the index holds all of, gate_consumer.c).
 */
static void
snap_sync_of(struct snapshot_sync *ss)
{
	const struct gsync_cookie *c = &gate_g.cookie;
	const struct kunci_cfg *cfg = gate_g.cfg;

	memset(ss, 0, sizeof(*ss));
	if (c->len == 0 || c->uri < 0 || (size_t)c->uri >= cfg->directory.nuri ||
	    (size_t)snprintf(ss->uri, sizeof(ss->uri), "%s",
	    cfg->directory.uri[c->uri]) >= sizeof(ss->uri))
		return;
	memcpy(ss->cookie, c->val, c->len);
	ss->cookie_len = c->len;
}

void
snap_write(int force)
{
	struct snapshot_sync ss;
	struct snapshot_out *w = NULL;
	char err[512];
	unsigned long gen;
	time_t now = time(NULL), t;
	size_t ng = 0, np = 0;
	uint64_t plen = 0;
	int r, dirty, hold;

	if (gate_g.keylen == 0)
		return;
	snap_sync_withdrawal();
	pthread_mutex_lock(&gate_g.snap_mtx);
	dirty = gate_g.snap_dirty;
	r = !force && (!dirty || now < gate_g.snap_next);
	hold = force || gate_g.snap_overtaken >= SNAP_HOLD_AFTER;
	pthread_mutex_unlock(&gate_g.snap_mtx);
	if (r)
		return;
	pthread_rwlock_rdlock(&gate_g.lock);
	if (gate_g.ix == NULL) {
		pthread_rwlock_unlock(&gate_g.lock);
		return;
	}
	/* no change can come while the read lock is held */
	pthread_mutex_lock(&gate_g.snap_mtx);
	gen = gate_g.snap_gen;
	snap_sync_of(&ss);
	pthread_mutex_unlock(&gate_g.snap_mtx);
	t = gate_g.online ? now : gate_g.synced_at;
	ng = gindex_ngrants(gate_g.ix);
	np = gindex_npeople(gate_g.ix);
	if (!hold)
		pthread_rwlock_unlock(&gate_g.lock);
	/* the length first (the header holds it), in pieces as well */
	r = snap_pieces(NULL, &plen, gen, hold, err, sizeof(err));
	if (r == 0)
		r = snapshot_begin(gate_g.snap_path, gate_g.key,
		    gate_g.keylen, t, &ss, plen, &w, err, sizeof(err));
	if (r == 0 && w != NULL &&
	    (r = snap_pieces(w, NULL, gen, hold, err, sizeof(err))) != 0)
		snapshot_abort(w);
	if (hold)
		pthread_rwlock_unlock(&gate_g.lock);
	if (r == 0)
		r = snapshot_end_if(gate_g.snap_path, w, &gate_g.snap_mtx,
		    snap_current, &gen, err, sizeof(err));

	pthread_mutex_lock(&gate_g.snap_mtx);
	if (r == 1) {
		/* a change came during the write: the file lacks it */
		gate_g.snap_dirty = 1;
		gate_g.snap_next = 0;
		gate_g.snap_overtaken++;
	} else if (r == 0) {
		/* clean since the rename (snap_current); a change after it
		 * withdrew the file again (snap_dirty), and it is due */
		if (gate_g.snap_fails > 0)
			log_info("snapshot: written after %lu failed "
			    "attempts", gate_g.snap_fails);
		gate_g.snap_ok_at = now;
		gate_g.snap_fail_since = 0;
		gate_g.snap_fails = 0;
		gate_g.snap_overtaken = 0;
		gate_g.snap_err[0] = '\0';
		gate_g.snap_next = gate_g.snap_dirty ? 0 : now + SNAP_EVERY;
		log_debug("snapshot written: %zu grants, %zu people", ng, np);
	} else {
		if (gate_g.snap_fails == 0) {
			gate_g.snap_fail_since = now;
			log_warnx("snapshot: %s; %s", err, dirty ?
			    "none on disk until it can be written (retrying)" :
			    "the previous one is kept");
		}
		gate_g.snap_fails++;
		snprintf(gate_g.snap_err, sizeof(gate_g.snap_err), "%s", err);
		gate_g.snap_next = now + SNAP_RETRY;
	}
	pthread_mutex_unlock(&gate_g.snap_mtx);
	snap_sync_withdrawal();
}

void
snap_load(void)
{
	struct snapshot_sync ss;
	const struct kunci_cfg *cfg = gate_g.cfg;
	struct gindex *ix = NULL;
	time_t at;
	char err[512];
	size_t i;
	int r;

	r = snapshot_read(gate_g.snap_path, gate_g.key, gate_g.keylen, &ix, &at,
	    &ss, err, sizeof(err));
	if (r == 1) {
		log_info("snapshot: none yet (%s)", gate_g.snap_path);
		return;
	}
	if (r == -1) {
		log_warnx("snapshot discarded: %s", err);
		return;
	}
	pthread_rwlock_wrlock(&gate_g.lock);
	gate_g.ix = ix;
	gate_g.online = 0;
	gate_g.synced_at = at;
	pthread_rwlock_unlock(&gate_g.lock);
	/*
	 * Its cookie goes back to the URI it came from, if that is still
	 * one of directory.uri; the sync thread has not started.
	 */
	for (i = 0; ss.cookie_len > 0 && i < cfg->directory.nuri; i++)
		if (strcmp(cfg->directory.uri[i], ss.uri) == 0) {
			gsync_cookie_set(&gate_g.cookie, ss.cookie,
			    ss.cookie_len, (int)i);
			break;
		}
	if (gate_g.cookie.len > 0)
		log_info("snapshot loaded: %zu grants, %zu people, %lld s old; "
		    "the sync resumes from its cookie of %s",
		    gindex_ngrants(ix), gindex_npeople(ix),
		    (long long)(time(NULL) - at), ss.uri);
	else
		log_info("snapshot loaded: %zu grants, %zu people, %lld s old%s",
		    gindex_ngrants(ix), gindex_npeople(ix),
		    (long long)(time(NULL) - at), ss.cookie_len > 0 ?
		    "; its cookie is of a URI no longer configured" : "");
}
