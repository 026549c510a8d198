/*
 * gatequery: send one raw PROTO_T_QUERY to kuncid's query socket, bypassing
 * pam_kunci's own checks, and print the answer:
 *
 *	gatequery SOCKET USER SERVICE [RESOURCE]
 *
 * prints "DECISION resource=R grant=G" then the message on a second line.
 * USER may be "hex:..." (decoded) and is sent as given, even longer than
 * PROTO_NAME_MAX.  Exit 0 on an answer, 1 when there was none (connection
 * refused, closed, malformed).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

static const char *
dname(uint32_t d)
{
	switch (d) {
	case PROTO_ALLOW: return "allow";
	case PROTO_DENY: return "deny";
	case PROTO_UNKNOWN: return "unknown";
	case PROTO_IGNORE: return "ignore";
	case PROTO_UNAVAIL: return "unavail";
	}
	return "?";
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	struct proto_query q;
	struct proto_answer a;
	struct pbuf b;
	uint32_t type;
	const char *u;
	char user[1024] = "";
	size_t i, n;
	unsigned int c;
	int fd;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: gatequery socket user service "
		    "[resource]\n");
		return 2;
	}
	memset(&q, 0, sizeof(q));
	u = argv[2];
	if (strncmp(u, "hex:", 4) == 0) {
		n = strlen(u + 4) / 2;
		for (i = 0; i < n && i < sizeof(user) - 1; i++) {
			if (sscanf(u + 4 + 2 * i, "%2x", &c) != 1)
				return 2;
			user[i] = (char)c;
		}
	} else
		snprintf(user, sizeof(user), "%s", u);
	snprintf(q.service, sizeof(q.service), "%s", argv[3]);
	if (argc == 5)
		snprintf(q.resource, sizeof(q.resource), "%s", argv[4]);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("connect");
		return 1;
	}
	pbuf_init(&b, PROTO_QUERY_MAX);
	/* by hand, so an over-long user goes out as it is */
	proto_put_str(&b, user);
	proto_put_str(&b, q.service);
	proto_put_str(&b, q.rhost);
	proto_put_str(&b, q.tty);
	proto_put_str(&b, q.host);
	proto_put_str(&b, q.resource);
	if (proto_send(fd, PROTO_T_QUERY, &b, 2000) != PROTO_OK ||
	    proto_recv(fd, &type, &b, 2000) != PROTO_OK ||
	    type != PROTO_T_ANSWER || proto_answer_decode(&b, &a) != PROTO_OK) {
		fprintf(stderr, "no answer\n");
		pbuf_free(&b);
		close(fd);
		return 1;
	}
	printf("%s resource=%s grant=%s\n%s\n", dname(a.decision), a.resource,
	    a.grant, a.message);
	pbuf_free(&b);
	close(fd);
	return 0;
}
