/*
 * Keys fetched from identity providers (auth_jwtguard_key_request), shared by the workers
 * (auth_jwtguard_key_zone), and the status location (auth_jwtguard_status).
 *
 * A fetched key set is the root of trust of every token it verifies, so the fetch is the
 * gateway's own request, never the client's:
 * - the subrequest carries none of the client's headers, body, query or request line (only
 *   `Accept: application/json`), and evaluates variables of its own, so no `$http_*` of the
 *   client can reach the identity provider whatever the key location says;
 * - only a 200 that completed (rc NGX_OK, the end of the body seen) with a body of at most
 *   auth_jwtguard_key_max_size counts, and only the public keys in it are loaded: an `oct`
 *   key in a document anyone can fetch is no secret (jwtguard_verifier_add_jwks_public);
 * - the transport is the key location's: `proxy_ssl_verify on` and a trusted CA there is what
 *   makes the document the identity provider's (nginx/README.md).
 *
 * One worker fetches, the others load the document from the zone: the zone holds each key
 * set's last good document, its generation and its times. A refresh past
 * auth_jwtguard_key_cache happens in the background of one request while the others verify
 * with the current set; a set older than auth_jwtguard_key_max_stale is not used (fail closed).
 * Fetches start at most once per auth_jwtguard_key_refresh_min per key set, in all workers
 * together. A set belongs to one configuration: a reload starts the zone's sets afresh, so a
 * key location pointed elsewhere never serves the old identity provider's keys.
 */

#include "ngx_http_auth_jwtguard.h"

const char *const jg_fail_names[JG_FAIL_REASONS] = {"status", "upstream", "too_large",
                                                    "not_jwks", "zone_full"};

struct jg_fetch_s {
    jg_source_t *source;
    ngx_http_auth_jwtguard_ctx_t *parent; /* the request waiting for it; NULL: background */
    ngx_http_request_t *sr;
    u_char *body; /* heap, grown up to the source's max_size + 1 */
    size_t len, cap;
    ngx_uint_t too_large, complete, finished;
};

static ngx_http_output_header_filter_pt next_header_filter;
static ngx_http_output_body_filter_pt next_body_filter;

static ngx_int_t fetch_done(ngx_http_request_t *sr, void *data, ngx_int_t rc);

static ngx_http_auth_jwtguard_main_conf_t *main_conf(ngx_http_request_t *r)
{
    return ngx_http_get_module_main_conf(r, ngx_http_auth_jwtguard_module);
}

/* The zone's slot of a source, or NULL: no zone yet, or the zone was set up by another
 * configuration (a reload happened: this worker is on its way out and keeps what it has). */
static jg_slot_sh_t *slot_of(ngx_http_auth_jwtguard_main_conf_t *mcf, jg_source_t *src)
{
    if (mcf->sh == NULL || mcf->sh->cycle != mcf->cycle)
        return NULL;
    return &mcf->sh->slots[src->slot];
}

/* Milliseconds since `then` on the monotonic clock all workers share, never negative: each
 * worker's cached ngx_current_msec may lag the one that wrote `then` by a little. */
static ngx_msec_t since(ngx_msec_t then)
{
    ngx_msec_int_t d = (ngx_msec_int_t)(ngx_current_msec - then);
    return d > 0 ? (ngx_msec_t)d : 0;
}

/* ---- configuration -------------------------------------------------------------------- */

static ngx_int_t zone_init(ngx_shm_zone_t *zone, void *data)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = zone->data;
    ngx_http_auth_jwtguard_main_conf_t *old = data;
    mcf->shpool = (ngx_slab_pool_t *)zone->shm.addr;
    if (old != NULL) {
        mcf->sh = old->sh;
    } else if (zone->shm.exists) {
        mcf->sh = mcf->shpool->data;
    } else {
        mcf->sh = ngx_slab_calloc(mcf->shpool, sizeof(jg_shctx_t));
        if (mcf->sh == NULL)
            return NGX_ERROR;
        mcf->shpool->data = mcf->sh;
        mcf->shpool->log_nomem = 0; /* a full zone is counted and logged by the module */
    }
    /* A new configuration: its key sets start afresh (the verdict counters carry on). The
     * slots' documents were fetched through the old configuration's key locations, which may
     * point elsewhere now; the old workers notice the cycle changed and stop using the zone. */
    ngx_shmtx_lock(&mcf->shpool->mutex);
    mcf->cycle = ++mcf->sh->cycle;
    for (ngx_uint_t i = 0; i < JG_MAX_SLOTS; i++) {
        jg_slot_sh_t *s = &mcf->sh->slots[i];
        if (s->doc != NULL)
            ngx_slab_free_locked(mcf->shpool, s->doc);
        ngx_memzero(s, sizeof(*s));
    }
    ngx_memzero((void *)mcf->sh->verified_by, sizeof(mcf->sh->verified_by));
    ngx_shmtx_unlock(&mcf->shpool->mutex);
    return NGX_OK;
}

/* ---- the verify cache ------------------------------------------------------------------ */

/* A cache zone: the library's jwtguard_cache over the whole shared memory, one for every
 * worker. Its entries are keyed by the token's bytes and the verifier's whole configuration
 * (keys and policy), so locations with other policies, and key sets fetched again, share it
 * without ever answering for each other; a reload keeps it for the same reason. */
