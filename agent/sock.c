/*
 * sock.c: kuncid's unix sockets: listening on a path (kuncid_listen) and
 * asking the kernel who the peer is (kuncid_peer).  In the library rather
 * than in kuncid.c because the admin socket and the login gate's query
 * socket both use them (see kuncid.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <string.h>
#include <unistd.h>

#include "kuncid.h"
#include "log.h"

int
kuncid_peer(int fd, struct peer *p)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(p, 0, sizeof(*p));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1 ||
	    len != sizeof(uc))
		return -1;
	p->pid = uc.pid;
	p->uid = uc.uid;
	p->gid = uc.gid;
	return 0;
}

int
kuncid_listen(const char *path, mode_t mode)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd = -1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	/* Replace only a stale socket, never another kind of file. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_warnx("%s exists and is not a socket", path);
			return -1;
		}
		if (unlink(path) == -1) {
			log_warn("unlink %s", path);
			return -1;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", path);
		goto fail;
	}
	if (chmod(path, mode) == -1) {
		log_warn("chmod %s", path);
		goto fail;
	}
	if (listen(fd, 128) == -1) {
		log_warn("listen %s", path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
