/*
 * decide.h: the login decision, shared by kuncid (answering the query
 * socket and `kuncid check`) and pam_kunci.so (answering from the gate
 * table kuncid publishes, gtab.h).  libc only: it is linked into the
 * module.
 *
 * The rule (DESIGN.md): a valid user name; an unmanaged account is
 * ignored; the resource is the query's, or the service's template from
 * login.services with %h the host; a user who is no directory person is
 * "unknown" (denied); otherwise the best of the user's grants for that
 * resource decides, and only an active grant inside its validity and its
 * time window allows.  Everything that is not a positive match denies.
 *
 * The data comes through struct kd_source, so the same steps run on
 * kuncid's in-memory index and on the mapped table.
 */
#ifndef KUNCI_DECIDE_H
#define KUNCI_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* A time window (gindex.h explains the text form). */
struct kd_win {
	uint8_t		days;	/* bit (1 << tm_wday), Sunday = 0 */
	uint16_t	start;	/* minutes after midnight, 0..1439 */
	uint16_t	end;	/* 1..1440; <= start crosses midnight */
};

/* Grant status values (the index and the table store these). */
enum kd_status {
	KD_ACTIVE = 1,
	KD_SUSPENDED,
	KD_REVOKED,
	KD_EXPIRED,
	KD_OTHER		/* a value kunci does not know: never allows */
};

/* Why a grant does not allow; the higher, the closer to an allow. */
enum kd_why {
	KD_W_NONE = 0,		/* no grant at all */
	KD_W_STATUS_OTHER,
	KD_W_REVOKED,
	KD_W_EXPIRED_STATUS,
	KD_W_SUSPENDED,
	KD_W_EXPIRED,		/* now >= not-after */
	KD_W_NOT_YET,		/* now < not-before */
	KD_W_BAD_WINDOW,
	KD_W_WINDOW,		/* outside its time window */
	KD_W_ALLOW,
	KD_W_UNMAPPED		/* the service names no resource (kd_begin) */
};

/* One grant as the decision sees it. */
struct kd_grant {
	int			 status;	/* enum kd_status */
	int			 badwin;	/* a window did not parse */
	int64_t			 not_before, not_after;
	const struct kd_win	*win;
	size_t			 nwin;
	const char		*id;		/* kunciId */
	void			*ref;		/* the source's own handle */
};

/* Local time as the windows need it, in agent.timezone. */
struct kd_when {
	int64_t	now;		/* Unix time */
	int	wday;		/* 0 = Sunday */
	int	minute;		/* minutes after local midnight */
};

struct kd_source {
	void	*arg;
	int	 lang_en;		/* messages in English, else Indonesian */
	const char *hostname;		/* %h when the query names no host */
	int	(*unmanaged)(void *arg, const char *user);
	/* login.services: the resource template of service, or NULL */
	const char *(*service)(void *arg, const char *service);
	/* 1 if uid is a person kunci knows, 0 if not, -1 on a corrupt source */
	int	(*has_person)(void *arg, const char *uid);
	/*
	 * Call fn for each grant whose subject and resource equal user and
	 * res byte for byte, until fn returns non-zero.  -1 if the source
	 * is unusable (a corrupt table), else 0.
	 */
	int	(*grants)(void *arg, const char *user, const char *res,
		    int (*fn)(void *, const struct kd_grant *), void *fnarg);
};

/* The outcome; reason is static text or points into reasonbuf. */
struct kd_result {
	uint32_t	 decision;		/* enum proto_decision */
	const char	*reason;
	int		 why;			/* enum kd_why of the best grant */
	int64_t		 starts;		/* its not-before (KD_W_NOT_YET) */
	int		 known;		/* 0: do not log the user's name */
	void		*allow_ref;	/* the allowing grant's ref */
	char		 resource[PROTO_FIELD_MAX + 1];
	char		 grant[PROTO_FIELD_MAX + 1];
};

/*
 * First half: name, unmanaged, resource.  Returns 1 when that already
 * decides (r filled), 0 to go on with r->resource set.
 */
int	kd_begin(const struct kd_source *, const struct proto_query *,
	    struct kd_result *);
/* Second half: person and grants; -1 if the source failed (r unusable). */
int	kd_finish(const struct kd_source *, const char *user,
	    const struct kd_when *, struct kd_result *);

enum kd_why kd_judge(const struct kd_grant *, const struct kd_when *);
const char *kd_why_text(enum kd_why);
int	kd_in_windows(const struct kd_win *, size_t n, int wday, int minute);
/* 1..PROTO_NAME_MAX bytes and no control character. */
int	kd_valid_name(const char *);
/* Expand a services[].resource template ("%h" = host); -1 if too long. */
int	kd_expand(const char *tmpl, const char *host, char *dst,
	    size_t dstsz);
/*
 * The text shown to the user for r (decision, resource, why, grant,
 * starts), in English (en) or Indonesian.  A grant that is not valid yet
 * says when it starts, as local time utc_off seconds east of UTC; any
 * other denial names the command that asks for access, with type the
 * --type the resource's workflow takes, or NULL where that is not known
 * (at a login the module and the gate have no resource data): then the
 * hint names no --type, and request submit takes the one type the
 * resource's workflow issues (a card for a door, an account for a panel).
 */
void	kd_message(const struct kd_result *r, int en, const char *type,
	    int32_t utc_off, char *dst, size_t dstsz);
/* Copy src into dst, cut to dstsz - 1 bytes, always terminated. */
void	kd_copy(char *dst, size_t dstsz, const char *src);
/* The audit word of a decision ("allow", "deny", ...). */
const char *kd_decision_name(uint32_t);

#endif /* KUNCI_DECIDE_H */
