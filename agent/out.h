/*
 * out.h: output for people and machines: aligned text tables and JSON.
 *
 * Tables: every cell is copied and made printable (control bytes become
 * spaces, so text from the directory cannot move the cursor or forge a
 * line); columns are padded to the widest cell counted in UTF-8 code
 * points and separated by two spaces; the last column is not padded.
 * Errors stick (err); out_table_render() reports them.
 */
#ifndef KUNCI_OUT_H
#define KUNCI_OUT_H

#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

#define OUT_MAX_COLS	12

struct out_table {
	size_t	  ncols;
	char	 *hdr[OUT_MAX_COLS];
	char	**cells;	/* nrows * ncols */
	size_t	  nrows;
	size_t	  cap;
	int	  err;
};

void	out_table_init(struct out_table *, size_t ncols,
	    const char *const *hdr);
/* Append one row of ncols cells (NULL is ""). */
void	out_table_row(struct out_table *, const char *const *cells);
/* Sort the rows by column col (byte order). */
void	out_table_sort(struct out_table *, size_t col);
/* Render into sb; 0, or -1 on an earlier error. */
int	out_table_render(const struct out_table *, struct strbuf *);
void	out_table_free(struct out_table *);

/* Text of a label/value list ("Key:  value" lines, keys aligned). */
void	out_kv(struct strbuf *, size_t keywidth, const char *key,
	    const char *value);

/* Number of UTF-8 code points in s. */
size_t	out_width(const char *);
/* Copy s with control bytes replaced by spaces (fresh string). */
char	*out_clean(const char *);

/* Dump j (compact keys order kept, 2-space indent) plus a newline into
 * sb; decrefs j.  0 or -1. */
int	out_json(struct strbuf *, json_t *);
/* json_string() that never fails on bad UTF-8 (replaces it). */
json_t	*out_jstr(const char *);

/* "name=N name=N ..." as a JSON object of integers (a word that is not
 * name=N is left out): counts kept as text in the directory. */
json_t	*out_jcounts(const char *);

#endif /* KUNCI_OUT_H */
