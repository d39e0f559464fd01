/* Time, files and the JSON log. */
#include "util.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t yw_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t yw_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void yw_time_rfc3339(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

int yw_file_read(const char *path, size_t max, char **out, size_t *out_len, struct yw_err *err)
{
    struct yw_buf b;
    char chunk[8192];
    int rc = YW_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    yw_buf_init(&b, max);
    if (fd < 0)
        return yw_err_set(err, errno == ENOENT ? YW_ENOTFOUND : YW_EIO, NULL, "cannot open %s: %s",
                          path, strerror(errno));
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = yw_err_set(err, YW_EIO, NULL, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        if ((rc = yw_buf_append(&b, chunk, (size_t)n)) < 0) {
            yw_err_set(err, rc, NULL, "%s is larger than %zu bytes", path, max);
            goto out;
        }
    }
    *out_len = b.len;
    *out = yw_buf_take(&b);
out:
    close(fd);
    yw_buf_free(&b);
    return rc;
}

int yw_file_map(const char *path, size_t max, const char **out, size_t *out_len, struct yw_err *err)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    *out = NULL;
    *out_len = 0;
    if (fd < 0)
        return yw_err_set(err, errno == ENOENT ? YW_ENOTFOUND : YW_EIO, NULL, "cannot open %s: %s",
                          path, strerror(errno));
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return yw_err_set(err, YW_EIO, NULL, "%s is not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return yw_err_set(err, YW_ETOOBIG, NULL, "%s is larger than %zu bytes", path, max);
    }
    if (st.st_size == 0) {
        close(fd);
        *out = "";
        return YW_OK;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return yw_err_set(err, YW_EIO, NULL, "cannot map %s: %s", path, strerror(errno));
    (void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
    *out = m;
    *out_len = (size_t)st.st_size;
    return YW_OK;
}

void yw_file_unmap(const char *data, size_t n)
{
    if (data != NULL && n > 0)
        munmap((void *)data, n);
}

int yw_file_create(const char *path, int mode, const void *p, size_t n, struct yw_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    const char *c = p;
    size_t done = 0;

    if (fd < 0)
        return yw_err_set(err, errno == EEXIST ? YW_ECONFLICT : YW_EIO, NULL,
                          "cannot create %s: %s", path, strerror(errno));
    /* The umask must not widen or narrow what the caller asked for. */
    if (fchmod(fd, (mode_t)mode) < 0)
        goto fail;
    while (done < n) {
        ssize_t w = write(fd, c + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            goto fail;
        done += (size_t)w;
    }
    if (fsync(fd) < 0)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    return YW_OK;
fail:
    yw_err_set(err, YW_EIO, NULL, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(path);
    return YW_EIO;
}

/* The level is process-wide configuration set once at start; atomic so that
 * reading it from server threads is defined. */
static _Atomic int log_level = YW_LOG_INFO;

void yw_log_set_level(enum yw_log_level level)
{
    atomic_store(&log_level, (int)level);
}

int yw_json_escape(struct yw_buf *b, struct yw_str s)
{
    int rc = YW_OK;
    size_t i = 0;

    while (i < s.n && rc == YW_OK) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            rc = yw_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            rc = yw_buf_printf(b, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            rc = yw_buf_append(b, &s.p[i], 1);
            i++;
        } else {
            size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + len <= s.n && yw_utf8_valid(s.p + i, len)) {
                rc = yw_buf_append(b, s.p + i, len);
                i += len;
            } else {
                rc = yw_buf_append_c(b, "\xEF\xBF\xBD");
                i++;
            }
        }
    }
    return rc;
}

void yw_log(enum yw_log_level level, const char *msg, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char ts[32];
    char line[4096];
    int n;

    if ((int)level < atomic_load(&log_level))
        return;
    yw_time_rfc3339(yw_now_ms(), ts);
    n = snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"", ts,
                 names[level], msg);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(line + n + 1, sizeof(line) - (size_t)n - 1, fmt, ap);
        va_end(ap);
        if (m > 0 && (size_t)(n + 1 + m) < sizeof(line) - 2) {
            line[n] = ',';
            n += 1 + m;
        }
    }
    line[n++] = '}';
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w; /* nothing sensible to do if stderr is gone */
}
