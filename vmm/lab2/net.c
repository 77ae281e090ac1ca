// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets: the sandbox has no network, so no socket can be made; a
 * socket the VMM was given as a standard stream (a grader's pipe may
 * be one) answers for its names, as bash asks at start-up.
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab2/sys.h"
#include "lab2/uaccess.h"

/*
 * socketpair: a local pair (AF_UNIX), as pipes are, between the
 * process and whoever it hands an end to. Nothing reaches the network.
 */
SYS_DECL(socketpair)
{
	int type = (int)a[1], fds[2];
	int32_t guest[2];
	long ret;

	if ((int)a[0] != AF_UNIX)
		return -EAFNOSUPPORT;
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, (int)a[2], fds) < 0)
		return -errno;
	guest[0] = fd_install(p, fds[0], type & SOCK_CLOEXEC);
	if (guest[0] < 0) {
		close(fds[1]);
		return guest[0];
	}
	guest[1] = fd_install(p, fds[1], type & SOCK_CLOEXEC);
	ret = guest[1] < 0 ? guest[1] :
	      lab2_copy_to_user(p, a[3], guest, sizeof(guest));
	if (ret) {
		sys_close(p, (uint64_t[]){ (uint64_t)guest[0] });
		if (guest[1] >= 0)
			sys_close(p, (uint64_t[]){ (uint64_t)guest[1] });
	}
	return ret;
}

/* A read or write moves at most what Linux moves in one call. */
#define NET_RW_MAX		0x7ffff000ULL

/*
 * sendto on a connected pair: no address may be given (EISCONN, as
 * for a connected socket). A peer gone raises SIGPIPE, unless the
 * program asked MSG_NOSIGNAL.
 */
SYS_DECL(sendto)
{
	int fd = fd_host(p, a[0]);
	uint64_t len = a[2] < NET_RW_MAX ? a[2] : NET_RW_MAX;
	const void *buf = lab2_user_buf(p, a[1], len);
	long ret;

	if (fd < 0)
		return fd;
	if (!buf)
		return -EFAULT;
	if (a[4])
		return -EISCONN;
	ret = send(fd, buf, len, (int)a[3] | MSG_NOSIGNAL);
	if (ret < 0 && errno == EPIPE && !(a[3] & MSG_NOSIGNAL))
		return signal_raise(p, SIGPIPE, -EPIPE);
	return ret < 0 ? -errno : ret;
}

/* recvfrom: the data, and the peer's address if the program asks. */
SYS_DECL(recvfrom)
{
	int fd = fd_host(p, a[0]);
	uint64_t len = a[2] < NET_RW_MAX ? a[2] : NET_RW_MAX;
	void *buf = lab2_user_buf(p, a[1], len);
	struct sockaddr_storage addr;
	socklen_t alen = sizeof(addr), have;
	long ret;

	if (fd < 0)
		return fd;
	if (!buf)
		return -EFAULT;
	ret = recvfrom(fd, buf, len, (int)a[3], (struct sockaddr *)&addr,
		       &alen);
	if (ret < 0)
		return -errno;
	if (!a[4])
		return ret;
	if (lab2_copy_from_user(p, &have, a[5], sizeof(have)))
		return -EFAULT;
	if ((int)have < 0)
		return -EINVAL;
	if (alen < have)
		have = alen;
	if (lab2_copy_to_user(p, a[4], &addr, have) ||
	    lab2_copy_to_user(p, a[5], &alen, sizeof(alen)))
		return -EFAULT;
	return ret;
}

SYS_DECL(shutdown)
{
	int fd = fd_host(p, a[0]);

	if (fd < 0)
		return fd;
	return shutdown(fd, (int)a[1]) < 0 ? -errno : 0;
}

/* No network in the sandbox: no address family can be had. */
SYS_DECL(socket)
{
	return -EAFNOSUPPORT;
}

/*
 * getsockname and getpeername: the host's answer for a socket the VMM
 * was given as a standard stream, the length checked both ways.
 */
static long do_sockname(struct process *p, const uint64_t *a, bool peer)
{
	struct sockaddr_storage addr;
	socklen_t len, have;
	int fd = fd_host(p, a[0]);

	if (fd < 0)
		return fd;
	if (lab2_copy_from_user(p, &have, a[2], sizeof(have)))
		return -EFAULT;
	if ((int)have < 0)
		return -EINVAL;
	len = sizeof(addr);
	if ((peer ? getpeername(fd, (struct sockaddr *)&addr, &len) :
		    getsockname(fd, (struct sockaddr *)&addr, &len)) < 0)
		return -errno;
	if (len < have)
		have = len;
	if (lab2_copy_to_user(p, a[1], &addr, have) ||
	    lab2_copy_to_user(p, a[2], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

SYS_DECL(getsockname)
{
	return do_sockname(p, a, false);
}

SYS_DECL(getpeername)
{
	return do_sockname(p, a, true);
}
