/*
 * gtab.h: the gate table, kuncid's grant index published as a read-only
 * file that pam_kunci.so maps and decides from without a round trip to
 * kuncid (the way SSSD's NSS memory cache spares a socket round trip).
 * Why: a query-socket round trip costs two cross-CPU wake-ups, which on a
 * virtual machine whose idle vCPUs halt is most of a login check
 * (bench/RESULTS.md); reading a mapped table costs none.
 *
 * The file lives beside the query socket (GTAB_NAME in the socket's
 * directory), owned by the agent user, mode 0600, one link.  kuncid
 * writes a whole new table into a temporary file and renames it over the
 * old one when the index gains entries; readers that mapped the old file
 * keep a consistent old view.  Each section is built with spare room
 * (GTAB_SPARE: zeroed records, windows and string bytes past the used
 * part), so a grant or person added to the index is written into the
 * spare room and then linked at the head of its hash chain by one
 * release store of the bucket: a reader (acquire load of the bucket)
 * reaches the new record only whole, and a login is allowed by it at once
 * without a rebuild.  When the room runs out kuncid rebuilds (which also
 * compacts: strings interned again, patched-away records dropped).
 * Written in place: the live part of the
 * header, under a sequence counter (seqlock); the status and validity
 * fields of a grant record, under the record's own sequence counter (a
 * reader that sees it odd, or changed across its reads, reads again, at
 * most GTAB_SEQ_TRIES times, then gives up on the table: a half-patched
 * record -- a new not_before with the old not_after -- can never allow);
 * and the hash of a person record that went away (gtab_patch_*() in
 * gtab_build.h), each an aligned atomic store with C11 release/acquire
 * ordering.  kuncid never shrinks or truncates a file it published: a new
 * table is a new file, renamed over the old one.
 *
 * Layout, host byte order (the file never leaves the machine), every
 * section 8-byte aligned and bounds-checked by gtab_check():
 *
 *	struct gtab_hdr
 *	u32 people_buckets[npb]		index + 1 of the first person, 0 = none
 *	struct gtab_person people[np]
 *	u32 grant_buckets[ngb]		index + 1 of the first grant
 *	struct gtab_grant grants[ng]
 *	struct kd_win wins[nw]		each grant's windows are a slice
 *	u32 unmanaged[nu]		string offsets
 *	u32 services[2 * ns]		(service, resource template) pairs
 *	char strings[strsz]		NUL-terminated; offset 0 is ""
 *
 * Chains link by index + 1 (0 ends a chain).  Hashes are FNV-1a 32 of the
 * uid, or of subject, NUL, resource (gtab_hash()).
 *
 * When a reader may use the table (gtab_live()): GTAB_F_ONLINE is set (the
 * index is current with the directory; offline answers stay kuncid's,
 * with their per-resource policy) and now < live_until.  kuncid moves
 * live_until a few seconds ahead every second, together with the UTC
 * offset of agent.timezone, which it vouches for up to live_until (around
 * a daylight-saving change it publishes nothing usable, and the module
 * asks the socket).  A table whose kuncid died goes stale within
 * GTAB_LIVE seconds; until then the module's audit note to kuncid fails,
 * and that too sends it to the socket.
 */
#ifndef KUNCI_GTAB_H
#define KUNCI_GTAB_H

#include <stddef.h>
#include <stdint.h>

#include "decide.h"

#define GTAB_NAME	"gate.table"
#define GTAB_NOTE_NAME	"gate.note"	/* kuncid's audit-note FIFO */
/*
 * Each note in the FIFO starts with these 4 bytes, then one proto.h frame
 * (PROTO_T_NOTE).  A pipe keeps no boundaries; the marker lets kuncid find
 * the next note after a malformed or partial one (only root can write
 * such a thing; module notes are single atomic writes).
 */
