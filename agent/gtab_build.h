/*
 * gtab_build.h: kuncid's side of the gate table (gtab.h): building the
 * image of an index and publishing it, and keeping its live header fresh.
 */
#ifndef KUNCI_GTAB_BUILD_H
#define KUNCI_GTAB_BUILD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "gindex.h"
#include "gtab.h"

/* What the decision needs besides the index (from the configuration). */
struct gtab_policy {
	int			 lang_en;
	const char		*hostname;
	char *const		*unmanaged;
	size_t			 nunmanaged;
	const char *const	*service;	/* ns names ... */
	const char *const	*tmpl;		/* ... and their templates */
	size_t			 nservices;
	/* the live part the table starts with (gtab_set_live()) */
	uint32_t		 flags;
	int64_t			 live_until;
	int32_t			 utc_off;
};

/*
 * Write the table of ix to fd, a new empty file, in pieces (the image is
 * never whole in memory), and fill *h with its header.  0, or -1 with
 * errno set: ENOMEM, EFBIG (over GTAB_MAX_SIZE), EAGAIN (the index
 * changed during the build: the caller holds its lock), or a write's.
 */
int	gtab_write(int fd, const struct gindex *ix, const struct gtab_policy *,
	    struct gtab_hdr *h);
/* The same image in a fresh malloc'd buffer (tests, fuzzing).  0 or -1. */
int	gtab_build(const struct gindex *ix, const struct gtab_policy *,
	    unsigned char **buf, size_t *len);

/* A table kuncid published. */
struct gtab_pub {
	struct gtab_hdr	*h;	/* the file mapped whole, shared, writable */
	size_t		 len;	/* the mapping's length (never h->size) */
	int		 fd;	/* the file, open: its size and links */
	dev_t		 dev;	/* what the path named when published */
	ino_t		 ino;
	struct gtab_hdr	 geo;	/* the header as built: the patches find
				 * sections from this copy, never from the
				 * file, which someone may have damaged */
};

/*
 * Write the table of ix as path (gtab_write()): a temporary file in the
 * same directory, mode 0600, renamed over path.  0 with *p filled (the new file mapped whole, for
 * gtab_set_live() and the patches), or -1 with errno set (nothing
 * replaced).  A published file is never written to except in place
 * through p->h, and never shrunk: a new table is a new file.
 */
int	gtab_publish(const char *path, const struct gindex *ix,
	    const struct gtab_policy *, struct gtab_pub *p);
/* Unmap and close p (p->h NULL: nothing). */
void	gtab_unpublish(struct gtab_pub *p);

/*
 * Patch a published table in place, so a change reaches logins before the
 * next rebuild: the grant (subject, res, id) gets a new status and
 * validity; a person disappears.  -1 if the record is not in the table
 * (then only the rebuild brings the change).  A grant's fields change
 * under the record's sequence counter (gtab.h), so no reader decides on a
 * half-patched record.  One writer at a time (the caller's lock).
 */
int	gtab_patch_grant(struct gtab_pub *, const char *sub, const char *res,
	    const char *id, int status, int64_t not_before, int64_t not_after);
int	gtab_patch_person_gone(struct gtab_pub *, const char *uid);
/*
 * Add a grant or a person to a published table in place, in its spare
 * room (gtab.h): the record, its windows and strings are written first,
 * then linked at the head of its chain by one release store, so a reader
 * sees all of it or none.  -1 when the spare room is used up (the caller
 * rebuilds).  One writer at a time (the caller's lock).
 */
int	gtab_add_grant(struct gtab_pub *, const struct gindex_grant *);
int	gtab_add_person(struct gtab_pub *, const char *uid);

/* Update the live fields under the sequence counter. */
void	gtab_set_live(struct gtab_hdr *, uint32_t flags, int64_t live_until,
	    int32_t utc_off);

#endif /* KUNCI_GTAB_BUILD_H */
