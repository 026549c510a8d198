/*
 * gfresh.h: the login gate's freshness against the writer (two sites,
 * doc/sites.md).
 *
 * A gate answers from its own site's provider.  Cut off from the writer,
 * that provider stays up and answers, but no longer receives the writer's
 * changes (a revocation among them): the gate's heartbeat cannot see it.
 * So the writer beats: every kuncid that reaches the writer renews the
 * description of cn=beat under the kunci base ("SID TIME", SID the
 * writer's serverID) every writer_timeout / 4 (an asserted delete and
 * add: of all the kuncid, about one writes each time), and the gate's
 * heartbeat probe reads that value on its own provider.  The value not
 * seen to change for directory.writer_timeout (the gate's own monotonic
 * clock: no clock of another host is compared) takes the gate offline,
 * its sync connection kept; a change brings it back.  No cn=beat (one
 * server: kuncid beats only when cn=writer names a writer) is not
 * checked.
 */
#ifndef KUNCI_GFRESH_H
#define KUNCI_GFRESH_H

#include <stdint.h>

#include <ldap.h>

struct kunci_cfg;

#define GFRESH_BEAT_MAX	96

struct gfresh {
	char	 beat[GFRESH_BEAT_MAX];	/* the last value seen */
	char	 wid[16];		/* the writer's serverID, as read */
	int	 have;			/* the writer entry carries a beat */
	int	 ever;			/* a beat was seen once: from then on
					 * a probe that brings none (an error,
					 * no entry, no value) changes nothing,
					 * so the beat's age keeps running */
	int	 seen;			/* the probe out returned the entry */
	int64_t	 changed;		/* monotonic ms it last changed */
	int	 stale;			/* reported stale */
	char	 why[256];		/* why, when stale */
};

enum { GFRESH_SAME, GFRESH_STALE, GFRESH_FRESH };

void	gfresh_init(struct gfresh *);
/*
 * The gate's heartbeat probe: a base search of cn=beat (of the base entry
 * when there is no kunci base); *msgid as ldap_search_ext.
 */
int	gfresh_probe(LDAP *, const struct kunci_cfg *, struct gfresh *,
	    int *msgid);
/* The probe's entry, and its final result. */
void	gfresh_entry(struct gfresh *, LDAP *, LDAPMessage *, int64_t now);
void	gfresh_result(struct gfresh *);
/*
 * GFRESH_STALE when the beat has just gone stale (why says it),
 * GFRESH_FRESH when it has just come back, else GFRESH_SAME.
 */
int	gfresh_check(struct gfresh *, const struct kunci_cfg *, int64_t now,
	    const char *uri);
/* Milliseconds since the beat last changed. */
int64_t	gfresh_age(const struct gfresh *, int64_t now);

/* The beat: a thread of kuncid's own, on a writer connection. */
int	gfresh_start(const struct kunci_cfg *);
void	gfresh_stop(void);

#endif /* KUNCI_GFRESH_H */
