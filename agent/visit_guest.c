/*
 * visit_guest.c: the guest's own entry in the guest book (issue 15 item
 * 8, SOP B step 5): at check-in the identity document the guest hands
 * over (--id-held) and the equipment brought (--equipment TEXT), at
 * check-out the document given back (--id-returned, required once it was
 * handed over).  Each is an event under the visit (guest-in, guest-out),
 * written once; the permit form and the guest book print them.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "i18n.h"
#include "util.h"
#include "visit_guest.h"
#include "wf.h"

#define HELD	"identity document handed over"
#define EQUIP	"equipment: "

/* The notes kunci writes on visit events (visit.c, this file). */
static const char *const notes[] = {
	N_("room and racks locked"), N_("guest left"),
	N_("identity document handed over"), N_("identity document returned"),
	N_("locked: yes"), N_("locked: no"), NULL
};
static const char *const prefixes[] = { N_("equipment: "), NULL };

void
visit_note_text(int en, const char *note, char *buf, size_t bufsz)
{
	const char *p = note, *e;
	char part[WF_NOTE_MAX + 1];
	size_t len, i, k;

	buf[0] = '\0';
	while (*p != '\0') {
		e = strstr(p, "; ");
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len >= sizeof(part))
			len = sizeof(part) - 1;
		memcpy(part, p, len);
		part[len] = '\0';
		if (buf[0] != '\0')
			u_strlcat(buf, "; ", bufsz);
		for (i = 0; notes[i] != NULL; i++)
			if (strcmp(part, notes[i]) == 0)
				break;
		for (k = 0; prefixes[k] != NULL; k++)
			if (strncmp(part, prefixes[k], strlen(prefixes[k])) == 0)
				break;
		if (notes[i] != NULL)
			u_strlcat(buf, i18n_tr_lang(en, notes[i]), bufsz);
		else if (prefixes[k] != NULL) {
			u_strlcat(buf, i18n_tr_lang(en, prefixes[k]), bufsz);
			u_strlcat(buf, part + strlen(prefixes[k]), bufsz);
		} else
			u_strlcat(buf, part, bufsz);
		p = e != NULL ? e + 2 : p + strlen(p);
	}
}

void
visit_guest_read(const struct wf_event *ev, size_t n, struct visit_guest *g)
{
	const char *p;
	size_t i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].rdn, "guest-in") == 0) {
			g->in = ev[i].time;
			g->held = strstr(ev[i].note, HELD) != NULL;
			if ((p = strstr(ev[i].note, EQUIP)) != NULL)
				u_strlcpy(g->equipment, p + strlen(EQUIP),
				    sizeof(g->equipment));
		} else if (strcmp(ev[i].rdn, "guest-out") == 0) {
			g->out = ev[i].time;
			g->returned = 1;
		}
	}
}

int
visit_guest_check(struct wf *w, const char *equipment)
{
	const unsigned char *p;

	if (equipment == NULL)
		return EX_OK;
	if (*equipment == '\0' || strlen(equipment) > VISIT_EQUIPMENT_MAX ||
	    !wf_utf8_valid(equipment))
		return wf_fail(w, EX_DATAERR, _("bad --equipment: 1 to %d "
		    "bytes of UTF-8 text"), VISIT_EQUIPMENT_MAX);
	for (p = (const unsigned char *)equipment; *p != '\0'; p++)
		if (*p < ' ' || *p == 0x7f)
			return wf_fail(w, EX_DATAERR, _("bad --equipment: no "
			    "control characters"));
	return EX_OK;
}

int
visit_guest_in(struct wf *w, const char *dn, const struct wf_snap *snap,
    const char *state, const struct wf_actor *a, int held,
    const char *equipment)
{
	char note[sizeof(HELD) + sizeof(EQUIP) + VISIT_EQUIPMENT_MAX + 4];
	int st;

	if (!held && equipment == NULL)
		return EX_OK;
	snprintf(note, sizeof(note), "%s%s%s%s", held ? HELD : "",
	    held && equipment != NULL ? "; " : "", equipment != NULL ?
	    EQUIP : "", equipment != NULL ? equipment : "");
	st = wf_event_add(w, dn, snap, state, "guest-in", a->p.uid, a->as,
	    "guest-in", -1, NULL, note, NULL);
	return st == EX_CANTCREAT ? EX_OK : st;
}

int
visit_guest_out_check(struct wf *w, const char *dn, const char *id,
    int returned)
{
	struct wf_event *ev = NULL;
	struct visit_guest g;
	size_t n;
	int st;

	if ((st = wf_events_under(w, dn, "(&(objectClass=kunciEvent)"
	    "(kunciId=guest-*))", &ev, &n)) != EX_OK)
		return st;
	visit_guest_read(ev, n, &g);
	free(ev);
	if (g.held && !returned)
		return wf_fail(w, EX_DATAERR, _("visit %s: the guest's "
		    "identity "
		    "document was handed over at check-in: give it back and "
		    "say so with --id-returned"), id);
	if (!g.held && returned)
		return wf_fail(w, EX_DATAERR, _("visit %s: no identity "
		    "document was handed over at check-in (--id-held)"), id);
	return EX_OK;
}

int
visit_guest_out(struct wf *w, const char *dn, const struct wf_snap *snap,
    const char *state, const struct wf_actor *a, int returned)
{
	int st;

	if (!returned)
		return EX_OK;
	st = wf_event_add(w, dn, snap, state, "guest-out", a->p.uid, a->as,
	    "guest-out", -1, NULL, "identity document returned", NULL);
	return st == EX_CANTCREAT ? EX_OK : st;
}