static ngx_int_t cache_zone_init(ngx_shm_zone_t *zone, void *data)
{
    jwtguard_cache **cache = zone->data;
    ngx_slab_pool_t *pool = (ngx_slab_pool_t *)zone->shm.addr;
    if (data != NULL) {
        *cache = *(jwtguard_cache **)data;
        return NGX_OK;
    }
    if (zone->shm.exists) {
        *cache = pool->data;
        return NGX_OK;
    }
    /* nginx puts a slab pool at the start of every zone: the cache is one allocation from it,
     * as large as the pool gives (whole pages, page-aligned). */
    size_t least = jwtguard_cache_size(4);
    size_t bytes = zone->shm.size > 8 * ngx_pagesize ? zone->shm.size - 8 * ngx_pagesize : 0;
    u_char *mem = NULL;
    while (bytes >= least && (mem = ngx_slab_alloc(pool, bytes)) == NULL)
        bytes -= ngx_pagesize < bytes ? ngx_pagesize : bytes;
    if (mem == NULL) {
        ngx_log_error(NGX_LOG_EMERG, zone->shm.log, 0, "auth_jwtguard_cache: zone \"%V\" is too small",
                      &zone->shm.name);
        return NGX_ERROR;
    }
    jwtguard_status s = jwtguard_cache_init(mem, bytes, cache);
    if (s != JWTGUARD_OK) {
        ngx_log_error(NGX_LOG_EMERG, zone->shm.log, 0, "auth_jwtguard_cache: zone \"%V\": %s",
                      &zone->shm.name, jwtguard_error_message(s));
        return NGX_ERROR;
    }
    pool->data = *cache;
    return NGX_OK;
}

/* auth_jwtguard_cache zone=NAME:SIZE | off */
char *jg_cache_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    if (lcf->cache != NGX_CONF_UNSET_PTR)
        return "is duplicate";
    if (value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0) {
        lcf->cache = NULL;
        return NGX_CONF_OK;
    }
    if (value[1].len <= 5 || ngx_strncmp(value[1].data, "zone=", 5) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" takes zone=NAME:SIZE or off, not \"%V\"",
                           &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }
    ngx_str_t name = {value[1].len - 5, value[1].data + 5};
    u_char *colon = ngx_strlchr(name.data, name.data + name.len, ':');
    ssize_t size = 0;
    if (colon != NULL) {
        ngx_str_t s = {(size_t)(name.data + name.len - colon - 1), colon + 1};
        name.len = (size_t)(colon - name.data);
        size = ngx_parse_size(&s);
    }
    /* At least the library's minimum of 4 entries, and the pages of nginx's slab pool. */
    size_t least = jwtguard_cache_size(4) + 16 * ngx_pagesize;
    if (name.len == 0 || (colon != NULL && (size == NGX_ERROR || (size_t)size < least))) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": \"%V\" needs zone=NAME:SIZE with SIZE at least %uzk",
                           &cmd->name, &value[1], (least + 1023) / 1024);
        return NGX_CONF_ERROR;
    }
    /* zone=NAME alone refers to a zone another auth_jwtguard_cache sized. */
    ngx_shm_zone_t *zone = ngx_shared_memory_add(cf, &name, (size_t)size, &ngx_http_auth_jwtguard_module);
    if (zone == NULL)
        return NGX_CONF_ERROR;
    if (zone->data == NULL) {
        jwtguard_cache **cache = ngx_pcalloc(cf->pool, sizeof(jwtguard_cache *));
        if (cache == NULL)
            return NGX_CONF_ERROR;
        zone->data = cache;
        zone->init = cache_zone_init;
    } else if (zone->init != cache_zone_init) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": zone \"%V\" is already used for something else",
                           &cmd->name, &name);
        return NGX_CONF_ERROR;
    }
    lcf->cache = zone;
    return NGX_CONF_OK;
}

/* auth_jwtguard_key_zone NAME SIZE */
char *jg_key_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = conf;
    ngx_str_t *value = cf->args->elts;
    if (mcf->zone != NULL)
        return "is duplicate";
    ssize_t size = ngx_parse_size(&value[2]);
    /* Room for the counters and at least a few documents of a few kilobytes. */
    if (size == NGX_ERROR || (size_t)size < sizeof(jg_shctx_t) + 16 * ngx_pagesize) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": zone \"%V\" is too small (at least %uzk)",
                           &cmd->name, &value[1],
                           (sizeof(jg_shctx_t) + 16 * ngx_pagesize + 1023) / 1024);
        return NGX_CONF_ERROR;
    }
    mcf->zone = ngx_shared_memory_add(cf, &value[1], (size_t)size, &ngx_http_auth_jwtguard_module);
    if (mcf->zone == NULL)
        return NGX_CONF_ERROR;
    if (mcf->zone->data != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": zone \"%V\" is already used", &cmd->name,
                           &value[1]);
        return NGX_CONF_ERROR;
    }
    mcf->zone->init = zone_init;
    mcf->zone->data = mcf;
    return NGX_CONF_OK;
}

/* The fetched key set of `owner` (a level or a provider, merged) in the server being merged:
 * one per template verifier, key request settings and server, since the subrequest resolves its URI in the server of
 * the request that makes it. Key sets with one URI in one server share a zone slot (one fetch
 * serves both). */
