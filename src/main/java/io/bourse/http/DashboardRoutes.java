package io.bourse.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser dashboard: plain static files from {@code webroot/} on the classpath, plus the third-party browser
 * libraries straight from their WebJars ({@code META-INF/resources/webjars}). Only three path families are claimed,
 * {@code /}, {@code /assets/*} and {@code /webjars/*}, so nothing here can shadow {@code /api}, {@code /health},
 * {@code /metrics}, {@code /eventbus}, {@code /docs} or {@code /openapi.yaml}; a missing file falls through to the JSON
 * 404 of the API router.
 *
 * <p>Caching: our own files are not fingerprinted, so browsers must revalidate them ({@code no-cache} with
 * {@code Last-Modified}, answered with 304 when unchanged) and a deploy shows at once. WebJar paths carry the library
 * version, so they are immutable for a year. The page's Content-Security-Policy allows only same-origin scripts,
 * styles and connections (REST and the SockJS bridge, whose WebSocket is same-origin too) and no framing.
 */
public final class DashboardRoutes {
  /** Everything the page loads is same-origin; {@code data:} only for the inline favicon. */
  public static final String CSP = String.join("; ",
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'");
  static final String OWN_CACHE = "no-cache";
  static final long WEBJAR_MAX_AGE_SECONDS = 365L * 24 * 3600;

  private DashboardRoutes() {}

  /** Mounts the dashboard on one router (once per HTTP verticle instance). */
  public static void mount(Vertx vertx, Router router) {
    // A wildcard route hands StaticHandler only the part after the mount point, so each family gets its own root.
    StaticHandler page = ownFiles("webroot");
    router.get("/").handler(DashboardRoutes::pageHeaders).handler(page);
    router.get("/index.html").handler(DashboardRoutes::pageHeaders).handler(page);
    router.get("/assets/*").handler(DashboardRoutes::ownAssetHeaders).handler(ownFiles("webroot/assets"));

    StaticHandler webjars = StaticHandler.create("META-INF/resources/webjars")
        .setCachingEnabled(true)
        .setMaxAgeSeconds(WEBJAR_MAX_AGE_SECONDS)
        .setDirectoryListing(false)
        .setDefaultContentEncoding("UTF-8");
    router.get("/webjars/*").handler(ctx -> {
      ctx.response().putHeader("Cross-Origin-Resource-Policy", "same-origin");
      ctx.next();
    }).handler(webjars);
  }

  private static StaticHandler ownFiles(String root) {
    return StaticHandler.create(root)
        .setCachingEnabled(true)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setDefaultContentEncoding("UTF-8");
  }

  private static void pageHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader(HttpHeaders.CACHE_CONTROL, OWN_CACHE);
    ctx.next();
  }

  private static void ownAssetHeaders(RoutingContext ctx) {
    // StaticHandler only adds Cache-Control when absent: this wins over its default "immutable, max-age".
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, OWN_CACHE);
    ctx.next();
  }
}
