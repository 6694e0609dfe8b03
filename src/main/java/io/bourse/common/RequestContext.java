package io.bourse.common;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The request id of the work running on the current Vert.x context. Vert.x gives every HTTP request (and every
 * event-bus delivery) its own duplicated context, so a context-local is the event-loop-safe equivalent of a
 * thread-local MDC: log encoders and event-bus interceptors read it from {@link Vertx#currentContext()}.
 *
 * <p>Registered as a {@link VertxServiceProvider} because context locals must exist before any Vertx instance is
 * built (META-INF/services/io.vertx.core.spi.VertxServiceProvider).
 */
public final class RequestContext implements VertxServiceProvider {
  public static final String HEADER = "X-Request-Id";
  /** The event-bus header carrying the request id between verticles (and nodes). */
  public static final String BUS_HEADER = "x-request-id";

  private static final ContextLocal<String> REQUEST_ID = ContextLocal.registerLocal(String.class);
  // Bounded charset and length: client-supplied ids end up in logs, so nothing that could forge a log line.
  private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  @Override
  public void init(VertxBootstrap builder) {
    // Nothing to configure: loading this class registers the context local.
  }

  /** The id to use for an incoming value: the client's if acceptable, a fresh one otherwise. */
  public static String acceptOrGenerate(String candidate) {
    return candidate != null && ACCEPTABLE.matcher(candidate).matches() ? candidate : newId();
  }

  /**
   * A random UUID-shaped id. Request ids must be unique, not unguessable, so this draws from ThreadLocalRandom instead
   * of UUID.randomUUID()'s SecureRandom, which every event loop would contend on for every request.
   */
  public static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;              // version 4
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }

  /** Binds the id to the context; null removes it. */
  public static void set(Context context, String requestId) {
    if (context == null) return;
    if (requestId == null) {
      REQUEST_ID.remove(context);
    } else {
      REQUEST_ID.put(context, requestId);
    }
  }

  /** The current request id, or null outside a request. */
  public static String current() {
    Context context = Vertx.currentContext();
    return context == null ? null : REQUEST_ID.get(context);
  }
}
