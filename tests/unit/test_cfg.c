/*
 * test_cfg.c: unit tests of agent/cfg.c and the files split out of it
 * (cfg_groups.c, cfg_wf.c, cfg_dump.c).
 *
 * Loads the shipped conf/kunci.conf (from $KUNCI_TOP, default ".") with its
 * secret-file paths pointed into a temporary directory, checks every SOP
 * workflow, checks that each bad configuration fails with the right
 * "file:line: " prefix, and that dump -> load -> dump is identical.
 * Ends with "N passed, N failed"; exits 1 on any failure.
 *
 * Bad configurations are written at test time; a "@@" marks the line the
 * error must name (and is removed before writing).  libconfig gives a group
 * the line of its opening brace, and a scalar the line the parser had
 * reached after it (its ';' or the next token), hence where the marks sit.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

#include "check.h"

static char	tmpdir[] = "/tmp/kunci-test-cfg.XXXXXX";
static char	secret[256];	/* a good 0600 bind password file */


static char *
read_all(const char *path)
{
	FILE	*fp;
	char	*buf = NULL;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = calloc(1, (size_t)len + 1)) != NULL &&
	    fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

static int
write_file(const char *path, const char *text, mode_t mode)
{
	int	fd, rc = -1;
	size_t	len = strlen(text);

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1)
		return -1;
	if (write(fd, text, len) == (ssize_t)len && fchmod(fd, mode) == 0)
		rc = 0;
	close(fd);
	return rc;
}

/*
 * The shipped example, with the two secret-file lines pointed into tmpdir
 * (the same per-line substitution the sandbox does).  Returns the path.
 */
static const char *
example_copy(void)
{
	static char	 path[300];
	char		 src[1024], *text, *out, *line, *nl;
	const char	*top = getenv("KUNCI_TOP");
	size_t		 cap;
	int		 ok;

	snprintf(src, sizeof(src), "%s/conf/kunci.conf",
	    top != NULL ? top : ".");
	snprintf(path, sizeof(path), "%s/kunci.conf", tmpdir);
	if ((text = read_all(src)) == NULL) {
		printf("cannot read %s: %s\n", src, strerror(errno));
		return NULL;
	}
	cap = strlen(text) + 4096;
	if ((out = calloc(1, cap)) == NULL) {
		free(text);
		return NULL;
	}
	for (line = text; *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		nl = nl != NULL ? nl + 1 : line + strlen(line);
		if (strncmp(line, "  bind_password_file = ", 23) == 0)
			snprintf(out + strlen(out), cap - strlen(out),
			    "  bind_password_file = \"%s\";\n", secret);
		else if (strncmp(line, "  snapshot_key_file = ", 22) == 0)
			snprintf(out + strlen(out), cap - strlen(out),
			    "  snapshot_key_file = \"%s/snapshot.key\";\n",
			    tmpdir);
		else
			strncat(out, line, (size_t)(nl - line));
	}
	ok = write_file(path, out, 0644) == 0;
	free(text);
	free(out);
	return ok ? path : NULL;
}

/* the sandbox edits these keys with a per-line regex */
static void
test_single_lines(void)
{
	static const char *const keys[] = {
		"  uri = [ ", "  base = \"", "  bind_dn = \"",
		"  bind_password_file = \"", "  user = \"",
		"  admin_socket = \"", "  query_socket = \"",
		"  state_dir = \"", NULL
	};
	char		 src[1024], *text, *p, *eol;
	const char	*top = getenv("KUNCI_TOP");
	size_t		 i;
	int		 n;

	snprintf(src, sizeof(src), "%s/conf/kunci.conf",
	    top != NULL ? top : ".");
	if ((text = read_all(src)) == NULL) {
		CHECK(!"conf/kunci.conf readable");
		return;
	}
	for (i = 0; keys[i] != NULL; i++) {
		n = 0;
		for (p = text; (p = strstr(p, keys[i])) != NULL; p++) {
			if (p != text && p[-1] != '\n')
				continue;
			eol = strchr(p, '\n');
			n++;
			check(eol != NULL && eol[-1] == ';', keys[i],
			    __FILE__, __LINE__);
		}
		check_ll(n, 1, keys[i], __FILE__, __LINE__);
	}
	free(text);
}

static int64_t
total_sla(const struct cfg_workflow *wf)
{
	int64_t	t = 0;
	size_t	i;

	for (i = 0; i < wf->nsteps; i++)
		t += wf->steps[i].sla;
	return t;
}

/* kinds as a string of initials, e.g. "edd" (R report, c receive) */
static const char *
kinds(const struct cfg_workflow *wf)
{
	static char	buf[64];
	size_t		i;

	for (i = 0; i < wf->nsteps && i + 1 < sizeof(buf); i++)
		buf[i] = wf->steps[i].kind == CFG_KIND_RECEIVE ? 'c' :
		    cfg_kind_name(wf->steps[i].kind)[0] == 'r' ?
		    (wf->steps[i].kind == CFG_KIND_RECORD ? 'r' : 'R') :
		    cfg_kind_name(wf->steps[i].kind)[0];
	buf[i] = '\0';
	return buf;
}

static const char *
roles_of(const struct cfg_workflow *wf)
{
	static char	buf[1024];
	size_t		i;

	buf[0] = '\0';
	for (i = 0; i < wf->nsteps; i++) {
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, wf->steps[i].role, sizeof(buf) - strlen(buf) - 1);
	}
	return buf;
}

