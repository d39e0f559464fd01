#include "util.h"

#include <string.h>

const struct yw_asset *yw_asset_find(const struct yw_asset *set, size_t count, struct yw_str path)
{
    for (size_t i = 0; i < count; i++)
        if (yw_str_eq_c(path, set[i].path))
            return &set[i];
    return NULL;
}
