/*
 * A small pool of parser threads: the event loop hands it responses with
 * their callbacks and takes finished responses back, so libxml2 parsing and
 * spider code run on other cores while libcurl keeps fetching.  Callbacks
 * only touch their own response; everything else stays on the loop thread.
 */
#ifndef MC_PARSE_POOL_H
#define MC_PARSE_POOL_H

#include <curl/curl.h>

#include "marketcrawl/spider.h"

struct mc_parse_pool;

/* Start `threads` workers.  When `wake` is not NULL, curl_multi_wakeup(wake)
 * is called whenever a result is ready, to end the loop's poll. */
struct mc_parse_pool *mc_parse_pool_new(int threads, CURLM *wake);
/* Queue `res` (ownership passes to the pool) to be parsed by `cb`. */
void mc_parse_pool_submit(struct mc_parse_pool *p, struct mc_response *res, mc_parse_fn cb);
/* A finished response (ownership back to the caller), or NULL if none yet. */
struct mc_response *mc_parse_pool_take(struct mc_parse_pool *p);
/* Block until a result is ready or `timeout_ms` passes. */
void mc_parse_pool_wait(struct mc_parse_pool *p, int timeout_ms);
/* Finish queued work, join the threads, free finished responses not taken.
 * NULL is allowed. */
void mc_parse_pool_free(struct mc_parse_pool *p);

#endif
