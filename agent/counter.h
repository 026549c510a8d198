/*
 * counter.h: numbers handed out by an LDAP counter entry,
 * cn=<name>,ou=counters,<kunci_base> (kunciIdCounter), shared by every
 * kuncid host of a directory: request ids (wf.c), visit ids (visit.c),
 * control-panel uid numbers (prov.c).
 *
 * Each number is taken by ONE write on the counter entry: the add that
 * creates it (the first number), or a modify that deletes the value read
 * and adds the next.  Whoever comes second gets alreadyExists or
 * noSuchAttribute and reads again, so two threads or two hosts never get
 * the same number, and a site that routes writes to one provider keeps
 * that property (nothing is decided from a read alone).
 *
 * Thread-safety: as the ldapc handle passed in (one per thread).
 */
#ifndef KUNCI_COUNTER_H
#define KUNCI_COUNTER_H

#include <stddef.h>

struct ldapc;

#define COUNTER_NAME_MAX	64
#define COUNTER_TRIES		50	/* lost races before EX_TEMPFAIL */

/*
 * The next number of counter name under kunci_base, in first..max: the
 * counter's first number is first, each later one its predecessor + 1.
 * label names the counter in messages ("id", "visit", "uid number").
 * Returns EX_OK with *out set; EX_UNAVAILABLE when the directory is gone;
 * EX_TEMPFAIL after COUNTER_TRIES lost races; EX_CANTCREAT when the range
 * is used up; EX_SOFTWARE for any other LDAP error or a counter that does
 * not hold a number of the range.  On error err holds one line
 * ("<what>: <why>").  *out is 0 on error.
 */
int	counter_next(struct ldapc *, const char *kunci_base, const char *name,
	    const char *label, long long first, long long max, long long *out,
	    char *err, size_t errsz);

#endif /* KUNCI_COUNTER_H */