static void
test_example(void)
{
	const char		*path;
	struct kunci_cfg	*cfg;
	const struct cfg_workflow *wf;
	const struct cfg_role	*r;
	char			 err[1024];
	size_t			 i, j;

	if ((path = example_copy()) == NULL) {
		CHECK(!"example copy");
		return;
	}
	cfg = cfg_load(path, err, sizeof(err));
	if (cfg == NULL)
		printf("example: %s\n", err);
	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;

	CHECK_LL(cfg->directory.nuri, 1);
	CHECK_STR(cfg->directory.uri[0], "ldapi://%2Frun%2Fslapd%2Fldapi");
	CHECK_STR(cfg->directory.base, "dc=diskominfo,dc=contoh,dc=go,dc=id");
	CHECK_STR(cfg->directory.kunci_base,
	    "ou=kunci,dc=diskominfo,dc=contoh,dc=go,dc=id");
	CHECK_STR(cfg->directory.people_base,
	    "ou=people,dc=diskominfo,dc=contoh,dc=go,dc=id");
	CHECK_STR(cfg->directory.groups_base,
	    "ou=groups,dc=diskominfo,dc=contoh,dc=go,dc=id");
	CHECK_STR(cfg->directory.bind_password_file, secret);
	CHECK_LL(cfg->directory.connect_timeout, 3);
	CHECK_LL(cfg->directory.timeout, 5);
	CHECK_LL(cfg->directory.heartbeat, 1);
	CHECK_LL(cfg->directory.heartbeat_timeout, 3);
	CHECK_LL(cfg->directory.writer_timeout, 6);
	CHECK_STR(cfg->agent.user, "_kunci");
	CHECK_STR(cfg->agent.timezone, "Asia/Jakarta");
	CHECK_LL(cfg->agent.language, CFG_LANG_ID);
	CHECK_LL(cfg->agent.nadmins, 1);
	CHECK_LL(cfg->calendar.work_week, 0x3e);
	CHECK_LL(cfg->requests.max_duration, 365 * 86400LL);
	CHECK_LL(cfg->requests.pending_expiry, 30 * 86400LL);
	CHECK_LL(cfg->requests.max_reason, 1000);
	CHECK_LL(cfg->agent.admin_workers, 4);
	CHECK_LL(cfg->agent.admin_per_uid, 4);
	CHECK_LL(cfg->agent.admin_lifetime, 60);
	CHECK_LL(cfg->agent.admin_requests, 100);
	CHECK_LL(cfg->agent.admin_command_timeout, 15);
	CHECK_LL(cfg->agent.scheduler, CFG_SCHED_ALL);
	CHECK_LL(cfg->login.offline, CFG_OFFLINE_CACHE);
	CHECK_LL(cfg->login.offline_max_age, 12 * 3600);
	CHECK_LL(cfg->login.npolicies, 1);
	CHECK_LL(cfg->login.policies[0].offline, CFG_OFFLINE_DENY);
	CHECK_LL(cfg->login.policies[0].offline_max_age, 0);
	CHECK_LL(cfg->login.query_timeout, 2);
	CHECK(cfg->login.nservices >= 2);
	CHECK_STR(cfg->login.services[0].service, "sshd");
	CHECK_STR(cfg->login.services[0].resource, "host:%h");

	CHECK_LL(cfg->nroles, 14);
	CHECK((r = cfg_role(cfg, "kasi-infra")) != NULL);
	if (r != NULL) {
		CHECK_STR(r->escalate_to, "kabid-aptika");
		CHECK_STR(r->label_id,
		    "Kepala Seksi Layanan Infrastruktur TIK");
	}
	CHECK(cfg_role(cfg, "nobody") == NULL);

	CHECK_LL(cfg->nworkflows, 7);
	/* every step complete, in both languages */
	for (i = 0; i < cfg->nworkflows; i++) {
		wf = &cfg->workflows[i];
		CHECK(*wf->label_id != '\0' && *wf->label_en != '\0');
		CHECK(*wf->sop != '\0');
		for (j = 0; j < wf->nsteps; j++) {
			CHECK(*wf->steps[j].label_id != '\0');
			CHECK(*wf->steps[j].label_en != '\0');
			CHECK(wf->steps[j].sla > 0);
			CHECK_LL(wf->steps[j].quorum, 1);
		}
	}

	/* A: SOP steps 2-10 (1 = submit; 10 = the requester confirms) */
	CHECK((wf = cfg_workflow(cfg, "A")) != NULL);
	if (wf != NULL) {
		CHECK_LL(wf->nsteps, 9);
		CHECK_STR(kinds(wf), "eddvapnrc");
		CHECK_STR(roles_of(wf), "superior,kadis,kabid-aptika,"
		    "kasi-infra,kabid-aptika,operator-ruang-server,"
		    "operator-ruang-server,operator-ruang-server,requester");
		CHECK_LL(wf->steps[8].may_reject, 0);	/* receive */
		CHECK_LL(wf->grant_kind, CFG_GRANT_CARD);
		CHECK_LL(wf->one_act_per_person, 1);
		CHECK_LL(wf->expire_after, 30 * 86400LL);
		CHECK_LL(wf->steps[0].sla, 86400);
		CHECK_LL(wf->steps[0].sla_business, 1);
		CHECK_LL(wf->steps[0].may_reject, 1);	/* endorse */
		CHECK_LL(wf->steps[1].may_reject, 0);	/* dispose */
		CHECK_LL(wf->steps[3].may_reject, 1);	/* verify */
		CHECK_LL(wf->steps[5].may_reject, 0);	/* provision */
		CHECK_STR(wf->steps[0].label_en,
		    "Direct superior's approval, forwarded to the Head of "
		    "Office");
	}
	/* A-trenggalek: SOP steps 2-7, one day each */
	CHECK((wf = cfg_workflow(cfg, "A-trenggalek")) != NULL);
	if (wf != NULL) {
		CHECK_LL(wf->nsteps, 6);
		CHECK_STR(kinds(wf), "dvapnc");
		CHECK_STR(roles_of(wf), "kadis,kabid-aptika,kabid-aptika,"
		    "operator-ruang-server,operator-ruang-server,requester");
		for (j = 0; j < wf->nsteps; j++) {
			CHECK_LL(wf->steps[j].sla, 86400);
			CHECK_LL(wf->steps[j].sla_business, 1);
		}
		CHECK_LL(wf->one_act_per_person, 0);
	}
	/* B: 5+5+2+2+3+3+2 = 22 minutes */
	CHECK((wf = cfg_workflow(cfg, "B")) != NULL);
	if (wf != NULL) {
		static const int min[] = { 5, 5, 2, 2, 3, 3, 2 };

		CHECK_LL(wf->nsteps, 7);
		CHECK_LL(total_sla(wf), 22 * 60);
		for (j = 0; j < wf->nsteps && j < 7; j++) {
			CHECK_LL(wf->steps[j].sla, min[j] * 60);
			CHECK_LL(wf->steps[j].sla_business, 0);
		}
		CHECK_STR(kinds(wf), "rvadrre");
		CHECK_STR(roles_of(wf), "requester,kasi-infra,administrator,"
		    "kasi-infra,requester,administrator,administrator");
		CHECK_LL(wf->grant_kind, CFG_GRANT_NONE);
		CHECK_LL(wf->expire_after, 86400);
	}
	/* C1: SOP steps 2-11 */
	CHECK((wf = cfg_workflow(cfg, "C1")) != NULL);
	if (wf != NULL) {
		CHECK_LL(wf->nsteps, 10);
		CHECK_STR(kinds(wf), "edddvapnrc");
		CHECK_STR(roles_of(wf), "superior,kadis,kabid-egov,kasi-sdtik,"
		    "kasi-infra,kasi-infra,tech-support,tech-support,"
		    "kasi-infra,requester");
		CHECK_LL(wf->grant_kind, CFG_GRANT_ACCOUNT);
	}
	/* C2: SOP steps 2-6 */
	CHECK((wf = cfg_workflow(cfg, "C2")) != NULL);
	if (wf != NULL) {
		CHECK_LL(wf->nsteps, 5);
		CHECK_STR(kinds(wf), "Rdvar");
		CHECK_STR(roles_of(wf), "administrator,kasi-infra,"
		    "access-owner-of-resource,kasi-infra,administrator");
	}
	/* C3: SOP steps 3-7 */
	CHECK((wf = cfg_workflow(cfg, "C3")) != NULL);
	if (wf != NULL) {
		CHECK_LL(wf->nsteps, 5);
		CHECK_STR(kinds(wf), "rpnrc");
		CHECK_STR(roles_of(wf), "kasi-infra,administrator,"
		    "administrator,administrator,access-owner-of-resource");
	}
	/* D: SOP steps 2-7 and 9-12 (8 missing); 3 min, the last two 5 */
	CHECK((wf = cfg_workflow(cfg, "D")) != NULL);
	if (wf != NULL) {
		CHECK_LL(wf->nsteps, 10);
		for (j = 0; j < wf->nsteps; j++)
			CHECK_LL(wf->steps[j].sla,
			    j + 2 >= wf->nsteps ? 300 : 180);
		CHECK_LL(total_sla(wf), 8 * 180 + 2 * 300);
		CHECK_STR(kinds(wf), "ddvadeRRRr");
		CHECK_STR(roles_of(wf), "kadis,kabid-aptika,koordinator,"
		    "kabid-aptika,koordinator,tim-teknis,helpdesk,koordinator,"
		    "kabid-aptika,kadis");
	}
	CHECK(cfg_workflow(cfg, "E") == NULL);
	cfg_free(cfg);
}

