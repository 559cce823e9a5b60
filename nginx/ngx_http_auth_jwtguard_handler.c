/*
 * ngx_http_auth_jwtguard_module: the access handler (the token, the keys, the verdict and its
 * RFC 6750 response), the claim headers passed upstream, and the variables.
 *
 * Per request the module takes the token from the Authorization header (RFC 6750 §2.1) or the
 * variable auth_jwtguard_token names, verifies it against ngx_time() with the level's keys
 * (static, fetched, or a providers set), checks the location's required permissions and claim
 * requirements, and on success passes the configured claims upstream as request headers.
 * `$jwtguard_error` is the outcome's status name, for access logs and `map`; the token itself
 * is never logged.
 *
 * Responses follow RFC 6750 §3: no credentials -> 401 with `Bearer realm="..."`; a malformed
 * Authorization header -> 400 `error="invalid_request"`; a bad token -> 401
 * `error="invalid_token"` with jwtguard's message as error_description; missing permissions ->
 * 403 `error="insufficient_scope"`. No usable key (a fetched set not loaded yet, or older than
 * auth_jwtguard_key_max_stale) -> 500, logged: never a pass.
 */

#include "ngx_http_auth_jwtguard.h"

static ngx_int_t challenge(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                           ngx_int_t http_status, const char *error, jwtguard_status s);
static ngx_int_t strip_claim_headers(ngx_http_request_t *r,
                                     ngx_http_auth_jwtguard_loc_conf_t *lcf);
static ngx_int_t add_claim_headers(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                   const jwtguard_result *res);

/* The first auth_jwtguard_require_claim of the location that does not hold for the verified
 * token, or NULL when all hold; `*why` says how it failed: JWTGUARD_CLAIM_NOT_FOUND (the claim
 * is absent) or JWTGUARD_CLAIM_MISMATCH (it is there, with none of the values). */
static jg_claim_requirement_t *failed_requirement(ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                                  const jwtguard_result *res, jwtguard_status *why)
{
    if (lcf->requirements == NULL)
        return NULL;
    jg_claim_requirement_t *req = lcf->requirements->elts;
    for (ngx_uint_t i = 0; i < lcf->requirements->nelts; i++) {
        *why = JWTGUARD_CLAIM_MISMATCH;
        for (ngx_uint_t j = 0; j < req[i].n_values && *why != JWTGUARD_OK; j++)
            *why = jwtguard_result_claim_matches(res, req[i].path.data, req[i].path.len,
                                                 req[i].values[j].data, req[i].values[j].len);
        if (*why != JWTGUARD_OK)
            return &req[i];
    }
    return NULL;
}

/* ---- the access handler ------------------------------------------------------------------ */

/* RFC 6750 §3: the challenge, with an error and its description when there is one. */
static ngx_int_t challenge(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                           ngx_int_t http_status, const char *error, jwtguard_status s)
{
    const char *desc = error != NULL ? jwtguard_error_message(s) : NULL;
    size_t len = sizeof("Bearer realm=\"\"") - 1 + lcf->realm.len;
    if (error != NULL)
        len += sizeof(", error=\"\", error_description=\"\"") - 1 + ngx_strlen(error) +
               ngx_strlen(desc);
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS) {
        len += sizeof(", scope=\"\"") - 1;
        for (ngx_uint_t i = 0; i < lcf->n_required; i++)
            len += lcf->required[i].len + 1;
    }
    u_char *buf = ngx_pnalloc(r->pool, len);
    if (buf == NULL)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    u_char *p = ngx_sprintf(buf, "Bearer realm=\"%V\"", &lcf->realm);
    if (error != NULL) {
        p = ngx_sprintf(p, ", error=\"%s\", error_description=\"", error);
        /* RFC 6750 §3: error_description excludes '"' and '\'; jwtguard's messages have
         * neither, and this keeps it so. */
        for (const char *c = desc; *c; c++)
            *p++ = (*c == '"' || *c == '\\') ? '\'' : (u_char)*c;
        *p++ = '"';
    }
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS && lcf->n_required > 0) {
        p = ngx_cpymem(p, ", scope=\"", sizeof(", scope=\"") - 1);
        for (ngx_uint_t i = 0; i < lcf->n_required; i++) {
            if (i > 0)
                *p++ = ' ';
            p = ngx_cpymem(p, lcf->required[i].ptr, lcf->required[i].len);
        }
        *p++ = '"';
    }

    ngx_table_elt_t *h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL; /* 1.23 links repeated headers */
