/*
 * kuncid: the kunci agent.
 *
 * Start-up: parse options, load the configuration (kuncid -t checks it,
 * -T prints the effective one), make LDAP ignore ldaprc files and LDAP*
 * variables, open the admin socket, wire the modules together (command
 * tables, workflow hooks, scheduler ticks: the engine never calls up into
 * the modules built on it), start the login gate, the scheduler's thread
 * and the admin workers, tell systemd we are ready, then run the admin
 * socket's event loop until SIGTERM or SIGINT (then the sockets and the
 * table are removed).  SIGHUP reloads the configuration (reload.h);
 * SIGPIPE is ignored.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "audit.h"
#include "adminsrv.h"
#include "cfg.h"
#include "cmdtab.h"
#include "double.h"
#include "gate.h"
#include "gfresh.h"
#include "kuncid.h"
#include "ldapc.h"
#include "log.h"
#include "notify.h"
#include "pamscan.h"
#include "prov.h"
#include "reload.h"
#include "retention.h"
#include "review.h"
#include "review_acts.h"
#include "scheduler.h"
#include "sites.h"
#include "strbuf.h"
#include "visit.h"
#include "wf.h"
#include "version.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF	SYSCONFDIR "/kunci/kunci.conf"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: kuncid [-dfTt] [-c file] [-l syslog-socket]\n"
	    "       kuncid --version\n");
	exit(EX_USAGE);
}

/*
 * Tell systemd we are ready (Type=notify).  Spoken by hand: libsystemd
 * would pull lzma, zstd and gcrypt into the agent for one datagram.
 */
static void
notify_ready(void)
{
	struct sockaddr_un sun;
	const char *path = getenv("NOTIFY_SOCKET");
	const char msg[] = "READY=1";
	size_t n;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	if ((n = strlen(path)) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL,
	    (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) == -1)
		log_warn("sd_notify");
	close(fd);
}

/*
 * Started as root with agent.user naming another account (a hand start;
 * systemd starts kuncid as that user already): become that user before
 * any socket or state file exists, so they belong to it, as pam_kunci
 * checks.  Nothing in kuncid needs root once the configuration is read.
 */
