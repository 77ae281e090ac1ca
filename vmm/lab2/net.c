// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets: the sandbox has no network, so no socket can be made; a
 * socket the VMM was given as a standard stream (a grader's pipe may
 * be one) answers for its names, as bash asks at start-up.
 */
#include <errno.h>
#include <sys/socket.h>

#include "lab2/sys.h"
#include "lab2/uaccess.h"

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
