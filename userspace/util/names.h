/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef NETOBS_NAMES_H
#define NETOBS_NAMES_H

#include "netobs.h"

const char *close_type_name(int close_type);
const char *counter_name(int counter);
const char *anomaly_name(unsigned int bit);

#endif /* NETOBS_NAMES_H */