/* dump -> load -> dump must be identical */
static void
dump_twice(const char *path, int line)
{
	struct kunci_cfg	*cfg;
	char			 err[1024], d1[300], d2[300];
	char			*t1 = NULL, *t2 = NULL;
	FILE			*fp;

	snprintf(d1, sizeof(d1), "%s/dump1.conf", tmpdir);
	snprintf(d2, sizeof(d2), "%s/dump2.conf", tmpdir);
	if ((cfg = cfg_load(path, err, sizeof(err))) == NULL) {
		printf("dump: %s\n", err);
		check(0, "load before dump", __FILE__, line);
		return;
	}
	fp = fopen(d1, "w");
	check(fp != NULL && cfg_dump(cfg, fp) == 0, "dump 1", __FILE__, line);
	if (fp != NULL)
		fclose(fp);
	cfg_free(cfg);
	if ((cfg = cfg_load(d1, err, sizeof(err))) == NULL) {
		printf("reload: %s\n", err);
		check(0, "reload dump", __FILE__, line);
		return;
	}
	fp = fopen(d2, "w");
	check(fp != NULL && cfg_dump(cfg, fp) == 0, "dump 2", __FILE__, line);
	if (fp != NULL)
		fclose(fp);
	cfg_free(cfg);
	t1 = read_all(d1);
	t2 = read_all(d2);
	check(t1 != NULL && t2 != NULL && strcmp(t1, t2) == 0,
	    "dump of dump identical", __FILE__, line);
	free(t1);
	free(t2);
}

/* a minimal valid configuration: the base of the error cases */
#define BASE_DIR \
	"directory = {\n" \
	"  base = \"dc=x\";\n" \
	"};\n"
#define BASE_ROLES \
	"roles = {\n" \
	"  r1 = { group = \"cn=r1,dc=x\"; label_id = \"R\";" \
	" label_en = \"R\"; };\n" \
	"};\n"
#define STEP(extra) \
	"    { name = \"s1\"; role = \"r1\"; kind = \"approve\";" \
	" sla = \"1h\";" \
	" label_id = \"S\"; label_en = \"S\";" extra " }"
#define WF(steps) \
	"workflows = {\n" \
	"  W = { label_id = \"W\"; label_en = \"W\"; steps = (\n" \
	steps "\n" \
	"  ); };\n" \
	"};\n"

static void
test_minimal(void)
{
	char			 path[300];
	struct kunci_cfg	*cfg;
	char			 err[1024];

	snprintf(path, sizeof(path), "%s/minimal.conf", tmpdir);
	write_file(path, BASE_DIR "login = { snapshot_key_file = "
	    "\"/nonexistent/kunci.key\"; };\n" BASE_ROLES WF(STEP("")), 0644);
	cfg = cfg_load(path, err, sizeof(err));
	if (cfg == NULL)
		printf("minimal: %s\n", err);
	CHECK(cfg != NULL);
	if (cfg != NULL) {
		/* defaults */
		CHECK_STR(cfg->directory.uri[0], "ldapi:///");
		CHECK_STR(cfg->directory.bind_dn, "");
		CHECK_STR(cfg->directory.kunci_base, "ou=kunci,dc=x");
		CHECK_STR(cfg->agent.admin_socket, "/run/kunci/admin.sock");
		CHECK_STR(cfg->agent.state_dir, "/var/lib/kunci");
		CHECK_LL(cfg->agent.nadmins, 0);
		CHECK_LL(cfg->agent.scheduler, CFG_SCHED_ALL);
		CHECK_LL(cfg->calendar.work_week, 0x3e);
		CHECK_LL(cfg->login.offline, CFG_OFFLINE_DENY);
		CHECK_LL(cfg->login.nservices, 0);
		CHECK_LL(cfg->requests.max_reason, 1000);
		CHECK_LL(cfg->workflows[0].one_act_per_person, 1);
		CHECK_LL(cfg->workflows[0].grant_kind, CFG_GRANT_NONE);
		CHECK_STR(cfg->workflows[0].sop, "");
		CHECK_LL(cfg->workflows[0].steps[0].quorum, 1);
		CHECK_LL(cfg->workflows[0].steps[0].may_reject, 1);
		CHECK_LL(cfg->notify.mail, CFG_MAIL_SMTP);
		CHECK_STR(cfg->notify.smtp_host, "127.0.0.1");
		CHECK_LL(cfg->notify.smtp_port, 25);
		CHECK_STR(cfg->notify.sendmail, "/usr/sbin/sendmail");
		CHECK_LL(cfg->provision.minimum_uid, 1000);
		CHECK_LL(cfg->provision.uid_min, 20000);
		CHECK_LL(cfg->provision.uid_max, 29999);
		CHECK_LL(cfg->provision.gid, 0);
		CHECK_STR(cfg->provision.home_base, "/home");
		CHECK_STR(cfg_account_shell(cfg, "control-panel:cockpit"),
		    "/usr/sbin/nologin");
		cfg_free(cfg);
	}
	dump_twice(path, __LINE__);
}

