#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sandbox.sh [OPTION]... AREA PROGRAM [ARG]...: run PROGRAM, a student's
# code or something that runs it (make, the unit driver, the VMM), apart
# from the grader. It is a prefix command: standard input, output and
# error pass through, and so does the exit status (see below). make
# grade runs each student's build and programs through it; the judge
# gets it as KVMLAB_SANDBOX (docs/grading.md).
#
# What PROGRAM gets:
#   - the user kvmlab-gradeN (--slot N), unprivileged, plus the group
#     of /dev/kvm; rlimits on CPU time, address space, processes (per
#     slot user, so per job), open files and file size (or the caller's,
#     where they are lower);
#   - bubblewrap: every namespace new (no network, its own PIDs, IPC,
#     hostname), a new session, killed with its parent; a root of its
#     own holding /usr (and the /bin, /lib... links), a few read-only
#     files of /etc that gcc and make need (and dpkg's database, which
#     tools/deps.sh reads), /sys/module/kvm* (which KVM this is), a
#     fresh /dev with /dev/kvm,
#     /proc, a size-limited tmpfs on /tmp and on /dev/shm (the root and
#     /dev themselves read-only), and AREA at its own path:
#     read-only, or read-write with --rw (the build). Nothing else of
#     the host: not the instructor's tree, not the other students, not
#     the results;
#   - a clean environment: PATH, HOME=/tmp, TMPDIR, the locale, and the
#     KVMLAB_* and *SAN_OPTIONS variables of the caller;
#   - a wall-clock limit (--timeout), past which every process in the
#     sandbox is killed (they are in one PID namespace: when its first
#     process dies, the kernel kills the rest).
#
# Options:
#   --rw              AREA is writable (default: read-only)
#   --slot N          run as kvmlab-gradeN (default $KVMLAB_SANDBOX_SLOT or 0)
#   --timeout S       wall-clock seconds (default $KVMLAB_SANDBOX_TIMEOUT
#                     or 240)
#   --ro-path PATH    show PATH too, read-only, at its own path
#   --rw-path PATH    show PATH too, writable, at its own path
#   --rw-bind SRC DST show SRC writable at DST (after AREA: it may be
#                     inside it)
#   --share-tmp       the caller's /tmp, not a fresh one: for a judge
#                     that shares files there with the program (make
#                     grade gives that judge a /tmp of its own)
#
# Exit status: PROGRAM's. If PROGRAM died of signal N, the status is
# 128+N, and the signal is raised again on this script (core dumps
# off), so that a caller's waitpid() sees WIFSIGNALED with N; a
# program that exits 129 to 192 by itself looks the same. 124: the
# wall-clock limit killed it. 125: the sandbox could not be set up
# (one line on stderr says why); 2: bad usage.
set -euo pipefail

usage() {
	echo "usage: sandbox.sh [--rw] [--share-tmp] [--slot N] [--timeout S] [--ro-path P]... [--rw-path P]... [--rw-bind SRC DST]... AREA PROGRAM [ARG]..." >&2
	exit 2
}

fail() {
	echo "sandbox.sh: $*" >&2
	exit 125
}

# The limits, per process unless said (docs/grading.md).
: "${KVMLAB_SANDBOX_CPU:=600}"		# CPU seconds
: "${KVMLAB_SANDBOX_AS:=4294967296}"	# address space, bytes (4 GiB)
: "${KVMLAB_SANDBOX_NPROC:=256}"		# processes and threads of the slot user
: "${KVMLAB_SANDBOX_NOFILE:=1024}"	# open files
: "${KVMLAB_SANDBOX_FSIZE:=268435456}"	# largest file written, bytes (256 MiB)
: "${KVMLAB_SANDBOX_TMP:=268435456}"	# the tmpfs /tmp, bytes (256 MiB)

