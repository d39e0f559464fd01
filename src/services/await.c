/* Waiting once for several things that finish on other threads: the
 * exchange's deliveries of a case's materials, and a step's ledger entries,
 * each durable only when the ledger's committer has written it. */
#include "internal.h"

#include "ledger/ledger.h"

void yw__group_init(struct yw__group *g)
{
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    g->pending = 0;
}

void yw__group_done(struct yw__group *g)
{
    pthread_mutex_lock(&g->lock);
    g->pending--;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

void yw__group_wait(struct yw__group *g)
{
    pthread_mutex_lock(&g->lock);
    while (g->pending > 0)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->lock);
}

struct entry {
    struct yw__group *group;
    int rc;
    struct yw_err err;
};

static void appended(void *cls, int rc, uint64_t index, const struct yw_err *err)
{
    struct entry *e = cls;
    (void)index;
    e->rc = rc;
    if (rc < 0 && err != NULL)
        e->err = *err;
    yw__group_done(e->group);
}

int yw__ledger_events(const struct yw_services *s, size_t n, const char *const *types,
                      json_t **fields, struct yw_err *err)
{
    struct entry entries[YW__EVENTS_MAX];
    struct yw__group group;
    int rc = n <= YW__EVENTS_MAX ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "too many entries");

    yw__group_init(&group);
    for (size_t i = 0; i < n; i++) {
        if (rc == YW_OK && fields[i] == NULL)
            rc = yw_err_set(err, YW_ENOMEM, NULL, "ledger entry not built");
        if (rc < 0) {
            json_decref(fields[i]);
            fields[i] = NULL;
            continue;
        }
        entries[i] = (struct entry){.group = &group, .rc = YW_OK};
        group.pending++;
        if ((rc = yw_ledger_event_async(s->catalog.ledger, types[i], fields[i], appended,
                                        &entries[i], err)) < 0) {
            group.pending--;
            entries[i].rc = rc;
        }
        fields[i] = NULL;
    }
    yw__group_wait(&group);
    for (size_t i = 0; rc == YW_OK && i < n; i++)
        if (entries[i].rc < 0) {
            rc = entries[i].rc;
            if (err != NULL)
                *err = entries[i].err;
        }
    return rc;
}
