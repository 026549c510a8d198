/*
 * reqtime.c: the requester's own first step, timed (issue 15 item 8):
 * A-trenggalek's step 1 ("mengisi formulir", 1 hari) and D's step 1
 * ("mengajukan surat permohonan", 3 menit) happen before kunci hears of
 * the request.  request submit --started DATE states when they began
 * (the form's or the letter's date); the submission ends them; the
 * workflow's submit_sla is their standard.  Kept as the event "started"
 * under the request; request show prints it with the standard and
 * whether it was met.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cfg.h"
#include "i18n.h"
#include "log.h"
#include "reqtime.h"
#include "wf.h"


#define STARTED_RDN	"started"
#define STARTED_NOTE	"started: "

int
reqtime_check(struct wf *w, const char *s, time_t *t)
{
	time_t now = time(NULL);

	if (wf_parse_when(s, 0, t) == -1)
		return wf_fail(w, EX_DATAERR, _("bad --started: %.40s (want "
		    "YYYY-MM-DD[THH:MM])"), s);
	if (*t > now + 60 || *t < now - 366 * 86400)
		return wf_fail(w, EX_DATAERR, _("bad --started: %.40s is in "
		    "the future or more than a year ago"), s);
	return EX_OK;
}

void
reqtime_record(struct wf *w, const struct wf_actor *a, const char *id,
    time_t t)
{
	struct wf_request r;
	char note[64];

	if (wf_load(w, id, &r) != EX_OK)
		return;
	snprintf(note, sizeof(note), STARTED_NOTE "%lld", (long long)t);
	if (wf_event_add(w, r.dn, &r.snap, r.state, STARTED_RDN, a->p.uid,
	    a->as, "started", -1, NULL, note, NULL) != EX_OK)
		log_warnx("request %s: the start of its submission was not "
		    "recorded: %s", id, i18n_en(w->err));
	wf_request_free(&r);
}

time_t
reqtime_started(const struct wf_event *ev, size_t n)
{
	long long v;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ev[i].rdn, STARTED_RDN) == 0 &&
		    sscanf(ev[i].note, STARTED_NOTE "%lld", &v) == 1)
			return (time_t)v;
	return 0;
}

int
reqtime_get(struct wf *w, const struct wf_request *r, struct reqtime *s)
{
	const struct cfg_workflow *wfc = cfg_workflow(w->cfg,
	    r->snap.workflow);
	struct wf_event *ev = NULL;
	size_t n = 0;

	memset(s, 0, sizeof(*s));
	s->submitted = r->created;
	if (wfc != NULL) {
		s->sla = wfc->submit_sla;
		s->bd = wfc->submit_sla_bd;
	}
	if (wf_events_under(w, r->dn, "(&(objectClass=kunciEvent)"
	    "(kunciId=" STARTED_RDN "))", &ev, &n) == EX_OK)
		s->started = reqtime_started(ev, n);
	free(ev);
	if (s->started != 0 && s->sla != 0) {
		s->due = wf_deadline(w->cfg, s->started, s->sla, s->bd);
		s->late = s->submitted > s->due;
	}
	return s->sla != 0 || s->started != 0;
}
