/* JSON helpers shared by the modules that read request bodies. */
#include "util.h"

#include <stdio.h>
#include <string.h>

int yw_json_only_members(const json_t *obj, const char *const *allowed, const char *prefix,
                         struct yw_err *err)
{
    const char *key;
    json_t *value;
    char field[64];

    if (!json_is_object(obj))
        return yw_err_set(err, YW_EINVAL, prefix[0] ? prefix : NULL,
                          "%s须为 JSON 对象 / %smust be a JSON object", prefix, prefix);
    json_object_foreach((json_t *)obj, key, value)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known) {
            (void)yw_fmt(field, sizeof(field), "%s%s", prefix, key);
            return yw_err_set(err, YW_EINVAL, field, "未知字段 %s / unknown member %s", field,
                              field);
        }
    }
    return YW_OK;
}

bool yw_json_array_has(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

int yw_domain_find(const struct yw_domain *d, struct yw_str value)
{
    for (int i = 0; d[i].slug; i++)
        if (yw_str_eq_c(value, d[i].slug) || yw_str_eq_c(value, d[i].zh))
            return i;
    return -1;
}

int yw_domain_list(const struct yw_domain *d, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; d[i].slug; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "", d[i].slug);
        if (n < 0 || (size_t)n >= size - used)
            return YW_ETOOBIG;
        used += (size_t)n;
    }
    return YW_OK;
}

int yw_domain_slug(const struct yw_domain *d, struct yw_str value, const char *field,
                   const char **slug, struct yw_err *err)
{
    char list[600];
    int i = yw_domain_find(d, value);
    if (i >= 0) {
        *slug = d[i].slug;
        return YW_OK;
    }
    (void)yw_domain_list(d, list, sizeof(list));
    return yw_err_set(err, YW_EINVAL, field, "%s 的值无效 / %s must be one of: %s", field, field,
                      list);
}

int yw_domain_pick(const struct yw_domain *d, const json_t *v, const char *field, const char **slug,
                   struct yw_err *err)
{
    return yw_domain_slug(d, (struct yw_str){json_string_value(v), json_string_length(v)}, field,
                          slug, err);
}
