/*
 * fuzz_snap: the workflow snapshot a request carries in the directory
 * (kunciWorkflowSnapshot), read back by wf_snap_parse() whenever the
 * request is shown or moved a step.
 *
 * Oracle: a snapshot that parses formats (wf_snap_format) to text that
 * parses to the same snapshot, and its grant step is one of its steps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Field by field: bytes after a string's end are not part of it. */
static int
same(const struct wf_snap *a, const struct wf_snap *b)
{
	const struct wf_step *x, *y;
	size_t i;

	if (strcmp(a->workflow, b->workflow) != 0 ||
	    strcmp(a->label_id, b->label_id) != 0 ||
	    strcmp(a->label_en, b->label_en) != 0 || a->one_act != b->one_act ||
	    a->grant_kind != b->grant_kind ||
	    a->expire_after != b->expire_after || a->grant_at != b->grant_at ||
	    a->nsteps != b->nsteps)
		return 0;
	for (i = 0; i < a->nsteps; i++) {
		x = &a->steps[i];
		y = &b->steps[i];
		if (strcmp(x->name, y->name) != 0 ||
		    strcmp(x->role, y->role) != 0 || x->kind != y->kind ||
		    x->sla != y->sla || x->bd != y->bd ||
		    x->quorum != y->quorum || x->may_reject != y->may_reject ||
		    strcmp(x->who, y->who) != 0 ||
		    strcmp(x->label_id, y->label_id) != 0 ||
		    strcmp(x->label_en, y->label_en) != 0)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wf_snap a, b;
	static char text[65536], again[65536];

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (wf_snap_parse(text, &a) == -1)
		return 0;
	if (a.nsteps < 1 || a.nsteps > WF_MAX_STEPS || a.grant_at < 0 ||
	    (size_t)a.grant_at >= a.nsteps)
		abort();
	if (wf_snap_format(&a, again, sizeof(again)) == -1 ||
	    wf_snap_parse(again, &b) == -1 || !same(&a, &b))
		abort();
	return 0;
}