jg_source_t *jg_source_for(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *owner,
                           ngx_str_t *provider_name)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf =
        ngx_http_conf_get_module_main_conf(cf, ngx_http_auth_jwtguard_module);
    ngx_http_core_srv_conf_t *cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    jg_source_t **known = mcf->sources.elts;
    for (ngx_uint_t i = 0; i < mcf->sources.nelts; i++) {
        jg_source_t *k = known[i];
        if (k->tmpl == owner->verifier && k->server == cscf && k->uri.len == owner->key_request.len &&
            ngx_strncmp(k->uri.data, owner->key_request.data, k->uri.len) == 0 &&
            k->cache == owner->key_cache && k->refresh_min == owner->key_refresh_min &&
            k->max_stale == owner->key_max_stale && k->max_size == owner->key_max_size)
            return k;
    }

    jg_slot_key_t *slots = mcf->slots.elts;
    ngx_uint_t slot = 0;
    while (slot < mcf->slots.nelts &&
           (slots[slot].server != cscf || slots[slot].uri.len != owner->key_request.len ||
            ngx_strncmp(slots[slot].uri.data, owner->key_request.data, owner->key_request.len)))
        slot++;
    if (slot == mcf->slots.nelts) {
        if (slot == JG_MAX_SLOTS) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_jwtguard_key_request: at most %d fetched key sets",
                               JG_MAX_SLOTS);
            return NULL;
        }
        jg_slot_key_t *k = ngx_array_push(&mcf->slots);
        if (k == NULL)
            return NULL;
        k->server = cscf;
        k->uri = owner->key_request;
        k->server_name = cscf->server_name;
        if (provider_name != NULL) {
            k->provider = *provider_name;
        } else {
            ngx_str_null(&k->provider);
        }
    }

    jg_source_t *src = ngx_pcalloc(cf->pool, sizeof(*src));
    jg_source_t **slotp = ngx_array_push(&mcf->sources);
    if (src == NULL || slotp == NULL)
        return NULL;
    src->uri = owner->key_request;
    src->server = cscf;
    src->tmpl = owner->verifier;
    if (provider_name != NULL)
        src->name = *provider_name;
    src->cache = owner->key_cache;
    src->refresh_min = owner->key_refresh_min;
    src->max_stale = owner->key_max_stale;
    src->max_size = owner->key_max_size;
    src->slot = slot;
    *slotp = src;
    return src;
}

/* After the configuration: every fetched key set needs the zone (one fetch for all workers,
 * and the set's age, which all of them must agree on). */
ngx_int_t jg_zone_check(ngx_conf_t *cf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf =
        ngx_http_conf_get_module_main_conf(cf, ngx_http_auth_jwtguard_module);
    if (mcf->sources.nelts > 0 && mcf->zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_key_request needs \"auth_jwtguard_key_zone NAME SIZE;\" "
                           "at the http level: the fetched key sets live there, shared by the "
                           "workers");
        return NGX_ERROR;
    }
    if (mcf->providers.nelts > JG_MAX_NAMED) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard_provider: at most %d providers",
                           JG_MAX_NAMED);
        return NGX_ERROR;
    }
    return NGX_OK;
}

/* ---- the fetch's capture: header and body filters ---------------------------------------- */

/* The fetch a (sub)request is, or NULL. An internal redirect inside the key location clears
 * module contexts; the post-subrequest handler's data still names the fetch, so its output is
 * never let through to the client. */
static jg_fetch_t *fetch_of(ngx_http_request_t *r)
{
    if (r == r->main)
        return NULL;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    if (ctx != NULL && ctx->fetch != NULL)
        return ctx->fetch;
    if (r->post_subrequest != NULL && r->post_subrequest->handler == fetch_done)
        return r->post_subrequest->data;
    return NULL;
}

static ngx_int_t header_filter(ngx_http_request_t *r)
{
    if (fetch_of(r) == NULL)
        return next_header_filter(r);
    /* Nothing of the key server's response is sent anywhere: the status is read when the
     * fetch is done, and the header counts as sent. */
    r->header_sent = 1;
    return NGX_OK;
}

static void capture(jg_fetch_t *f, ngx_http_request_t *r, ngx_buf_t *b)
{
    size_t n;
    if (ngx_buf_in_memory(b))
        n = (size_t)(b->last - b->pos);
    else if (b->in_file)
        n = (size_t)(b->file_last - b->file_pos);
    else
        return;
    if (n == 0 || f->too_large)
        return;
    if (f->len + n > f->source->max_size) {
        f->too_large = 1;
        return;
    }
    if (f->len + n > f->cap) {
        size_t cap = ngx_max(f->cap * 2, f->len + n);
        cap = ngx_min(cap, f->source->max_size);
        u_char *p = ngx_alloc(cap, r->connection->log);
        if (p == NULL) {
            f->too_large = 1;
            return;
        }
        if (f->len)
            ngx_memcpy(p, f->body, f->len);
        ngx_free(f->body);
        f->body = p;
        f->cap = cap;
    }
    if (ngx_buf_in_memory(b)) {
        ngx_memcpy(f->body + f->len, b->pos, n);
    } else if (ngx_read_file(b->file, f->body + f->len, n, b->file_pos) != (ssize_t)n) {
        f->too_large = 1; /* cannot be had whole: not a fetch */
        return;
    }
    f->len += n;
}

static ngx_int_t body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    jg_fetch_t *f = fetch_of(r);
    if (f == NULL)
        return next_body_filter(r, in);
    for (ngx_chain_t *cl = in; cl; cl = cl->next) {
        ngx_buf_t *b = cl->buf;
        if (!f->finished)
            capture(f, r, b);
        if (b->last_buf || b->last_in_chain)
            f->complete = 1;
        /* Consumed: the upstream may reuse the buffer. */
        b->pos = b->last;
        if (b->in_file)
            b->file_pos = b->file_last;
    }
    return NGX_OK;
}

ngx_int_t jg_keys_init(ngx_conf_t *cf)
{
    (void)cf;
    next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = header_filter;
    next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = body_filter;
    return NGX_OK;
}

/* ---- key sets: per worker ----------------------------------------------------------------- */

static void keyset_release(jg_keyset_t *k)
{
    if (k != NULL && --k->refs == 0) {
        jwtguard_verifier_free(k->verifier);
        ngx_free(k);
    }
}

static void install(jg_source_t *src, jg_keyset_t *k, ngx_atomic_uint_t generation)
{
    jg_keyset_t *old = src->current;
    src->current = k;
    src->generation = generation;
    keyset_release(old);
}