#endif
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.data = buf;
    h->value.len = (size_t)(p - buf);
    r->headers_out.www_authenticate = h;
    if (error != NULL)
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "auth_jwtguard: %s: %s (%s)", error,
                      desc, jwtguard_error_name(s));
    return http_status;
}

/* A claim as a header value, or NULL: absent, or not safe in a header (control characters). */
static u_char *claim_value(ngx_http_request_t *r, const jwtguard_result *res, ngx_str_t *path,
                           size_t *len)
{
    /* Arrays of strings are joined with ", " (the list form of HTTP field values, RFC 9110
     * §5.6.1); strings are their text, anything else compact JSON. */
    static const uint8_t sep[] = ", ";
    size_t n = 0;
    jwtguard_status s =
        jwtguard_result_claim_joined(res, path->data, path->len, sep, 2, NULL, 0, &n);
    if (s == JWTGUARD_CLAIM_HAS_SEPARATOR) {
        /* ["reader, admin"] and ["reader","admin"] would be one header: not passed. */
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "auth_jwtguard: claim \"%V\" has an element containing \", \"; not passed",
                      path);
        return NULL;
    }
    if (s != JWTGUARD_BUFFER_TOO_SMALL && s != JWTGUARD_OK)
        return NULL;
    u_char *buf = ngx_pnalloc(r->pool, n + 1);
    if (buf == NULL)
        return NULL;
    if (jwtguard_result_claim_joined(res, path->data, path->len, sep, 2, buf, n + 1, len) !=
        JWTGUARD_OK)
        return NULL;
    for (size_t i = 0; i < *len; i++) {
        if (buf[i] < 0x20 || buf[i] == 0x7f) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "auth_jwtguard: claim \"%V\" has control characters; not passed", path);
            return NULL;
        }
    }
    return buf;
}

/* Whether a request header's name is the configured claim header's, ignoring case and treating
 * '-' and '_' alike: with `underscores_in_headers on` a client can send X_Jwt_Sub, which CGI,
 * FastCGI and many frameworks map to the same variable as X-Jwt-Sub. */
static ngx_uint_t same_header_name(const ngx_str_t *a, const ngx_str_t *b)
{
    if (a->len != b->len)
        return 0;
    for (size_t i = 0; i < a->len; i++) {
        u_char x = ngx_tolower(a->data[i]), y = ngx_tolower(b->data[i]);
        if (x == '_')
            x = '-';
        if (y == '_')
            y = '-';
        if (x != y)
            return 0;
    }
    return 1;
}

static ngx_uint_t is_claim_header(ngx_http_auth_jwtguard_loc_conf_t *lcf, const ngx_str_t *name)
{
    jg_claim_header_t *ch = lcf->claim_headers->elts;
    for (ngx_uint_t j = 0; j < lcf->claim_headers->nelts; j++)
        if (same_header_name(name, &ch[j].header))
            return 1;
    return 0;
}

/* Remove every client-sent header that has a configured claim header's name, so an upstream
 * never sees a forged one. It runs first on every path through the handler (the module off,
 * a missing or bad token): under `satisfy any` another access module can let the request
 * through after this one refused it. With no such header the list is left as it is; otherwise
 * it is rebuilt without them, and the old list stays in the pool, so the pointers nginx keeps
 * into it (Host, User-Agent, ...) stay valid. */
static ngx_int_t strip_claim_headers(ngx_http_request_t *r,
                                     ngx_http_auth_jwtguard_loc_conf_t *lcf)
{
    if (lcf->claim_headers == NULL)
        return NGX_OK;
    ngx_uint_t count = 0, forged = 0;
    ngx_list_part_t *part;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        ngx_table_elt_t *h = part->elts;
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            count++;
            forged += is_claim_header(lcf, &h[i].key);
        }
    }
    if (forged == 0)
        return NGX_OK;
    /* The new list is built in place (its `last` points into itself, so it must not be
     * copied), from a copy of the old one's head, whose parts stay where they are. */
    ngx_list_t old = r->headers_in.headers;
    /* Room for the claim headers added on success, too. */
    if (ngx_list_init(&r->headers_in.headers, r->pool, count - forged + lcf->claim_headers->nelts,
                      sizeof(ngx_table_elt_t)) != NGX_OK)
        return NGX_ERROR;
    for (part = &old.part; part; part = part->next) {
        ngx_table_elt_t *h = part->elts;
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            if (is_claim_header(lcf, &h[i].key))
                continue;
            ngx_table_elt_t *copy = ngx_list_push(&r->headers_in.headers);
            if (copy == NULL)
                return NGX_ERROR;
            *copy = h[i];
        }
    }
    return NGX_OK;
}

