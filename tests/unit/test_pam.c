/*
 * test_pam: pam_kunci.so through the real libpam (pam_start_confdir with a
 * private configuration directory), against agents that are not kuncid:
 * none at all, a stale socket, fake agents that answer with truncated,
 * oversized or garbage frames or not at all, and impostors (a listener or a
 * socket file that belongs to another user).  Every one of them must end
 * in a denial (never PAM_SUCCESS) without a crash.  The answer mapping is
 * checked with well-formed answers of each kind.  Cases that need a real
 * kuncid and slapd are in tests/integration/gate_pam.sh.
 *
 * Needs root for the impostor cases (setuid to nobody); they are skipped
 * otherwise.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "proto.h"

static char dir[64];		/* private PAM confdir + sockets */
static char sockpath[96];
static const char *module;
static char lastmsg[1024];

enum mode {
	M_ALLOW, M_DENY, M_UNKNOWN, M_IGNORE, M_UNAVAIL,
	M_TRUNCATED_HDR, M_TRUNCATED_BODY, M_OVERSIZED, M_GARBAGE,
	M_BADVERSION, M_WRONGTYPE, M_BADDECISION, M_TRAILING, M_SILENT,
	M_CLOSE
};

struct agent {
	pid_t	pid;
	int	report;		/* read end: one byte per query received */
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	int i;

	(void)data;
	*resp = calloc((size_t)n, sizeof(**resp));
	if (*resp == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++)
		snprintf(lastmsg, sizeof(lastmsg), "%s", msg[i]->msg);
	return PAM_SUCCESS;
}

static void
write_service(const char *name, const char *args)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	/* pam_permit after us: a PAM_IGNORE then leaves the decision to it
	 * (a stack where every module ignores fails in libpam) */
	fprintf(fp, "account required %s socket=%s %s\n"
	    "account required pam_permit.so\n", module, sockpath, args);
	fclose(fp);
}

/* Run pam_acct_mgmt for user through service; the PAM return code. */
static int
pam_acct(const char *service, const char *user)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *ph = NULL;
	int r;

	lastmsg[0] = '\0';
	r = pam_start_confdir(service, user, &c, dir, &ph);
	assert_int_equal(r, PAM_SUCCESS);
	pam_set_item(ph, PAM_RHOST, "192.0.2.10");
	r = pam_acct_mgmt(ph, 0);
	pam_end(ph, r);
	return r;
}

