/*
 * gindex.h: the login gate's in-memory grant index.
 *
 * Two tables, both keyed by the entry's entryUUID (so a content-sync
 * delete, which names only the UUID, finds its entry):
 *   - grants, also chained by (subject, resource) for the login lookup;
 *   - people (uid values under people_base), to tell a user kunci manages
 *     from one it does not know.
 * Subjects, uids and resources compare byte for byte: Linux login names are
 * case-sensitive, so "Budi" must not borrow budi's grant even though LDAP
 * matches them case-insensitively.
 *
 * Each grant is one allocation (struct, DN and id); subjects and resources
 * are kept once each, shared by the grants naming them (a subject or
 * resource pointer stays valid while a grant holds it).  A million grants
 * take about 150 MB.  The index has no lock of its own: gate.c guards it
 * with a rwlock (readers call the const functions only).
 *
 * Time windows (kunciTimeWindow, multi-valued; a grant with none has no
 * window restriction, one with several allows a time inside any of them):
 *
 *	DAYS HH:MM-HH:MM
 *
 * DAYS is "daily" or "*", or a comma list of days or day ranges out of
 * mon tue wed thu fri sat sun ("mon-fri", "mon,wed,fri", "sat-sun",
 * "fri-mon" wraps).  The hours are local time in agent.timezone; the end is
 * exclusive and may be 24:00; an end before the start crosses midnight
 * ("mon-fri 22:00-06:00": from Monday 22:00 to Tuesday 06:00, ...), the day
 * naming the start.  Case is ignored.  A grant holding a window that does
 * not parse never allows (fail closed), with reason "bad time window".
 */
#ifndef KUNCI_GINDEX_H
#define KUNCI_GINDEX_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "decide.h"

#define GINDEX_UUID_LEN	16
#define GINDEX_MAX_WIN	16	/* windows kept per grant; more = bad */

/* The status values are decide.h's. */
enum gindex_status {
	GINDEX_ACTIVE = KD_ACTIVE,
	GINDEX_SUSPENDED = KD_SUSPENDED,
	GINDEX_REVOKED = KD_REVOKED,
	GINDEX_EXPIRED = KD_EXPIRED,
	GINDEX_OTHER = KD_OTHER	/* a value kunci does not know: never allows */
};


/* A grant as read from LDAP (the input of gindex_put_grant). */
struct gindex_grant_in {
	const char	*dn;
	const char	*id;		/* kunciId */
	const char	*subject;
	const char	*resource;
	const char	*status;	/* kunciStatus text */
	int64_t		 not_before;
	int64_t		 not_after;
	int64_t		 last_used;	/* 0 = never */
	const char *const *windows;	/* kunciTimeWindow values */
	size_t		 nwindows;
};

/* A grant in the index; read-only for everyone but gindex.c. */
struct gindex_grant {
	struct gindex_grant	*uuid_next;
	struct gindex_grant	*key_next;
	uint32_t		 keyhash;
	unsigned char		 uuid[GINDEX_UUID_LEN];
	uint8_t			 status;	/* enum gindex_status */
	uint8_t			 nwin;
	uint8_t			 badwin : 1;	/* a window did not parse */
	/*
	 * 1: dn holds only the parent of the DN "kunciId=<id>,<dn>", shared
	 * by every grant under it (a million grants share one "ou=grants,
	 * ..."); read the DN through gindex_grant_dn().
	 */
	uint8_t			 dn_short : 1;
	uint8_t			 round;		/* gindex_mark_begin() */
	int64_t			 not_before;
	int64_t			 not_after;
	int64_t			 last_used;
	/* set by the gate when it queued a last-used write (atomic use) */
	int64_t			 lu_queued;
	const char		*dn, *id, *subject, *resource;
	struct kd_win	 win[];		/* nwin, then the strings */
};

struct gindex;

/*
 * g's DN into buf (NUL-terminated): its length, or -1 if it does not fit
 * in sz.  gindex_grant_dup_dn(): the same in a malloc'd copy, or NULL.
 */
int	gindex_grant_dn(const struct gindex_grant *g, char *buf, size_t sz);
char	*gindex_grant_dup_dn(const struct gindex_grant *g);

/* A new empty index, or NULL (out of memory).  Free with gindex_free(). */
struct gindex *gindex_new(void);
void	gindex_free(struct gindex *);

/*
 * Add or replace (by uuid) a grant or a person.  A uuid names one entry:
 * putting a person under a grant's uuid removes the grant first, and so on.
 * Return 0, or -1 on a missing field or out of memory (the index is then
 * unchanged).
 */
int	gindex_put_grant(struct gindex *, const unsigned char *uuid,
	    const struct gindex_grant_in *);
int	gindex_put_person(struct gindex *, const unsigned char *uuid,
	    const char *uid);
/* The grant, or the person's uid, that uuid names; NULL if none. */
const struct gindex_grant *gindex_grant_by_uuid(const struct gindex *,
	    const unsigned char *uuid);
const char *gindex_person_by_uuid(const struct gindex *,
	    const unsigned char *uuid);
/* Remove whatever uuid names; 0 if it was there, -1 if not. */
int	gindex_del(struct gindex *, const unsigned char *uuid);

