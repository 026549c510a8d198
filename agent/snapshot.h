/*
 * snapshot.h: the grant index on disk, authenticated with HMAC-SHA256, so
 * a kuncid restarted while LDAP is unreachable can still answer logins.
 *
 * File (in agent.state_dir, mode 0600, replaced atomically by rename):
 *
 *	"KSNAP002"	8 bytes magic and version
 *	u64 synced_at	when the index was last known current (Unix time)
 *	u64 len		length of the index payload (gindex_encode())
 *	u16 clen, ulen	lengths of the sync state (0, 0: none)
 *	cookie[clen]	the content-sync cookie of the state the index
 *	uri[ulen]	holds, and the directory URI it came from
 *	payload[len]
 *	mac[32]		HMAC-SHA256(key, everything above)
 *
 * (Big-endian integers.  "KSNAP001", the same without the u16s and the
 * sync state, is still read: a kuncid upgraded in place keeps its
 * snapshot.)
 *
 * The key is login.snapshot_key_file (a root-only file, at least
 * SNAPSHOT_KEY_MIN bytes).  A file whose MAC does not verify is refused and
 * never parsed.  Not thread-safe by itself: gate.c calls it from one thread
 * at a time (the index is encoded under the caller's read lock).
 */
#ifndef KUNCI_SNAPSHOT_H
#define KUNCI_SNAPSHOT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SNAPSHOT_KEY_MIN	16
#define SNAPSHOT_KEY_MAX	1024
#define SNAPSHOT_MAX		(512u * 1024 * 1024)	/* bytes on disk */

struct gindex;

/*
 * Where the index stood in the directory's content sync: the cookie of
 * the state it holds (RFC 4533) and the URI that gave it, so that a
 * restarted kuncid resumes from it instead of refreshing in full.
 */
#define SNAPSHOT_COOKIE_MAX	1024
#define SNAPSHOT_URI_MAX	1024
struct snapshot_sync {
	unsigned char	 cookie[SNAPSHOT_COOKIE_MAX];
	size_t		 cookie_len;		/* 0: none */
	char		 uri[SNAPSHOT_URI_MAX];	/* NUL-terminated */
};

/*
 * Write the index to path (through path.tmp).  0, or -1 with the reason
 * in err.
 */
int	snapshot_write(const char *path, const unsigned char *key,
	    size_t keylen, const struct gindex *, time_t synced_at,
	    char *err, size_t errsz);
/*
 * The same in two steps, so the caller may hold a lock over the index
 * only while it is encoded: snapshot_encode() streams header, index and
 * MAC to path.tmp in 64 KiB pieces (the encoding is never whole in
 * memory: 160 MB at a million grants) and leaves it open in *fdp;
 * snapshot_store() fsyncs and closes fd and renames path.tmp over path.
 * Each returns 0, or -1 with the reason in err and path.tmp removed.
 */
int	snapshot_encode(const char *path, const unsigned char *key,
	    size_t keylen, const struct gindex *, time_t synced_at, int *fdp,
	    char *err, size_t errsz);
int	snapshot_store(const char *path, int fd, char *err, size_t errsz);
/*
 * The same in steps, so the caller need hold its lock over the index only
 * while it encodes each piece, never while a piece is written:
 * snapshot_begin() opens path.tmp and writes the header for a payload of
 * plen bytes (gindex_encoded_len()) with the sync state (NULL, or an
 * empty cookie: none; one too long is left out); snapshot_put() writes a piece
 * (gindex_enc_step()); snapshot_end() checks that plen bytes came,
 * writes the MAC and stores the file as snapshot_store() does.
 * snapshot_abort() gives up (path.tmp removed); snapshot_end() and a
 * failed snapshot_begin() free w themselves.  Each returns 0, or -1 with
 * the reason in err.
 */
struct snapshot_out;
int	snapshot_begin(const char *path, const unsigned char *key,
	    size_t keylen, time_t synced_at, const struct snapshot_sync *,
	    uint64_t plen, struct snapshot_out **w, char *err, size_t errsz);
int	snapshot_put(struct snapshot_out *w, const void *, size_t,
	    char *err, size_t errsz);
int	snapshot_end(const char *path, struct snapshot_out *w, char *err,
	    size_t errsz);
/*
 * snapshot_end() with a last word: ok(arg) is asked under mtx just before
 * the rename, which is made while mtx is still held, so that whoever
 * decides under mtx that the file is stale either finds it in place (and
 * withdraws it) or stops it going there.  1 if ok() said no (nothing
 * stored).
 */
int	snapshot_end_if(const char *path, struct snapshot_out *w,
	    pthread_mutex_t *mtx, int (*ok)(void *), void *arg, char *err,
	    size_t errsz);
void	snapshot_abort(struct snapshot_out *w);
/*
 * fsync the directory that holds path, so that a rename or an unlink in
 * it survives a power loss; 0 or -1 (errno).
 */
int	snapshot_sync_dir(const char *path);
/*
 * Read and verify path.  Returns 0 with a new index in *ix (free with
 * gindex_free()), *synced_at and the sync state (unless NULL; an empty
 * cookie if the file has none) set; 1 when the file does not exist; -1
 * with the reason in err when it cannot be read, is malformed or fails its
 * MAC (a tampered or foreign snapshot).
 */
int	snapshot_read(const char *path, const unsigned char *key,
	    size_t keylen, struct gindex **ix, time_t *synced_at,
	    struct snapshot_sync *, char *err, size_t errsz);

#endif /* KUNCI_SNAPSHOT_H */
