/*
 * jwtguard for HAProxy: a Lua C module (Lua 5.3, the version Debian's haproxy links) over the
 * jwtguard C ABI, linked with libjwtguard.a.
 *
 *   local jwtguard = require "jwtguard"            -- in the file `lua-load` runs
 *   local v = assert(jwtguard.new { jwks_file = "/etc/haproxy/jwks.json",
 *                                   issuers = { "https://issuer.example" },
 *                                   audiences = { "api.example" } })
 *   jwtguard.register_action("jwtguard_api", v, { claims = { sub = "sub" } })
 *
 *   http-request lua.jwtguard_api                  -- in haproxy.cfg
 *
 * The action reads the request's token (the Authorization header's bearer token, or the header
 * `token_header` names), verifies it against the verifier built at lua-load time and the clock,
 * and sets transaction variables for `http-request` rules: txn.jwtguard_status (the status
 * name, "JWTGUARD_OK", "JWTGUARD_EXPIRED", ...), txn.jwtguard_http (200, or the RFC 6750
 * answer: 400, 401, 403, 500), txn.jwtguard_message (the library's message, for the
 * challenge), and txn.jwt_NAME for each claim in `claims` (NAME = path), set only on success
 * and only when the value has no control characters.
 *
 * Verifiers are configured once; verify() only reads them, so HAProxy's threads can share one.
 * Nothing a client sends is kept past the call; the result lives on this call's stack.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "jwtguard.h"

#define VERIFIER_MT "jwtguard.verifier"
#define PROVIDERS_MT "jwtguard.providers"
#define CLAIM_CAP 4096

typedef struct {
    jwtguard_verifier *v;
    int large; /* max_token_size over 2048: verify into a large result */
} lverifier;

/* A set of providers (jwtguard.providers{...}): its members are kept alive in the userdata's
 * user value. */
typedef struct {
    jwtguard_providers set;
    int large;
} lproviders;

/* Verify into whichever result the verifier's token size needs; `*res` is the claims'. The
 * large result (12.4 KiB) is on this call's stack only when configured. */
static jwtguard_status verify_token(const lverifier *lv, const uint8_t *tok, size_t len, uint64_t now,
                                    jwtguard_result *small, jwtguard_large_result *large,
                                    const jwtguard_result **res)
{
    if (lv->large) {
        jwtguard_status s = jwtguard_verify_large(lv->v, tok, len, now, NULL, 0, large);
        *res = jwtguard_large_result_get(large);
        return s;
    }
    *res = small;
    return jwtguard_verify(lv->v, tok, len, now, NULL, 0, small);
}

static lverifier *check_verifier(lua_State *L, int i)
{
    lverifier *lv = luaL_checkudata(L, i, VERIFIER_MT);
    if (lv->v == NULL)
        luaL_error(L, "jwtguard: a freed verifier");
    return lv;
}

/* nil, "what: message", "JWTGUARD_NAME" */
static int fail(lua_State *L, const char *what, jwtguard_status s)
{
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", what, jwtguard_error_message(s));
    lua_pushstring(L, jwtguard_error_name(s));
    return 3;
}

