/*
 * notify.h: informing people by e-mail (sendmail -t) and/or a configured
 * command, in their preferred language (preferredLanguage, else
 * agent.language), through an outbox that survives a restart.
 *
 * notify_person() renders the message at once and writes it to
 * <state_dir>/outbox/<key> (mode 0600, atomically).  The key names the
 * event and the recipient, so one event is queued at most once: a key
 * already in the outbox or in outbox/sent is not queued again.
 * notify_tick(), from the scheduler, starts the deliveries in child
 * processes (at most NOTIFY_CHILDREN at once, each killed after
 * notify.timeout), reaps them without blocking for long, moves a
 * delivered message to outbox/sent, and retries a failed one with a
 * doubling delay (notify.retry .. notify.retry_max) until notify.give_up,
 * then moves it to outbox/failed.  Nothing here blocks a request.
 *
 * Messages never carry secrets.  Queueing: any thread, on its own struct
 * wf.  notify_tick() (the children, their reaping): the scheduler's
 * thread only.
 */
#ifndef KUNCI_NOTIFY_H
#define KUNCI_NOTIFY_H

#include <time.h>

struct wf;

/* What a message may mention; NULL / 0 fields are left out. */
struct notify_vars {
	const char	*request;
	const char	*grant;
	const char	*resource;
	const char	*subject;
	const char	*step_id;	/* the step's label, Indonesian */
	const char	*step_en;	/* and English */
	const char	*state;
	const char	*credential;
	const char	*reason;
	time_t		 not_after;
};

/*
 * Queue message event (submit, waiting, approved, rejected, inform,
 * removed, revoked, expiring, expired, overdue, escalate) for person uid;
 * key makes it unique ([A-Za-z0-9._-], the uid is appended).  Failures
 * are logged, never returned: informing people never blocks the work.
 */
void	notify_person(struct wf *, const char *uid, const char *event,
	    const char *key, const struct notify_vars *);
/* The same for every member of a group DN (or a person DN). */
void	notify_dn(struct wf *, const char *dn, const char *event,
	    const char *key, const struct notify_vars *);
void	notify_tick(struct wf *, time_t now);

#endif /* KUNCI_NOTIFY_H */
