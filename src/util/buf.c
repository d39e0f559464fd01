#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void yw_buf_init(struct yw_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static int reserve(struct yw_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra || b->len + extra == SIZE_MAX)
        return YW_ETOOBIG;
    size_t need = b->len + extra + 1; /* + NUL */
    if (need <= b->cap)
        return YW_OK;
    size_t ceiling = b->max == SIZE_MAX ? SIZE_MAX : b->max + 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > ceiling)
        cap = ceiling;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return YW_ENOMEM;
    b->data = p;
    b->cap = cap;
    return YW_OK;
}

int yw_buf_append(struct yw_buf *b, const void *p, size_t n)
{
    int rc = reserve(b, n);
    if (rc < 0)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return YW_OK;
}

int yw_buf_append_c(struct yw_buf *b, const char *s)
{
    return yw_buf_append(b, s, strlen(s));
}

int yw_buf_printf(struct yw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return YW_EINVAL;
    int rc = reserve(b, (size_t)n);
    if (rc < 0)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return YW_OK;
}

void yw_buf_reset(struct yw_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void yw_buf_free(struct yw_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

char *yw_buf_take(struct yw_buf *b)
{
    char *p = b->data;
    if (p == NULL)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
