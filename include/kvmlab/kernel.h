/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Linux kernel has a name for, under the kernel's name, for
 * every part of the tree: the VMM, the checker, and the freestanding
 * guests (so nothing here needs libc). Students read these names in
 * kernel code; they should read the same ones here.
 */
#ifndef KVMLAB_KERNEL_H
#define KVMLAB_KERNEL_H

/* Attributes (the kernel's compiler_attributes.h). */
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __noreturn		__attribute__((__noreturn__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __section(s)		__attribute__((__section__(s)))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define noinline		__attribute__((__noinline__))
/* An entry point reached by a jump: realign the stack the ABI expects. */
#define __force_align_arg_pointer __attribute__((__force_align_arg_pointer__))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* Arithmetic on sizes and addresses; a must be a power of two. */
#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define ALIGN(x, a)		ALIGN_DOWN((x) + ((__typeof__(x))(a) - 1), a)
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

/* Bitmaps of unsigned longs (the kernel's bitmap.h and bitops.h). */
#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_LONG)
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))

static inline int test_bit(unsigned long nr, const unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] & BIT_MASK(nr)) != 0;
}

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

/* Time (the kernel's time64.h). */
#define MSEC_PER_SEC		1000L
#define USEC_PER_MSEC		1000L
#define USEC_PER_SEC		1000000L
#define NSEC_PER_USEC		1000L
#define NSEC_PER_MSEC		1000000L
#define NSEC_PER_SEC		1000000000L

/*
 * Memory shared with another thread, the guest or a signal handler.
 * READ_ONCE and WRITE_ONCE make one access the compiler may neither
 * tear, repeat nor drop; the acquire and release pair also orders the
 * accesses around it, as a ring's producer and consumer need. Relaxed
 * atomics give READ_ONCE's guarantee without a volatile object.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
/* Nothing after it moves before it: a consumer reads the data after. */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
/* Nothing before it moves after it: a producer publishes the data first. */
#define smp_store_release(p, v)	__atomic_store_n(p, (v), __ATOMIC_RELEASE)

/* A spin-wait's pause: kinder to the other hyperthread and to a host. */
static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

#endif /* KVMLAB_KERNEL_H */
