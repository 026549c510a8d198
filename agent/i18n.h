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

#endif