static void
drop_privileges(const struct kunci_cfg *cfg)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (geteuid() != 0 || strcmp(cfg->agent.user, "root") == 0)
		return;
	if (getpwnam_r(cfg->agent.user, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		fatalx("agent.user %s: no such user", cfg->agent.user);
	if (pw.pw_uid == 0)
		return;
	if (setgroups(1, &pw.pw_gid) == -1 || setgid(pw.pw_gid) == -1 ||
	    setuid(pw.pw_uid) == -1)
		fatal("cannot become %s", cfg->agent.user);
	/* A drop that can be undone is no drop. */
	if (setuid(0) != -1)
		fatalx("still able to regain root after becoming %s",
		    cfg->agent.user);
	log_info("running as %s (uid %u)", cfg->agent.user,
	    (unsigned)pw.pw_uid);
}

/*
 * The modules, wired from the top: command tables to admin.c and the
 * provisioning hooks to the engine.
 */
static void
wire(void)
{
	static struct wf_hooks hooks;	/* the engine keeps the pointer */

	if (admin_register(card_cmds, 0) == -1 ||
	    admin_register(removal_cmds, 0) == -1 ||
	    admin_register(delegate_cmds, 0) == -1 ||
	    admin_register(sopact_cmds, 0) == -1 ||
	    admin_register(visit_cmds, 0) == -1 ||
	    admin_register(visit_report_cmds, 0) == -1 ||
	    admin_register(doc_cmds, 0) == -1 ||
	    admin_register(resource_cmds, 0) == -1 ||
	    admin_register(sla_cmds, 0) == -1 ||
	    admin_register(audit_cmds, 0) == -1 ||
	    admin_register(sites_cmds, 0) == -1 ||
	    /* A campaign scans every grant: a longer LDAP bound. */
	    admin_register(review_cmds, ADMIN_LONG) == -1 ||
	    admin_register(review_act_cmds, ADMIN_LONG) == -1)
		fatalx("too many command tables");
	/* The engine's hooks: provisioning's, and two sites' marks. */
	hooks = prov_wf_hooks;
	hooks.decided = dbl_decided;
	wf_set_hooks(&hooks);
}

/*
 * The ticks to the scheduler, in the order they always ran: requests,
 * visits, reviews, then grants, allow lists and the outbox.  With
 * agent.scheduler "local" (a gated server among many: each directory-wide
 * job is done once across the kuncid anyway, and every kuncid's searches
 * for it cost the directory, bench/RESULTS.md) only this host's own work:
 * its notices' outbox and its audit chain's checkpoints.
 */
static void
wire_ticks(const struct kunci_cfg *cfg)
{
	if (cfg->agent.scheduler == CFG_SCHED_LOCAL) {
		if (sched_add("outbox", notify_tick) == -1 ||
		    sched_add("audit", audit_tick) == -1)
			fatalx("too many scheduler ticks");
		return;
	}
	if (sched_add("requests", wf_tick) == -1 ||
	    sched_add("double-decisions", dbl_tick) == -1 ||
	    sched_add("visits", visit_tick) == -1 ||
	    sched_add("reviews", review_tick) == -1 ||
	    sched_add("review-acts", review_acts_tick) == -1 ||
	    sched_add("grants", prov_tick) == -1 ||
	    sched_add("retention", retention_tick) == -1 ||
	    sched_add("audit", audit_tick) == -1)
		fatalx("too many scheduler ticks");
}

int
main(int argc, char *argv[])
{
	struct kunci_ctx ctx;
	struct sigaction sa;
	const char *cfgpath = DEFAULT_CONF, *logsock = NULL;
	char err[1024];
	int ch, fg = 0, debug = 0, test = 0, dump = 0, lfd;

	/* Before anything else: needs no configuration and no directory. */
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("kuncid %s\n", KUNCI_VERSION);
		return EX_OK;
	}
	/* kuncictl's help, printed at build time (Makefile: usage.h) so the
	 * CLI answers help without kuncid, from the same tables. */
	if (argc == 2 && strcmp(argv[1], "--usage") == 0) {
		struct strbuf b;

		wire();
		sb_init(&b, 64 * 1024);
		admin_help(&b);
		fputs(sb_str(&b), stdout);
		sb_free(&b);
		return sb_err(&b) || fflush(stdout) == EOF ? EX_SOFTWARE :
		    EX_OK;
	}
	while ((ch = getopt(argc, argv, "c:dfl:Tt")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'f':
			fg = 1;
			break;
		case 'l':
			logsock = optarg;
			break;
		case 'T':
			dump = 1;
			break;
		case 't':
			test = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	/* libldap must not read ldaprc files or LDAP* variables. */
	if (setenv("LDAPNOINIT", "1", 1) == -1)
		err[0] = '\0';
	log_init("kuncid", fg || test || dump, debug, logsock);

	memset(&ctx, 0, sizeof(ctx));
	if ((ctx.cfg = cfg_load(cfgpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "kuncid: %s\n", err);
		exit(EX_CONFIG);
	}
	if (test) {
		/* This host's pam_kunci lines against the panel uid range
		 * (KUNCI_PAM_D: another directory, for the tests). */
		if (pamscan_check(ctx.cfg, getenv("KUNCI_PAM_D"), err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "kuncid: %s\n", err);
			cfg_free(ctx.cfg);
			exit(EX_CONFIG);
		}
		printf("%s: configuration OK\n", cfgpath);
		cfg_free(ctx.cfg);
		exit(EX_OK);
	}
	if (dump) {
		cfg_dump(ctx.cfg, stdout);
		cfg_free(ctx.cfg);
		exit(EX_OK);
	}
	drop_privileges(ctx.cfg);
	ctx.cfgpath = cfgpath;
	ctx.started = time(NULL);
	ctx.uid = getuid();
	ctx.debug = debug;
	ctx.sched_stats = sched_stats;
	ctx.repl_status = sites_status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* SIGHUP reloads (reload.h): blocked here, so in every thread
	 * started below, and taken by one thread of its own with sigwait() */
	if (reload_block() == -1)
		fatal("sigmask");
	umask(077);

	if (!fg && daemon(0, 0) == -1)
		fatal("daemon");
	audit_chain_start(ctx.cfg, KUNCI_VERSION);
	if ((lfd = kuncid_listen(ctx.cfg->agent.admin_socket, 0666)) == -1)
		fatalx("cannot open the admin socket");
	if (admin_init(&ctx) == -1)
		fatalx("start-up failed");
	ldapc_global_init();	/* before the threads below use libldap */
	wire();
	wire_ticks(ctx.cfg);
	if (gate_start(&ctx) == -1)
		fatalx("the login gate failed to start");
	/* The writer's beat is directory-wide work too: an "all" kuncid
	 * renews it, a gated server among many only reads it. */
	if (ctx.cfg->agent.scheduler == CFG_SCHED_ALL &&
	    gfresh_start(ctx.cfg) == -1)
		fatalx("the writer's beat failed to start");
	if (sched_start(ctx.cfg, gate_directory_lost,
	    gate_lost_generation) == -1)
		fatalx("the scheduler failed to start");
	if (adminsrv_start(&ctx, gate_directory_lost) == -1)
		fatalx("the admin workers failed to start");
	if (reload_start(&ctx) == -1)
		fatalx("the reload thread failed to start");
	log_info("started, config %s", cfgpath);
	notify_ready();
	adminsrv_loop(lfd, &quit);
	log_info("stopping");
	adminsrv_stop();
	sched_stop();
	gfresh_stop();
	gate_stop();
	audit_stop(ctx.cfg);
	close(lfd);
	unlink(ctx.cfg->agent.admin_socket);
	cfg_free(ctx.cfg);
	return EX_OK;
}
