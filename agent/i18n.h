/*
 * i18n.h: kunci's messages in the reader's language.
 *
 * Messages are written in English in the code and marked _("...") where
 * they are formatted; po/id.po holds their Indonesian (a standard PO file:
 * xgettext, msgfmt and msgcmp check it, tests/integration/i18n.sh).  The
 * build turns it into a table (po/po2c.awk), refusing a translation whose
 * printf conversions are not its English's (the Indonesian is the format
 * at run time); nothing is read at run time.
 *
 * The language is per thread: an admin worker binds it to its command's
 * (--lang, else the person's preferredLanguage, else agent.language) for
 * the command's length, so the engine's own messages (wf, dir, ldapc)
 * come out in the caller's language with no language passed down.  Other
 * threads (the scheduler, the gate, logging) are English: the logs and the
 * audit trail are one vocabulary for grep and for support.
 */
#ifndef KUNCI_I18N_H
#define KUNCI_I18N_H

#include <stdarg.h>
#include <stddef.h>

#define _(s)	i18n_tr(s)
#define N_(s)	(s)		/* marks a string translated where it is used */

/*
 * Bind this thread's language to *en (non-zero: English) until the next
 * call; NULL: English.  The pointer is read on each i18n_tr(), so a
 * language decided later in the command (the person's) takes effect.
 */
void		 i18n_bind(const int *en);

/* 1 when this thread speaks English now. */
int		 i18n_english(void);
/* What i18n_bind() last set on this thread (to set it back). */
const int	*i18n_bound(void);

/* msgid in this thread's language: its Indonesian when the thread is
 * Indonesian and po/id.po has it, else msgid itself. */
const char	*i18n_tr(const char *msgid) __attribute__((format_arg(1)));

/* The same for a given language (en non-zero: msgid). */
const char	*i18n_tr_lang(int en, const char *msgid)
		    __attribute__((format_arg(2)));

/*
 * The logs are English whatever the thread speaks, but an error message
 * is formatted once, in the caller's language, and some are also logged.
 * So whoever formats one records its English beside it: a few slots per
 * thread, each the English of what one buffer holds now.
 *   i18n_errf	format msgid (in this thread's language) into buf, and
 *		record its English (msgid with the same arguments)
 *   i18n_note_en	record the English of what buf holds now
 *   i18n_en	the English of what buf holds, if recorded and buf has not
 *		changed since; else buf itself
 *   i18n_msgid	the msgid a translation returned by _() came from (the
 *		same pointer), or s itself
 *   i18n_both	format msgid into buf in this thread's language and, when
 *		en is not NULL, into en in English (a reason both told to
 *		the caller and written to the audit trail)
 */
int		 i18n_errf(char *buf, size_t sz, const char *msgid, ...)
		    __attribute__((format(printf, 3, 4)));
void		 i18n_note_en(const char *buf, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 i18n_vnote_en(const char *buf, const char *fmt, va_list)
		    __attribute__((format(printf, 2, 0)));
const char	*i18n_en(const char *buf);
const char	*i18n_msgid(const char *s) __attribute__((format_arg(1)));
void		 i18n_both(char *buf, size_t sz, char *en, size_t ensz,
		    const char *msgid, ...) __attribute__((format(printf, 5, 6)));

#endif
