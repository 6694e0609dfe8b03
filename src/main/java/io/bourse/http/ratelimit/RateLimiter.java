package io.bourse.http.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bourse.http.ratelimit.RateLimitConfig.Limit;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GCRA rate limiting (a token bucket without a refill process: one "theoretical arrival time" per key).
 *
 * <p>With Redis, each check is ONE atomic Lua script using the server's clock, so every node shares the same
 * buckets; it runs with EVALSHA and falls back to EVAL (which also caches the script) on NOSCRIPT, e.g. after a Redis
 * restart. Without Redis, or while it is down, the same algorithm runs in-process on Caffeine-held state: requests
 * keep flowing (per node limits instead of shared ones) and readiness shows Redis as degraded. After a failure,
 * Redis is retried after a short back-off rather than on every request, so an outage costs no latency.
 */
public final class RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final long RETRY_REDIS_AFTER_MS = 1000;
  private static final long REDIS_TIMEOUT_MS = 250;

  // KEYS[1] bucket; ARGV[1] emission interval ms; ARGV[2] limit (burst). Returns {allowed, remaining, resetMs, retryMs}.
  static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local interval = tonumber(ARGV[1])
      local limit = tonumber(ARGV[2])
      local period = interval * limit
      local tat = tonumber(redis.call('GET', KEYS[1]) or now)
      if tat < now then tat = now end
      local new_tat = tat + interval
      if new_tat - now > period then
        return {0, 0, tat - now, new_tat - now - period}
      end
      redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
      return {1, math.floor((period - (new_tat - now)) / interval), new_tat - now, 0}
      """;
  static final String SCRIPT_SHA = sha1(SCRIPT);

  /** The outcome of one check; times in milliseconds. */
  public record Decision(boolean allowed, int limit, long remaining, long resetMillis, long retryAfterMillis,
                         boolean shared) {}

  private final RedisAPI redis;
  private final Clock clock;
  private final Cache<String, AtomicLong> local = Caffeine.newBuilder()
      .maximumSize(200_000)
      .expireAfterAccess(Duration.ofHours(1))
      .build();
  private volatile long redisRetryAt;

  public RateLimiter(Redis redis, Clock clock) {
    this.redis = redis == null ? null : RedisAPI.api(redis);
    this.clock = clock;
  }

  public Future<Decision> check(String key, Limit limit) {
    if (redis == null || clock.millis() < redisRetryAt) {
      return Future.succeededFuture(local(key, limit));
    }
    List<String> args = List.of(SCRIPT_SHA, "1", key, String.valueOf(limit.emissionMillis()),
        String.valueOf(limit.limit()));
    return redis.evalsha(args)
        .recover(e -> isNoScript(e)
            ? redis.eval(List.of(SCRIPT, "1", key, args.get(3), args.get(4)))
            : Future.failedFuture(e))
        .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(r -> {
          if (redisRetryAt != 0) {
            redisRetryAt = 0;
            log.info("Rate limiting is shared through Redis again");
          }
          return decision(r, limit);
        })
        .recover(e -> {
          if (redisRetryAt == 0) {
            log.warn("Redis unavailable for rate limiting ({}); limiting in-process until it answers", e.toString());
          }
          redisRetryAt = clock.millis() + RETRY_REDIS_AFTER_MS;
          return Future.succeededFuture(local(key, limit));
        });
  }

  private static boolean isNoScript(Throwable e) {
    return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
  }

  private static Decision decision(Response r, Limit limit) {
    return new Decision(r.get(0).toInteger() == 1, limit.limit(), r.get(1).toLong(), r.get(2).toLong(),
        r.get(3).toLong(), true);
  }

  /** The same GCRA as the script, on a per-key atomic. */
  Decision local(String key, Limit limit) {
    AtomicLong tatRef = local.get(key, k -> new AtomicLong(0));
    long interval = limit.emissionMillis();
    long period = interval * limit.limit();
    while (true) {
      long now = clock.millis();
      long stored = tatRef.get();
      long tat = Math.max(stored, now);
      long newTat = tat + interval;
      if (newTat - now > period) {
        return new Decision(false, limit.limit(), 0, tat - now, newTat - now - period, false);
      }
      if (tatRef.compareAndSet(stored, newTat)) {
        return new Decision(true, limit.limit(), (period - (newTat - now)) / interval, newTat - now, 0, false);
      }
    }
  }

  /** Bucket keys may carry emails: hash them so no personal data sits in Redis key names. */
  public static String opaque(String value) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