/* A key set from a document: a copy of the source's template (its static keys and policy)
 * with the document's public keys added. NULL, with the status, when it holds no usable key. */
static jg_keyset_t *keyset_from(jg_source_t *src, const u_char *doc, size_t len, ngx_log_t *log,
                                jwtguard_jwks_report *report, jwtguard_status *s)
{
    jg_keyset_t *k = ngx_alloc(sizeof(*k), log);
    if (k == NULL) {
        *s = JWTGUARD_UNKNOWN_ERROR;
        return NULL;
    }
    k->refs = 1; /* the source's */
    k->verifier = jwtguard_verifier_clone(src->tmpl);
    *s = k->verifier == NULL ? JWTGUARD_UNKNOWN_ERROR
                             : jwtguard_verifier_add_jwks_public(k->verifier, doc, len, report);
    if (*s != JWTGUARD_OK) {
        jwtguard_verifier_free(k->verifier);
        ngx_free(k);
        return NULL;
    }
    return k;
}

/* Bring the worker's key set of `src` up to the zone's document (another worker fetched it, or
 * another source with the same key location did). */
static void sync_source(ngx_http_request_t *r, jg_source_t *src, jg_slot_sh_t *slot,
                        ngx_http_auth_jwtguard_main_conf_t *mcf)
{
    if (slot->generation == src->generation)
        return;
    ngx_shmtx_lock(&mcf->shpool->mutex);
    ngx_atomic_uint_t gen = slot->generation;
    size_t len = slot->doc_len;
    u_char *copy = slot->doc != NULL ? ngx_alloc(len, r->connection->log) : NULL;
    if (copy != NULL)
        ngx_memcpy(copy, slot->doc, len);
    ngx_shmtx_unlock(&mcf->shpool->mutex);
    if (copy == NULL)
        return;
    jwtguard_jwks_report report;
    jwtguard_status s;
    jg_keyset_t *k = keyset_from(src, copy, len, r->connection->log, &report, &s);
    ngx_free(copy);
    if (k == NULL) {
        /* The document was good for the source that fetched it; this one's policy or static
         * keys leave nothing usable (say, every kid already taken). Keep what it had. */
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "auth_jwtguard: key set \"%V\" from the zone: %s (%s); keeping the last one",
                      &src->uri, jwtguard_error_message(s), jwtguard_error_name(s));
        src->generation = gen;
        return;
    }
    install(src, k, gen);
}

/* Whether the worker's set of `src` may verify now: it exists and the zone's last good fetch
 * is not older than max_stale. */
static ngx_uint_t usable(jg_source_t *src, jg_slot_sh_t *slot)
{
    if (src->current == NULL)
        return 0;
    if (slot == NULL) /* a worker of an older configuration: keep serving what it has */
        return 1;
    return slot->doc != NULL && since(slot->fetched_at) <= (ngx_msec_t)src->max_stale * 1000;
}

/* Claim the right to fetch `src` now: no fetch in flight, and the last one started at least
 * refresh_min ago, in any worker. `due` says whether the set needs one at all. */
static ngx_uint_t claim(ngx_http_auth_jwtguard_main_conf_t *mcf, jg_source_t *src,
                        jg_slot_sh_t *slot)
{
    ngx_msec_t now = ngx_current_msec;
    ngx_uint_t ok = 0;
    ngx_shmtx_lock(&mcf->shpool->mutex);
    if ((ngx_msec_int_t)(slot->lease_until - now) <= 0 &&
        (slot->last_start == 0 || since(slot->last_start) >= (ngx_msec_t)src->refresh_min * 1000)) {
        slot->last_start = now | 1; /* never 0: 0 is "never started" */
        slot->lease_until = now + JG_FETCH_LEASE;
        ok = 1;
    }
    ngx_shmtx_unlock(&mcf->shpool->mutex);
    return ok;
}

static ngx_uint_t due(jg_source_t *src, jg_slot_sh_t *slot)
{
    return slot->doc == NULL || since(slot->fetched_at) >= (ngx_msec_t)src->cache * 1000;
}

static ngx_uint_t in_flight(jg_slot_sh_t *slot)
{
    return (ngx_msec_int_t)(slot->lease_until - ngx_current_msec) > 0;
}

/* ---- the fetch ----------------------------------------------------------------------------- */

static void fetch_cleanup(void *data)
{
    jg_fetch_t *f = data;
    ngx_free(f->body);
    f->body = NULL;
}

/* The subrequest's request: the key location's URI and nothing of the client's. */
static ngx_int_t isolate(ngx_http_request_t *r, ngx_http_request_t *sr, ngx_str_t *uri)
{
    ngx_memzero(&sr->headers_in, sizeof(sr->headers_in));
    if (ngx_list_init(&sr->headers_in.headers, r->pool, 2, sizeof(ngx_table_elt_t)) != NGX_OK)
        return NGX_ERROR;
    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;
    ngx_table_elt_t *h = ngx_list_push(&sr->headers_in.headers);
    if (h == NULL)
        return NGX_ERROR;
    ngx_memzero(h, sizeof(*h));
    ngx_str_set(&h->key, "Accept");
    ngx_str_set(&h->value, "application/json");
    h->lowcase_key = (u_char *)"accept";
    h->hash = ngx_hash_key(h->lowcase_key, h->key.len);
    /* No body, no query, and the request line and URI of the fetch, not the client's (which
     * may hold a token in its query string). */
    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (sr->request_body == NULL)
        return NGX_ERROR;
    ngx_str_null(&sr->args);
    sr->unparsed_uri = *uri;
    sr->request_line.len = sizeof("GET  HTTP/1.1") - 1 + uri->len;
    sr->request_line.data = ngx_pnalloc(r->pool, sr->request_line.len);
    if (sr->request_line.data == NULL)
        return NGX_ERROR;
    ngx_sprintf(sr->request_line.data, "GET %V HTTP/1.1", uri);
    /* Variables of its own: the parent's cache may hold the client's $http_authorization,
     * $cookie_*, $request_uri, which a key location's proxy_set_header would otherwise send. */
    ngx_http_core_main_conf_t *cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);
    sr->variables =
        ngx_pcalloc(r->pool, cmcf->variables.nelts * sizeof(ngx_http_variable_value_t));
    return sr->variables == NULL ? NGX_ERROR : NGX_OK;
}

