/*
 * retention.c: personal data kept no longer than needed (UU 27/2022):
 * the scheduler removes the guest's identity-document number from visits
 * closed longer ago than visits.identity_retention.
 *
 * What stays: the visit entry (guest name, organisation, times, escort,
 * steps), its events and every audit record; what goes: kunciIdentityDoc
 * alone.  The removal is one modify asserting that the number is still
 * there and the visit still closed, so of several kuncid hosts one removes
 * it, audits "visit.identity_removed" and adds the event "identity-removed"
 * (a deterministic RDN); the others find the assertion false and do
 * nothing.  kunciUpdated is left as it was: it keeps saying when the visit
 * closed.
 *
 * Runs on the scheduler's thread only (scheduler.h): the "last run" time
 * below is that thread's.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <ldap.h>

#include "cfg.h"
#include "dir.h"
#include "i18n.h"
#include "log.h"
#include "retention.h"
#include "util.h"
#include "visit.h"
#include "wf.h"

#define ACTOR_KUNCID	"kuncid"
#define RETENTION_EVERY	600	/* seconds between passes after the first */
#define RETENTION_MAX	500	/* visits handled in one pass */

/* A visit is closed in these states (visit.c's closed()). */
#define CLOSED_FILTER \
	"(|(kunciState=done)(kunciState=rejected)(kunciState=cancelled))"

struct pass {
	struct wf	*w;
	time_t		 cutoff;
	int		 removed;
};

static int
remove_one(struct visit *v, void *arg)
{
	struct pass *p = arg;
	struct wf *w = p->w;
	struct dir_mods m;
	char closed[32], kept[32], note[128];
	int st;

	/* The filter said so; the entry read may say otherwise (a clock
	 * step, an entry changed since): check again. */
	if (v->iddoc[0] == '\0' || v->updated == 0 || v->updated > p->cutoff)
		return EX_OK;
	dir_mods_init(&m);
	dir_mods_add(&m, LDAP_MOD_DELETE, "kunciIdentityDoc", NULL);
	st = wf_modify_asserted(w, v->dn, "(&(kunciIdentityDoc=*)"
	    CLOSED_FILTER ")", &m, "removing the identity document");
	dir_mods_free(&m);
	if (st == EX_TEMPFAIL)		/* another host was first */
		return EX_OK;
	if (st != EX_OK) {
		log_warnx("retention: visit %s: %s", v->id, i18n_en(w->err));
		return st == EX_UNAVAILABLE ? st : EX_OK;
	}
	p->removed++;
	dir_gentime(closed, sizeof(closed), v->updated);
	if (u_format_duration(w->cfg->visits.identity_retention, 0, kept,
	    sizeof(kept)) == -1)
		u_strlcpy(kept, "?", sizeof(kept));
	log_audit("visit.identity_removed", "visit", v->id, "actor",
	    ACTOR_KUNCID, "closed", closed, "retention", kept, NULL);
	snprintf(note, sizeof(note), "identity document removed: closed "
	    "longer than %s ago", kept);
	st = wf_event_add(w, v->dn, &v->snap, v->state, "identity-removed",
	    ACTOR_KUNCID, NULL, "removed", -1, NULL, note, NULL);
	if (st != EX_OK && st != EX_CANTCREAT)
		log_warnx("retention: visit %s: recording the event: %s",
		    v->id, i18n_en(w->err));
	return EX_OK;
}

void
retention_tick(struct wf *w, time_t now)
{
	static time_t last;
	struct pass p;
	char filter[256], cut[32];

	if (w->cfg->visits.identity_retention <= 0)
		return;
	if (last != 0 && now >= last && now - last < RETENTION_EVERY)
		return;
	last = now;
	memset(&p, 0, sizeof(p));
	p.w = w;
	p.cutoff = now - (time_t)w->cfg->visits.identity_retention;
	dir_gentime(cut, sizeof(cut), p.cutoff);
	snprintf(filter, sizeof(filter), "(&(objectClass=kunciVisit)%s"
	    "(kunciIdentityDoc=*)(kunciUpdated<=%s))", CLOSED_FILTER, cut);
	if (visit_list(w, filter, RETENTION_MAX, remove_one, &p) != EX_OK) {
		/* the directory away: try again on the next pass */
		last = 0;
		return;
	}
	if (p.removed > 0)
		log_info("retention: identity documents removed from %d "
		    "visit(s) closed before %s", p.removed, cut);
	/* a full batch: more may wait, so do not wait RETENTION_EVERY */
	if (p.removed >= RETENTION_MAX)
		last = 0;
}
