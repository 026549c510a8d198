/*
 * strbuf.h: a growable NUL-terminated string with a hard limit, for
 * building replies and documents.  Errors stick (as in pbuf): check once at
 * the end with sb_err().  sb_free() wipes the memory.
 */
#ifndef KUNCI_STRBUF_H
#define KUNCI_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char	*s;	/* always NUL-terminated once anything was added */
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 err;
};

void	sb_init(struct strbuf *, size_t max);
void	sb_free(struct strbuf *);
void	sb_reset(struct strbuf *);
int	sb_add(struct strbuf *, const char *, size_t);
int	sb_puts(struct strbuf *, const char *);
int	sb_printf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	sb_vprintf(struct strbuf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* The string ("" when empty); valid until the next change. */
const char *sb_str(const struct strbuf *);
int	sb_err(const struct strbuf *);

#endif /* KUNCI_STRBUF_H */