/* After a successful verify: the configured claims as request headers for the upstream. */
static ngx_int_t add_claim_headers(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                   const jwtguard_result *res)
{
    if (lcf->claim_headers == NULL)
        return NGX_OK;
    jg_claim_header_t *ch = lcf->claim_headers->elts;
    for (ngx_uint_t j = 0; j < lcf->claim_headers->nelts; j++) {
        size_t len = 0;
        u_char *value = claim_value(r, res, &ch[j].path, &len);
        if (value == NULL)
            continue;
        ngx_table_elt_t *h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL)
            return NGX_ERROR;
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
        h->key = ch[j].header;
        h->value.data = value;
        h->value.len = len;
        h->lowcase_key = ngx_pnalloc(r->pool, ch[j].header.len);
        if (h->lowcase_key == NULL)
            return NGX_ERROR;
        h->hash = ngx_hash_strlow(h->lowcase_key, ch[j].header.data, ch[j].header.len);
    }
    return NGX_OK;
}

/* Key-stage and signature failures: with a provider's fetched set left out, such a token may
 * be that provider's, so it is refused as an outage (500), not as a bad token. */
static ngx_uint_t key_stage(jwtguard_status s)
{
    return s == JWTGUARD_UNKNOWN_KEY || s == JWTGUARD_ALGORITHM_MISMATCH ||
           s == JWTGUARD_MISSING_KEY_ID || s == JWTGUARD_SIGNATURE_LENGTH ||
           s == JWTGUARD_INVALID_SIGNATURE;
}

/* The verdict, counted in the zone (when there is one), then its response. */
static ngx_int_t verdict(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                         ngx_http_auth_jwtguard_ctx_t *ctx, ngx_int_t http_status,
                         const char *error, jwtguard_status s)
{
    ctx->status = s;
    jg_count(r, s, NULL);
    return challenge(r, lcf, http_status, error, error != NULL ? s : JWTGUARD_OK);
}