#define GTAB_NOTE_MAGIC		"\x7fKNT"
#define GTAB_NOTE_MAGIC_LEN	4
#define GTAB_MAGIC	"kunciGT1"
#define GTAB_VERSION	3		/* 2: per-grant sequence counter;
					 * 3: spare records, added in place */
#define GTAB_LIVE	5		/* seconds live_until runs ahead */
#define GTAB_MAX_SIZE	((uint64_t)1 << 31)
/* Spare room per section: 1/GTAB_SPARE of the used part, at least ... */
#define GTAB_SPARE	16
#define GTAB_SPARE_MIN	64	/* records (strings: 64 bytes a grant) */

#define GTAB_F_ONLINE	0x1

struct gtab_hdr {
	char		magic[8];
	uint32_t	version;
	uint32_t	hdr_size;
	uint64_t	size;		/* the whole file */
	/* live part: written in place under seq */
	uint32_t	seq;		/* odd while kuncid writes */
	uint32_t	flags;
	int64_t		live_until;
	int32_t		utc_off;	/* seconds east of UTC */
	uint32_t	lang_en;
	int64_t		built_at;
	/* sections: counts and byte offsets from the start of the file */
	uint32_t	npb, pb_off;
	uint32_t	np, p_off;
	uint32_t	ngb, gb_off;
	uint32_t	ng, g_off;
	uint32_t	nw, w_off;
	uint32_t	nu, u_off;
	uint32_t	ns, s_off;
	uint32_t	strsz, str_off;
	uint32_t	hostname;	/* string offset */
	uint32_t	pad;
	/*
	 * How much of each section held records when the table was built
	 * (kuncid counts its additions in its own copy of the header; the
	 * rest is zeros a reader never reaches: no chain links there until
	 * an added record is written whole).  Readers bound themselves by
	 * the section counts above, never by these.
	 */
	uint32_t	np_used, ng_used, nw_used, str_used;
};

struct gtab_person {
	uint32_t	next;
	uint32_t	hash;
	uint32_t	uid;
	uint32_t	pad;
};

struct gtab_grant {
	uint32_t	next;
	uint32_t	hash;
	uint32_t	subject, resource, id;
	uint32_t	win;		/* first window */
	uint16_t	nwin;
	uint8_t		status;		/* enum kd_status */
	uint8_t		badwin;
	uint32_t	seq;		/* odd while kuncid patches the record */
	int64_t		not_before, not_after;
};

/*
 * How often a reader re-reads a grant record it found mid-patch before it
 * gives up on the table (and the module asks the query socket instead).
 * A patch is three stores; only a writer descheduled in the middle of one
 * makes a reader give up.
 */
#define GTAB_SEQ_TRIES	64

/* A mapped table (a reader's view). */
struct gtab {
	const unsigned char	*base;
	size_t			 size;
	const struct gtab_hdr	*h;
};

uint32_t gtab_hash(const char *a, const char *b);	/* b NULL: uid */
/*
 * The directory of the query socket sock, where the table (GTAB_NAME) and
 * the note FIFO (GTAB_NOTE_NAME) live: what kuncid and the module both
 * derive the paths from.  0, or -1 if sock has no directory part or dir is
 * too small.
 */
int	gtab_dir(const char *sock, char *dir, size_t dirsz);

/*
 * Check a mapped table's structure: magic, version, sizes, every section
 * inside the file, the string area NUL-terminated.  0, or -1 with t unset.
 * Chain indexes and string offsets are checked again where they are used.
 */
int	gtab_check(struct gtab *t, const void *base, size_t size);
/*
 * The live fields, read consistently.  1 if the table may be used at
 * now (online and now < live_until), with *utc_off; 0 if not.
 */
int	gtab_live(const struct gtab *, int64_t now, int32_t *utc_off);
/* decide.h's source over a checked table. */
void	gtab_source(const struct gtab *, struct kd_source *);
/* Local time from a Unix time and an offset. */
void	gtab_when(int64_t now, int32_t utc_off, struct kd_when *);

#endif /* KUNCI_GTAB_H */
