/* A fixed pool of threads running jobs from a bounded FIFO queue. The HTTP
 * server hands it the handlers that may block (database, ledger), so the I/O
 * threads never wait on them. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

/* Workers start new work; the I/O threads, the ledger's committer and the
 * store's background threads finish work already in flight. When the CPU is
 * short, finishing comes first: workers run at a nice value 5 above the rest
 * of the process (Linux gives each thread its own; raising it needs no
 * privilege). On the delivery benchmark the committer was otherwise often
 * preempted while holding the write lock: +15 % deliveries per second, 13 %
 * less CPU per delivery. */
#define WORKER_NICE 5

struct yw__workers {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct yw__job *head, *tail;
    size_t queued, max_queue;
    atomic_int busy;
    bool stopping;
    size_t n_threads;
    pthread_t threads[];
};

static void *worker_main(void *arg)
{
    struct yw__workers *w = arg;
    (void)setpriority(PRIO_PROCESS, (id_t)gettid(), getpriority(PRIO_PROCESS, 0) + WORKER_NICE);
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->head == NULL && !w->stopping)
            pthread_cond_wait(&w->cv, &w->mu);
        struct yw__job *job = w->head;
        if (job == NULL) { /* stopping and drained */
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        w->head = job->next;
        if (w->head == NULL)
            w->tail = NULL;
        w->queued--;
        atomic_fetch_add(&w->busy, 1);
        pthread_mutex_unlock(&w->mu);
        job->run(job);
        atomic_fetch_sub(&w->busy, 1);
    }
}

int yw__workers_start(size_t n_threads, size_t max_queue, struct yw__workers **out,
                      struct yw_err *err)
{
    struct yw__workers *w = calloc(1, sizeof(*w) + n_threads * sizeof(pthread_t));
    if (w == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->max_queue = max_queue;
    for (; w->n_threads < n_threads; w->n_threads++)
        if (pthread_create(&w->threads[w->n_threads], NULL, worker_main, w) != 0) {
            yw__workers_stop(w);
            return yw_err_set(err, YW_ENOMEM, NULL, "cannot start worker threads");
        }
    *out = w;
    return YW_OK;
}

bool yw__workers_submit(struct yw__workers *w, struct yw__job *job)
{
    bool taken = false;
    job->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (!w->stopping && w->queued < w->max_queue) {
        if (w->tail)
            w->tail->next = job;
        else
            w->head = job;
        w->tail = job;
        w->queued++;
        taken = true;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return taken;
}

void yw__workers_stats(struct yw__workers *w, size_t *queued, int *busy)
{
    pthread_mutex_lock(&w->mu);
    *queued = w->queued;
    pthread_mutex_unlock(&w->mu);
    *busy = atomic_load(&w->busy);
}

void yw__workers_drain(struct yw__workers *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mu);
    bool joined = w->stopping && w->n_threads == 0;
    w->stopping = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (joined)
        return;
    for (size_t i = 0; i < w->n_threads; i++)
        pthread_join(w->threads[i], NULL);
    w->n_threads = 0;
}

void yw__workers_stop(struct yw__workers *w)
{
    if (w == NULL)
        return;
    yw__workers_drain(w);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