ngx_int_t jg_access_handler(ngx_http_request_t *r)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf =
        ngx_http_get_module_loc_conf(r, ngx_http_auth_jwtguard_module);
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    /* A key request is the module's own: nothing of it is checked here. */
    if (ctx != NULL && ctx->fetch != NULL)
        return NGX_DECLINED;
    /* First, whatever follows: forged claim headers never reach an upstream. */
    if (strip_claim_headers(r, lcf) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (ctx == NULL && (lcf->enable || lcf->status == 2)) {
        ctx = ngx_pcalloc(r->pool, sizeof(*ctx));
        if (ctx == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        ngx_http_set_ctx(r, ctx, ngx_http_auth_jwtguard_module);
    }
    /* A status location answers about the gateway, not for a token (protect it with allow and
     * deny, as stub_status); a readiness one (auth_jwtguard_status ready) first fetches what
     * its server lacks. */
    if (lcf->status == 2) {
        ngx_int_t rc = jg_warm(r, ctx);
        return rc == NGX_ERROR ? NGX_HTTP_INTERNAL_SERVER_ERROR : rc == NGX_AGAIN ? NGX_AGAIN
                                                                                  : NGX_DECLINED;
    }
    if (lcf->status)
        return NGX_DECLINED;
    if (!lcf->enable)
        return NGX_DECLINED;
    if (lcf->verifier == NULL && lcf->set == NULL && lcf->source == NULL && lcf->n_fetched == 0) {
        /* Fail closed: tokens are required here but no key was configured for this level. */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard is on but no key is configured for this request's level");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* Every pass verifies: there is no "already verified" shortcut, which would skip this
     * location's permissions if a request ever reached the handler twice. (An internal
     * redirect clears module contexts anyway; a pass that waited for keys runs again.) The
     * context records the outcome for $jwtguard_error, whatever it is. */
    ctx->ran = 1;
    ctx->result = NULL;
    ngx_str_null(&ctx->provider);

    const uint8_t *token = NULL;
    size_t token_len = 0;
    jwtguard_status s;
    if (lcf->token != NULL) {
        /* auth_jwtguard_token: the token is the variable's value (a cookie, an argument); the
         * Authorization header is not looked at. */
        ngx_str_t value;
        if (ngx_http_complex_value(r, lcf->token, &value) != NGX_OK)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (value.len == 0)
            return verdict(r, lcf, ctx, NGX_HTTP_UNAUTHORIZED, NULL, JWTGUARD_MISSING_BEARER_TOKEN);
        token = value.data;
        token_len = value.len;
    } else {
        if (r->headers_in.authorization == NULL)
            return verdict(r, lcf, ctx, NGX_HTTP_UNAUTHORIZED, NULL, JWTGUARD_MISSING_BEARER_TOKEN);
        ngx_str_t *auth = &r->headers_in.authorization->value;
        s = jwtguard_bearer_token(auth->data, auth->len, &token, &token_len);
        if (s == JWTGUARD_NOT_BEARER)
            /* Another scheme: no bearer credentials at all (RFC 6750 §3.1: no error code). */
            return verdict(r, lcf, ctx, NGX_HTTP_UNAUTHORIZED, NULL, s);
        if (s != JWTGUARD_OK)
            return verdict(r, lcf, ctx, NGX_HTTP_BAD_REQUEST, "invalid_request", s);
    }

    /* The keys: static, or a fetched set (which this request may wait for: the first fetch,
     * or another worker's fetch in flight), or providers built over both. */
    const jwtguard_verifier *verifier;
    jwtguard_providers *set;
    ngx_uint_t missing;
    ngx_int_t rc = jg_request_keys(r, lcf, ctx, &verifier, &set, &missing);
    if (rc == NGX_AGAIN)
        return NGX_AGAIN;
    if (rc != NGX_OK) {
        ctx->status = JWTGUARD_NO_USABLE_KEYS;
        jg_count(r, ctx->status, NULL);
        return NGX_HTTP_INTERNAL_SERVER_ERROR; /* fail closed, logged */
    }

    /* A result of 1.9 KiB for tokens of up to 2 KiB; the 12.4 KiB large one only where
     * auth_jwtguard_max_token_size allows more (every verify zeroes its result). */
    const jwtguard_result *res;
    uint64_t now = (uint64_t)ngx_time();
    /* The verify cache (auth_jwtguard_cache): a token this configuration accepted before is
     * answered without its signature check; everything below (claim headers, variables, the
     * forged headers' removal) runs on its result as on a verify's. Sets of providers are
     * verified in full. */
    const jwtguard_cache *cache =
        lcf->cache != NULL ? *(jwtguard_cache **)lcf->cache->data : NULL;
    if (lcf->max_token_size > JWTGUARD_DEFAULT_MAX_TOKEN_SIZE) {
        jwtguard_large_result *large = ngx_palloc(r->pool, sizeof(jwtguard_large_result));
        if (large == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (set != NULL)
            s = jwtguard_providers_verify_large(set, token, token_len, now, lcf->required,
                                                lcf->n_required, large);
        else if (cache != NULL)
            s = jwtguard_verify_cached_large(verifier, cache, token, token_len, now,
                                             lcf->required, lcf->n_required, large);
        else
            s = jwtguard_verify_large(verifier, token, token_len, now, lcf->required,
                                      lcf->n_required, large);
        res = jwtguard_large_result_get(large);
    } else {
        jwtguard_result *small = ngx_palloc(r->pool, sizeof(jwtguard_result));
        if (small == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (set != NULL)
            s = jwtguard_providers_verify(set, token, token_len, now, lcf->required,
                                          lcf->n_required, small);
        else if (cache != NULL)
            s = jwtguard_verify_cached(verifier, cache, token, token_len, now, lcf->required,
                                       lcf->n_required, small);
        else
            s = jwtguard_verify(verifier, token, token_len, now, lcf->required, lcf->n_required,
                                small);
        res = small;
    }
    const jg_provider_conf_t *by = NULL;
    if (set != NULL) {
        int i = jwtguard_result_provider(res);
        if (i >= 0 && (ngx_uint_t)i < lcf->provider_names->nelts) {
            ctx->provider = ((ngx_str_t *)lcf->provider_names->elts)[i];
            by = lcf->members != NULL ? lcf->members[i].provider : NULL;
        }
    }
    ctx->status = s;
    /* A kid the fetched sets do not have: the identity provider may have rotated its keys.
     * Fetch again (each set at most once per its refresh time, once per request) and retry. */
    if (s == JWTGUARD_UNKNOWN_KEY && (lcf->source != NULL || lcf->n_fetched > 0)) {
        rc = jg_refetch(r, lcf, ctx);
        if (rc == NGX_AGAIN)
            return NGX_AGAIN;
        if (rc == NGX_ERROR)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (missing > 0 && key_stage(s)) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard: %s (%s), and %ui provider(s) had no usable key set: "
                      "refused as an outage",
                      jwtguard_error_message(s), jwtguard_error_name(s), missing);
        jg_count(r, s, NULL);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS)
        return verdict(r, lcf, ctx, NGX_HTTP_FORBIDDEN, "insufficient_scope", s);
    if (((int)s >= 1 && (int)s < 100) || (int)s >= 900) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "auth_jwtguard: %s (%s)",
                      jwtguard_error_message(s), jwtguard_error_name(s));
        jg_count(r, s, NULL);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (s != JWTGUARD_OK)
        return verdict(r, lcf, ctx, NGX_HTTP_UNAUTHORIZED, "invalid_token", s);

    /* Claim requirements: the token is valid but does not grant this route, so 403 as for a
     * missing permission (RFC 6750 §3.1's insufficient_scope: more privileges are needed).
     * The log names the requirement, and $jwtguard_error says absent or mismatched. */
    jwtguard_status why;
    jg_claim_requirement_t *failed = failed_requirement(lcf, res, &why);
    if (failed != NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "auth_jwtguard: auth_jwtguard_require_claim %V (%ui value%s) failed: %s",
                      &failed->path, failed->n_values, failed->n_values == 1 ? "" : "s",
                      jwtguard_error_name(why));
        return verdict(r, lcf, ctx, NGX_HTTP_FORBIDDEN, "insufficient_scope", why);
    }
    ctx->result = res;
    jg_count(r, JWTGUARD_OK, by);
    if (add_claim_headers(r, lcf, res) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return NGX_OK;
}

/* ---- variables: $jwt_sub, $jwt_claim_<name> ----------------------------------------------- */

static ngx_int_t claim_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                ngx_str_t *path)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    size_t len = 0;
    u_char *value = ctx != NULL && ctx->result != NULL ? claim_value(r, ctx->result, path, &len)
                                                       : NULL;
    if (value == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }
    v->data = value;
    v->len = len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

