/*
 * strbuf.c: see strbuf.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
sb_init(struct strbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
sb_free(struct strbuf *b)
{
	if (b->s != NULL) {
		explicit_bzero(b->s, b->cap);
		free(b->s);
	}
	b->s = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void
sb_reset(struct strbuf *b)
{
	if (b->s != NULL)
		b->s[0] = '\0';
	b->len = 0;
	b->err = 0;
}

static int
grow(struct strbuf *b, size_t n)
{
	size_t ncap;
	char *p;

	if (b->err)
		return -1;
	if (n > b->max || b->len > b->max - n) {
		b->err = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 128;
	while (ncap < b->len + n + 1)
		ncap *= 2;
	if ((p = realloc(b->s, ncap)) == NULL) {
		b->err = 1;
		return -1;
	}
	b->s = p;
	b->cap = ncap;
	return 0;
}

int
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (grow(b, n) == -1)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
sb_puts(struct strbuf *b, const char *s)
{
	return sb_add(b, s, strlen(s));
}

int
sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (b->err)
		return -1;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || grow(b, (size_t)n) == -1) {
		b->err = 1;
		return -1;
	}
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sb_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *
sb_str(const struct strbuf *b)
{
	return b->s != NULL ? b->s : "";
}

int
sb_err(const struct strbuf *b)
{
	return b->err;
}