/* Each element of the option `name` (a string or a list of strings) through `add`. */
static jwtguard_status add_list(lua_State *L, int opts, const char *name, jwtguard_verifier *v,
                                jwtguard_status (*add)(jwtguard_verifier *, const uint8_t *, size_t))
{
    jwtguard_status s = JWTGUARD_OK;
    lua_getfield(L, opts, name);
    if (lua_type(L, -1) == LUA_TSTRING) {
        size_t n;
        const char *text = lua_tolstring(L, -1, &n);
        s = add(v, (const uint8_t *)text, n);
    } else if (lua_type(L, -1) == LUA_TTABLE) {
        lua_Integer len = (lua_Integer)luaL_len(L, -1);
        for (lua_Integer i = 1; i <= len && s == JWTGUARD_OK; i++) {
            lua_geti(L, -1, i);
            size_t n;
            const char *text = lua_tolstring(L, -1, &n);
            s = text != NULL ? add(v, (const uint8_t *)text, n) : JWTGUARD_INVALID_ARGUMENT;
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        s = JWTGUARD_INVALID_ARGUMENT;
    }
    lua_pop(L, 1);
    return s;
}

/* A whole file, or NULL (the caller frees it). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && n <= 16 * 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)n);
            if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
            }
            *len = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

static const char *const known_options[] = {
    "jwks", "jwks_file", "issuers", "audiences", "authorized_parties", "permissions",
    "permissions_claim", "access_token", "leeway", "max_age", "require_kid", "require_exp",
    "require_sub", "max_token_size", NULL};

/* jwtguard.new{ ... }: a verifier, or nil, "option: message", "JWTGUARD_NAME". Options:
 * jwks (a document) or jwks_file (its path), issuers, audiences, authorized_parties,
 * permissions (required of every token), permissions_claim, access_token (RFC 9068), leeway,
 * max_age, require_kid, require_exp, require_sub, max_token_size. A setting that cannot take
 * effect is refused here, naming the option; so is an unknown option. */
static int l_new(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        lua_pop(L, 1);
        const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?";
        int ok = 0;
        for (const char *const *k = known_options; *k && !ok; k++)
            ok = strcmp(*k, key) == 0;
        if (!ok) {
            lua_pushnil(L);
            lua_pushfstring(L, "unknown option %s", key);
            lua_pushstring(L, "JWTGUARD_INVALID_ARGUMENT");
            return 3;
        }
    }
    lverifier *lv = lua_newuserdata(L, sizeof *lv);
    lv->v = NULL;
    lv->large = 0;
    luaL_setmetatable(L, VERIFIER_MT);
    lv->v = jwtguard_verifier_new();
    if (lv->v == NULL)
        return luaL_error(L, "jwtguard: out of memory");
    jwtguard_verifier *v = lv->v;
    jwtguard_status s;

    lua_getfield(L, 1, "jwks");
    lua_getfield(L, 1, "jwks_file");
    if (lua_isstring(L, -2)) {
        size_t n;
        const char *doc = lua_tolstring(L, -2, &n);
        if ((s = jwtguard_verifier_add_jwks(v, (const uint8_t *)doc, n, NULL, NULL)) != JWTGUARD_OK)
            return fail(L, "jwks", s);
    }
    if (lua_isstring(L, -1)) {
        size_t n = 0;
        char *doc = read_file(lua_tostring(L, -1), &n);
        if (doc == NULL) {
            lua_pushnil(L);
            lua_pushfstring(L, "jwks_file: cannot read %s", lua_tostring(L, -2));
            lua_pushstring(L, "JWTGUARD_INVALID_ARGUMENT");
            return 3;
        }
        s = jwtguard_verifier_add_jwks(v, (const uint8_t *)doc, n, NULL, NULL);
        free(doc);
        if (s != JWTGUARD_OK)
            return fail(L, "jwks_file", s);
    }
    lua_pop(L, 2);
    if ((s = add_list(L, 1, "issuers", v, jwtguard_verifier_add_issuer)) != JWTGUARD_OK)
        return fail(L, "issuers", s);
    if ((s = add_list(L, 1, "audiences", v, jwtguard_verifier_add_audience)) != JWTGUARD_OK)
        return fail(L, "audiences", s);
    if ((s = add_list(L, 1, "authorized_parties", v, jwtguard_verifier_add_authorized_party)) != JWTGUARD_OK)
        return fail(L, "authorized_parties", s);
    /* The profile before the permissions claim: it sets "scope" unless one is named. */
    lua_getfield(L, 1, "access_token");
    if (lua_toboolean(L, -1) && (s = jwtguard_verifier_set_access_token_profile(v, 1)) != JWTGUARD_OK)
        return fail(L, "access_token", s);
    lua_pop(L, 1);
    lua_getfield(L, 1, "permissions_claim");
    if (lua_isstring(L, -1)) {
        size_t n;
        const char *p = lua_tolstring(L, -1, &n);
        if ((s = jwtguard_verifier_set_permissions_claim(v, (const uint8_t *)p, n)) != JWTGUARD_OK)
            return fail(L, "permissions_claim", s);
    }
    lua_pop(L, 1);
    if ((s = add_list(L, 1, "permissions", v, jwtguard_verifier_add_required_permission)) != JWTGUARD_OK)
        return fail(L, "permissions", s);
    static const char *const numbers[] = {"leeway", "max_age", "max_token_size"};
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, 1, numbers[i]);
        if (!lua_isnil(L, -1)) {
            int is_int = 0;
            lua_Integer n = lua_tointegerx(L, -1, &is_int);
            if (!is_int || n < 0 || (i == 1 && n == 0))
                return fail(L, numbers[i], JWTGUARD_INVALID_ARGUMENT);
            s = i == 0   ? jwtguard_verifier_set_leeway(v, (uint64_t)n)
                : i == 1 ? jwtguard_verifier_set_max_age(v, (uint64_t)n)
                         : jwtguard_verifier_set_max_token_size(v, (size_t)n);
            if (i == 2)
                lv->large = n > JWTGUARD_DEFAULT_MAX_TOKEN_SIZE;
            if (s != JWTGUARD_OK)
                return fail(L, numbers[i], s);
        }
        lua_pop(L, 1);
    }
    static const char *const flags[] = {"require_kid", "require_exp", "require_sub"};
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, 1, flags[i]);
        if (!lua_isnil(L, -1)) {
            uint32_t on = lua_toboolean(L, -1) ? 1 : 0;
            s = i == 0   ? jwtguard_verifier_set_require_kid(v, on)
                : i == 1 ? jwtguard_verifier_set_require_exp(v, on)
                         : jwtguard_verifier_set_require_sub(v, on);
            if (s != JWTGUARD_OK)
                return fail(L, flags[i], s);
        }
        lua_pop(L, 1);
    }
    /* Fail-safe defaults: keys without an issuer or an audience to check. */
    if ((s = jwtguard_verifier_check(v)) != JWTGUARD_OK)
        return fail(L, "issuers/audiences", s);
    return 1;
}