static ngx_int_t sub_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                              uintptr_t data)
{
    (void)data;
    ngx_str_t path = ngx_string("sub");
    return claim_variable(r, v, &path);
}

static ngx_int_t prefix_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                 uintptr_t data)
{
    /* `data` is the variable's full name, e.g. "jwt_claim_email". */
    ngx_str_t *name = (ngx_str_t *)data;
    ngx_str_t path;
    path.data = name->data + sizeof("jwt_claim_") - 1;
    path.len = name->len - (sizeof("jwt_claim_") - 1);
    return claim_variable(r, v, &path);
}

/* $jwtguard_error: the status name of the module's verdict on this request ("JWTGUARD_OK",
 * "JWTGUARD_EXPIRED", "JWTGUARD_MISSING_BEARER_TOKEN" when there was no token, ...); not found
 * when the module did not run (auth_jwtguard off). A static string: never the token. */
static ngx_int_t error_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                uintptr_t data)
{
    (void)data;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    if (ctx == NULL || !ctx->ran) {
        v->not_found = 1;
        return NGX_OK;
    }
    const char *name = jwtguard_error_name((uint32_t)ctx->status);
    v->data = (u_char *)name;
    v->len = ngx_strlen(name);
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

/* $jwtguard_provider: the name of the provider whose key verified the token (a location with
 * auth_jwtguard_providers); not found otherwise. */
static ngx_int_t provider_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                   uintptr_t data)
{
    (void)data;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    if (ctx == NULL || ctx->provider.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }
    v->data = ctx->provider.data;
    v->len = ctx->provider.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

ngx_int_t jg_add_variables(ngx_conf_t *cf)
{
    ngx_str_t provider = ngx_string("jwtguard_provider");
    ngx_http_variable_t *pv = ngx_http_add_variable(cf, &provider, NGX_HTTP_VAR_NOCACHEABLE);
    if (pv == NULL)
        return NGX_ERROR;
    pv->get_handler = provider_variable;

    ngx_str_t error = ngx_string("jwtguard_error");
    ngx_http_variable_t *ev = ngx_http_add_variable(cf, &error, NGX_HTTP_VAR_NOCACHEABLE);
    if (ev == NULL)
        return NGX_ERROR;
    ev->get_handler = error_variable;

    ngx_str_t sub = ngx_string("jwt_sub");
    ngx_http_variable_t *v = ngx_http_add_variable(cf, &sub, NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL)
        return NGX_ERROR;
    v->get_handler = sub_variable;

    ngx_str_t prefix = ngx_string("jwt_claim_");
    v = ngx_http_add_variable(cf, &prefix, NGX_HTTP_VAR_PREFIX | NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL)
        return NGX_ERROR;
    v->get_handler = prefix_variable;
    return NGX_OK;
}
