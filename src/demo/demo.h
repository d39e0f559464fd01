/*
 * demo — a realistic fictional province node for trying yiwang out: the
 * organisations of 青岚省 (a province that does not exist; its division codes
 * are borrowed from GB/T 2260 so that every identifier checks), their power
 * lists, one account per role with a generated password, API keys, and
 * synthetic residents with their records and grants (people.c).
 */
#ifndef YW_DEMO_H
#define YW_DEMO_H

#include <stdio.h>

#include "node/node.h"

/* Fills the node in ctx (its ledger and exchange open) with the demo data —
 * and 100 000 synthetic residents' records with a grant to call them —
 * printing the accounts' passwords, the keys' tokens and an example request
 * to out, once. Refuses a node that already has organisations. Every change
 * is ledgered like any other. */
int yw_demo_populate(struct yw_ctx *ctx, FILE *out, struct yw_err *err) YW_MUST_USE;

#endif
