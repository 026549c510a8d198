/*
 * i18n.c: the look-up of po/id.po's table (see i18n.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

struct i18n_msg {
	const char	*id;	/* the English msgid */
	const char	*tr;	/* its Indonesian */
};

/* Generated from po/id.po into $(BUILD)/gen/i18n_id.c. */
extern const struct i18n_msg	i18n_id[];
extern const size_t		i18n_nid;

static _Thread_local const int	*t_en;
static struct i18n_msg		*sorted;	/* i18n_id by msgid */
static pthread_once_t		 once = PTHREAD_ONCE_INIT;

static int
cmp(const void *a, const void *b)
{
	return strcmp(((const struct i18n_msg *)a)->id,
	    ((const struct i18n_msg *)b)->id);
}

static void
sort_once(void)
{
	if ((sorted = calloc(i18n_nid, sizeof(*sorted))) == NULL)
		return;		/* English it is */
	memcpy(sorted, i18n_id, i18n_nid * sizeof(*sorted));
	qsort(sorted, i18n_nid, sizeof(*sorted), cmp);
}

void
i18n_bind(const int *en)
{
	t_en = en;
}

const int *
i18n_bound(void)
{
	return t_en;
}

int
i18n_english(void)
{
	return t_en == NULL || *t_en;
}

const char *
i18n_tr_lang(int en, const char *msgid)
{
	struct i18n_msg key, *m;

	if (en || msgid == NULL || msgid[0] == '\0')
		return msgid;
	(void)pthread_once(&once, sort_once);
	if (sorted == NULL)
		return msgid;
	key.id = msgid;
	key.tr = NULL;
	m = bsearch(&key, sorted, i18n_nid, sizeof(*sorted), cmp);
	return m != NULL ? m->tr : msgid;
}

const char *
i18n_tr(const char *msgid)
{
	return i18n_tr_lang(i18n_english(), msgid);
}