/* Start fetching `src` for `r`: waited (the request verifies with what it brings) unless
 * `background`. The caller has claimed the fetch. */
static ngx_int_t start_fetch(ngx_http_request_t *r, jg_source_t *src,
                             ngx_http_auth_jwtguard_ctx_t *ctx, ngx_uint_t background)
{
    jg_fetch_t *f = ngx_pcalloc(r->pool, sizeof(*f));
    ngx_http_post_subrequest_t *ps = ngx_palloc(r->pool, sizeof(*ps));
    ngx_http_auth_jwtguard_ctx_t *sctx = ngx_pcalloc(r->pool, sizeof(*sctx));
    ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(r->pool, 0);
    if (f == NULL || ps == NULL || sctx == NULL || cln == NULL)
        return NGX_ERROR;
    f->source = src;
    f->parent = background ? NULL : ctx;
    cln->handler = fetch_cleanup;
    cln->data = f;
    ps->handler = fetch_done;
    ps->data = f;
    ngx_http_request_t *sr;
    if (ngx_http_subrequest(r, &src->uri, NULL, &sr, ps,
                            background ? NGX_HTTP_SUBREQUEST_BACKGROUND
                                       : NGX_HTTP_SUBREQUEST_WAITED) != NGX_OK)
        return NGX_ERROR;
    if (isolate(r, sr, &src->uri) != NGX_OK)
        return NGX_ERROR;
    f->sr = sr;
    sctx->fetch = f;
    ngx_http_set_ctx(sr, sctx, ngx_http_auth_jwtguard_module);
    if (!background)
        ctx->pending++;
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "auth_jwtguard: fetching key set \"%V\"%s",
                  &src->uri, background ? " in the background" : "");
    return NGX_OK;
}

/* Store a good document in the zone: a new generation if it changed, a new age either way. */
static ngx_int_t store(ngx_http_auth_jwtguard_main_conf_t *mcf, jg_slot_sh_t *slot,
                       jg_fetch_t *f, jwtguard_jwks_report *report, ngx_atomic_uint_t *gen)
{
    ngx_int_t rc = NGX_OK;
    ngx_shmtx_lock(&mcf->shpool->mutex);
    if (slot->doc == NULL || slot->doc_len != f->len ||
        ngx_memcmp(slot->doc, f->body, f->len) != 0) {
        u_char *doc = ngx_slab_alloc_locked(mcf->shpool, f->len);
        if (doc == NULL) {
            rc = NGX_DECLINED;
            goto done;
        }
        ngx_memcpy(doc, f->body, f->len);
        if (slot->doc != NULL)
            ngx_slab_free_locked(mcf->shpool, slot->doc);
        slot->doc = doc;
        slot->doc_len = f->len;
        slot->generation++;
    }
    slot->fetched_at = ngx_current_msec;
    slot->fetched_wall = ngx_time();
    slot->keys = report->loaded;
    slot->skipped = report->skipped + report->rejected + report->left_out;
    slot->secrets_skipped = report->secrets_skipped;
    *gen = slot->generation;
done:
    slot->lease_until = 0;
    ngx_shmtx_unlock(&mcf->shpool->mutex);
    return rc;
}

/* The fetch is done: check what came, store it in the zone and install it in this worker, or
 * count and log why not. The client's request goes on either way (NGX_OK: a failed fetch never
 * terminates the request that made it). */
static ngx_int_t fetch_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    jg_fetch_t *f = data;
    if (f->finished)
        return NGX_OK;
    f->finished = 1;
    jg_source_t *src = f->source;
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(sr);
    jg_slot_sh_t *slot = slot_of(mcf, src);
    ngx_log_t *log = sr->connection->log;
    ngx_int_t why = -1;
    jwtguard_status s = JWTGUARD_OK;
    jwtguard_jwks_report report;
    ngx_memzero(&report, sizeof(report));
    jg_keyset_t *k = NULL;

    if (rc != NGX_OK || !f->complete)
        why = sr->headers_out.status == NGX_HTTP_OK || sr->headers_out.status == 0
                  ? JG_FAIL_UPSTREAM
                  : JG_FAIL_STATUS;
    else if (sr->headers_out.status != NGX_HTTP_OK)
        why = JG_FAIL_STATUS;
    else if (f->too_large)
        why = JG_FAIL_TOO_LARGE;
    else if ((k = keyset_from(src, f->body, f->len, log, &report, &s)) == NULL)
        why = JG_FAIL_NOT_JWKS;

    ngx_atomic_uint_t gen = 0;
    if (why < 0 && slot != NULL && store(mcf, slot, f, &report, &gen) != NGX_OK)
        why = JG_FAIL_ZONE_FULL;
    if (why >= 0) {
        if (slot != NULL) {
            ngx_atomic_fetch_add(&slot->fetch_failed[why], 1);
            slot->lease_until = 0;
        }
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "auth_jwtguard: key request \"%V\" failed: %s (status %ui, rc %i%s%s%s); %s",
                      &src->uri, jg_fail_names[why], sr->headers_out.status, rc,
                      s != JWTGUARD_OK ? ", " : "", s != JWTGUARD_OK ? jwtguard_error_name(s) : "",
                      why == JG_FAIL_TOO_LARGE ? ", over auth_jwtguard_key_max_size" : "",
                      src->current != NULL ? "keeping the last key set" : "no key set yet");
        if (k != NULL)
            keyset_release(k);
    } else {
        if (slot != NULL)
            ngx_atomic_fetch_add(&slot->fetch_ok, 1);
        install(src, k, slot != NULL ? gen : src->generation);
        if (report.secrets_skipped > 0) {
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "auth_jwtguard: key request \"%V\": %uz \"oct\" (secret) keys skipped: "
                          "a published key set cannot hold secrets",
                          &src->uri, report.secrets_skipped);
        }
        ngx_log_error(NGX_LOG_INFO, log, 0,
                      "auth_jwtguard: key request \"%V\": %uz keys loaded, %uz skipped",
                      &src->uri, report.loaded,
                      report.skipped + report.rejected + report.left_out + report.secrets_skipped);
    }
    ngx_free(f->body);
    f->body = NULL;
    if (f->parent != NULL && f->parent->pending > 0)
        f->parent->pending--;
    return NGX_OK;
}