/* agent.scheduler "local": a gated server's scheduler (kuncid.c) */
static void
test_scheduler_local(void)
{
	char			 path[300];
	struct kunci_cfg	*cfg;
	char			 err[1024];

	snprintf(path, sizeof(path), "%s/local.conf", tmpdir);
	write_file(path, BASE_DIR "agent = { scheduler = \"local\"; };\n",
	    0644);
	cfg = cfg_load(path, err, sizeof(err));
	if (cfg == NULL)
		printf("scheduler local: %s\n", err);
	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_LL(cfg->agent.scheduler, CFG_SCHED_LOCAL);
		cfg_free(cfg);
	}
	dump_twice(path, __LINE__);
}

/* provision.shells: exact names and prefixes, the first match wins */
static void
test_shells(void)
{
	char			 path[300];
	struct kunci_cfg	*cfg;
	char			 err[1024];

	snprintf(path, sizeof(path), "%s/shells.conf", tmpdir);
	write_file(path, BASE_DIR "login = { snapshot_key_file = "
	    "\"/nonexistent/kunci.key\"; };\n" BASE_ROLES WF(STEP(""))
	    "provision = { uid_min = 5000; uid_max = 5009; gid = 100; "
	    "shell = \"/bin/false\"; shells = ( "
	    "{ resource = \"control-panel:cockpit-web1\"; shell = \"/bin/sh\"; },"
	    "{ resource = \"control-panel:cockpit*\"; shell = \"/bin/bash\"; } ); };\n",
	    0644);
	cfg = cfg_load(path, err, sizeof(err));
	if (cfg == NULL)
		printf("shells: %s\n", err);
	CHECK(cfg != NULL);
	if (cfg != NULL) {
		CHECK_LL(cfg->provision.nshells, 2);
		CHECK_LL(cfg->provision.gid, 100);
		CHECK_STR(cfg_account_shell(cfg, "control-panel:cockpit-web1"),
		    "/bin/sh");
		CHECK_STR(cfg_account_shell(cfg, "control-panel:cockpit-web2"),
		    "/bin/bash");
		CHECK_STR(cfg_account_shell(cfg, "control-panel:cockpit"),
		    "/bin/bash");
		CHECK_STR(cfg_account_shell(cfg, "control-panel:webmin"),
		    "/bin/false");
		CHECK_STR(cfg_account_shell(cfg, "control-panel:cockpi"),
		    "/bin/false");
		cfg_free(cfg);
	}
	dump_twice(path, __LINE__);
}

/* notify.mail, and the meaning sendmail = "" had before it existed */
static void
test_mail(void)
{
	static const struct {
		const char	*text;
		int		 mail;
	} cases[] = {
		{ "sendmail = \"\";", CFG_MAIL_NONE },
		{ "sendmail = \"/usr/sbin/sendmail\";", CFG_MAIL_SMTP },
		{ "mail = \"sendmail\"; sendmail = \"/x/sm\";",
		  CFG_MAIL_SENDMAIL },
		{ "mail = \"smtp\"; sendmail = \"\";", CFG_MAIL_SMTP },
		{ "mail = \"none\";", CFG_MAIL_NONE },
		{ "smtp_host = \"::1\"; smtp_port = 2525; "
		  "from = \"kunci <k@x.example>\";", CFG_MAIL_SMTP },
	};
	char			 path[300], text[1024], err[1024];
	struct kunci_cfg	*cfg;
	size_t			 i;

	snprintf(path, sizeof(path), "%s/mail.conf", tmpdir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), BASE_DIR "notify = { %s };\n",
		    cases[i].text);
		write_file(path, text, 0644);
		if ((cfg = cfg_load(path, err, sizeof(err))) == NULL) {
			printf("mail: %s: %s\n", cases[i].text, err);
			CHECK(cfg != NULL);
			continue;
		}
		check_ll(cfg->notify.mail, cases[i].mail, cases[i].text,
		    __FILE__, __LINE__);
		cfg_free(cfg);
		dump_twice(path, __LINE__);
	}
}

struct bad {
	const char	*name;
	const char	*text;		/* "@@" marks the error line */
	const char	*msg;		/* expected after "file:line: " */
};

