/*
 * util.c: general helpers; see util.h for the contracts.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

size_t
u_strlcpy(char *dst, const char *src, size_t dstsz)
{
	size_t	len = strlen(src);

	if (dstsz > 0) {
		size_t	n = len < dstsz - 1 ? len : dstsz - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
u_strlcat(char *dst, const char *src, size_t dstsz)
{
	size_t	dlen = strnlen(dst, dstsz);

	if (dlen == dstsz)
		return dlen + strlen(src);
	return dlen + u_strlcpy(dst + dlen, src, dstsz - dlen);
}

int
u_strtonum(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char		*end;
	long long	 v;
	int		 rc = -1;

	*out = 0;
	*errstr = NULL;
	if (s == NULL || *s == '\0') {
		*errstr = "empty";
		goto out;
	}
	/* strtoll skips leading space and accepts a sign: refuse the space */
	if (isspace((unsigned char)*s)) {
		*errstr = "not a number";
		goto out;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0') {
		*errstr = "not a number";
		goto out;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		goto out;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		goto out;
	}
	*out = v;
	rc = 0;
out:
	return rc;
}

int
u_parse_duration(const char *s, int allow_bd, int64_t *secs, int *business,
    const char **errstr)
{
	static const struct {
		const char	*name;
		int64_t		 secs;
		int		 business;
	} units[] = {
		{ "s", 1, 0 }, { "m", 60, 0 }, { "h", 3600, 0 },
		{ "d", U_DAY, 0 }, { "w", 7 * U_DAY, 0 }, { "bd", U_DAY, 1 },
	};
	const char	*p;
	char		*end;
	unsigned long long n;
	size_t		 i;
	int		 rc = -1;

	*secs = 0;
	if (business != NULL)
		*business = 0;
	*errstr = NULL;
	if (s == NULL || *s == '\0') {
		*errstr = "empty";
		goto out;
	}
	/* digits only: strtoull would accept spaces, a sign and "0x" */
	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	if (p == s) {
		*errstr = "missing number";
		goto out;
	}
	if (*p == '\0') {
		*errstr = "missing unit";
		goto out;
	}
	errno = 0;
	n = strtoull(s, &end, 10);
	if (end != p || errno == ERANGE || n > INT64_MAX) {
		*errstr = "too large";
		goto out;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].name) == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0])) {
		*errstr = "unknown unit";
		goto out;
	}
	if (units[i].business && !allow_bd) {
		*errstr = "business days not allowed here";
		goto out;
	}
	if (n > (unsigned long long)(INT64_MAX / units[i].secs)) {
		*errstr = "too large";
		goto out;
	}
	*secs = (int64_t)n * units[i].secs;
	if (business != NULL)
		*business = units[i].business;
	rc = 0;
out:
	return rc;
}

int
u_format_duration(int64_t secs, int business, char *buf, size_t bufsz)
{
	static const struct {
		const char	*name;
		int64_t		 secs;
	} units[] = {
		{ "w", 7 * U_DAY }, { "d", U_DAY }, { "h", 3600 }, { "m", 60 },
	};
	const char	*unit = "s";
	int64_t		 n = secs;
	size_t		 i;
	int		 len, rc = -1;

	if (bufsz > 0)
		buf[0] = '\0';
	if (secs < 0)
		goto out;
	if (business) {
		if (secs % U_DAY != 0)
			goto out;
		n = secs / U_DAY;
		unit = "bd";
	} else if (secs != 0) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (secs % units[i].secs == 0) {
				n = secs / units[i].secs;
				unit = units[i].name;
				break;
			}
		}
	}
	len = snprintf(buf, bufsz, "%lld%s", (long long)n, unit);
	if (len < 0 || (size_t)len >= bufsz)
		goto out;
	rc = 0;
out:
	return rc;
}

int
u_parse_date(const char *s, int *yp, int *mp, int *dp)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 i, y, m, d, dim, rc = -1;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto out;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			goto out;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12)
		goto out;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim)
		goto out;
	if (yp != NULL)
		*yp = y;
	if (mp != NULL)
		*mp = m;
	if (dp != NULL)
		*dp = d;
	rc = 0;
out:
	return rc;
}
