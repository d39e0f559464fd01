/* Internal to src/directory/. */
#ifndef YW_DIRECTORY_INTERNAL_H
#define YW_DIRECTORY_INTERNAL_H

#include "directory.h"

/* [a-z0-9][a-z0-9._-]{1,63}; the message names what_zh / what_en. */
int yw__dir_check_slug(struct yw_str s, const char *field, const char *what_zh, const char *what_en,
                       struct yw_err *err) YW_MUST_USE;
/* yw_copy with a message naming field when src does not fit. */
int yw__dir_copy(char *dst, size_t size, const char *src, const char *field,
                 struct yw_err *err) YW_MUST_USE;

struct yw_txn;
struct yw_principal;
/* Reads the power list of who->org into who (none when org is empty). */
int yw__load_powers(struct yw_txn *txn, struct yw_principal *who, struct yw_err *err) YW_MUST_USE;

#endif
