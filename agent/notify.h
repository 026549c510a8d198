/*
 * notify.h: informing people by e-mail (SMTP to the local MTA, or
 * sendmail -t) and/or a configured command, in their preferred language
 * (preferredLanguage, else agent.language), through an outbox that
 * survives a restart.
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
 * then moves it to outbox/failed; an SMTP server's 5xx reply moves it there
 * at once.  A message that cannot be written to the outbox (a full state
 * directory) is kept in memory (at most 256) and written by the next
 * ticks, so it is delayed, not lost -- unless kuncid stops first.  Nothing
 * here blocks a request.
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
	const char	*by;		/* uid of the official who acted */
	const char	*note;		/* that official's note */
	const char	*confirm;	/* request id the reader confirms receipt
					   of (a receive step follows), or NULL */
	time_t		 not_after;
	/* "waiting": the step's deadline (0: none), the kuncictl command
	 * that does it; the page's link is added when notify.page_url is
	 * set. */
	time_t		 deadline;
	const char	*command;
};

/*
 * Queue message event (submit, removal-submit, waiting, approved,
 * rejected, inform,
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

/* What kuncictl status tells about the outbox. */
struct notify_outbox {
	long	 waiting;	/* messages in the outbox */
	long	 failed;	/* in outbox/failed: given up */
	char	 why[200];	/* the latest failed attempt's reason, or "" */
	time_t	 tried;		/* and when it was */
};

/* Count the outbox (reads at most a few hundred small headers). */
void	notify_outbox(struct wf *, struct notify_outbox *);

#endif /* KUNCI_NOTIFY_H */