/* ---- per request ------------------------------------------------------------------------ */

static void release_held(void *data)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = data;
    for (ngx_uint_t i = 0; i < ctx->n_held; i++)
        keyset_release(ctx->held[i]);
    ctx->n_held = 0;
}

/* Hold `k` until the request ends (its result reads the verifier). */
static ngx_int_t hold(ngx_http_request_t *r, ngx_http_auth_jwtguard_ctx_t *ctx, jg_keyset_t *k)
{
    if (!ctx->cleanup_added) {
        ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(r->pool, 0);
        if (cln == NULL)
            return NGX_ERROR;
        cln->handler = release_held;
        cln->data = ctx;
        ctx->cleanup_added = 1;
    }
    for (ngx_uint_t i = 0; i < ctx->n_held; i++)
        if (ctx->held[i] == k)
            return NGX_OK;
    if (ctx->n_held == sizeof(ctx->held) / sizeof(ctx->held[0]))
        return NGX_ERROR;
    k->refs++;
    ctx->held[ctx->n_held++] = k;
    return NGX_OK;
}

/* Wait JG_POLL_INTERVAL, then run the access phase again. */
static void wake(ngx_http_request_t *r)
{
    ngx_event_t *wev = r->connection->write;
    if (!wev->timedout) {
        if (ngx_handle_write_event(wev, 0) != NGX_OK)
            ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }
    wev->timedout = 0;
    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}

static ngx_int_t poll_again(ngx_http_request_t *r, ngx_http_auth_jwtguard_ctx_t *ctx)
{
    ctx->waited += JG_POLL_INTERVAL;
    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = wake;
    ngx_add_timer(r->connection->write, JG_POLL_INTERVAL);
    return NGX_AGAIN;
}

/* One source for this request: the worker's set, synced; a fetch started when one is due (in
 * the background when a usable set exists). `*wait` is set when the request should wait for a
 * fetch in flight in another worker. Returns the set, or NULL when none is usable. */
static jg_keyset_t *source_keys(ngx_http_request_t *r, jg_source_t *src,
                                ngx_http_auth_jwtguard_ctx_t *ctx, ngx_uint_t *wait,
                                ngx_int_t *error)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    jg_slot_sh_t *slot = slot_of(mcf, src);
    if (slot == NULL)
        return src->current; /* an older configuration's worker, on its way out */
    sync_source(r, src, slot, mcf);
    ngx_uint_t ok = usable(src, slot);
    if (due(src, slot) && claim(mcf, src, slot) &&
        start_fetch(r, src, ctx, ok) != NGX_OK) {
        slot->lease_until = 0;
        *error = NGX_ERROR;
        return NULL;
    }
    if (ok)
        return src->current;
    if (in_flight(slot) && ctx->waited < JG_FETCH_LEASE)
        *wait = 1;
    return NULL;
}

/* Why a source has no usable set, for the log. */
static void log_unusable(ngx_http_request_t *r, jg_source_t *src)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    jg_slot_sh_t *slot = slot_of(mcf, src);
    if (src->current != NULL && slot != NULL && slot->doc != NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard: key set \"%V\" is %M s old, over auth_jwtguard_key_max_stale "
                      "(%T s): refusing its tokens until a fetch succeeds",
                      &src->uri, since(slot->fetched_at) / 1000, src->max_stale);
    } else {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard: no key set from \"%V\" yet", &src->uri);
    }
}

