/*
 * i18n.c: the look-up of po/id.po's table (see i18n.h).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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

/* ---------------------------------------------- the English of errors */

#define EN_SLOTS	4
#define EN_MAX		512

struct en_slot {
	const char	*buf;		/* the buffer whose English this is */
	uint64_t	 sum;		/* of what buf held then */
	char		 en[EN_MAX];
};

static _Thread_local struct en_slot	t_slot[EN_SLOTS];
static _Thread_local unsigned		t_next;

static uint64_t
sum(const char *s)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct en_slot *
slot_of(const char *buf)
{
	size_t i;

	for (i = 0; i < EN_SLOTS; i++)
		if (t_slot[i].buf == buf)
			return &t_slot[i];
	return NULL;
}

void
i18n_vnote_en(const char *buf, const char *fmt, va_list ap)
{
	struct en_slot *s;

	if ((s = slot_of(buf)) == NULL)
		s = &t_slot[t_next++ % EN_SLOTS];
	s->buf = buf;
	vsnprintf(s->en, sizeof(s->en), fmt, ap);
	s->sum = sum(buf);
}

void
i18n_note_en(const char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	i18n_vnote_en(buf, fmt, ap);
	va_end(ap);
}

int
i18n_errf(char *buf, size_t sz, const char *msgid, ...)
{
	va_list ap;
	int n;

	va_start(ap, msgid);
	n = vsnprintf(buf, sz, i18n_tr(msgid), ap);
	va_end(ap);
	if (!i18n_english()) {
		va_start(ap, msgid);
		i18n_vnote_en(buf, msgid, ap);
		va_end(ap);
	}
	return n;
}

const char *
i18n_en(const char *buf)
{
	struct en_slot *s;

	if (i18n_english() || (s = slot_of(buf)) == NULL ||
	    s->sum != sum(buf))
		return buf;
	return s->en;
}

const char *
i18n_msgid(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < i18n_nid; i++)
		if (i18n_id[i].tr == s)
			return i18n_id[i].id;
	return s;
}

void
i18n_both(char *buf, size_t sz, char *en, size_t ensz, const char *msgid, ...)
{
	va_list ap;

	va_start(ap, msgid);
	vsnprintf(buf, sz, i18n_tr(msgid), ap);
	va_end(ap);
	if (en != NULL && ensz > 0) {
		va_start(ap, msgid);
		vsnprintf(en, ensz, msgid, ap);
		va_end(ap);
	}
}