static const struct bad bads[] = {
	{ "syntax: double =",
	  "directory = {\n  base = = \"dc=x\";@@\n};\n",
	  "syntax error" },
	/* not "base \"dc=x\";": libconfig 1.5 leaks that string (ASan) */
	{ "syntax: missing value",
	  "directory = {\n  base = ;@@\n};\n",
	  "syntax error" },
	/* reported where the parser meets the end of the file */
	{ "syntax: unclosed group",
	  "directory = {\n  base = \"dc=x\";\n\nagent = { user = \"u\"; };\n@@",
	  "syntax error" },
	{ "unknown top-level key",
	  BASE_DIR "bogus = 1;@@\n",
	  "top level: unknown key 'bogus'" },
	{ "unknown key in directory",
	  "directory = {\n  base = \"dc=x\";\n  basse = \"dc=y\";@@\n};\n",
	  "directory: unknown key 'basse'" },
	{ "unknown key in agent",
	  BASE_DIR "agent = {\n  usr = \"x\";@@\n};\n",
	  "agent: unknown key 'usr'" },
	{ "unknown key in calendar",
	  BASE_DIR "calendar = { weekend = 1;@@ };\n",
	  "calendar: unknown key 'weekend'" },
	{ "unknown key in requests",
	  BASE_DIR "requests = {\n max_time = \"1d\";@@\n};\n",
	  "requests: unknown key 'max_time'" },
	{ "unknown key in login",
	  BASE_DIR "login = {\n  offlien = \"deny\";@@\n};\n",
	  "login: unknown key 'offlien'" },
	{ "unknown key in a service",
	  BASE_DIR "login = { services = (\n"
	  "  { service = \"sshd\"; resource = \"host:%h\"; host = \"x\"; }@@\n"
	  "); };\n",
	  "login.services[0]: unknown key 'host'" },
	{ "unknown key in a role",
	  BASE_DIR "roles = {\n  r1 = { group = \"cn=r1,dc=x\"; "
	  "label_id = \"R\"; label_en = \"R\";\n  colour = \"red\";@@ };\n};\n",
	  "roles.r1: unknown key 'colour'" },
	{ "unknown key in a workflow",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_id = \"W\"; "
	  "label_en = \"W\";\n  owner = \"x\";@@\n  steps = ( " STEP("")
	  " ); };\n};\n",
	  "workflows.W: unknown key 'owner'" },
	{ "office: a value of two lines",
	  BASE_DIR "office = {\n  name = \"Dinas\";\n"
	  "  address = \"Jl. Merdeka\\nNo. 17\";@@\n};\n",
	  "office.address: must be one line of text" },
	{ "office: an e-mail without @",
	  BASE_DIR "office = {\n  name = \"Dinas\";\n"
	  "  email = \"diskominfo.contoh.go.id\";@@\n};\n",
	  "office.email: \"diskominfo.contoh.go.id\" is not an e-mail "
	  "address" },
	{ "office: a government without the office's name",
	  BASE_DIR "office = {@@\n  government = \"Pemerintah Kabupaten "
	  "Contoh\";\n};\n",
	  "office: government and address need name" },
	{ "workflow: an SOP date not YYYY-MM-DD",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_id = \"W\"; "
	  "label_en = \"W\";\n  sop_made = \"6 Januari 2023\";@@\n"
	  "  steps = ( " STEP("") " ); };\n};\n",
	  "workflows.W.sop_made: \"6 Januari 2023\" is not a YYYY-MM-DD "
	  "date" },
	{ "workflow: an SOP approver's NIP of 17 digits",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_id = \"W\"; "
	  "label_en = \"W\";\n  sop_approver_nip = \"19710609 199201 1 "
	  "00\";@@\n  steps = ( " STEP("") " ); };\n};\n",
	  "workflows.W.sop_approver_nip: \"19710609 199201 1 00\" is not "
	  "an NIP" },
	{ "unknown key in a step",
	  BASE_DIR BASE_ROLES WF(STEP(" timeout = \"1h\";@@")),
	  "workflows.W.steps[0]: unknown key 'timeout'" },
	{ "a number where a string is expected",
	  "directory = {\n  base = 5;@@\n};\n",
	  "directory.base: expected a string" },
	{ "a string where a list is expected",
	  "directory = {\n  base = \"dc=x\";\n  uri = \"ldapi:///\";@@\n};\n",
	  "directory.uri: expected a list" },
	{ "a string where an integer is expected",
	  BASE_DIR "requests = {\n  max_reason = \"1000\";@@\n};\n",
	  "requests.max_reason: expected an integer" },
	{ "a string where a bool is expected",
	  BASE_DIR BASE_ROLES WF(STEP(" may_reject = \"yes\";@@")),
	  "workflows.W.steps[0].may_reject: expected true or false" },
	{ "a number in a string list",
	  BASE_DIR "agent = {\n  admins = [ 1 ];@@\n};\n",
	  "agent.admins: element 1: expected a string" },
	{ "a group where a scalar is expected",
	  "directory = {\n  base = \"dc=x\";\n  timeout = { };@@\n};\n",
	  "directory.timeout: expected a duration" },
	{ "top-level group is a scalar",
	  BASE_DIR "agent = 1;@@\n",
	  "agent: expected a group" },
	{ "bad duration: missing unit",
	  "directory = {\n  base = \"dc=x\";\n  timeout = \"5\";@@\n};\n",
	  "directory.timeout: bad duration \"5\": missing unit" },
	{ "bad duration: space",
	  "directory = {\n  base = \"dc=x\";\n  timeout = \"5 s\";@@\n};\n",
	  "directory.timeout: bad duration \"5 s\": unknown unit" },
	{ "bad duration: negative",
	  BASE_DIR "requests = {\n  max_duration = \"-1d\";@@\n};\n",
	  "requests.max_duration: bad duration \"-1d\": missing number" },
	{ "bad duration: empty",
	  BASE_DIR "login = {\n  query_timeout = \"\";@@\n};\n",
	  "login.query_timeout: bad duration \"\": empty" },
	{ "bad duration: unknown unit",
	  BASE_DIR BASE_ROLES WF(STEP("") ",\n    { name = \"s2\";"
	  " role = \"r1\";"
	  " kind = \"notify\"; sla = \"2y\";@@ label_id = \"S\"; "
	  "label_en = \"S\"; }"),
	  "workflows.W.steps[1].sla: bad duration \"2y\": unknown unit" },
	{ "bad duration: overflow",
	  BASE_DIR "requests = {\n  pending_expiry = "
	  "\"99999999999999999999d\";@@\n};\n",
	  "requests.pending_expiry: bad duration "
	  "\"99999999999999999999d\": too large" },
	{ "bad duration: bd outside an SLA",
	  BASE_DIR "requests = {\n  pending_expiry = \"3bd\";@@\n};\n",
	  "requests.pending_expiry: bad duration \"3bd\": business days "
	  "not allowed here" },
	{ "zero timeout",
	  "directory = {\n  base = \"dc=x\";\n  timeout = \"0s\";@@\n};\n",
	  "directory.timeout: duration \"0s\" must not be zero" },
	{ "zero heartbeat",
	  "directory = {\n  base = \"dc=x\";\n  heartbeat = \"0s\";@@\n};\n",
	  "directory.heartbeat: duration \"0s\" must not be zero" },
	{ "slow heartbeat",
	  "directory = {\n  base = \"dc=x\";\n  heartbeat_timeout = \"2m\";@@\n"
	  "};\n",
	  "directory.heartbeat_timeout: must not exceed 1m" },
	{ "slow writer beat",
	  "directory = {\n  base = \"dc=x\";\n  writer_timeout = \"61s\";@@\n"
	  "};\n",
	  "directory.writer_timeout: must not exceed 1m" },
	{ "missing directory group",
	  "agent = { };\n",
	  "missing required group 'directory'" },
	{ "missing directory.base",
	  "directory = {@@\n  uri = [ \"ldapi:///\" ];\n};\n",
	  "directory: missing required key 'base'" },
	{ "missing step kind",
	  BASE_DIR BASE_ROLES WF("    { name = \"s1\"; role = \"r1\"; "
	  "sla = \"1h\"; label_id = \"S\"; label_en = \"S\"; }@@"),
	  "workflows.W.steps[0]: missing required key 'kind'" },
	{ "missing step label_en",
	  BASE_DIR BASE_ROLES WF("    { name = \"s1\"; role = \"r1\"; "
	  "kind = \"verify\";@@\n      sla = \"1h\"; label_id = \"S\"; }"),
	  "workflows.W.steps[0]: missing required key 'label_en'" },
	{ "missing step sla",
	  BASE_DIR BASE_ROLES WF("    { name = \"s1\"; role = \"r1\"; "
	  "kind = \"verify\"; label_id = \"S\"; label_en = \"S\"; }@@"),
	  "workflows.W.steps[0]: missing required key 'sla'" },
	{ "missing role group",
	  BASE_DIR "roles = {\n  r1 = { label_id = \"R\"; "
	  "label_en = \"R\"; };@@\n};\n",
	  "roles.r1: missing required key 'group'" },
	{ "missing workflow label",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_en = \"W\";@@ "
	  "steps = ( " STEP("") " ); };\n};\n",
	  "workflows.W: missing required key 'label_id'" },
	{ "empty label",
	  BASE_DIR "roles = {\n  r1 = { group = \"cn=r1,dc=x\";\n"
	  "    label_id = \"\";@@ label_en = \"R\"; };\n};\n",
	  "roles.r1.label_id: must not be empty" },
	{ "missing steps",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_id = \"W\"; "
	  "label_en = \"W\"; };@@\n};\n",
	  "workflows.W: missing required key 'steps'" },
	{ "empty steps",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_id = \"W\"; "
	  "label_en = \"W\";\n    steps = ( );@@ };\n};\n",
	  "workflows.W: steps must not be empty" },
	{ "unknown step role",
	  BASE_DIR BASE_ROLES WF("    { name = \"s1\"; role = \"r2\";@@ "
	  "kind = \"verify\"; sla = \"1h\"; label_id = \"S\"; "
	  "label_en = \"S\"; }"),
	  "workflows.W.steps[0].role: unknown role \"r2\"" },
	{ "unknown step kind",
	  BASE_DIR BASE_ROLES WF("    { name = \"s1\"; role = \"r1\";\n"
	  "      kind = \"decide\";@@ sla = \"1h\"; label_id = \"S\"; "
	  "label_en = \"S\"; }"),
	  "workflows.W.steps[0].kind: unknown value \"decide\"" },
	{ "duplicate step name",
	  BASE_DIR BASE_ROLES WF(STEP("") ",\n    { name = \"s1\";@@ "
	  "role = \"superior\"; kind = \"endorse\"; sla = \"1bd\"; "
	  "label_id = \"S\"; label_en = \"S\"; }"),
	  "workflows.W.steps[1].name: duplicate step name \"s1\"" },
	{ "bad step name",
	  BASE_DIR BASE_ROLES WF("    { name = \"Step_1\";@@ role = \"r1\"; "
	  "kind = \"verify\"; sla = \"1h\"; label_id = \"S\"; "
	  "label_en = \"S\"; }"),
	  "workflows.W.steps[0].name: \"Step_1\" must match [a-z0-9-]+" },
	{ "dispose with may_reject = true",
	  BASE_DIR BASE_ROLES WF("    { name = \"s1\"; role = \"r1\"; "
	  "kind = \"dispose\"; sla = \"1h\"; label_id = \"S\";\n"
	  "      label_en = \"S\"; may_reject = true;@@ }"),
	  "workflows.W.steps[0].may_reject: a dispose step forwards and "
	  "cannot reject" },
	{ "quorum 0",
	  BASE_DIR BASE_ROLES WF(STEP("\n      quorum = 0;@@")),
	  "workflows.W.steps[0].quorum: 0 is out of range 1..100" },
	{ "quorum 101",
	  BASE_DIR BASE_ROLES WF(STEP("\n      quorum = 101;@@")),
	  "workflows.W.steps[0].quorum: 101 is out of range 1..100" },
	{ "max_reason 0",
	  BASE_DIR "requests = {\n  max_reason = 0;@@\n};\n",
	  "requests.max_reason: 0 is out of range 1..8192" },
	/* A reason is one request word (PROTO_ARG_MAX): 65536 was accepted
	 * once and cut at the frame. */
	{ "max_reason 65536",
	  BASE_DIR "requests = {\n  max_reason = 65536;@@\n};\n",
	  "requests.max_reason: 65536 is out of range 1..8192" },
	{ "max_reason 8193",
	  BASE_DIR "requests = {\n  max_reason = 8193;@@\n};\n",
	  "requests.max_reason: 8193 is out of range 1..8192" },
	{ "admin_workers 0",
	  BASE_DIR "agent = {\n  admin_workers = 0;@@\n};\n",
	  "agent.admin_workers: 0 is out of range 1..64" },
	{ "admin_per_uid 0",
	  BASE_DIR "agent = {\n  admin_per_uid = 0;@@\n};\n",
	  "agent.admin_per_uid: 0 is out of range 1..1000" },
	{ "admin_requests 0",
	  BASE_DIR "agent = {\n  admin_requests = 0;@@\n};\n",
	  "agent.admin_requests: 0 is out of range 1..1000000" },
	{ "admin_lifetime 0s",
	  BASE_DIR "agent = {\n  admin_lifetime = \"0s\";@@\n};\n",
	  "agent.admin_lifetime: duration \"0s\" must not be zero" },
	{ "admin_command_timeout 1bd",
	  BASE_DIR "agent = {\n  admin_command_timeout = \"1bd\";@@\n};\n",
	  "agent.admin_command_timeout: bad duration" },
	{ "max_reason huge",
	  BASE_DIR "requests = {\n  max_reason = 9999999999L;@@\n};\n",
	  "requests.max_reason: 9999999999 is out of range 1..8192" },
	{ "grant_kind unknown",
	  BASE_DIR BASE_ROLES "workflows = {\n  W = { label_id = \"W\"; "
	  "label_en = \"W\";\n    grant_kind = \"key\";@@\n    steps = ( "
	  STEP("") " ); };\n};\n",
	  "workflows.W.grant_kind: unknown value \"key\"" },
	{ "relative admin_socket",
	  BASE_DIR "agent = {\n  admin_socket = \"run/admin.sock\";@@\n};\n",
	  "agent.admin_socket: \"run/admin.sock\" is not an absolute path" },
	{ "relative query_socket",
	  BASE_DIR "agent = {\n  query_socket = \"q.sock\";@@\n};\n",
	  "agent.query_socket: \"q.sock\" is not an absolute path" },
	{ "relative state_dir",
	  BASE_DIR "agent = {\n  state_dir = \"var/lib/kunci\";@@\n};\n",
	  "agent.state_dir: \"var/lib/kunci\" is not an absolute path" },
	{ "empty state_dir",
	  BASE_DIR "agent = {\n  state_dir = \"\";@@\n};\n",
	  "agent.state_dir: \"\" is not an absolute path" },
	{ "relative bind_password_file",
	  "directory = {\n  base = \"dc=x\";\n  bind_dn = \"cn=k,dc=x\";\n"
	  "  bind_password_file = \"bind.secret\";@@\n};\n",
	  "directory.bind_password_file: \"bind.secret\" is not an absolute "
	  "path" },
	{ "relative snapshot_key_file",
	  BASE_DIR "login = {\n  snapshot_key_file = \"snap.key\";@@\n};\n",
	  "login.snapshot_key_file: \"snap.key\" is not an absolute path" },
	{ "bind_dn without password file",
	  "directory = {@@\n  base = \"dc=x\";\n  bind_dn = \"cn=k,dc=x\";\n"
	  "};\n",
	  "directory: bind_dn and bind_password_file go together" },
	{ "invalid holiday 02-30",
	  BASE_DIR "calendar = {\n  holidays = [ \"2026-01-01\",\n"
	  "    \"2026-02-30\" ];@@\n};\n",
	  "calendar.holidays: \"2026-02-30\" is not a valid YYYY-MM-DD date" },
	{ "invalid holiday format",
	  BASE_DIR "calendar = {\n  holidays = [ \"25/12/2026\" ];@@\n};\n",
	  "calendar.holidays: \"25/12/2026\" is not a valid YYYY-MM-DD date" },
	{ "bad work day",
	  BASE_DIR "calendar = {\n  work_week = [ \"mon\", \"sen\" ];@@\n};\n",
	  "calendar.work_week: \"sen\" is not one of" },
	{ "repeated work day",
	  BASE_DIR "calendar = {\n  work_week = [ \"mon\", \"mon\" ];@@\n};\n",
	  "calendar.work_week: \"mon\" is listed twice" },
	{ "empty work week",
	  BASE_DIR "calendar = {\n  work_week = [ ];@@\n};\n",
	  "calendar.work_week: must not be empty" },
	{ "unknown time zone",
	  BASE_DIR "agent = {\n  timezone = \"Asia/Bandung\";@@\n};\n",
	  "agent.timezone: \"Asia/Bandung\" is not a time zone" },
	{ "time zone with ..",
	  BASE_DIR "agent = {\n  timezone = \"../../etc/passwd\";@@\n};\n",
	  "agent.timezone: \"../../etc/passwd\" is not a time zone" },
	{ "absolute time zone",
	  BASE_DIR "agent = {\n  timezone = \"/etc/localtime\";@@\n};\n",
	  "agent.timezone: \"/etc/localtime\" is not a time zone" },
	{ "empty time zone",
	  BASE_DIR "agent = {\n  timezone = \"\";@@\n};\n",
	  "agent.timezone: \"\" is not a time zone" },
	{ "time zone directory",
	  BASE_DIR "agent = {\n  timezone = \"Asia\";@@\n};\n",
	  "agent.timezone: \"Asia\" is not a time zone" },
	{ "unknown scheduler",
	  BASE_DIR "agent = {\n  scheduler = \"none\";@@\n};\n",
	  "agent.scheduler: unknown value \"none\"" },
	{ "scheduler not a string",
	  BASE_DIR "agent = {\n  scheduler = false;@@\n};\n",
	  "agent.scheduler: expected a string" },
	{ "unknown language",
	  BASE_DIR "agent = {\n  language = \"fr\";@@\n};\n",
	  "agent.language: unknown value \"fr\"" },
	{ "unknown admin role",
	  BASE_DIR "agent = {\n  admins = [ \"r1\",\n    \"root\" ];@@\n};\n"
	  BASE_ROLES,
	  "agent.admins: unknown role \"root\"" },
	{ "empty uri list",
	  "directory = {\n  base = \"dc=x\";\n  uri = [ ];@@\n};\n",
	  "directory.uri: must not be empty" },
	{ "bad uri scheme",
	  "directory = {\n  base = \"dc=x\";\n  uri = [ \"ldapi:///\",\n"
	  "    \"http://x\" ];@@\n};\n",
	  "directory.uri: \"http://x\" is not an ldap://, ldaps:// or "
	  "ldapi:// URI" },
	{ "unknown escalate_to",
	  BASE_DIR "roles = {\n  r1 = { group = \"cn=r1,dc=x\"; "
	  "label_id = \"R\"; label_en = \"R\";\n"
	  "    escalate_to = \"boss\";@@ };\n};\n",
	  "roles.r1.escalate_to: unknown role \"boss\"" },
	{ "role named like a built-in",
	  BASE_DIR "roles = {\n  superior = {@@ group = \"cn=s,dc=x\"; "
	  "label_id = \"R\"; label_en = \"R\"; };\n};\n",
	  "roles.superior: \"superior\" is a built-in role name" },
	{ "role group not a DN",
	  BASE_DIR "roles = {\n  r1 = { group = \"kadis\";@@ "
	  "label_id = \"R\"; label_en = \"R\"; };\n};\n",
	  "roles.r1.group: \"kadis\" is not a DN" },
	{ "unknown offline mode",
	  BASE_DIR "login = {\n  offline = \"allow\";@@\n};\n",
	  "login.offline: unknown value \"allow\"" },
	{ "policy star in the middle",
	  BASE_DIR "login = { policies = (\n  { resource = \"a*b\";@@ "
	  "offline = \"deny\"; }\n); };\n",
	  "login.policies[0].resource: '*' is only allowed at the end" },
	{ "service is not a group",
	  BASE_DIR "login = { services = (\n  \"sshd\" );@@ };\n",
	  "login.services: element 1: expected a group" },
	{ "missing service resource",
	  BASE_DIR "login = { services = (\n  { service = \"sshd\"; }@@\n"
	  "); };\n",
	  "login.services[0]: missing required key 'resource'" },
	{ "unknown mail method",
	  BASE_DIR "notify = {\n  mail = \"smtps\";@@\n};\n",
	  "notify.mail: unknown value \"smtps\"" },
	{ "smtp_host a name",
	  BASE_DIR "notify = {\n  smtp_host = \"localhost\";@@\n};\n",
	  "notify.smtp_host: \"localhost\" is not an IPv4 or IPv6 address "
	  "(names are not looked up)" },
	{ "smtp_port 0",
	  BASE_DIR "notify = {\n  smtp_port = 0;@@\n};\n",
	  "notify.smtp_port: 0 is out of range 1..65535" },
	{ "smtp_port too large",
	  BASE_DIR "notify = {\n  smtp_port = 65536;@@\n};\n",
	  "notify.smtp_port: 65536 is out of range 1..65535" },
	{ "sendmail method without a program",
	  BASE_DIR "notify = {@@\n  mail = \"sendmail\";\n"
	  "  sendmail = \"\";\n};\n",
	  "notify.sendmail: must be set when notify.mail is \"sendmail\"" },
	{ "from with a line break",
	  BASE_DIR "notify = {\n  from = \"k@x\\r\\nBcc: a@b\";@@\n};\n",
	  "notify.from: \"k@x\r\nBcc: a@b\" is not an address" },
	{ "from not an address",
	  BASE_DIR "notify = {\n  from = \"kunci at x\";@@\n};\n",
	  "notify.from: \"kunci at x\" is not an address" },
};