ngx_int_t jg_request_keys(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                          ngx_http_auth_jwtguard_ctx_t *ctx, const jwtguard_verifier **verifier,
                          jwtguard_providers **set, ngx_uint_t *missing)
{
    *verifier = lcf->verifier;
    *set = lcf->set;
    *missing = 0;
    if (ctx->pending > 0)
        return NGX_AGAIN;
    ngx_uint_t wait = 0;
    ngx_int_t error = NGX_OK;
    if (lcf->source != NULL) {
        jg_keyset_t *k = source_keys(r, lcf->source, ctx, &wait, &error);
        if (error != NGX_OK)
            return NGX_ERROR;
        if (ctx->pending > 0)
            return NGX_AGAIN;
        if (k == NULL) {
            if (wait)
                return poll_again(r, ctx);
            log_unusable(r, lcf->source);
            return NGX_ERROR; /* fail closed */
        }
        if (hold(r, ctx, k) != NGX_OK)
            return NGX_ERROR;
        *verifier = k->verifier;
        return NGX_OK;
    }
    if (lcf->n_fetched == 0)
        return NGX_OK;

    /* Providers, some with fetched keys: the set is built for this request from each one's
     * verifier now. A provider whose fetched set is not usable verifies with its static keys
     * alone (its template: the same policy, and the same index for $jwtguard_provider), and is
     * counted in `missing`: a token no provider verifies may be that one's. */
    const jwtguard_verifier *list[JWTGUARD_MAX_PROVIDERS];
    ngx_uint_t waiting = 0;
    for (ngx_uint_t i = 0; i < lcf->n_members; i++) {
        jg_member_t *m = &lcf->members[i];
        list[i] = m->provider->conf->verifier;
        if (m->source == NULL)
            continue;
        ngx_uint_t w = 0;
        jg_keyset_t *k = source_keys(r, m->source, ctx, &w, &error);
        if (error != NGX_OK)
            return NGX_ERROR;
        if (k == NULL) {
            waiting |= w;
            (*missing)++;
            continue;
        }
        if (hold(r, ctx, k) != NGX_OK)
            return NGX_ERROR;
        list[i] = k->verifier;
    }
    if (ctx->pending > 0)
        return NGX_AGAIN;
    if (waiting)
        return poll_again(r, ctx);
    for (ngx_uint_t i = 0; i < lcf->n_members; i++)
        if (lcf->members[i].source != NULL && list[i] == lcf->members[i].provider->conf->verifier)
            log_unusable(r, lcf->members[i].source);
    jwtguard_providers *p = ngx_palloc(r->pool, sizeof(jwtguard_providers));
    if (p == NULL)
        return NGX_ERROR;
    jwtguard_status s = jwtguard_providers_init(p, sizeof(*p));
    for (ngx_uint_t i = 0; s == JWTGUARD_OK && i < lcf->n_members; i++)
        s = jwtguard_providers_add(p, list[i]);
    if (s == JWTGUARD_OK && lcf->providers_kidless_limit > 0)
        s = jwtguard_providers_set_kidless_limit(p, (uint32_t)lcf->providers_kidless_limit);
    if (s == JWTGUARD_OK)
        s = jwtguard_providers_set_max_token_size(p, lcf->max_token_size);
    if (s != JWTGUARD_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "auth_jwtguard: providers: %s (%s)",
                      jwtguard_error_message(s), jwtguard_error_name(s));
        return NGX_ERROR;
    }
    *set = p;
    return NGX_OK;
}

ngx_int_t jg_refetch(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                     ngx_http_auth_jwtguard_ctx_t *ctx)
{
    if (ctx->refetched)
        return NGX_DECLINED;
    ctx->refetched = 1;
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    /* The payload is not read before the signature holds, so which identity provider a new
     * kid belongs to is not known: every fetched set of this location may hold it, and each
     * is asked at most once per its refresh time. */
    for (ngx_uint_t i = 0; i < (lcf->source != NULL ? 1 : lcf->n_fetched ? lcf->n_members : 0); i++) {
        jg_source_t *src = lcf->source != NULL ? lcf->source : lcf->members[i].source;
        jg_slot_sh_t *slot = src != NULL ? slot_of(mcf, src) : NULL;
        if (slot == NULL || !claim(mcf, src, slot))
            continue;
        if (start_fetch(r, src, ctx, 0) != NGX_OK) {
            slot->lease_until = 0;
            return NGX_ERROR;
        }
    }
    return ctx->pending > 0 ? NGX_AGAIN : NGX_DECLINED;
}

/* ---- counters and the status location --------------------------------------------------- */

void jg_count(ngx_http_request_t *r, jwtguard_status s, const jg_provider_conf_t *by)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    if (mcf->sh == NULL || mcf->sh->cycle != mcf->cycle)
        return;
    ngx_uint_t code = (ngx_uint_t)s < JG_STATUS_CODES ? (ngx_uint_t)s : JG_STATUS_CODES;
    ngx_atomic_fetch_add(&mcf->sh->verdicts[code], 1);
    if (by != NULL && by->index < JG_MAX_NAMED)
        ngx_atomic_fetch_add(&mcf->sh->verified_by[by->index], 1);
}

/* Whether every key set of this request's server has a usable document in the zone. */
static ngx_uint_t server_ready(ngx_http_request_t *r)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    void *server = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    jg_source_t **src = mcf->sources.elts;
    for (ngx_uint_t i = 0; i < mcf->sources.nelts; i++) {
        if (src[i]->server != server)
            continue;
        jg_slot_sh_t *slot = slot_of(mcf, src[i]);
        if (slot == NULL || slot->doc == NULL ||
            since(slot->fetched_at) > (ngx_msec_t)src[i]->max_stale * 1000)
            return 0;
    }
    return 1;
}

ngx_int_t jg_warm(ngx_http_request_t *r, ngx_http_auth_jwtguard_ctx_t *ctx)
{
    if (ctx->pending > 0)
        return NGX_AGAIN;
    if (ctx->refetched) /* one round of fetches per readiness request */
        return NGX_DECLINED;
    ctx->refetched = 1;
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    void *server = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    jg_source_t **src = mcf->sources.elts;
    for (ngx_uint_t i = 0; i < mcf->sources.nelts; i++) {
        /* Only this server's: the subrequest resolves the key location's URI here. */
        if (src[i]->server != server)
            continue;
        jg_slot_sh_t *slot = slot_of(mcf, src[i]);
        if (slot == NULL || slot->doc != NULL || !claim(mcf, src[i], slot))
            continue;
        if (start_fetch(r, src[i], ctx, 0) != NGX_OK) {
            slot->lease_until = 0;
            return NGX_ERROR;
        }
    }
    return ctx->pending > 0 ? NGX_AGAIN : NGX_DECLINED;
}

