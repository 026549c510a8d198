/*
 * sla.h: the service-standard reports: a month's requests (`kuncictl
 * request report`, sla.c) and visits (`kuncictl visit report`,
 * visit_report.c) measured against their SOPs' standards, per procedure.
 *
 * An item (a request or a visit) runs the steps of its workflow snapshot.
 * Step k's time runs from the end of step k-1 (the item's creation for the
 * first) to the last act on step k, without an excluded interval (a
 * visit's time inside, which is the visit, not a step).  A step is over
 * its standard when it took longer (minutes, hours), or when its last act
 * came after the deadline the calendar gives (business days; calendar.h).
 * An item whose every step is done has a total: the sum of its steps'
 * times, measured against the SOP's stated total (sop_totals in kunci.conf,
 * "stated") or else the sum of its steps' standards ("summed").
 *
 * Procedures are kept apart: nothing is added across workflows.  Steps
 * are matched by name, so an item whose snapshot predates a change of its
 * workflow adds to the rows of the steps it has (a step the first item's
 * snapshot lacked gets a row after the others); the total standard is the
 * first item's.  Any thread, each report its own.
 *
 * A request submitted with --started (reqtime.h: the requester's own
 * first step, the form filled in before kunci heard of it) adds to a row
 * of its own, SLA_SUBMISSION, first in its procedure, against the
 * workflow's submit_sla; the total still runs from the submission (the
 * steps kunci saw), so items with and without a start add up alike.
 */
#define SLA_SUBMISSION	"submission"
#ifndef KUNCI_SLA_H
#define KUNCI_SLA_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "render.h"
#include "wf.h"

struct admin_call;
struct kunci_cfg;

#define SLA_PROCS_MAX	32

struct sla_step {
	char		 name[64];
	int64_t		 sla;		/* seconds; 0: none */
	int		 bd;		/* sla is business days */
	int		 own;		/* the requester's own step, named
					 * SLA_SUBMISSION (a step of that
					 * name is another row) */
	int		 count, exceeded;
	int64_t		 sum, max;
};

struct sla_proc {
	char		 workflow[64];
	char		 label_id[WF_LABEL_MAX];
	char		 label_en[WF_LABEL_MAX];
	struct sla_step	 st[WF_MAX_STEPS + 1];	/* + the submission */
	size_t		 nst;
	int		 items;
	int		 complete;	/* every step done: has a total */
	int		 over_total;
	int64_t		 total_sum, total_max;
	int64_t		 standard;	/* the total standard, seconds */
	int		 standard_bd;	/* ... in business days */
	int		 stated;	/* 1: the SOP's, 0: summed */
};

struct sla_report {
	const struct kunci_cfg	*cfg;
	const char		*idkey;		/* "request" or "visit" */
	struct sla_proc		 p[SLA_PROCS_MAX];
	size_t			 np;
	json_t			*exceeded;	/* [{idkey, workflow, step,
						   seconds, ...}] */
};

/* Start a report (idkey: the JSON key naming an item); 0 or -1. */
int	sla_init(struct sla_report *, const struct kunci_cfg *,
	    const char *idkey);
void	sla_free(struct sla_report *);
/*
 * Add one item: id, its snapshot, its creation, end[k] the time of the
 * last act on step k (0: not done), and [x, y) the time excluded (x = 0:
 * none).  Returns the item's measured time (its done steps together), or
 * -1 when the report holds SLA_PROCS_MAX procedures already.
 */
/* The requester's own step of item id: from started to created, against
 * sla (bd: business days; 0: no standard).  0, or -1 when full. */
int	sla_submission(struct sla_report *, const char *id,
	    const struct wf_snap *, time_t started, time_t created,
	    int64_t sla, int bd);
int64_t	sla_item(struct sla_report *, const char *id,
	    const struct wf_snap *, time_t created, const time_t *end,
	    time_t x, time_t y);
/* The month's per-step figures as JSON ("steps") and per procedure
 * ("procedures"), for the reports' --json. */
json_t	*sla_json_steps(const struct sla_report *);
json_t	*sla_json_procedures(const struct sla_report *);
/* One table for people: a row per step and a total row per procedure. */
struct render_table *sla_table(const struct admin_call *,
	    const struct sla_report *);
/* A duration for people: "m:ss", "h:mm:ss", or "N d h:mm:ss"
 * ("N hari ..." in Indonesian); negative as 0. */
void	sla_dur(const struct admin_call *, char *buf, size_t sz, int64_t s);
/* Render the table as text, csv or html (title: the HTML page's). */
int	sla_render(struct admin_call *, const struct render_table *,
	    const char *format, const char *title);

#endif /* KUNCI_SLA_H */