static void
test_errors(void)
{
	char		 path[300], want[2048], err[1024], what[300];
	char		 text[8192], *mark, *nl;
	const struct bad *b;
	struct kunci_cfg *cfg;
	size_t		 i;
	int		 line;

	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		b = &bads[i];
		snprintf(text, sizeof(text), "%s", b->text);
		line = 0;
		if ((mark = strstr(text, "@@")) != NULL) {
			line = 1;
			for (nl = text; nl < mark; nl++)
				if (*nl == '\n')
					line++;
			memmove(mark, mark + 2, strlen(mark + 2) + 1);
		}
		write_file(path, text, 0644);
		if (line > 0)
			snprintf(want, sizeof(want), "%s:%d: %s", path, line,
			    b->msg);
		else
			snprintf(want, sizeof(want), "%s: %s", path, b->msg);
		snprintf(what, sizeof(what), "bad config \"%s\"", b->name);
		err[0] = '\0';
		cfg = cfg_load(path, err, sizeof(err));
		check(cfg == NULL, what, __FILE__, __LINE__);
		cfg_free(cfg);
		if (strncmp(err, want, strlen(want)) == 0) {
			npass++;
		} else {
			nfail++;
			printf("FAIL %s:%d: %s:\n  got  \"%s\"\n  want \"%s"
			    "...\"\n", __FILE__, __LINE__, what, err, want);
		}
	}
}

