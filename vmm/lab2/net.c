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

	if ((int)a[0] != AF_UNIX)
		return -EAFNOSUPPORT;
	if (!lab2_user_buf(p, a[3], sizeof(fds)))
		return -EFAULT;
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, (int)a[2], fds) < 0)
		return -errno;
	return fd_install_pair(p, fds, type & SOCK_CLOEXEC, a[3]);
}

/* A read or write moves at most what Linux moves in one call. */
#define NET_RW_MAX		0x7ffff000ULL

/* The room the guest gives for an address (its socklen_t at @ulen). */
static long guest_addr_room(struct process *p, uint64_t ulen,
			    socklen_t *room)
{
	if (lab2_copy_from_user(p, room, ulen, sizeof(*room)))
		return -EFAULT;
	return (int)*room < 0 ? -EINVAL : 0;
}

/*
 * An address back to the guest, cut to its @room, and its whole
 * length at @ulen, as Linux reports it: 0 or -EFAULT.
 */
static long put_sockaddr(struct process *p, uint64_t uaddr, uint64_t ulen,
			 const struct sockaddr_storage *addr, socklen_t len,
			 socklen_t room)
{
	socklen_t copied = len < room ? len : room;

	if (copied > sizeof(*addr))
		copied = sizeof(*addr);
	if (lab2_copy_to_user(p, uaddr, addr, copied) ||
	    lab2_copy_to_user(p, ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

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
	socklen_t alen = sizeof(addr), room = 0;
	long ret;

	if (fd < 0)
		return fd;
	if (!buf)
		return -EFAULT;
	if (a[4]) {
		ret = guest_addr_room(p, a[5], &room);
		if (ret)
			return ret;
	}
	ret = recvfrom(fd, buf, len, (int)a[3], (struct sockaddr *)&addr,
		       &alen);
	if (ret < 0)
		return -errno;
	if (!a[4])
		return ret;
	return put_sockaddr(p, a[4], a[5], &addr, alen, room) ?: ret;
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
	socklen_t len = sizeof(addr), room;
	int fd = fd_host(p, a[0]);
	long err;

	if (fd < 0)
		return fd;
	err = guest_addr_room(p, a[2], &room);
	if (err)
		return err;
	if ((peer ? getpeername(fd, (struct sockaddr *)&addr, &len) :
		    getsockname(fd, (struct sockaddr *)&addr, &len)) < 0)
		return -errno;
	return put_sockaddr(p, a[1], a[2], &addr, len, room);
}

SYS_DECL(getsockname)
{
	return do_sockname(p, a, false);
}

SYS_DECL(getpeername)
{
	return do_sockname(p, a, true);
}