rw=0
tmp=(--size "$KVMLAB_SANDBOX_TMP" --tmpfs /tmp)
slot=${KVMLAB_SANDBOX_SLOT:-0}
limit=${KVMLAB_SANDBOX_TIMEOUT:-240}
extra=()
shown=()
while [ $# -gt 0 ]; do
	case $1 in
	--rw) rw=1; shift ;;
	--share-tmp) tmp=(--bind /tmp /tmp); shown+=(/tmp); shift ;;
	--slot) [ $# -ge 2 ] || usage; slot=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; limit=$2; shift 2 ;;
	--ro-path) [ $# -ge 2 ] || usage
		extra+=(--ro-bind "$2" "$2"); shown+=("$2"); shift 2 ;;
	--rw-path) [ $# -ge 2 ] || usage
		extra+=(--bind "$2" "$2"); shown+=("$2"); shift 2 ;;
	--rw-bind) [ $# -ge 3 ] || usage
		extra+=(--bind "$2" "$3"); shift 3 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
case $slot in
'' | *[!0-9]*) echo "sandbox.sh: --slot $slot: a number, 0 or more" >&2; exit 2 ;;
esac
case $limit in
'' | *[!0-9]* | 0) echo "sandbox.sh: --timeout $limit: whole seconds, 1 or more" >&2; exit 2 ;;
esac
# No more processes than needed: the judge starts one sandbox per run.
case $1 in
/*) [ -d "$1" ] && area=$1 ;;
*) area=$(realpath -e -- "$1" 2>/dev/null) ;;
esac
[ -n "${area:-}" ] && [ -d "$area" ] || fail "$1: no such work area"
shift

[ "$EUID" -eq 0 ] ||
	fail "run as root: it runs PROGRAM as the user kvmlab-grade$slot"
for tool in bwrap setpriv prlimit timeout; do
	command -v "$tool" >/dev/null ||
		fail "$tool is missing: apt-get install bubblewrap util-linux coreutils"
done
user=kvmlab-grade$slot
uid=
while IFS=: read -r name _ u g _; do
	if [ "$name" = "$user" ]; then
		uid=$u
		gid=$g
		break
	fi
done </etc/passwd
[ -n "$uid" ] ||
	fail "no user $user: make grade creates it as root, or run: useradd --system --no-create-home --shell /usr/sbin/nologin --user-group $user"

# /dev/kvm through its group (make grade opens it to the group kvm).
groups=--clear-groups
kvm=()
if [ -c /dev/kvm ]; then
	kvm=(--dev-bind /dev/kvm /dev/kvm)
	kvmgid=${KVMLAB_SANDBOX_KVM_GID:-$(stat -c %g /dev/kvm)}
	[ "$kvmgid" -ne 0 ] && groups=--groups=$kvmgid
fi

# The caller's environment does not pass, but for these.
env=(--clearenv --setenv PATH /usr/local/bin:/usr/bin:/bin
     --setenv HOME /tmp --setenv TMPDIR /tmp
     --setenv LANG "${LANG:-C.UTF-8}")
while IFS= read -r name; do
	case $name in
	KVMLAB_SANDBOX*) ;;
	KVMLAB_* | *SAN_OPTIONS | LC_* | TZ | TERM)
		env+=(--setenv "$name" "${!name}") ;;
	esac
done < <(compgen -e)

mode=--ro-bind
[ $rw -eq 1 ] && mode=--bind

etc=()
for f in /etc/ld.so.cache /etc/ld.so.conf /etc/ld.so.conf.d \
	 /etc/alternatives /etc/passwd /etc/group /etc/nsswitch.conf \
	 /etc/localtime /etc/gdb /var/lib/dpkg; do
	etc+=(--ro-bind-try "$f" "$f")
done

# Which KVM this is (the checker's kvm_host() looks): the modules' dirs.
for d in /sys/module/kvm /sys/module/kvm_*; do
	[ -d "$d" ] && etc+=(--ro-bind "$d" "$d")
done

# The caller's directory, if the sandbox shows it; else AREA.
cwd=$area
for d in "$area" "${shown[@]}"; do
	case $PWD/ in
	"$d"/*) cwd=$PWD ;;
	esac
done

# A limit the caller set lower stays (the judge caps the unit driver's
# log): prlimit may lower a hard limit, not raise it.
clamp() {
	local want=$1 have=$2 unit=$3

	if [ "$have" = unlimited ] || [ $((have * unit)) -ge "$want" ]; then
		echo "$want"
	else
		echo $((have * unit))
	fi
}
cpu=$(clamp "$KVMLAB_SANDBOX_CPU" "$(ulimit -H -t)" 1)
as=$(clamp "$KVMLAB_SANDBOX_AS" "$(ulimit -H -v)" 1024)
nproc=$(clamp "$KVMLAB_SANDBOX_NPROC" "$(ulimit -H -u)" 1)
nofile=$(clamp "$KVMLAB_SANDBOX_NOFILE" "$(ulimit -H -n)" 1)
fsize=$(clamp "$KVMLAB_SANDBOX_FSIZE" "$(ulimit -H -f)" 1024)

start=$SECONDS
set +e
prlimit --cpu="$cpu" --as="$as" --nproc="$nproc" --nofile="$nofile" \
	--fsize="$fsize" --core=0 -- \
	setpriv --reuid="$uid" --regid="$gid" "$groups" \
		--inh-caps=-all --bounding-set=-all --no-new-privs -- \
	bwrap --unshare-all --die-with-parent --new-session \
		--ro-bind /usr /usr \
		--symlink usr/bin /bin --symlink usr/sbin /sbin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 \
		--symlink usr/lib32 /lib32 \
		"${etc[@]}" \
		--dev /dev "${kvm[@]}" --proc /proc \
		"${tmp[@]}" \
		"$mode" "$area" "$area" "${extra[@]}" \
		--size "$KVMLAB_SANDBOX_TMP" --tmpfs /dev/shm \
		--remount-ro /dev --remount-ro / \
		--chdir "$cwd" "${env[@]}" \
		-- timeout -s KILL "$limit" "$@"
status=$?
set -e

# timeout's KILL: 137, like a program killed by SIGKILL; the clock says.
if [ $status -eq 137 ] && [ $((SECONDS - start)) -ge "$limit" ]; then
	exit 124
fi
if [ $status -gt 128 ] && [ $status -le 192 ]; then
	sig=$((status - 128))
	ulimit -c 0
	trap - "$sig" 2>/dev/null || true
	kill -s "$sig" $$ 2>/dev/null || true
fi
exit $status