static void
test_files(void)
{
	char			 path[300], pw[300], want[1024], err[1024];
	char			 buf[32];
	struct kunci_cfg	*cfg;

	/* unreadable file: no line */
	snprintf(path, sizeof(path), "%s/does-not-exist.conf", tmpdir);
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	CHECK_STR(err, want);

	/* bind password file: mode 0644, missing, fine */
	snprintf(pw, sizeof(pw), "%s/open.secret", tmpdir);
	write_file(pw, "s3cret\n", 0644);
	snprintf(path, sizeof(path), "%s/pw.conf", tmpdir);
	{
		char	text[1024];

		snprintf(text, sizeof(text), "directory = {\n"
		    "  base = \"dc=x\";\n  bind_dn = \"cn=k,dc=x\";\n"
		    "  bind_password_file = \"%s\";\n};\n"
		    "login = { snapshot_key_file = \"%s/snap.key\"; };\n",
		    pw, tmpdir);
		write_file(path, text, 0644);
	}
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s:4: bind_password_file %s: mode 0644 "
	    "is group- or world-readable", path, pw);
	CHECK_STR(err, want);
	chmod(pw, 0640);
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s:4: bind_password_file %s: mode 0640 "
	    "is group- or world-readable", path, pw);
	CHECK_STR(err, want);
	chmod(pw, 0604);
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "mode 0604") != NULL);
	chmod(pw, 0600);
	cfg = cfg_load(path, err, sizeof(err));
	CHECK(cfg != NULL);
	cfg_free(cfg);
	unlink(pw);
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s:4: bind_password_file %s: No such "
	    "file or directory", path, pw);
	CHECK_STR(err, want);
	/* a directory is not a secret file */
	mkdir(pw, 0700);
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s:4: bind_password_file %s: not a "
	    "regular file", path, pw);
	CHECK_STR(err, want);
	rmdir(pw);

	/* snapshot key: missing is fine (kuncid creates it), 0644 is not */
	snprintf(pw, sizeof(pw), "%s/snap.key", tmpdir);
	write_file(pw, "k", 0644);
	{
		char	text[1024];

		snprintf(text, sizeof(text), "directory = {\n"
		    "  base = \"dc=x\";\n};\nlogin = {\n"
		    "  snapshot_key_file = \"%s\";\n};\n", pw);
		write_file(path, text, 0644);
	}
	CHECK(cfg_load(path, err, sizeof(err)) == NULL);
	snprintf(want, sizeof(want), "%s:5: snapshot_key_file %s: mode 0644 "
	    "is group- or world-readable", path, pw);
	CHECK_STR(err, want);
	unlink(pw);
	cfg = cfg_load(path, err, sizeof(err));
	CHECK(cfg != NULL);
	cfg_free(cfg);

	/* cfg_read_secret */
	CHECK(cfg_read_secret(secret, buf, sizeof(buf), err,
	    sizeof(err)) == 0);
	CHECK_STR(buf, "s3cret");
	write_file(pw, "two\nlines\n", 0600);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == 0);
	CHECK_STR(buf, "two\nlines");
	write_file(pw, "nonl", 0600);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == 0);
	CHECK_STR(buf, "nonl");
	write_file(pw, "\n", 0600);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s: empty secret", pw);
	CHECK_STR(err, want);
	write_file(pw, "", 0600);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == -1);
	write_file(pw, "0123456789abcdef0123456789abcdef", 0600);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == -1);
	CHECK(strstr(err, "secret longer than 31 bytes") != NULL);
	CHECK_STR(buf, "");
	/* 31 bytes + newline fits exactly */
	write_file(pw, "0123456789abcdef0123456789abcde\n", 0600);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == 0);
	CHECK_STR(buf, "0123456789abcdef0123456789abcde");
	write_file(pw, "s3cret\n", 0640);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s: mode 0640 is group- or "
	    "world-readable", pw);
	CHECK_STR(err, want);
	write_file(pw, "a\0b", 0600);
	unlink(pw);
	CHECK(cfg_read_secret(pw, buf, sizeof(buf), err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", pw);
	CHECK_STR(err, want);
}

static void
cleanup(void)
{
	char	cmd[400];

	/* tmpdir is ours, made by mkdtemp */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", tmpdir);
}

int
main(void)
{
	const char	*ex;

	if (mkdtemp(tmpdir) == NULL) {
		printf("mkdtemp: %s\n", strerror(errno));
		printf("0 passed, 1 failed\n");
		return 1;
	}
	snprintf(secret, sizeof(secret), "%s/bind.secret", tmpdir);
	write_file(secret, "s3cret\n", 0600);

	test_single_lines();
	test_example();
	test_minimal();
	test_scheduler_local();
	test_shells();
	test_mail();
	test_errors();
	test_files();
	if ((ex = example_copy()) != NULL)
		dump_twice(ex, __LINE__);
	cleanup();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
