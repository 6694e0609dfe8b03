package io.bourse.auth;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.http.ApiArea;
import io.bourse.http.ratelimit.RateLimitConfig.Limit;
import io.bourse.http.ratelimit.RateLimiter;
import io.bourse.http.ratelimit.RateLimiter.Decision;
import io.bourse.store.Page;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Identity endpoints (login, refresh, logout, me, JWKS, admin users and tenants) and the gate in front of every
 * {@code /api/v1} route: per-IP rate limit, then bearer authentication (all routes but login and refresh), then the
 * per-user rate limit. The gate runs as a root handler, before contract validation, so an unauthenticated caller
 * learns nothing about request schemas. Role checks are per operation.
 */
public final class AuthArea implements ApiArea {
  static final String API_PREFIX = "/api/v1/";
  private static final Set<String> PUBLIC_API = Set.of("/api/v1/auth/login", "/api/v1/auth/refresh");

  private final AuthService auth;
  // Paths of the contract's /api/v1 operations: a path that matches none is left to the router's 404, so clients
  // see the same "no such endpoint" with or without a token.
  private volatile List<Pattern> apiPaths = List.of();

  public AuthArea(AuthService auth) {
    this.auth = auth;
  }

  @Override
  public List<Handler<RoutingContext>> rootHandlers() {
    return List.of(this::gate);
  }

  @Override
  public void mount(RouterBuilder builder) {
    apiPaths = builder.getRoutes().stream()
        .map(r -> r.getOperation().getOpenAPIPath())
        .filter(path -> path.startsWith(API_PREFIX))
        .distinct()
        .map(path -> Pattern.compile(Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q")))
        .toList();
    builder.getRoute("getJwks").addHandler(this::jwks);
    builder.getRoute("login").addHandler(this::login);
    builder.getRoute("refreshToken").addHandler(this::refresh);
    builder.getRoute("logout").addHandler(this::logout);
    builder.getRoute("getMe").addHandler(this::me);
    builder.getRoute("createTenant").addHandler(operatorOnly()).addHandler(this::createTenant);
    builder.getRoute("listTenants").addHandler(operatorOnly()).addHandler(this::listTenants);
    builder.getRoute("createUser").addHandler(requireRole(Role.ADMIN)).addHandler(this::createUser);
    builder.getRoute("listUsers").addHandler(requireRole(Role.ADMIN)).addHandler(this::listUsers);
    builder.getRoute("getUser").addHandler(requireRole(Role.ADMIN)).addHandler(this::getUser);
    builder.getRoute("updateUser").addHandler(requireRole(Role.ADMIN)).addHandler(this::updateUser);
  }

  /** For routes of other areas: fails with 403 unless the authenticated caller has at least this role. */
  public static Handler<RoutingContext> requireRole(Role role) {
    return ctx -> {
      Principal p = principal(ctx);
      if (p == null) {
        ctx.fail(new BourseException(ErrorCode.AUTH_CREDENTIALS_MISSING));
      } else if (!p.hasAtLeast(role)) {
        ctx.fail(new BourseException(ErrorCode.AUTH_FORBIDDEN));
      } else {
        ctx.next();
      }
    };
  }

  public static Principal principal(RoutingContext ctx) {
    return ctx.get(Principal.CONTEXT_KEY);
  }

  // ---------------------------------------------------------------- gate

  private void gate(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.startsWith(API_PREFIX) || apiPaths.stream().noneMatch(p -> p.matcher(path).matches())) {
      ctx.next();
      return;
    }
    limit(ctx, "rl:ip:" + clientIp(ctx), auth.rateLimits.perIp(), ErrorCode.RATE_LIMITED)
        .compose(v -> PUBLIC_API.contains(path) ? Future.succeededFuture() : authenticate(ctx)
            .compose(p -> limit(ctx, "rl:user:" + p.tenantId() + ":" + p.userId(), auth.rateLimits.perUser(),
                ErrorCode.RATE_LIMITED)))
        .onSuccess(v -> ctx.next())
        .onFailure(e -> {
          if (e instanceof BourseException be && be.code().httpStatus() == 401) {
            // RFC 6750 §3: tell the client which scheme to use; no detail beyond the error code.
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"bourse\"");
          }
          ctx.fail(e);
        });
  }

