/*
 * wf_word.c: the raw values the engine's messages show (a state, a
 * decision, what a look-up reads) in the reader's words (wf.h, i18n.h).
 */
#include <stddef.h>
#include <string.h>

#include "i18n.h"
#include "wf.h"

static const char *const raw_words[] = {
	N_("pending"), N_("active"), N_("done"), N_("rejected"),
	N_("cancelled"), N_("expired"), N_("revoked"), N_("lost"),
	N_("approve"), N_("reject"),
	/* what wf_read_entry() and wf_search_each() read */
	N_("request"), N_("grant"), N_("card"), N_("visit"), N_("review")
};

const char *
wf_word(const char *raw)
{
	size_t i;

	for (i = 0; i < sizeof(raw_words) / sizeof(raw_words[0]); i++)
		if (strcmp(raw, raw_words[i]) == 0)
			return _(raw_words[i]);
	return raw;
}
