/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inputs a submission cannot predict: the judge draws a seed for each
 * run (or takes KVMLAB_SEED=N, to run the same again) and hands it to
 * the unit driver, whose tests take some of their inputs from it.
 */
#ifndef CHECKER_SEED_H
#define CHECKER_SEED_H

#include <stdint.h>

/* The judge: draw this run's seed and export it; returns it. */
uint64_t seed_draw(void);

/*
 * The driver: a value in [@lo, @hi), the same for the same seed and
 * @salt (one salt per input), different from run to run.
 */
uint64_t seeded(uint64_t lo, uint64_t hi, uint32_t salt);

#endif /* CHECKER_SEED_H */
