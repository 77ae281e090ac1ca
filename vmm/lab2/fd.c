// SPDX-License-Identifier: GPL-2.0
/*
 * The program's file descriptor table. Guest descriptor n names a host
 * descriptor of the VMM's (fds[n].host): 0, 1 and 2 start as the VMM's
 * own standard streams, and every other one the VMM opened for the
 * program. dup2 onto 0-2 takes a host copy, so closing a standard
 * stream never closes the VMM's. Waiting (poll, select) translates the
 * guest's descriptors both ways, and the host does the waiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <unistd.h>

#include <kvmlab/kernel.h>

#include "lab2/sys.h"
#include "lab2/uaccess.h"

/* The flags F_SETFL may change, as Linux's setfl() allows. */
#define FD_SETFL_FLAGS		(O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | \
				 O_NOATIME)
#define POLL_MAX_FDS		PROC_MAX_FDS
#define FDSET_WORD_BITS		64

int fd_host(struct process *p, uint64_t fd)
{
	return fd < PROC_MAX_FDS && p->fds[fd].host >= 0 ? p->fds[fd].host :
							    -EBADF;
}

/* The lowest free guest fd at or above @min, as Linux hands them out. */
static long fd_install_from(struct process *p, int host, bool cloexec,
			    uint64_t min)
{
	uint64_t fd;

	if (host < 0)
		return host;
	for (fd = min; fd < PROC_MAX_FDS; fd++) {
		if (p->fds[fd].host < 0) {
			p->fds[fd].host = host;
			p->fds[fd].cloexec = cloexec;
			return fd;
		}
	}
	close(host);
	return -EMFILE;
}

long fd_install(struct process *p, int host, bool cloexec)
{
	return fd_install_from(p, host, cloexec, 0);
}

/* Drop guest fd @fd; the VMM's own standard streams stay open. */
static long fd_release(struct process *p, uint64_t fd)
{
	int host = fd_host(p, fd);

	if (host < 0)
		return host;
	p->fds[fd].host = -1;
	return host <= STDERR_FILENO ? 0 : host_result(close(host));
}

SYS_DECL(close)
{
	return fd_release(p, a[0]);
}

