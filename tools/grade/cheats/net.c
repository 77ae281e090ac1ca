// SPDX-License-Identifier: GPL-2.0
/*
 * Cheat (h), appended to the solution's vmm/result.c by run.sh: a
 * constructor that tries the network: TCP to 127.0.0.1:CHEAT_PORT
 * (run.sh listens there), TCP to 1.1.1.1:80, a UDP datagram to
 * 127.0.0.1:CHEAT_UPORT (run.sh listens there too) and to 8.8.8.8:53, and
 * the abstract UNIX socket CHEAT_UNIX (run.sh's too). The
 * sandbox's network namespace holds only a loopback of its own: each
 * must fail, or reach nothing. What works is reported on stderr as
 * "LEAK net: ...", and run.sh's listeners log what reaches them. The program runs on: the true score.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef CHEAT_PORT
#define CHEAT_PORT 1
#define CHEAT_UPORT 1
#define CHEAT_UNIX "kvmlab-cheat"
#endif

static void cheat_tcp(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		return;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!connect(s, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "LEAK net: tcp %s:%d connected\n", ip, port);
		if (write(s, "CHEAT-NET tcp\n", 14) < 0)
			fprintf(stderr, "LEAK net: tcp write failed\n");
	}
	close(s);
}

static void cheat_udp(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		return;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	/*
	 * The sandbox has a loopback of its own: a datagram to 127.0.0.1
	 * is "sent" there, and only run.sh's listener can tell whether it
	 * reached the host. One to the outside needs a route.
	 */
	if (sendto(s, "CHEAT-NET udp\n", 14, 0, (struct sockaddr *)&a,
		   sizeof(a)) == 14 && strncmp(ip, "127.", 4))
		fprintf(stderr, "LEAK net: udp to %s:%d sent\n", ip, port);
	close(s);
}

static void cheat_unix(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static const char name[] = CHEAT_UNIX;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0)
		return;
	memcpy(a.sun_path + 1, name, sizeof(name) - 1);
	if (!connect(s, (struct sockaddr *)&a,
		     offsetof(struct sockaddr_un, sun_path) + sizeof(name))) {
		fprintf(stderr, "LEAK net: abstract unix socket connected\n");
		if (write(s, "CHEAT-NET unix\n", 15) < 0)
			fprintf(stderr, "LEAK net: unix write failed\n");
	}
	close(s);
}

__attribute__((constructor)) static void cheat_net(void)
{
	cheat_tcp("127.0.0.1", CHEAT_PORT);
	cheat_tcp("1.1.1.1", 80);
	cheat_udp("127.0.0.1", CHEAT_UPORT);
	cheat_udp("8.8.8.8", 53);
	cheat_unix();
}
