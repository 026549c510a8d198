/*
 * form.h: an official form (formulir) as an Indonesian office prints it:
 * the letterhead (kop: government, office, address), the SOP's identity
 * block (name, number, dates, disahkan oleh), the form's title and number,
 * the body as labelled fields and at most one table, the place and date
 * line, the signature blocks (caption such as "Mengetahui," or
 * "Menyetujui,", jabatan, the decision and its date, the space to sign,
 * the name and the NIP), and, on a signed copy, the electronic-signature
 * notice.  doc.c fills it; this file only lays it out.
 *
 * A document is one or more parts (one per SOP: a review campaign or a
 * month's guest book spanning two procedures prints one form each), each
 * starting a new page under its own letterhead.
 *
 * HTML: XHTML-compatible HTML5 (well-formed XML, as render.h's), A4 print
 * CSS (portrait, or landscape for wide books), every string escaped with
 * render_html_put().  Text: the same content as plain lines.  Strings are
 * the caller's, read only during the call; NULL or "" members are left
 * out, except a signature's name (a line to write on) and NIP (NULL: no
 * NIP line, for a guest; "": a dotted line).
 */
#ifndef KUNCI_FORM_H
#define KUNCI_FORM_H

#include <stddef.h>
#include <time.h>

#include "render.h"
#include "strbuf.h"

struct form_field {
	const char	*label;
	const char	*value;
};

struct form_sig {
	const char	*caption;	/* "Menyetujui," */
	const char	*jabatan;
	const char	*decision;	/* "Disetujui, 6 Desember 2026 09:00" */
	const char	*name;
	const char	*nip;
	int		 row;		/* blocks of one row stand side by side */
};

struct form_part {
	const char		*sop_name;
	const char		*sop_number;
	const char		*sop_made;	/* already formatted dates */
	const char		*sop_revised;
	const char		*sop_effective;
	const char		*sop_approver[4];	/* jabatan, name, pangkat,
						   NIP */
	const char		*procedure;
	const char		*title;
	const char		*number;	/* "Nomor: ..." under the title */
	const struct form_field	*fields;
	size_t			 nfields;
	const char		*table_title;
	const struct render_table *table;	/* NULL: none */
	const char		*table_empty;	/* shown for a table without
						   rows */
	const char		*place_date;	/* "Contoh, 6 Desember 2026" */
	const struct form_sig	*sigs;
	size_t			 nsigs;
};

struct form_doc {
	const char		*lang;		/* "id" or "en" */
	const char		*government;
	const char		*office;
	const char		*contact;	/* address, phone ... one line */
	const char		*title;		/* <title> */
	int			 landscape;
	const char		*printed;	/* "Dicetak ..." line */
	const char *const	*notice;	/* e-signature notice lines */
	size_t			 nnotice;
	const struct form_part	*parts;
	size_t			 nparts;
};

int	form_html(const struct form_doc *, struct strbuf *);
int	form_text(const struct form_doc *, struct strbuf *);

/* "6 Desember 2026" (en: "6 December 2026"); with_time adds " 09:05"
 * and the zone's abbreviation (WIB).  "" for t == 0. */
void	form_date(char *buf, size_t sz, time_t t, int en, int with_time);
/* A configured YYYY-MM-DD as "6 Januari 2023"; "-" for "". */
void	form_ymd(char *buf, size_t sz, const char *ymd, int en);
/* An 18-digit NIP as "19710609 199201 1 002"; anything else as given. */
void	form_nip(char *buf, size_t sz, const char *raw);

#endif /* KUNCI_FORM_H */
