/* Internal to src/demo/. */
#ifndef YW_DEMO_INTERNAL_H
#define YW_DEMO_INTERNAL_H

#include <stdio.h>

#include "node/node.h"

#define YW__DEMO_ACTOR "demo"
#define YW__DEMO_PEOPLE 100000 /* residents of 青岚省 in 户籍人口基本信息 */
/* The demo citizen 张晓岚: the first 17 characters of a fictional identity
 * number (临江区 of 青川市, born 1990-03-07, sequence 123: a man). The citizen is
 * one of the residents too, so "who used my data" has something to show. */
#define YW__DEMO_CITIZEN_BODY "33010219900307123"
#define YW__DEMO_CITIZEN_NAME "张晓岚"

/* Identity numbers of the demo's residents, for the printed examples: the
 * demo citizen's and the others of that household. */
struct yw__demo_example {
    char id[19];
    char household[4][19];
    size_t n_household;
};

/* Generates the demo's synthetic population (people.c) — fixed seed, so every
 * demo node holds the same fictional people — and loads it into the exchange
 * (ctx->exchange, open): 户籍人口基本信息 for all of them and, for subsets of the
 * same people, 婚姻登记信息, 社会保险参保信息, 中小学学籍信息 and 出生医学证明信息.
 * Prints one progress line per resource. */
int yw__demo_people(struct yw_ctx *ctx, FILE *out, struct yw__demo_example *example,
                    struct yw_err *err) YW_MUST_USE;

/* The one-stop services (services.c): standing grants of the implementing
 * organisations, the service items of items.json, and the demo citizen's
 * cases in every state. Needs the exchange open and the people loaded. */
int yw__demo_services(struct yw_ctx *ctx, FILE *out, const struct yw__demo_example *example,
                      struct yw_err *err) YW_MUST_USE;

#endif
