/*
 * chain.h: the audit hash chain, so that deleting, altering, reordering or
 * inserting one of kuncid's audit records is detectable (doc/audit.md).
 *
 * Every record kuncid writes ends with three fields added here:
 *
 *	... host=NAME seq=N time=2026-12-06T04:45:44Z chain=HEX
 *
 * seq counts this host's records from 1; time is when the record was
 * sealed (UTC), so the time an auditor reads is covered too; chain is the lower-case hex of
 * SHA-256(previous record's chain value (32 bytes) || the record's text up
 * to, not including, " chain=").  The first record of a chain hashes 32
 * zero bytes in place of a previous value.  Several hosts each keep their
 * own chain, named by host.
 *
 * The head (host, last sealed seq, its value) lives in STATE_DIR/audit.head
 * in two checksummed slots written in turn, so a torn write leaves the
 * other one.  The caller (log.c) writes it with chain_commit() once for a
 * batch, before the batch is emitted: a record is never seen whose seq the
 * head does not cover.  After a crash the head says which positions
 * (first..seq of the last batch) may have been made durable but not
 * emitted; past them, records may have been sealed and queued but never
 * made durable (lost with the process).  Their positions are never used
 * again: the chain resumes CHAIN_CRASH_SKIP positions further on (from
 * the last durable value), and chain_open() reports first..seq+skip so
 * the first record can declare them all.
 *
 * Not thread-safe: log.c serialises every call under its queue lock.
 */
#ifndef KUNCI_CHAIN_H
#define KUNCI_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CHAIN_HOST_MAX		64
#define CHAIN_VAL_LEN		32
/* what chain_seal() may append: " host=<64> seq=<20> time=<20>
 * chain=<64>" */
#define CHAIN_SUFFIX_MAX	(6 + CHAIN_HOST_MAX + 5 + 20 + 6 + 20 + 7 + \
				    64 + 1)

/*
 * The positions a crashed run may have sealed past its durable head: the
 * records queued (log.h: at most LOG_AUDIT_QMAX) and the batch whose
 * fdatasync did not complete (as many again).  audit.c checks the bound.
 */
#define CHAIN_CRASH_SKIP	8192

enum chain_state {
	CHAIN_NEW,	/* no head file: a new chain from seq 1 */
	CHAIN_LOST,	/* a head file neither slot of which is readable */
	CHAIN_CLEAN,	/* the last run ended with every record emitted */
	CHAIN_CRASH	/* the last run ended without saying so */
};

struct chain {
	int		 fd;		/* the head file, -1 when closed */
	char		 host[CHAIN_HOST_MAX + 1];
	uint64_t	 seq;		/* last sealed */
	unsigned char	 val[CHAIN_VAL_LEN];
	uint64_t	 gen;		/* head writes, picks the slot */
	/* what chain_open() found */
	time_t		 tsec;		/* the second tstr shows */
	char		 tstr[24];
	enum chain_state state;
	uint64_t	 after;		/* the head's seq (CHAIN_CRASH: + skip) */
	uint64_t	 unsent_from;	/* CHAIN_CRASH: first seq of its batch */
	uint64_t	 skip;		/* positions the next seal passes over */
};

/* A valid chain host name: 1..CHAIN_HOST_MAX of [A-Za-z0-9.-]. */
int	chain_host_ok(const char *host);

/*
 * Open (creating when missing) STATE_DIR/audit.head for host and read the
 * head.  0, or -1 with a reason in err.  A head of another host name is
 * refused (two hosts sharing a state directory would interleave chains).
 */
int	chain_open(struct chain *c, const char *statedir, const char *host,
	    char *err, size_t errsz);

/*
 * Append " host=H seq=N time=T chain=HEX" to the NUL-terminated record in rec
 * (capacity recsz, which must leave CHAIN_SUFFIX_MAX bytes) and advance the
 * head in memory.  0, or -1 when there is no room (rec unchanged).
 */
int	chain_seal(struct chain *c, char *rec, size_t recsz);

/*
 * Make the head durable: seq and val are the last record of a batch whose
 * first record is first; clean says every record up to seq was emitted.
 * One write and one fdatasync.  0 or -1 (errno set).
 */
int	chain_commit(struct chain *c, uint64_t first, uint64_t seq,
	    const unsigned char val[CHAIN_VAL_LEN], int clean);

void	chain_close(struct chain *c);

/*
 * The chain value of a record: SHA-256(prev || text[0..len)).  For the
 * verifier too.  0 or -1.
 */
int	chain_hash(const unsigned char prev[CHAIN_VAL_LEN], const char *text,
	    size_t len, unsigned char out[CHAIN_VAL_LEN]);

void	chain_hex(const unsigned char val[CHAIN_VAL_LEN], char out[65]);
int	chain_unhex(const char *hex, unsigned char val[CHAIN_VAL_LEN]);

#endif /* KUNCI_CHAIN_H */
