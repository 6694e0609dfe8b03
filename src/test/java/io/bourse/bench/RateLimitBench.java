package io.bourse.bench;

import io.bourse.http.ratelimit.RateLimitConfig.Limit;
import io.bourse.http.ratelimit.RateLimiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latency of one rate-limit check through Redis (the GCRA Lua script via EVALSHA), as the HTTP gate pays it:
 * called on an event loop, timed from the call to the completion of its future. For load-tests/identity.sh.
 * Usage: RateLimitBench redis://127.0.0.1:PORT [checks] [inFlight]
 */
public final class RateLimitBench {
  private RateLimitBench() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int checks = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8)
          .setMaxPoolWaiting(1024));
      RateLimiter limiter = new RateLimiter(redis, Clock.systemUTC());
      // Generous limit: every check is a real script run that writes the bucket, none short-circuits.
      Limit limit = new Limit(1_000_000, 1);
      Context context = vertx.getOrCreateContext();
      // Warm-up (JIT, connection pool, script cache). The very first checks may time out while connections open and
      // fall back in-process; the limiter then waits a second before trying Redis again, hence the pause.
      run(context, limiter, limit, checks / 5, inFlight, new Histogram(3), false).await();
      Thread.sleep(1100);
      run(context, limiter, limit, checks / 5, inFlight, new Histogram(3), true).await();
      Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      long start = System.nanoTime();
      run(context, limiter, limit, checks, inFlight, histogram, true).await();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("checks=%d inFlight=%d throughput=%.0f/s p50=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms%n",
          checks, inFlight, checks / seconds, ms(histogram.getValueAtPercentile(50)),
          ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
          ms(histogram.getMaxValue()));
      redis.close();
    } finally {
      vertx.close().await();
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static Future<Void> run(Context context, RateLimiter limiter, Limit limit, int checks, int inFlight,
                                  Histogram histogram, boolean requireRedis) {
    Promise<Void> done = Promise.promise();
    int[] started = {0};
    int[] finished = {0};
    context.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        // Via the context, not directly: in-process checks complete synchronously and would recurse without end.
        io.vertx.core.Vertx.currentContext().runOnContext(
            x -> next(limiter, limit, checks, histogram, started, finished, done, requireRedis));
      }
    });
    return done.future();
  }

  private static void next(RateLimiter limiter, Limit limit, int checks, Histogram histogram, int[] started,
                           int[] finished, Promise<Void> done, boolean requireRedis) {
    if (started[0] >= checks) return;
    int n = started[0]++;
    long t0 = System.nanoTime();
    limiter.check("bench:" + (n % 1000), limit).onComplete(ar -> {
      histogram.recordValue(System.nanoTime() - t0);
      if (ar.failed() || (requireRedis && !ar.result().shared())) {
        done.tryFail("check did not go through Redis: " + (ar.failed() ? ar.cause() : "fell back in-process"));
        return;
      }
      if (++finished[0] == checks) {
        done.tryComplete();
      } else {
        // Via the context, not directly: in-process checks complete synchronously and would recurse without end.
        io.vertx.core.Vertx.currentContext().runOnContext(
            x -> next(limiter, limit, checks, histogram, started, finished, done, requireRedis));
      }
    });
  }
}
