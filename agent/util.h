/*
 * util.h: small general helpers shared by kuncid, kuncictl and the tests:
 * bounded string copies, checked number parsing, durations and dates.
 *
 * None of these functions log, exit or keep state; all are thread-safe.
 * Functions returning int return 0 on success and -1 on error; on error
 * *errstr (when the function takes one) points to a static English phrase
 * such as "missing unit", suitable after "what: ".
 */
#ifndef KUNCI_UTIL_H
#define KUNCI_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* seconds in one day, the unit of a business day ("bd") as stored */
#define U_DAY		86400

/*
 * Copy src into dst (size dstsz), always NUL-terminating when dstsz > 0.
 * Returns strlen(src); truncation happened when the result >= dstsz
 * (BSD strlcpy semantics; glibc 2.36 has no strlcpy).
 */
size_t	u_strlcpy(char *dst, const char *src, size_t dstsz);

/* Append src to the string in dst; strlcat semantics. */
size_t	u_strlcat(char *dst, const char *src, size_t dstsz);

/*
 * Parse a whole decimal integer in [min, max] into *out (cleared to 0 on
 * entry).  Rejects empty strings, leading/trailing junk (including
 * spaces) and out-of-range values.  errstr: "empty", "not a number",
 * "too small", "too large".
 */
int	u_strtonum(const char *s, long long min, long long max,
	    long long *out, const char **errstr);

/*
 * Parse a duration: a non-negative decimal integer immediately followed by
 * exactly one unit: s, m, h, d, w, or bd (business days, only when
 * allow_bd is non-zero).  No sign, no spaces, no fraction.
 * *secs gets the length in seconds (n * 86400 for bd); *business (may be
 * NULL when allow_bd is 0) gets 1 for bd, else 0.  Both are cleared on
 * entry.  errstr: "empty", "missing number", "missing unit",
 * "unknown unit", "business days not allowed here", "too large".
 */
int	u_parse_duration(const char *s, int allow_bd, int64_t *secs,
	    int *business, const char **errstr);

/*
 * Format a duration in the canonical form u_parse_duration() accepts: the
 * largest of w, d, h, m, s dividing secs exactly ("0s" for 0), or
 * "<n>bd" when business is set (secs must then be a multiple of a day).
 * Returns -1 on a negative value or a too-small buffer (32 bytes is
 * always enough).
 */
int	u_format_duration(int64_t secs, int business, char *buf, size_t bufsz);

/*
 * Check a calendar date written exactly YYYY-MM-DD (year 1970..9999,
 * a real day of that month, leap years included).  y, m, d may be NULL.
 */
int	u_parse_date(const char *s, int *y, int *m, int *d);

#endif /* KUNCI_UTIL_H */