/* jwtguard.providers({ v1, v2, ... } [, kidless_limit]): each token checked by the policy of
 * the provider whose key verified it (RFC 8725 §3.8). Returns the set, or nil, message, name. */
static int l_providers(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer limit = luaL_optinteger(L, 2, 0);
    lproviders *lp = lua_newuserdata(L, sizeof *lp);
    luaL_setmetatable(L, PROVIDERS_MT);
    lp->large = 0;
    jwtguard_status s = jwtguard_providers_init(&lp->set, sizeof lp->set);
    lua_Integer n = (lua_Integer)luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n && s == JWTGUARD_OK; i++) {
        lua_geti(L, 1, i);
        lverifier *lv = check_verifier(L, -1);
        s = jwtguard_providers_add(&lp->set, lv->v);
        lp->large |= lv->large;
        lua_pop(L, 1);
    }
    if (s == JWTGUARD_OK && limit > 0)
        s = jwtguard_providers_set_kidless_limit(&lp->set, (uint32_t)limit);
    if (s == JWTGUARD_OK && lp->large)
        s = jwtguard_providers_set_max_token_size(&lp->set, JWTGUARD_MAX_TOKEN_CAPACITY);
    if (s == JWTGUARD_OK)
        s = jwtguard_providers_check(&lp->set);
    if (s != JWTGUARD_OK)
        return fail(L, "providers", s);
    /* The set points at the verifiers: they live as long as it does. */
    lua_pushvalue(L, 1);
    lua_setuservalue(L, -2);
    return 1;
}

/* Verify with a verifier or a providers set (the userdata at `idx`). */
static jwtguard_status verify_any(lua_State *L, int idx, const uint8_t *tok, size_t len, uint64_t now,
                                  jwtguard_result *small, jwtguard_large_result *large,
                                  const jwtguard_result **res)
{
    lproviders *lp = luaL_testudata(L, idx, PROVIDERS_MT);
    if (lp == NULL)
        return verify_token(check_verifier(L, idx), tok, len, now, small, large, res);
    if (lp->large) {
        jwtguard_status s = jwtguard_providers_verify_large(&lp->set, tok, len, now, NULL, 0, large);
        *res = jwtguard_large_result_get(large);
        return s;
    }
    *res = small;
    return jwtguard_providers_verify(&lp->set, tok, len, now, NULL, 0, small);
}