  private Future<Principal> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.isBlank()) {
      return Future.failedFuture(new BourseException(ErrorCode.AUTH_CREDENTIALS_MISSING));
    }
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new BourseException(ErrorCode.AUTH_CREDENTIALS_MISSING,
          "Authorization must be 'Bearer <access token>'"));
    }
    return auth.authenticate(header.substring(7).trim()).onSuccess(p -> ctx.put(Principal.CONTEXT_KEY, p));
  }

  private Future<Void> limit(RoutingContext ctx, String key, Limit limit, ErrorCode code) {
    if (!auth.rateLimits.enabled()) return Future.succeededFuture();
    return auth.limiter.check(key, limit).compose(d -> {
      headers(ctx, d);
      if (d.allowed()) return Future.succeededFuture();
      ctx.response().putHeader("Retry-After", String.valueOf(Math.max(1, ceilSeconds(d.retryAfterMillis()))));
      return Future.failedFuture(new BourseException(code));
    });
  }

  private static void headers(RoutingContext ctx, Decision d) {
    ctx.response()
        .putHeader("RateLimit-Limit", String.valueOf(d.limit()))
        .putHeader("RateLimit-Remaining", String.valueOf(Math.max(0, d.remaining())))
        .putHeader("RateLimit-Reset", String.valueOf(ceilSeconds(d.resetMillis())));
  }

  private static long ceilSeconds(long millis) {
    return (Math.max(0, millis) + 999) / 1000;
  }

  /** The TCP peer. Forwarded headers are not trusted: behind a proxy, the proxy must do per-client limiting. */
  private static String clientIp(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
  }

  // ---------------------------------------------------------------- token endpoints

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=300")
        .end(auth.signingKeys().jwks().encode());
  }

  private void login(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    String email = Users.normalizeEmail(body.getString("email"));
    String password = body.getString("password");
    String key = "rl:login:" + RateLimiter.opaque(clientIp(ctx) + "|" + email);
    limit(ctx, key, auth.rateLimits.login(), ErrorCode.RATE_LOGIN_LIMITED)
        .compose(v -> Users.validEmail(email) ? auth.identities.userByEmail(email) : Future.succeededFuture(null))
        .compose(user -> auth.hasher.verify(password, user == null ? null : user.passwordHash()).compose(ok -> {
          if (!ok) return Future.failedFuture(new BourseException(ErrorCode.AUTH_LOGIN_FAILED));
          // Disabled is only revealed to someone who knows the password.
          if (user.disabled()) return Future.failedFuture(new BourseException(ErrorCode.AUTH_USER_DISABLED));
          return auth.refreshTokens.issue(user.id(), user.tenantId()).compose(refresh -> tokens(user, refresh));
        }))
        .onSuccess(tokens -> respond(ctx, 200, tokens))
        .onFailure(ctx::fail);
  }

  private void refresh(RoutingContext ctx) {
    String presented = ctx.body().asJsonObject().getString("refreshToken");
    auth.refreshTokens.rotate(presented)
        .compose(rotated -> auth.identities.user(TenantScope.operator(rotated.tenantId()), rotated.userId())
            .compose(user -> {
              if (user == null) return Future.failedFuture(new BourseException(ErrorCode.AUTH_REFRESH_INVALID));
              if (user.disabled()) return Future.failedFuture(new BourseException(ErrorCode.AUTH_USER_DISABLED));
              return tokens(user, rotated.refreshToken());
            }))
        .onSuccess(tokens -> respond(ctx, 200, tokens))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> tokens(User user, String refreshToken) {
    return auth.hasher.run(() -> auth.accessTokens.issue(user.id(), user.tenantId(), user.roles()))
        .map(access -> new JsonObject()
            .put("accessToken", access.token())
            .put("refreshToken", refreshToken)
            .put("tokenType", "Bearer")
            .put("expiresIn", access.expiresIn()));
  }

  private void logout(RoutingContext ctx) {
    String presented = ctx.body().asJsonObject().getString("refreshToken");
    auth.refreshTokens.revoke(presented, principal(ctx).userId())
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    Principal p = principal(ctx);
    auth.identities.cachedUser(TenantScope.of(p), p.userId())
        .onSuccess(user -> {
          if (user == null) {
            ctx.fail(new BourseException(ErrorCode.AUTH_TOKEN_INVALID));
            return;
          }
          // operator: an admin of the bootstrap tenant, who may manage tenants and see every tenant's operator events.
          respond(ctx, 200, new JsonObject().put("id", user.id()).put("email", user.email())
              .put("tenantId", user.tenantId()).put("roles", User.rolesJson(user.roles())).put("operator", isOperator(p)));
        })
        .onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- admin

  /** Tenants, and users in other tenants, are managed by operators: admins of the bootstrap tenant. */
  private Handler<RoutingContext> operatorOnly() {
    return ctx -> {
      Principal p = principal(ctx);
      if (p == null) {
        ctx.fail(new BourseException(ErrorCode.AUTH_CREDENTIALS_MISSING));
      } else if (!isOperator(p)) {
        ctx.fail(new BourseException(ErrorCode.AUTH_FORBIDDEN));
      } else {
        ctx.next();
      }
    };
  }

  private boolean isOperator(Principal p) {
    return p.hasAtLeast(Role.ADMIN) && p.tenantId().equals(auth.config.bootstrapTenant());
  }

  private void createTenant(RoutingContext ctx) {
    String name = ctx.body().asJsonObject().getString("name").trim();
    auth.identities.createTenant(UUID.randomUUID().toString(), name)
        .onSuccess(t -> respond(ctx, 201, t.toApi()))
        .onFailure(ctx::fail);
  }

  private void listTenants(RoutingContext ctx) {
    auth.identities.tenants(pageSize(ctx), ctx.queryParams().get("cursor"))
        .onSuccess(page -> respond(ctx, 200, list(page.items().stream().map(d -> new IdentityStore.Tenant(d.id(),
            d.body().getString("name"), d.body().getString("createdAt")).toApi()).toList(), page)))
        .onFailure(ctx::fail);
  }

  private void createUser(RoutingContext ctx) {
    Principal p = principal(ctx);
    JsonObject body = ctx.body().asJsonObject();
    String email = Users.normalizeEmail(body.getString("email"));
    if (!Users.validEmail(email)) {
      ctx.fail(invalidField("email", "must be an email address"));
      return;
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    body.getJsonArray("roles").forEach(r -> roles.add(Role.fromWire((String) r)));
    String tenantId = body.getString("tenantId", p.tenantId());
    Future<TenantScope> scope;
    if (tenantId.equals(p.tenantId())) {
      scope = Future.succeededFuture(TenantScope.of(p));
    } else if (!isOperator(p)) {
      scope = Future.failedFuture(new BourseException(ErrorCode.AUTH_FORBIDDEN,
          "Only operators may create users in another tenant"));
    } else {
      scope = auth.identities.tenant(tenantId).compose(t -> t == null
          ? Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "Tenant not found"))
          : Future.succeededFuture(TenantScope.operator(tenantId)));
    }
    scope.compose(s -> auth.hasher.hash(body.getString("password"))
            .compose(hash -> auth.identities.createUser(s, email, hash, roles)))
        .onSuccess(u -> respond(ctx, 201, u.toApi()))
        .onFailure(ctx::fail);
  }

  private void listUsers(RoutingContext ctx) {
    auth.identities.users(TenantScope.of(principal(ctx)), pageSize(ctx), ctx.queryParams().get("cursor"))
        .onSuccess(page -> respond(ctx, 200, list(IdentityStore.usersOf(page).stream().map(User::toApi).toList(),
            page)))
        .onFailure(ctx::fail);
  }

  private void getUser(RoutingContext ctx) {
    auth.identities.user(TenantScope.of(principal(ctx)), ctx.pathParam("id"))
        .onSuccess(u -> {
          if (u == null) ctx.fail(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "User not found"));
          else respond(ctx, 200, u.toApi());
        })
        .onFailure(ctx::fail);
  }

  private void updateUser(RoutingContext ctx) {
    Principal p = principal(ctx);
    JsonObject body = ctx.body().asJsonObject();
    String id = ctx.pathParam("id");
    auth.identities.user(TenantScope.of(p), id)
        .compose(u -> {
          if (u == null) return Future.failedFuture(new BourseException(ErrorCode.NOT_FOUND_RESOURCE, "User not found"));
          Set<Role> roles = u.roles();
          if (body.containsKey("roles")) {
            EnumSet<Role> r = EnumSet.noneOf(Role.class);
            body.getJsonArray("roles").forEach(name -> r.add(Role.fromWire((String) name)));
            roles = r;
          }
          boolean disabled = body.getBoolean("disabled", u.disabled());
          if (u.id().equals(p.userId()) && (disabled || !roles.contains(Role.ADMIN))) {
            // An admin locking themselves out would leave the tenant without anyone able to undo it.
            return Future.failedFuture(invalidField("body", "admins cannot disable or demote themselves"));
          }
          return auth.identities.updateUser(u.with(roles, disabled));
        })
        .onSuccess(u -> respond(ctx, 200, u.toApi()))
        .onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- helpers

  private static int pageSize(RoutingContext ctx) {
    String limit = ctx.queryParams().get("limit");
    return limit == null ? 50 : Integer.parseInt(limit);
  }

  private static JsonObject list(List<JsonObject> items, Page page) {
    JsonObject out = new JsonObject().put("items", new JsonArray(items));
    if (page.continuation() != null) out.put("nextCursor", page.continuation());
    return out;
  }

  private static BourseException invalidField(String field, String issue) {
    return new BourseException(ErrorCode.VAL_SCHEMA, null, new JsonArray().add(BourseException.detail(field, issue)));
  }

  private static void respond(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
