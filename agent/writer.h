/*
 * writer.h: the replication state two sites share (doc/sites.md): the
 * writer entry (cn=writer under the kunci base: which provider takes
 * kuncid's writes, and every provider's serverID and URIs) and the
 * providers' contextCSN, per serverID, to compare them.
 *
 * ldapc.c routes writes by the same entry; this module is what kuncictl
 * status and the writer switch (sites.c) read.  Every function works on a
 * connection the caller owns; none keeps state.
 */
#ifndef KUNCI_WRITER_H
#define KUNCI_WRITER_H

#include <time.h>

#include <ldap.h>

#include "ldapc.h"

struct kunci_cfg;

#define WRITER_MAX_PROV	8
#define WRITER_MAX_URI	4
#define WRITER_MAX_CSN	16

struct writer_prov {
	char	id[16];
	char	uri[WRITER_MAX_URI][LDAPC_URI_MAX];
	int	nuri;
};

struct writer_view {
	char			id[16];		/* the writer's serverID */
	char			uri[WRITER_MAX_URI][LDAPC_URI_MAX];
	int			nuri;
	struct writer_prov	prov[WRITER_MAX_PROV];
	int			nprov;
};

/* One value of contextCSN: the serverID (3 hex digits) and the CSN. */
struct writer_csn {
	char	sid[8];
	char	csn[64];
};

struct writer_csns {
	struct writer_csn	v[WRITER_MAX_CSN];
	int			n;
};

/*
 * Read the writer entry on ld: 1 found, 0 none (one server), -1 on an
 * error (err says it).
 */
int	writer_read(LDAP *ld, const struct kunci_cfg *, struct writer_view *,
	    char *err, size_t errsz);
/* The provider of serverID id in v, or NULL. */
const struct writer_prov *writer_prov(const struct writer_view *,
	    const char *id);
/*
 * Connect c (initialised by the caller) to one of p's URIs: those the
 * configuration lists, or any when it lists none.  NULL with c->err set.
 */
LDAP	*writer_open(struct ldapc *c, const struct writer_prov *p);
/* The suffix entry's contextCSN values on ld.  0, or -1 (err). */
int	writer_csns(LDAP *ld, const struct kunci_cfg *, struct writer_csns *,
	    char *err, size_t errsz);
/*
 * 1 if a has seen everything b has (for every serverID in b, a's CSN is
 * at least b's), 0 if not: behind names the first serverID it lags on.
 */
int	writer_covers(const struct writer_csns *a, const struct writer_csns *b,
	    char *behind, size_t behindsz);
/*
 * Seconds by which a lags behind b for serverID id (its decimal form, as
 * in kunciWriterId): b's CSN time minus a's, 0 if a is not behind, -1 if
 * a has no CSN of that serverID yet.
 */
long	writer_lag(const struct writer_csns *a, const struct writer_csns *b,
	    const char *id);
/* The 3 hex digit serverID of a CSN for a decimal serverID ("1" -> "001"). */
void	writer_sid(const char *id, char out[8]);

#endif /* KUNCI_WRITER_H */
