/*
 * auditcli.h: kuncictl's "audit verify", "audit search" and "audit export",
 * which read audit records the caller can read (a syslog file, forwarded
 * copies, a journal export, or the journal itself) and never LDAP; the
 * checkpoints come from kuncid over the admin socket ("audit checkpoints")
 * or from a checkpoint file an inspector was given (doc/audit.md).
 *
 * auditrec.c reads and parses records, auditverify.c checks chains and
 * checkpoints, auditsearch.c searches and exports, auditcli.c holds the
 * command lines.
 */
#ifndef KUNCI_AUDITCLI_H
#define KUNCI_AUDITCLI_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "chain.h"

/* One record as read. */
struct arec {
	const char	*src;		/* file name, or "journal" */
	unsigned long	 line;		/* line (or entry) in src, from 1 */
	char		 tag[32];	/* the program that logged it */
	char		*msg;		/* the record: from "event=" on */
	char		 event[64];
	time_t		 t;		/* its time=, else the log's; 0 unknown */
	/* the chain fields (chain.h), when chained */
	int		 chained;
	char		 host[CHAIN_HOST_MAX + 1];
	uint64_t	 seq;
	unsigned char	 val[CHAIN_VAL_LEN];
	size_t		 bodylen;	/* msg bytes the chain value covers */
};

/* An English or Indonesian text, by the caller's language. */
extern int auditcli_en;
#define AT(en, id)	(auditcli_en ? (en) : (id))

/*
 * The readers hand every record to a callback, one at a time, and keep
 * none: the record (and its msg) is valid during the call only.  The
 * callback returns 0, 1 to stop reading (the scan returns 0), or -1 to
 * stop with an error (out of memory).
 */
typedef int (*arec_fn)(const struct arec *, void *arg);

/*
 * Read every record of a stream: syslog lines, the journal's JSON
 * (journalctl -o json) or export (journalctl -o export) form, recognised
 * by their first line; src names it in messages.  0, or -1 with a reason
 * in err.
 */
int	arec_scan_stream(const char *src, FILE *fp, arec_fn, void *arg,
	    char *err, size_t errsz);
/* The same for a file ("-": standard input). */
int	arec_scan_file(const char *path, arec_fn, void *arg, char *err,
	    size_t errsz);
/* kuncid's records from the journal (journalctl -o json). */
int	arec_scan_journal(arec_fn, void *arg, char *err, size_t errsz);
/* journalctl's output as a stream, and its end (r: the reading's result;
 * returns the result with journalctl's). */
int	arec_journal_open(pid_t *, char *err, size_t errsz, FILE **);
int	arec_journal_close(FILE *, pid_t, int r, char *err, size_t errsz);

/*
 * The value of key in a record, unescaped into dst (always terminated).
 * 0, or -1 when the record has no such key.
 */
int	arec_kv(const char *msg, const char *key, char *dst, size_t dstsz);
/*
 * The next key=value pair at *p (advanced past it); 0, or -1 at the end.
 */
int	arec_kv_next(const char **p, char *key, size_t keysz, char *val,
	    size_t valsz);

/*
 * "2026-12-06", "2026-12-06T10:30[:00]" or with a space; local time unless
 * it ends in Z.  0 or -1.
 */
int	arec_parse_time(const char *s, int end_of_day, time_t *t);

/* The checkpoints given to verify: each a line and its signature. */
struct acheck {
	char		*stmt;
	unsigned char	*sig;
	size_t		 siglen;
	char		 host[CHAIN_HOST_MAX + 1];
	uint64_t	 seq;
	unsigned char	 val[CHAIN_VAL_LEN];
	char		 time[32];
};
struct achecks {
	struct acheck	*v;
	size_t		 n;
};
/* Parse a checkpoint file's text ("audit checkpoints").  0 or -1. */
int	acheck_parse(struct achecks *, const char *text, char *err,
	    size_t errsz);
void	acheck_free(struct achecks *);

/*
 * Verify, streaming: averify_new(), every record through averify_add()
 * (an arec_fn), then averify_end() prints the findings to out (text or
 * JSON) and returns the exit status (doc/audit.md): 0 intact, 1 intact
 * but for declared gaps or restarts, 65 damaged, 66 nothing chained.
 * Memory grows with hosts, chains, checkpoints and findings, not with
 * records: each chain keeps a window of its last AVERIFY_WINDOW records,
 * in which records out of order are put back in order; one found further
 * from its place is reported where it is found (and where it is missing).
 * cert NULL: checkpoints not checked; window 0: AVERIFY_WINDOW (another
 * for the fuzzer).  averify_new() returns NULL when out of memory.
 */
#define AVERIFY_WINDOW	4096
struct averify;
struct averify	*averify_new(const struct achecks *, const char *cert,
		    size_t window);
int		 averify_add(const struct arec *, void *averify);
int		 averify_end(struct averify *, int json, FILE *out);
void		 averify_free(struct averify *);	/* without a report */

struct asearch {
	const char	*person, *resource, *request, *grant, *event, *host;
	time_t		 since, until;	/* 0: open */
};
/*
 * Search, streaming.  With --request or --grant the records are read
 * several times: asel_link() over every record until asel_grew() says
 * no new request, grant or removal was named (the ids are kept, not the
 * records), then asel_out() over every record prints those that match,
 * as text, JSON or CSV.  asel_end() ends the output: 0 something matched,
 * 1 nothing, -1 a write error.
 */
enum asel_fmt { ASEL_TEXT, ASEL_JSON, ASEL_CSV };
struct asel;
struct asel	*asel_new(const struct asearch *, enum asel_fmt, FILE *out);
int		 asel_linked(const struct asel *);	/* needs passes */
int		 asel_link(const struct arec *, void *asel);
int		 asel_grew(struct asel *);
int		 asel_out(const struct arec *, void *asel);
int		 asel_end(struct asel *);

/*
 * kuncictl audit verify|search|export ...: argv[0] is "audit".  ask sends
 * words to kuncid and returns its status with its stdout and stderr
 * (malloc'd); lang: the language from the environment (NULL: Indonesian).
 */
typedef int (*auditcli_ask_fn)(int n, char **args, char **out, char **err);
int	auditcli_is_local(int argc, char **argv);
int	auditcli_main(int argc, char **argv, auditcli_ask_fn ask,
	    const char *lang);

#endif /* KUNCI_AUDITCLI_H */