static int l_gc(lua_State *L)
{
    lverifier *lv = luaL_checkudata(L, 1, VERIFIER_MT);
    jwtguard_verifier_free(lv->v);
    lv->v = NULL;
    return 0;
}

static uint64_t now_seconds(void)
{
    return (uint64_t)time(NULL);
}

/* The HTTP answer RFC 6750 §3 gives a status. */
static int http_status(jwtguard_status s)
{
    if (s == JWTGUARD_OK)
        return 200;
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS)
        return 403;
    if (s == JWTGUARD_MALFORMED_AUTHORIZATION)
        return 400;
    if (((int)s >= 1 && (int)s < 100) || (int)s >= 900)
        return 500;
    return 401;
}

/* The token in `value`: an Authorization value ("Bearer <token>") when it has a space or a
 * tab, else the token itself. */
static jwtguard_status token_of(const char *value, size_t len, const uint8_t **tok, size_t *tok_len)
{
    if (memchr(value, ' ', len) == NULL && memchr(value, '\t', len) == NULL) {
        *tok = (const uint8_t *)value;
        *tok_len = len;
        return len > 0 ? JWTGUARD_OK : JWTGUARD_MISSING_BEARER_TOKEN;
    }
    return jwtguard_bearer_token((const uint8_t *)value, len, tok, tok_len);
}

/* v:verify(token [, now]) -> status name, HTTP status, message: for a script's own rules, and
 * for the tests. */
static int l_verify(lua_State *L)
{
    size_t len;
    const char *value = luaL_checklstring(L, 2, &len);
    uint64_t now = lua_isnoneornil(L, 3) ? now_seconds() : (uint64_t)luaL_checkinteger(L, 3);
    const uint8_t *tok;
    size_t tok_len;
    jwtguard_status s = token_of(value, len, &tok, &tok_len);
    if (s == JWTGUARD_OK) {
        jwtguard_result small;
        jwtguard_large_result large;
        const jwtguard_result *r;
        s = verify_any(L, 1, tok, tok_len, now, &small, &large, &r);
    }
    lua_pushstring(L, jwtguard_error_name(s));
    lua_pushinteger(L, http_status(s));
    lua_pushstring(L, jwtguard_error_message(s));
    return 3;
}

/* txn:set_var(name, value) for the transaction at stack index `txn`. */
static void set_var(lua_State *L, int txn, const char *name, const char *value, size_t len)
{
    lua_getfield(L, txn, "set_var");
    lua_pushvalue(L, txn);
    lua_pushstring(L, name);
    lua_pushlstring(L, value, len);
    lua_call(L, 3, 0);
}

static void set_int_var(lua_State *L, int txn, const char *name, lua_Integer value)
{
    lua_getfield(L, txn, "set_var");
    lua_pushvalue(L, txn);
    lua_pushstring(L, name);
    lua_pushinteger(L, value);
    lua_call(L, 3, 0);
}