/* 1 if uid is a person kunci knows. */
int	gindex_has_person(const struct gindex *, const char *uid);
/*
 * The first grant for (subject, resource); follow g->key_next and skip
 * those whose subject/resource differ (gindex_grant_is() does the check).
 * Non-const only so that the gate may update lu_queued atomically.
 */
struct gindex_grant *gindex_lookup(const struct gindex *,
	    const char *subject, const char *resource);
int	gindex_grant_is(const struct gindex_grant *, const char *subject,
	    const char *resource);
size_t	gindex_ngrants(const struct gindex *);
/*
 * decide.h's grants(): call fn for each grant of exactly (user, res), its
 * ref the struct gindex_grant, until fn returns non-zero.  Returns 0.
 */
int	gindex_kd_grants(struct gindex *, const char *user, const char *res,
	    int (*fn)(void *, const struct kd_grant *), void *);
/* Call grant() for every grant and person() for every uid (either NULL). */
void	gindex_foreach(const struct gindex *,
	    void (*grant)(void *, const struct gindex_grant *),
	    void (*person)(void *, const char *), void *);
size_t	gindex_npeople(const struct gindex *);
/*
 * Marks for a refresh applied in place (RFC 4533's present phase, or a
 * full refresh into an index that already holds entries): after
 * gindex_mark_begin(), an entry is marked by being put, or by
 * gindex_mark() (the server named it unchanged; -1 if uuid names
 * nothing); gindex_foreach_unmarked() then calls fn with the UUID of
 * every entry not marked since, which the server no longer has.  A mark
 * is a byte in the entry (no set of a million UUIDs beside the index).
 */
void	gindex_mark_begin(struct gindex *);
int	gindex_mark(struct gindex *, const unsigned char *uuid);
void	gindex_foreach_unmarked(const struct gindex *,
	    void (*fn)(void *, const unsigned char *uuid), void *);
/*
 * The grant of (subject, resource) whose kunciId is id, or NULL.  The
 * gate narrows its status in place (under its write lock) when kuncid
 * itself revoked or expired it.
 */
struct gindex_grant *gindex_find_id(const struct gindex *,
	    const char *subject, const char *resource, const char *id);
void	gindex_set_status(struct gindex_grant *, int status);

/*
 * Whether local time t (broken down by the caller in agent.timezone) falls
 * in one of the grant's windows; 1 with no windows, 0 if a window was bad.
 */
int	gindex_in_window(const struct gindex_grant *, const struct tm *local);
/* Parse one window; 0 or -1. */
int	gindex_parse_window(const char *, struct kd_win *);

const char *gindex_status_name(int status);

/*
 * Serialise the whole index into a malloc'd buffer (*buf, *len), and
 * rebuild an index from one.  The format is private to this file and
 * versioned; gindex_decode() bounds-checks every field and returns NULL on
 * anything malformed.  Integrity (HMAC) is snapshot.c's job.
 */
int	gindex_encode(const struct gindex *, unsigned char **buf,
	    size_t *len);
/*
 * The same encoding in pieces, without the whole in memory: sink gets it
 * in order, at most 64 KiB at a time (a longer string alone), and
 * returns 0, or -1 to stop.  gindex_encode_to() returns 0 with the
 * length in *len (if not NULL), or -1 (sink failed, out of memory).
 * gindex_encoded_len(): the length it will have, encoding nothing.
 */
typedef int (*gindex_sink_fn)(void *, const void *, size_t);
int	gindex_encode_to(const struct gindex *, gindex_sink_fn, void *,
	    uint64_t *len);
uint64_t gindex_encoded_len(const struct gindex *);
/*
 * The same encoding in steps, so that a caller may hold its lock over the
 * index for one step at a time and write each step's bytes after letting
 * go of it: gindex_enc_step() encodes whole hash buckets until it has
 * `want' bytes or the rest, and points *p (valid until the next step)
 * and *len at them.  Returns 1 with a step, 0 when the encoding is
 * complete, -1 out of memory or when the index's tables were resized
 * since the step before (it changed: start again).  With count, the
 * steps only count: *p is NULL and *len the length of that part (a
 * snapshot's length, which its header holds, counted in steps too).
 * A change between
 * steps that resizes nothing goes unnoticed here: the caller must know
 * of changes by other means (gate.c's snapshot generation).
 */
struct gindex_enc;
struct gindex_enc *gindex_enc_new(int count);
int	gindex_enc_step(const struct gindex *, struct gindex_enc *,
	    size_t want, const unsigned char **p, size_t *len);
void	gindex_enc_free(struct gindex_enc *);
struct gindex *gindex_decode(const unsigned char *buf, size_t len);
/*
 * The same decoding read in pieces from src, which fills up to n bytes
 * of buf and returns how many (0 at the end, -1 on an error), so that the
 * encoding is never whole in memory (the snapshot of a million grants is
 * 160 MB).  NULL on anything malformed, trailing bytes, or src failing.
 */
typedef ssize_t (*gindex_source_fn)(void *, unsigned char *buf, size_t n);
struct gindex *gindex_decode_from(gindex_source_fn, void *);

#endif /* KUNCI_GINDEX_H */
