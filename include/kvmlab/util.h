/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every part of the tree may use. */
#ifndef KVMLAB_UTIL_H
#define KVMLAB_UTIL_H

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))

#endif /* KVMLAB_UTIL_H */