/* The first value of request header `name` (lower case), pushed, or nil. */
static void request_header(lua_State *L, int txn, const char *name)
{
    lua_getfield(L, txn, "http");
    lua_getfield(L, -1, "req_get_headers");
    lua_pushvalue(L, -2);
    lua_call(L, 1, 1);
    lua_remove(L, -2);
    if (lua_type(L, -1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return;
    }
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
    if (lua_type(L, -1) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return;
    }
    lua_geti(L, -1, 0);
    lua_remove(L, -2);
}

/* The action: upvalue 1 the verifier, 2 the claims table (variable name -> claim path), 3 the
 * token header's name (lower case). */
static int action(lua_State *L)
{
    const int txn = 1;
    request_header(L, txn, lua_tostring(L, lua_upvalueindex(3)));
    jwtguard_status s = JWTGUARD_MISSING_BEARER_TOKEN;
    jwtguard_result small;
    jwtguard_large_result large;
    const jwtguard_result *r = &small;
    if (lua_isstring(L, -1)) {
        size_t len;
        const char *value = lua_tolstring(L, -1, &len);
        const uint8_t *tok;
        size_t tok_len;
        s = token_of(value, len, &tok, &tok_len);
        /* Another scheme is no bearer token (RFC 6750 §3.1). */
        if (s == JWTGUARD_NOT_BEARER)
            s = JWTGUARD_MISSING_BEARER_TOKEN;
        if (s == JWTGUARD_OK)
            s = verify_any(L, lua_upvalueindex(1), tok, tok_len, now_seconds(), &small, &large, &r);
    }
    lua_pop(L, 1);
    const char *name = jwtguard_error_name(s);
    const char *message = jwtguard_error_message(s);
    set_var(L, txn, "txn.jwtguard_status", name, strlen(name));
    set_var(L, txn, "txn.jwtguard_message", message, strlen(message));
    set_int_var(L, txn, "txn.jwtguard_http", http_status(s));
    if (s != JWTGUARD_OK)
        return 0;
    uint8_t buf[CLAIM_CAP];
    lua_pushnil(L);
    while (lua_next(L, lua_upvalueindex(2)) != 0) {
        size_t path_len, n = 0;
        const char *var = lua_tostring(L, -2);
        const char *path = lua_tolstring(L, -1, &path_len);
        if (var != NULL && path != NULL &&
            jwtguard_result_claim(r, (const uint8_t *)path, path_len, buf, sizeof buf, &n) == JWTGUARD_OK) {
            size_t i = 0;
            while (i < n && buf[i] >= 0x20 && buf[i] != 0x7f)
                i++;
            if (i == n) {
                char full[128];
                snprintf(full, sizeof full, "txn.jwt_%s", var);
                set_var(L, txn, full, (const char *)buf, n);
            }
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* jwtguard.register_action(name, verifier or providers set [, { claims = { var = path, ... },
 * token_header = "authorization" }]): `http-request lua.NAME` in haproxy.cfg. */
static int l_register_action(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (luaL_testudata(L, 2, PROVIDERS_MT) == NULL)
        check_verifier(L, 2);
    lua_settop(L, 3);
    lua_getglobal(L, "core");
    if (lua_type(L, -1) != LUA_TTABLE)
        return luaL_error(L, "jwtguard.register_action: not running inside HAProxy (no core)");
    lua_getfield(L, -1, "register_action");
    lua_pushstring(L, name);
    lua_createtable(L, 1, 0);
    lua_pushstring(L, "http-req");
    lua_rawseti(L, -2, 1);
    /* The closure's upvalues: the verifier, the claims, the token header. */
    lua_pushvalue(L, 2);
    if (lua_type(L, 3) == LUA_TTABLE) {
        lua_getfield(L, 3, "claims");
        if (lua_type(L, -1) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
        }
        lua_getfield(L, 3, "token_header");
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            lua_pushstring(L, "authorization");
        }
    } else {
        lua_newtable(L);
        lua_pushstring(L, "authorization");
    }
    lua_pushcclosure(L, action, 3);
    lua_pushinteger(L, 0);
    lua_call(L, 4, 0);
    return 0;
}

/* jwtguard.bearer(value) -> token, or nil, message, name. */
static int l_bearer(lua_State *L)
{
    size_t len;
    const char *value = luaL_checklstring(L, 1, &len);
    const uint8_t *tok;
    size_t tok_len;
    jwtguard_status s = jwtguard_bearer_token((const uint8_t *)value, len, &tok, &tok_len);
    if (s != JWTGUARD_OK)
        return fail(L, "bearer", s);
    lua_pushlstring(L, (const char *)tok, tok_len);
    return 1;
}

int luaopen_jwtguard(lua_State *L)
{
    static const luaL_Reg methods[] = {{"verify", l_verify}, {NULL, NULL}};
    static const luaL_Reg functions[] = {{"new", l_new},
                                         {"providers", l_providers},
                                         {"register_action", l_register_action},
                                         {"bearer", l_bearer},
                                         {NULL, NULL}};
    if (luaL_newmetatable(L, VERIFIER_MT)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, PROVIDERS_MT)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    luaL_newlib(L, functions);
    return 1;
}
