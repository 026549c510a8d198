/*
 * sopact.h: the SOPs' inform, record and receive acts (sopact.c), and the
 * record act's trace for the access list form.
 */
#ifndef KUNCI_SOPACT_H
#define KUNCI_SOPACT_H

#include <stddef.h>
#include <time.h>

#include "wf.h"

/*
 * Who confirmed grant g's entry in the access list, and when: the record
 * step of the request that made it, or for a grant no longer active the
 * record step of its removal request.  1 with *who (a uid) and *when, or
 * 0 when not (yet) recorded.  On the calling admin thread's engine.
 */
int	sopact_recorded(const struct wf_grant *g, char *who, size_t whosz,
	    time_t *when);

#endif /* KUNCI_SOPACT_H */
