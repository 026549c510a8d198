/*
 * render.h: one table of records, rendered for people (aligned text, a
 * print-ready A4 HTML page) and for machines (CSV, JSON).  The forms of the
 * SOPs (Formulir Daftar Akses, Review Akses, Buku Tamu ...) and kuncictl's
 * output are all such tables.
 *
 * Columns have a machine key (JSON member name: [a-z0-9_], starting with a
 * letter, unique) and a header for people (any UTF-8; Indonesian or
 * English, the caller chooses).  Cells are UTF-8 strings.  Every string is
 * copied when added and made valid UTF-8 on the way in: each byte that does
 * not start a well-formed sequence (overlong forms, surrogates and values
 * above U+10FFFF included) becomes U+FFFD, so all four formats show the
 * same replacement and none passes invalid bytes through.
 *
 * What each renderer guarantees, whatever the values hold:
 *  - text: one line per row.  Column widths count display columns as code
 *    points, combining marks counting zero; wide East Asian characters
 *    count one, which these forms do not use.  Control characters (C0, DEL,
 *    C1, including tab and newline) and the Unicode line separators and
 *    bidirectional overrides are shown as '?', so no value can break a
 *    line or reorder the layout.  Columns are two spaces apart, under a
 *    line of '-'; there is no padding after a line's last value.
 *  - CSV (RFC 4180): a header row, CRLF after every record as the RFC
 *    says (spreadsheets and Python's csv module expect it).  A field is
 *    quoted when it holds a comma, a quote, CR or LF, quotes doubled.
 *    A field starting with '=', '+', '-', '@', tab or CR gets a leading
 *    "'": spreadsheets run such a cell as a formula, so a requester's name
 *    like "=HYPERLINK(...)" would otherwise act when an operator opens the
 *    export (OWASP "CSV injection").  The cost, a visible "'" before a
 *    negative number, is accepted: these tables hold names and dates.
 *    No byte order mark; prepend "\xEF\xBB\xBF" for old Excel versions.
 *  - HTML: a complete HTML5 document in its XML-compatible ("polyglot")
 *    form, so it is well-formed XML too: <!DOCTYPE html>, <meta
 *    charset="utf-8" />, A4 print CSS (@page { size: A4; margin: 20mm },
 *    the header row repeated on every page), the header block, the table.
 *    Every value is escaped (& < > " ' as entities); characters XML does
 *    not allow (C0 other than tab, LF, CR; U+FFFE, U+FFFF) become U+FFFD.
 *    Line breaks inside a value are kept (white-space: pre-wrap).
 *  - JSON: an array of objects, one per row, members in column order,
 *    keyed by the column keys, every value a string; indented by 2, one
 *    trailing newline.  Output is UTF-8, not \u-escaped ASCII: it is
 *    smaller, readable in a terminal, and every JSON parser reads it
 *    (RFC 8259 requires UTF-8 between systems).  Control characters are
 *    escaped by jansson.
 *
 * Renderers append to a struct strbuf (strbuf.h) and return 0, or -1 when
 * the buffer's limit was reached or memory ran out (the buffer's error then
 * sticks; its content is to be discarded).
 *
 * Thread-safety: a table is not locked.  Build it in one thread; once
 * built, any number of threads may render it at the same time (renderers
 * only read it).  No function logs or exits.
 */
#ifndef KUNCI_RENDER_H
#define KUNCI_RENDER_H

#include <stddef.h>

#include "strbuf.h"

struct render_column {
	const char	*key;		/* machine name, JSON member */
	const char	*header;	/* for people */
};

/* The block above an HTML form.  NULL members are left out. */
struct render_header {
	const char	*office;	/* "Dinas Komunikasi dan Informatika
					   Kabupaten Contoh" */
	const char	*sop_name;	/* "SOP Permintaan Akses Ruang
					   Server" */
	const char	*sop_number;	/* "800/123/2024" */
	const char	*title;		/* "Formulir Daftar Akses"; also the
					   page <title> */
	const char	*printed;	/* date printed, formatted by caller */
	const char	*lang;		/* BCP 47 tag, NULL: "id".  "id..."
					   labels the number and date in
					   Indonesian, anything else in
					   English */
};

struct render_table;	/* opaque */

/*
 * A new empty table with ncols (1..RENDER_MAX_COLS) columns; keys and
 * headers are copied.  Returns NULL with errno EINVAL (no columns, too
 * many, a bad or repeated key, a NULL header) or ENOMEM.  Free with
 * render_table_free().
 */
#define RENDER_MAX_COLS	64
struct render_table *render_table_new(const struct render_column *cols,
	    size_t ncols);

/* Free a table and its copies.  NULL is allowed. */
void	render_table_free(struct render_table *);

/*
 * Append a row: n must equal the table's column count (else -1, errno
 * EINVAL).  The values are copied (and made valid UTF-8); a NULL value is
 * an empty cell.  Returns 0, or -1 with errno ENOMEM; the table is then
 * unchanged.
 */
int	render_table_add_row(struct render_table *, const char *const *values,
	    size_t n);

size_t	render_table_nrows(const struct render_table *);
size_t	render_table_ncols(const struct render_table *);

int	render_text(const struct render_table *, struct strbuf *);
int	render_csv(const struct render_table *, struct strbuf *);
int	render_html(const struct render_table *, const struct render_header *,
	    struct strbuf *);
int	render_json(const struct render_table *, struct strbuf *);

/*
 * The pieces of render_html() for documents built around tables
 * (form.h): s escaped as render_html() escapes values, and the <table>
 * alone, its class attribute cls (NULL: none), with a <colgroup> whose
 * <col class="c-KEY"> (the column's key) let a stylesheet size columns.  Errors stick
 * in the buffer.
 */
void	render_html_put(struct strbuf *, const char *s);
void	render_html_table(const struct render_table *, const char *cls,
	    struct strbuf *);

#endif /* KUNCI_RENDER_H */
