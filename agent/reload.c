/*
 * reload.c: see reload.h.
 *
 * The running and the new configuration are compared group by group as
 * cfg_dump() prints them (the effective values, defaults included), so a
 * change is found whatever form the file gives it, and an edit that
 * changes nothing is said to change nothing.
 */
#include <sys/types.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "gate.h"
#include "kuncid.h"
#include "log.h"
#include "reload.h"

/* The groups a reload puts into force; the others need a restart. */
static const char *const hot[] = { "login", NULL };

struct dump {
	char	*text;
	size_t	 len;
};

static int
dump(const struct kunci_cfg *cfg, struct dump *d)
{
	FILE *fp;

	d->text = NULL;
	d->len = 0;
	if ((fp = open_memstream(&d->text, &d->len)) == NULL)
		return -1;
	cfg_dump(cfg, fp);
	if (fclose(fp) != 0) {
		free(d->text);
		d->text = NULL;
		return -1;
	}
	return 0;
}

/*
 * The text of top-level group name in a dump ("name = {" at the start of
 * a line, up to the next group), or NULL; *n gets its length.
 */
static const char *
group(const struct dump *d, const char *name, size_t *n)
{
	const char *p = d->text, *e;
	size_t k = strlen(name);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, name, k) == 0 && strncmp(p + k, " = ", 3) == 0)
			break;
	if (p == NULL || *p == '\0')
		return NULL;
	/* to the next line that starts a group: a letter in column 0 */
	for (e = strchr(p, '\n'); e != NULL && e[1] != '\0'; e = strchr(e + 1,
	    '\n'))
		if (e[1] >= 'a' && e[1] <= 'z')
			break;
	*n = e != NULL ? (size_t)(e - p) : strlen(p);
	return p;
}

static int
is_hot(const char *name)
{
	size_t i;

	for (i = 0; hot[i] != NULL; i++)
		if (strcmp(hot[i], name) == 0)
			return 1;
	return 0;
}

void
reload_config(struct kunci_ctx *ctx)
{
	static const char *const groups[] = {
		"directory", "agent", "calendar", "requests", "login",
		"office", "signing", "provision", "notify", "visits",
		"removal", "review", "audit", "roles", "workflows", "sop_totals", NULL
	};
	struct kunci_cfg *ncfg;
	struct dump od, nd;
	char err[1024], applied[256], restart[512];
	const char *a, *b;
	size_t i, an = 0, bn = 0;
	int login = 0;

	if ((ncfg = cfg_load(ctx->cfgpath, err, sizeof(err))) == NULL) {
		log_warnx("reload refused, the running configuration stays: "
		    "%s", err);
		log_audit("config.reload", "file", ctx->cfgpath, "result",
		    "refused", "error", err, NULL);
		return;
	}
	applied[0] = restart[0] = '\0';
	/* login.snapshot_key_file is read once, at start: a restart key */
	if (strcmp(ctx->cfg->login.snapshot_key_file,
	    ncfg->login.snapshot_key_file) != 0) {
		snprintf(restart, sizeof(restart), "login.snapshot_key_file");
		free(ncfg->login.snapshot_key_file);
		ncfg->login.snapshot_key_file =
		    strdup(ctx->cfg->login.snapshot_key_file);
		if (ncfg->login.snapshot_key_file == NULL) {
			log_warnx("reload: out of memory; the running "
			    "configuration stays");
			cfg_free(ncfg);
			return;
		}
	}
	if (dump(ctx->cfg, &od) == -1 || dump(ncfg, &nd) == -1) {
		log_warnx("reload: out of memory; the running configuration "
		    "stays");
		free(od.text);
		cfg_free(ncfg);
		return;
	}
	for (i = 0; groups[i] != NULL; i++) {
		a = group(&od, groups[i], &an);
		b = group(&nd, groups[i], &bn);
		if ((a == NULL) == (b == NULL) && (a == NULL ||
		    (an == bn && memcmp(a, b, an) == 0)))
			continue;
		if (is_hot(groups[i])) {
			login = strcmp(groups[i], "login") == 0;
			snprintf(applied + strlen(applied), sizeof(applied) -
			    strlen(applied), "%s%s", applied[0] ? "," : "",
			    groups[i]);
		} else
			snprintf(restart + strlen(restart), sizeof(restart) -
			    strlen(restart), "%s%s", restart[0] ? "," : "",
			    groups[i]);
	}
	free(od.text);
	free(nd.text);
	if (login)
		gate_reload_login(&ncfg->login);
	cfg_free(ncfg);
	if (applied[0] == '\0' && restart[0] == '\0')
		log_info("reload: %s: nothing changed", ctx->cfgpath);
	if (applied[0] != '\0')
		log_info("reload: %s: in force now: %s", ctx->cfgpath,
		    applied);
	if (restart[0] != '\0')
		log_warnx("reload: %s: changed, in force only after a "
		    "restart of kuncid: %s", ctx->cfgpath, restart);
	log_audit("config.reload", "file", ctx->cfgpath, "result", "loaded",
	    "applied", applied, "restart_needed", restart, NULL);
}

static void *
reload_main(void *arg)
{
	struct kunci_ctx *ctx = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	for (;;)
		if (sigwait(&set, &sig) == 0 && sig == SIGHUP)
			reload_config(ctx);
	return NULL;
}

int
reload_block(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

int
reload_start(struct kunci_ctx *ctx)
{
	pthread_t t;

	if (pthread_create(&t, NULL, reload_main, ctx) != 0)
		return -1;
	return pthread_detach(t) == 0 ? 0 : -1;
}
