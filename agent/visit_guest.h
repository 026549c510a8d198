/*
 * visit_guest.h: the guest's own entry in the guest book (SOP B step 5,
 * kelengkapan "Tanda Pengenal"): the identity document handed over and
 * the equipment brought at check-in, the document returned at check-out
 * (visit_guest.c).  Events under the visit: guest-in, guest-out.
 */
#ifndef KUNCI_VISIT_GUEST_H
#define KUNCI_VISIT_GUEST_H

#include "wf.h"

#define VISIT_EQUIPMENT_MAX	200	/* bytes of --equipment */

/* What a visit's guest-in / guest-out events say. */
struct visit_guest {
	int	held;			/* identity document handed over */
	int	returned;		/* ... and given back */
	time_t	in, out;		/* when */
	char	equipment[VISIT_EQUIPMENT_MAX + 1];
};

/*
 * A visit event's stored note (kunci's own English words, e.g. "room and
 * racks locked", "identity document handed over; equipment: Laptop")
 * into buf in the reader's language (en: English); what a person typed
 * is kept as typed.
 */
void	visit_note_text(int en, const char *note, char *buf, size_t bufsz);
/* Read them from a visit's events (ev, n from visit_events()). */
void	visit_guest_read(const struct wf_event *ev, size_t n,
	    struct visit_guest *g);
/* Check --equipment before anything is written: EX_OK or EX_DATAERR. */
int	visit_guest_check(struct wf *, const char *equipment);
/* Record the entry at check-in (nothing when neither is given). */
int	visit_guest_in(struct wf *, const char *visit_dn,
	    const struct wf_snap *, const char *state,
	    const struct wf_actor *, int held, const char *equipment);
/*
 * At check-out: EX_DATAERR (before anything is written) when the
 * document was handed over and returned is not set; else record the
 * return.
 */
int	visit_guest_out_check(struct wf *, const char *visit_dn,
	    const char *id, int returned);
int	visit_guest_out(struct wf *, const char *visit_dn,
	    const struct wf_snap *, const char *state,
	    const struct wf_actor *, int returned);

#endif /* KUNCI_VISIT_GUEST_H */
