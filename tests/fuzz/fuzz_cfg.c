/*
 * fuzz_cfg: the configuration parser and its checks (cfg_load: libconfig's
 * text, then every key's type, range and cross-reference).  cfg_load()
 * reads a path, so each input is written to one temporary file first.
 *
 * Oracle: a configuration that loads is dumped (cfg_dump, what
 * `kuncid -n` prints); the dump must load again and dump to the same text.
 * A load that fails must say why (a non-empty message).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char path[64];
static int fd = -1;

static void
put(const void *p, size_t n)
{
	if (ftruncate(fd, 0) == -1 ||
	    (n > 0 && pwrite(fd, p, n, 0) != (ssize_t)n))
		abort();
}

/* cfg_dump() into a fresh string. */
static char *
dump(const struct kunci_cfg *cfg, size_t *len)
{
	FILE *fp;
	char *s = NULL;

	if ((fp = open_memstream(&s, len)) == NULL)
		abort();
	if (cfg_dump(cfg, fp) != 0)
		abort();
	fclose(fp);
	return s;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/kunci-fuzz-cfg.XXXXXX",
	    tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
	if ((fd = mkstemp(path)) == -1 || unlink(path) == -1)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kunci_cfg *cfg, *again;
	char err[512], *d1, *d2;
	size_t l1, l2;

	put(data, size);
	if ((cfg = cfg_load(path, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	d1 = dump(cfg, &l1);
	cfg_free(cfg);
	put(d1, l1);
	if ((again = cfg_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "dump does not load: %s\n%s", err, d1);
		abort();
	}
	d2 = dump(again, &l2);
	cfg_free(again);
	if (l1 != l2 || memcmp(d1, d2, l1) != 0) {
		fprintf(stderr, "dump differs after a reload:\n%s\n----\n%s",
		    d1, d2);
		abort();
	}
	free(d1);
	free(d2);
	return 0;
}