static void
answer(int fd, uint32_t decision)
{
	struct proto_answer a;
	struct pbuf b;

	memset(&a, 0, sizeof(a));
	a.decision = decision;
	snprintf(a.resource, sizeof(a.resource), "host:test");
	snprintf(a.grant, sizeof(a.grant), "2026-000001");
	snprintf(a.message, sizeof(a.message), "no grant\033[2J for host:test");
	pbuf_init(&b, PROTO_QUERY_MAX);
	proto_answer_encode(&b, &a);
	proto_send(fd, PROTO_T_ANSWER, &b, 1000);
	pbuf_free(&b);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
serve(int fd, enum mode m)
{
	unsigned char h[PROTO_HDR_LEN + 64];
	struct pbuf b;
	uint32_t type;
	size_t i;

	switch (m) {
	case M_ALLOW:
		answer(fd, PROTO_ALLOW);
		return;
	case M_DENY:
		answer(fd, PROTO_DENY);
		return;
	case M_UNKNOWN:
		answer(fd, PROTO_UNKNOWN);
		return;
	case M_IGNORE:
		answer(fd, PROTO_IGNORE);
		return;
	case M_UNAVAIL:
		answer(fd, PROTO_UNAVAIL);
		return;
	case M_BADDECISION:
		answer(fd, 99);
		return;
	case M_TRUNCATED_HDR:
		put32(h, PROTO_VERSION);
		put32(h + 4, PROTO_T_ANSWER);
		(void)!write(fd, h, 7);
		return;
	case M_TRUNCATED_BODY:
		put32(h, PROTO_VERSION);
		put32(h + 4, PROTO_T_ANSWER);
		put32(h + 8, 40);
		put32(h + 12, PROTO_ALLOW);
		(void)!write(fd, h, 16);
		return;
	case M_OVERSIZED:
		put32(h, PROTO_VERSION);
		put32(h + 4, PROTO_T_ANSWER);
		put32(h + 8, PROTO_QUERY_MAX + 1);
		(void)!write(fd, h, 12);
		return;
	case M_GARBAGE:
		for (i = 0; i < sizeof(h); i++)
			h[i] = (unsigned char)(rand() & 0xff);
		(void)!write(fd, h, sizeof(h));
		return;
	case M_BADVERSION:
	case M_WRONGTYPE:
		pbuf_init(&b, PROTO_QUERY_MAX);
		proto_put_u32(&b, PROTO_ALLOW);
		proto_put_str(&b, "host:test");
		proto_put_str(&b, "g");
		proto_put_str(&b, "");
		memset(h, 0, PROTO_HDR_LEN);
		put32(h, m == M_BADVERSION ? 2 : PROTO_VERSION);
		put32(h + 4, m == M_WRONGTYPE ? PROTO_T_REPLY :
		    PROTO_T_ANSWER);
		put32(h + 8, (uint32_t)b.len);
		(void)!write(fd, h, PROTO_HDR_LEN);
		(void)!write(fd, b.data, b.len);
		pbuf_free(&b);
		return;
	case M_TRAILING:
		pbuf_init(&b, PROTO_QUERY_MAX);
		proto_put_u32(&b, PROTO_ALLOW);
		proto_put_str(&b, "host:test");
		proto_put_str(&b, "g");
		proto_put_str(&b, "");
		proto_put_u32(&b, 7);
		proto_send(fd, PROTO_T_ANSWER, &b, 1000);
		pbuf_free(&b);
		return;
	case M_SILENT:
		sleep(5);
		return;
	case M_CLOSE:
		return;
	}
	(void)type;
}

/*
 * Start a fake agent at sockpath.  listen_uid: the uid the process has when
 * it calls listen() (what SO_PEERCRED reports); file_uid: the owner of the
 * socket file.
 */
static struct agent
agent_start(enum mode m, uid_t listen_uid, uid_t file_uid)
{
	struct sockaddr_un sun;
	struct agent ag;
	int rep[2], ready[2], lfd, fd;
	unsigned char hdr[PROTO_HDR_LEN];
	struct pbuf b;
	uint32_t type;
	char c;

	unlink(sockpath);
	assert_int_equal(pipe(rep), 0);
	assert_int_equal(pipe(ready), 0);
	ag.pid = fork();
	assert_true(ag.pid >= 0);
	if (ag.pid == 0) {
		/* never outlive the test, never hold its output open */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		close(rep[0]);
		close(ready[0]);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (lfd == -1 || bind(lfd, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1)
			_exit(1);
		chmod(sockpath, 0666);
		if (file_uid != getuid() && chown(sockpath, file_uid, -1) == -1)
			_exit(1);
		if (listen_uid != getuid() && setuid(listen_uid) == -1)
			_exit(1);
		if (listen(lfd, 16) == -1)
			_exit(1);
		(void)!write(ready[1], "r", 1);
		for (;;) {
			if ((fd = accept(lfd, NULL, NULL)) == -1)
				continue;
			/* report whether the module sent anything at all */
			pbuf_init(&b, PROTO_QUERY_MAX);
			if (proto_recv(fd, &type, &b, 1000) == PROTO_OK)
				(void)!write(rep[1], "q", 1);
			else
				(void)!write(rep[1], "c", 1);
			pbuf_free(&b);
			(void)hdr;
			serve(fd, m);
			close(fd);
		}
	}
	close(rep[1]);
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	ag.report = rep[0];
	fcntl(ag.report, F_SETFL, O_NONBLOCK);
	return ag;
}

/* Stop the agent; the number of queries it received. */
static int
agent_stop(struct agent *ag)
{
	char buf[64];
	ssize_t n;
	int q = 0, i;

	kill(ag->pid, SIGKILL);
	waitpid(ag->pid, NULL, 0);
	while ((n = read(ag->report, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			q += buf[i] == 'q';
	close(ag->report);
	unlink(sockpath);
	return q;
}

static int
setup(void **state)
{
	(void)state;
	write_service("kunci-test", "agent_user=root timeout=500 "
	    "resource=host:test");
	return 0;
}

static void
t_dlopen(void **state)
{
	void *h;

	(void)state;
	h = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(h);
	assert_non_null(dlsym(h, "pam_sm_acct_mgmt"));
	assert_null(dlsym(h, "pbuf_init"));	/* nothing else exported */
	dlclose(h);
}

static void
t_no_agent(void **state)
{
	(void)state;
	unlink(sockpath);
	assert_int_equal(pam_acct("kunci-test", "budi"), PAM_AUTHINFO_UNAVAIL);
	assert_non_null(strstr(lastmsg, "kunci"));
}

static void
t_stale_socket(void **state)
{
	struct sockaddr_un sun;
	int fd;

	(void)state;
	unlink(sockpath);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);	/* the file stays, nobody listens */
	assert_int_equal(pam_acct("kunci-test", "budi"), PAM_AUTHINFO_UNAVAIL);
	unlink(sockpath);
}

static void
check_mode(enum mode m, int want)
{
	struct agent ag = agent_start(m, getuid(), getuid());
	int r = pam_acct("kunci-test", "budi");

	if (r != want)
		print_error("mode %d: got %s, want %s\n", (int)m,
		    pam_strerror(NULL, r), pam_strerror(NULL, want));
	assert_int_equal(r, want);
	assert_int_equal(agent_stop(&ag), 1);
}

static void
t_mapping(void **state)
{
	(void)state;
	check_mode(M_ALLOW, PAM_SUCCESS);
	check_mode(M_DENY, PAM_PERM_DENIED);
	/* the message reaches the user, control bytes neutralised */
	assert_non_null(strstr(lastmsg, "no grant"));
	assert_null(strchr(lastmsg, '\033'));
	check_mode(M_UNKNOWN, PAM_PERM_DENIED);
	/* ignored: pam_permit, next in the stack, decides */
	check_mode(M_IGNORE, PAM_SUCCESS);
	check_mode(M_UNAVAIL, PAM_AUTHINFO_UNAVAIL);
}

static void
t_bad_frames(void **state)
{
	static const enum mode bad[] = {
		M_TRUNCATED_HDR, M_TRUNCATED_BODY, M_OVERSIZED, M_GARBAGE,
		M_BADVERSION, M_WRONGTYPE, M_BADDECISION, M_TRAILING,
		M_CLOSE
	};
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (k = 0; k < (bad[i] == M_GARBAGE ? 20 : 1); k++)
			check_mode(bad[i], PAM_AUTHINFO_UNAVAIL);
}

static void
t_silent_agent(void **state)
{
	struct timespec a, b;
	long ms;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	check_mode(M_SILENT, PAM_AUTHINFO_UNAVAIL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	/* timeout=500: the deadline holds (the kill in agent_stop is fast) */
	assert_true(ms < 1500);
}

static uid_t
nobody(void)
{
	struct passwd *pw = getpwnam("nobody");

	return pw != NULL ? pw->pw_uid : 65534;
}

static void
t_impostor_listener(void **state)
{
	struct agent ag;

	(void)state;
	if (getuid() != 0)
		skip();
	/* socket file root's, but the listening process is nobody */
	ag = agent_start(M_ALLOW, nobody(), 0);
	assert_int_equal(pam_acct("kunci-test", "budi"), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);	/* nothing was sent */
}

static void
t_impostor_file(void **state)
{
	struct agent ag;

	(void)state;
	if (getuid() != 0)
		skip();
	/* a socket file owned by another user */
	ag = agent_start(M_ALLOW, 0, nobody());
	assert_int_equal(pam_acct("kunci-test", "budi"), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
	/* and wholly another user's */
	ag = agent_start(M_ALLOW, nobody(), nobody());
	assert_int_equal(pam_acct("kunci-test", "budi"), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
}

/*
 * The module caches the agent user's uid per process.  With the module
 * kept loaded (one handle, as a control panel keeps it), a check against
 * the real agent fills the cache; an impostor that replaces the socket
 * afterwards must still get nothing, whichever of file and listener it
 * owns, and the real agent must be trusted again after it.
 */
static void
t_cached_uid_impostor(void **state)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *ph = NULL;
	struct agent ag;

	(void)state;
	if (getuid() != 0)
		skip();
	assert_int_equal(pam_start_confdir("kunci-test", "budi", &c, dir,
	    &ph), PAM_SUCCESS);
	ag = agent_start(M_ALLOW, 0, 0);
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_SUCCESS);
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_SUCCESS);
	assert_int_equal(agent_stop(&ag), 2);
	/* the uid of root is cached now: nobody's socket file */
	ag = agent_start(M_ALLOW, 0, nobody());
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
	/* nobody's listener behind root's file */
	ag = agent_start(M_ALLOW, nobody(), 0);
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
	/* wholly nobody's */
	ag = agent_start(M_ALLOW, nobody(), nobody());
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
	/* the real agent again */
	ag = agent_start(M_ALLOW, 0, 0);
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_SUCCESS);
	assert_int_equal(agent_stop(&ag), 1);
	pam_end(ph, PAM_SUCCESS);

	/* a stack naming nobody as agent caches nobody, and refuses root */
	write_service("kunci-nobody", "agent_user=nobody timeout=500 "
	    "resource=host:test");
	ph = NULL;
	assert_int_equal(pam_start_confdir("kunci-nobody", "budi", &c, dir,
	    &ph), PAM_SUCCESS);
	ag = agent_start(M_ALLOW, nobody(), nobody());
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_SUCCESS);
	assert_int_equal(agent_stop(&ag), 1);
	ag = agent_start(M_ALLOW, 0, 0);
	assert_int_equal(pam_acct_mgmt(ph, PAM_SILENT), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
	pam_end(ph, PAM_SUCCESS);
}

static void
t_bad_names(void **state)
{
	struct agent ag;
	char longname[PROTO_NAME_MAX + 2];

	(void)state;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ag = agent_start(M_ALLOW, getuid(), getuid());
	assert_int_equal(pam_acct("kunci-test", longname), PAM_PERM_DENIED);
	assert_int_equal(pam_acct("kunci-test", "bu\001di"), PAM_PERM_DENIED);
	assert_int_equal(pam_acct("kunci-test", "budi\n"), PAM_PERM_DENIED);
	assert_int_equal(pam_acct("kunci-test", "budi\177"), PAM_PERM_DENIED);
	/* none of them reached the agent */
	assert_int_equal(agent_stop(&ag), 0);
	/* exactly PROTO_NAME_MAX is fine */
	longname[PROTO_NAME_MAX] = '\0';
	ag = agent_start(M_ALLOW, getuid(), getuid());
	assert_int_equal(pam_acct("kunci-test", longname), PAM_SUCCESS);
	assert_int_equal(agent_stop(&ag), 1);
}

static void
t_unmanaged_and_minimum_uid(void **state)
{
	struct agent ag;

	(void)state;
	write_service("kunci-um", "agent_user=root timeout=500 "
	    "unmanaged=darurat,cadangan minimum_uid=1000");
	ag = agent_start(M_DENY, getuid(), getuid());
	/* PAM_IGNORE: pam_permit, next in the stack, decides */
	assert_int_equal(pam_acct("kunci-um", "darurat"), PAM_SUCCESS);
	assert_int_equal(pam_acct("kunci-um", "cadangan"), PAM_SUCCESS);
	assert_int_equal(pam_acct("kunci-um", "root"), PAM_SUCCESS); /* uid 0 */
	assert_int_equal(pam_acct("kunci-um", "darurat2"), PAM_PERM_DENIED);
	assert_int_equal(agent_stop(&ag), 1);
}

static void
t_bad_args(void **state)
{
	struct agent ag;

	(void)state;
	ag = agent_start(M_ALLOW, getuid(), getuid());
	write_service("kunci-bad1", "agent_user=root timeout=abc");
	write_service("kunci-bad2", "agent_user=root no_such_option");
	write_service("kunci-bad3", "agent_user=no-such-user-kunci");
	assert_int_not_equal(pam_acct("kunci-bad1", "budi"), PAM_SUCCESS);
	assert_int_not_equal(pam_acct("kunci-bad2", "budi"), PAM_SUCCESS);
	assert_int_equal(pam_acct("kunci-bad3", "budi"), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(agent_stop(&ag), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_dlopen),
		cmocka_unit_test(t_no_agent),
		cmocka_unit_test(t_stale_socket),
		cmocka_unit_test(t_mapping),
		cmocka_unit_test(t_bad_frames),
		cmocka_unit_test(t_silent_agent),
		cmocka_unit_test(t_impostor_listener),
		cmocka_unit_test(t_impostor_file),
		cmocka_unit_test(t_cached_uid_impostor),
		cmocka_unit_test(t_bad_names),
		cmocka_unit_test(t_unmanaged_and_minimum_uid),
		cmocka_unit_test(t_bad_args),
	};
	char cmd[600];
	int failed;

	signal(SIGPIPE, SIG_IGN);
	if ((module = getenv("PAM_KUNCI")) == NULL)
		module = "build/pam_kunci.so";
	if (module[0] != '/') {
		static char abs[4096];

		if (getcwd(abs, sizeof(abs) - strlen(module) - 2) == NULL)
			return 1;
		strcat(abs, "/");
		strcat(abs, module);
		module = abs;
	}
	snprintf(dir, sizeof(dir), "/tmp/test_pam.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	chmod(dir, 0755);	/* nobody must reach its socket */
	snprintf(sockpath, sizeof(sockpath), "%s/query.sock", dir);
	setup(NULL);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
	printf("%d passed, %d failed\n",
	    (int)(sizeof(tests) / sizeof(tests[0])) - failed, failed);
	return failed != 0;
}
