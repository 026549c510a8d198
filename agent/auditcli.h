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

struct arecs {
	struct arec	*v;
	size_t		 n, cap;
};

/* An English or Indonesian text, by the caller's language. */
extern int auditcli_en;
#define AT(en, id)	(auditcli_en ? (en) : (id))

/*
 * Read every record of a file ("-": standard input): syslog lines, the
 * journal's JSON (journalctl -o json) or export (journalctl -o export)
 * form, recognised by their first line.  0, or -1 with a reason in err.
 */
int	arec_read_file(struct arecs *, const char *path, char *err,
	    size_t errsz);
/* The same from an open stream; src names it in messages. */
int	arec_read_stream(struct arecs *, const char *src, FILE *fp,
	    char *err, size_t errsz);
/* Read kuncid's records from the journal (journalctl -o json). */
int	arec_read_journal(struct arecs *, char *err, size_t errsz);
void	arec_free(struct arecs *);

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
 * Verify: print the findings to out (text or JSON) and return the exit
 * status (doc/audit.md): 0 intact, 1 intact but for declared gaps or
 * restarts, 65 damaged.  cert NULL: checkpoints not checked.
 */
int	audit_verify(struct arecs *, const struct achecks *, const char *cert,
	    int json, FILE *out);

struct asearch {
	const char	*person, *resource, *request, *grant, *event, *host;
	time_t		 since, until;	/* 0: open */
};
/* Mark the records that match (sel[i] = 1). */
void	audit_select(const struct arecs *, const struct asearch *,
	    unsigned char *sel);
int	audit_print(const struct arecs *, const unsigned char *sel, int json,
	    FILE *out);
int	audit_csv(const struct arecs *, const unsigned char *sel, FILE *out);

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