static u_char *json_str(u_char *p, ngx_str_t *s)
{
    *p++ = '"';
    for (size_t i = 0; i < s->len; i++) {
        u_char c = s->data[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = c;
        } else if (c < 0x20 || c == 0x7f) {
            p = ngx_sprintf(p, "\\u%04xd", (ngx_uint_t)c);
        } else {
            *p++ = c;
        }
    }
    *p++ = '"';
    return p;
}

static ngx_int_t status_handler(ngx_http_request_t *r)
{
    if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD)))
        return NGX_HTTP_NOT_ALLOWED;
    if (ngx_http_discard_request_body(r) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    ngx_http_auth_jwtguard_main_conf_t *mcf = main_conf(r);
    ngx_http_auth_jwtguard_loc_conf_t *lcf =
        ngx_http_get_module_loc_conf(r, ngx_http_auth_jwtguard_module);
    jg_shctx_t *sh = mcf->sh;
    if (sh == NULL || sh->cycle != mcf->cycle)
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    ngx_uint_t ready = server_ready(r);

    /* Every figure is at most 20 digits; names and URIs at most their length escaped (6 bytes
     * a byte). */
    size_t len = 64 + (JG_STATUS_CODES + 1) * 64 + JG_MAX_NAMED * 32;
    jg_provider_conf_t *prov = mcf->providers.elts;
    for (ngx_uint_t i = 0; i < mcf->providers.nelts; i++)
        len += 6 * prov[i].name.len + 48;
    jg_slot_key_t *keys = mcf->slots.elts;
    for (ngx_uint_t i = 0; i < mcf->slots.nelts; i++)
        len += 6 * (keys[i].uri.len + keys[i].server_name.len + keys[i].provider.len) + 512;
    u_char *buf = ngx_pnalloc(r->pool, len);
    if (buf == NULL)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    u_char *p = ngx_sprintf(buf, "{\"ready\":%s,\"verdicts\":{", ready ? "true" : "false");
    ngx_uint_t first = 1;
    for (ngx_uint_t c = 0; c <= JG_STATUS_CODES; c++) {
        ngx_atomic_uint_t n = sh->verdicts[c];
        if (n == 0)
            continue;
        p = ngx_sprintf(p, "%s\"%s\":%uA", first ? "" : ",",
                        c < JG_STATUS_CODES ? jwtguard_error_name((uint32_t)c) : "other", n);
        first = 0;
    }
    p = ngx_sprintf(p, "},\"providers\":{");
    for (ngx_uint_t i = 0; i < mcf->providers.nelts; i++) {
        p = ngx_sprintf(p, "%s", i ? "," : "");
        p = json_str(p, &prov[i].name);
        p = ngx_sprintf(p, ":{\"verified\":%uA}",
                        prov[i].index < JG_MAX_NAMED ? sh->verified_by[prov[i].index] : 0);
    }
    p = ngx_sprintf(p, "},\"key_sets\":[");
    for (ngx_uint_t i = 0; i < mcf->slots.nelts; i++) {
        jg_slot_sh_t *s = &sh->slots[i];
        p = ngx_sprintf(p, "%s{\"server\":", i ? "," : "");
        p = json_str(p, &keys[i].server_name);
        p = ngx_sprintf(p, ",\"uri\":");
        p = json_str(p, &keys[i].uri);
        if (keys[i].provider.len) {
            p = ngx_sprintf(p, ",\"provider\":");
            p = json_str(p, &keys[i].provider);
        }
        ngx_uint_t loaded = s->doc != NULL;
        p = ngx_sprintf(p, ",\"loaded\":%s,\"age\":", loaded ? "true" : "false");
        if (loaded)
            p = ngx_sprintf(p, "%T", ngx_time() - s->fetched_wall);
        else
            p = ngx_sprintf(p, "null");
        p = ngx_sprintf(p, ",\"keys\":%uA,\"skipped\":%uA,\"secrets_skipped\":%uA,"
                           "\"generation\":%uA,\"fetching\":%s,\"fetches\":{\"ok\":%uA,\"failed\":{",
                        s->keys, s->skipped, s->secrets_skipped, s->generation,
                        in_flight(s) ? "true" : "false", s->fetch_ok);
        for (ngx_uint_t f = 0; f < JG_FAIL_REASONS; f++)
            p = ngx_sprintf(p, "%s\"%s\":%uA", f ? "," : "", jg_fail_names[f], s->fetch_failed[f]);
        p = ngx_sprintf(p, "}}}");
    }
    p = ngx_sprintf(p, "]}\n");

    ngx_uint_t code = lcf->status == 2 && !ready ? NGX_HTTP_SERVICE_UNAVAILABLE : NGX_HTTP_OK;
    r->headers_out.status = code;
    r->headers_out.content_length_n = p - buf;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    ngx_int_t rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only)
        return rc;
    ngx_buf_t *b = ngx_calloc_buf(r->pool);
    if (b == NULL)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    b->pos = buf;
    b->last = p;
    b->memory = 1;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;
    ngx_chain_t out = {b, NULL};
    return ngx_http_output_filter(r, &out);
}

/* auth_jwtguard_status [ready] */
char *jg_status_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    if (lcf->status)
        return "is duplicate";
    lcf->status = 1;
    if (cf->args->nelts == 2) {
        if (value[1].len != 5 || ngx_strncmp(value[1].data, "ready", 5) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": unknown parameter \"%V\" (only "
                               "\"ready\")", &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }
        lcf->status = 2;
    }
    ngx_http_core_loc_conf_t *clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = status_handler;
    return NGX_CONF_OK;
}
