/* JSON helpers shared by the modules that read request bodies. */
#include "util.h"

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