/* A host copy of guest fd @fd, above the VMM's standard streams. */
static int fd_host_copy(struct process *p, uint64_t fd)
{
	int host = fd_host(p, fd);

	if (host < 0)
		return host;
	return host_result(fcntl(host, F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
}

SYS_DECL(dup)
{
	return fd_install(p, fd_host_copy(p, a[0]), false);
}

static long do_dup3(struct process *p, uint64_t old, uint64_t new, int flags)
{
	int host;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (fd_host(p, old) < 0)
		return -EBADF;
	if (new >= PROC_MAX_FDS)
		return -EBADF;
	host = fd_host_copy(p, old);
	if (host < 0)
		return host;
	fd_release(p, new);	/* silently, as dup2 does */
	return fd_install_from(p, host, flags & O_CLOEXEC, new);
}

SYS_DECL(dup2)
{
	/* dup2 onto itself only checks the descriptor. */
	if (a[0] == a[1])
		return fd_host(p, a[0]) < 0 ? -EBADF : (long)a[1];
	return do_dup3(p, a[0], a[1], 0);
}

SYS_DECL(dup3)
{
	if (a[0] == a[1])
		return -EINVAL;
	return do_dup3(p, a[0], a[1], (int)a[2]);
}

/* Record locks: the host's, on the host descriptor. */
static long fcntl_lock(struct process *p, int host, int cmd, uint64_t addr)
{
	struct flock fl;
	long ret = lab2_copy_from_user(p, &fl, addr, sizeof(fl));

	if (ret)
		return ret;
	if (fcntl(host, cmd, &fl) < 0)
		return -errno;
	return cmd == F_GETLK || cmd == F_OFD_GETLK ?
	       lab2_copy_to_user(p, addr, &fl, sizeof(fl)) : 0;
}

SYS_DECL(fcntl)
{
	int host = fd_host(p, a[0]);
	int cmd = (int)a[1];

	if (host < 0)
		return host;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (a[2] >= PROC_MAX_FDS)
			return -EINVAL;
		return fd_install_from(p, fd_host_copy(p, a[0]),
				       cmd == F_DUPFD_CLOEXEC, a[2]);
	case F_GETFD:
		return p->fds[a[0]].cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		p->fds[a[0]].cloexec = a[2] & FD_CLOEXEC;
		return 0;
	case F_GETFL:
		return host_result(fcntl(host, F_GETFL));
	case F_SETFL:
		return host_result(fcntl(host, F_SETFL,
					 (int)(a[2] & FD_SETFL_FLAGS)));
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(p, host, cmd, a[2]);
	default:
		return -EINVAL;
	}
}

long fd_install_pair(struct process *p, const int host[2], bool cloexec,
		     uint64_t addr)
{
	int fds[2];

	fds[0] = fd_install(p, host[0], cloexec);
	if (fds[0] < 0) {
		close(host[1]);
		return fds[0];
	}
	fds[1] = fd_install(p, host[1], cloexec);
	if (fds[1] < 0) {
		fd_release(p, fds[0]);
		return fds[1];
	}
	if (lab2_copy_to_user(p, addr, fds, sizeof(fds))) {
		fd_release(p, fds[0]);
		fd_release(p, fds[1]);
		return -EFAULT;
	}
	return 0;
}

static long do_pipe2(struct process *p, uint64_t addr, uint64_t flags)
{
	int host[2];

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (!lab2_user_buf(p, addr, sizeof(int[2])))
		return -EFAULT;
	if (pipe2(host, (int)(flags & ~O_CLOEXEC) | O_CLOEXEC) < 0)
		return -errno;
	return fd_install_pair(p, host, flags & O_CLOEXEC, addr);
}

SYS_DECL(pipe)
{
	return do_pipe2(p, a[0], 0);
}

SYS_DECL(pipe2)
{
	return do_pipe2(p, a[0], a[1]);
}

/*
 * poll: the guest's array copied in once, each fd translated (a bad
 * one gets POLLNVAL, a negative one is skipped, as Linux does), the
 * host waits, and only revents goes back.
 */
static long do_poll(struct process *p, uint64_t addr, uint64_t nfds,
		    int timeout_ms)
{
	struct pollfd fds[POLL_MAX_FDS], host[POLL_MAX_FDS];
	uint64_t i;
	long ret, ready = 0;

	if (nfds > POLL_MAX_FDS)
		return -EINVAL;
	ret = lab2_copy_from_user(p, fds, addr, nfds * sizeof(fds[0]));
	if (ret)
		return ret;
	for (i = 0; i < nfds; i++) {
		host[i].fd = fds[i].fd < 0 ? -1 : fd_host(p, fds[i].fd);
		host[i].events = fds[i].events;
		host[i].revents = 0;
		fds[i].revents = 0;
		if (fds[i].fd >= 0 && host[i].fd < 0) {
			fds[i].revents = POLLNVAL;
			ready++;
		}
	}
	if (!ready) {
		ret = poll(host, nfds, timeout_ms);
		if (ret < 0)
			return -errno;
		for (i = 0; i < nfds; i++)
			fds[i].revents = host[i].revents;
		ready = ret;
	}
	ret = lab2_copy_to_user(p, addr, fds, nfds * sizeof(fds[0]));
	return ret ? ret : ready;
}

SYS_DECL(poll)
{
	return do_poll(p, a[0], a[1], (int)a[2]);
}

/* A timeout in a struct timespec: milliseconds, rounded up; -1 none. */
static long timespec_ms(struct process *p, uint64_t addr, int *ms)
{
	struct timespec ts;
	long ret;

	*ms = -1;
	if (!addr)
		return 0;
	ret = lab2_copy_from_user(p, &ts, addr, sizeof(ts));
	if (ret)
		return ret;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ms = ts.tv_sec > INT32_MAX / MSEC_PER_SEC ? INT32_MAX :
	      (int)(ts.tv_sec * MSEC_PER_SEC +
		    DIV_ROUND_UP(ts.tv_nsec, NSEC_PER_MSEC));
	return 0;
}

/* ppoll: poll with a timespec; the signal mask has nothing to mask. */
SYS_DECL(ppoll)
{
	int ms;
	long ret = timespec_ms(p, a[2], &ms);

	return ret ? ret : do_poll(p, a[0], a[1], ms);
}

/*
 * select on the guest's three fd_sets (64 bits a word, as x86-64 lays
 * them out), done with poll so that host descriptors past FD_SETSIZE
 * cannot matter; the sets come back with only the ready bits.
 */
struct guest_fdsets {
	uint64_t addr[3];
	uint64_t bits[3][DIV_ROUND_UP(PROC_MAX_FDS, FDSET_WORD_BITS)];
};

static const short select_events[3] = {
	POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI,
};

static long do_select(struct process *p, uint64_t nfds, const uint64_t *sets,
		      int timeout_ms)
{
	struct guest_fdsets s = {};
	struct pollfd host[PROC_MAX_FDS];
	unsigned int n = 0, map[PROC_MAX_FDS], i, k;
	size_t words;
	long ret, ready = 0;

	if ((int)nfds < 0)
		return -EINVAL;
	if (nfds > PROC_MAX_FDS)
		nfds = PROC_MAX_FDS;	/* the guest has no fds past these */
	words = DIV_ROUND_UP(nfds, FDSET_WORD_BITS) * sizeof(uint64_t);
	for (k = 0; k < 3; k++) {
		s.addr[k] = sets[k];
		if (sets[k] && lab2_copy_from_user(p, s.bits[k], sets[k], words))
			return -EFAULT;
	}
	for (i = 0; i < nfds; i++) {
		short events = 0;

		for (k = 0; k < 3; k++)
			if (s.bits[k][i / FDSET_WORD_BITS] & BIT_ULL(i % FDSET_WORD_BITS))
				events |= select_events[k];
		if (!events)
			continue;
		host[n].fd = fd_host(p, i);
		if (host[n].fd < 0)
			return -EBADF;
		host[n].events = events;
		map[n++] = i;
	}
	ret = poll(host, n, timeout_ms);
	if (ret < 0)
		return -errno;
	memset(s.bits, 0, sizeof(s.bits));
	for (i = 0; i < n; i++) {
		for (k = 0; k < 3; k++) {
			if (!s.addr[k] || !(host[i].revents & select_events[k]))
				continue;
			s.bits[k][map[i] / FDSET_WORD_BITS] |=
				BIT_ULL(map[i] % FDSET_WORD_BITS);
			ready++;
		}
	}
	for (k = 0; k < 3; k++)
		if (s.addr[k] && lab2_copy_to_user(p, s.addr[k], s.bits[k], words))
			return -EFAULT;
	return ready;
}

SYS_DECL(select)
{
	struct timeval tv;
	int ms = -1;

	if (a[4]) {
		if (lab2_copy_from_user(p, &tv, a[4], sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		ms = tv.tv_sec > INT32_MAX / MSEC_PER_SEC ? INT32_MAX :
		     (int)(tv.tv_sec * MSEC_PER_SEC +
			   DIV_ROUND_UP(tv.tv_usec, USEC_PER_MSEC));
	}
	return do_select(p, a[0], &a[1], ms);
}

SYS_DECL(pselect6)
{
	int ms;
	long ret = timespec_ms(p, a[4], &ms);

	return ret ? ret : do_select(p, a[0], &a[1], ms);
}

/* No terminal here: every ioctl gets what a pipe or file would give. */
SYS_DECL(ioctl)
{
	int fd = fd_host(p, a[0]);

	return fd < 0 ? fd : -ENOTTY;
}
