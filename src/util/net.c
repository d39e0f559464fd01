/* IP allow lists: comma-separated addresses and CIDR blocks. */
#include "util.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

/* One item: an IPv4 or IPv6 address, or address/prefix. */
static bool parse_cidr(struct yw_str item, int *family, uint8_t addr[16], int *prefix)
{
    char text[64];
    const char *slash = memchr(item.p, '/', item.n);
    size_t addr_len = slash ? (size_t)(slash - item.p) : item.n;
    int64_t bits;

    if (addr_len == 0 || addr_len >= sizeof(text))
        return false;
    memcpy(text, item.p, addr_len);
    text[addr_len] = '\0';
    *family = memchr(text, ':', addr_len) ? AF_INET6 : AF_INET;
    if (inet_pton(*family, text, addr) != 1)
        return false;
    bits = *family == AF_INET ? 32 : 128;
    if (slash &&
        yw_parse_int64((struct yw_str){slash + 1, item.n - addr_len - 1}, 0, bits, &bits) < 0)
        return false;
    *prefix = (int)bits;
    return true;
}

static bool ip_matches(struct yw_str item, const char *remote)
{
    uint8_t want[16], have[16];
    int family, prefix;
    if (!parse_cidr(item, &family, want, &prefix) || inet_pton(family, remote, have) != 1)
        return false;
    for (int i = 0; i < prefix; i++)
        if (((want[i / 8] >> (7 - i % 8)) & 1) != ((have[i / 8] >> (7 - i % 8)) & 1))
            return false;
    return true;
}

int yw_ip_list_check(const char *list, const char *field, struct yw_err *err)
{
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        uint8_t addr[16];
        int family, prefix;
        if (!parse_cidr((struct yw_str){p, n}, &family, addr, &prefix))
            return yw_err_set(err, YW_EINVAL, field,
                              "来源地址须为 IP 地址或 CIDR，逗号分隔 / allowed sources are IP "
                              "addresses or CIDR blocks, separated by commas");
        p += n + (comma ? 1 : 0);
    }
    return YW_OK;
}

bool yw_ip_list_allows(struct yw_str list, const char *remote)
{
    for (const char *p = list.p, *end = list.p + list.n; p && p < end;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);
        if (ip_matches((struct yw_str){p, n}, remote))
            return true;
        p += n + 1;
    }
    return false;
}
