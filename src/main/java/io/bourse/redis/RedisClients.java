package io.bourse.redis;

import io.bourse.config.BourseConfig.RedisConfig;
import io.bourse.health.DependencyCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The one pooled Redis client of the process (the client reconnects by itself: each command takes a pooled
 * connection, so a restarted server is picked up without extra code), and its readiness probe.
 */
public final class RedisClients {
  private RedisClients() {}

  public static Redis create(Vertx vertx, RedisConfig config) {
    return Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(config.url())
        .setMaxPoolSize(config.maxPoolSize())
        .setMaxPoolWaiting(1024)
        .setPoolRecycleTimeout(15_000));
  }

  public static DependencyCheck healthCheck(Redis redis, RedisConfig config) {
    return new DependencyCheck() {
      private volatile String version;

      @Override public String name() { return "redis"; }
      @Override public boolean configured() { return redis != null; }
      @Override public boolean critical() { return config.required(); }

      @Override
      public Future<String> probe() {
        if (version != null) {
          return redis.send(Request.cmd(Command.PING)).map(pong -> version);
        }
        return RedisAPI.api(redis).info(java.util.List.of("server")).map(info -> {
          version = parseVersion(info.toString());
          return version;
        });
      }
    };
  }

  static String parseVersion(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("redis_version:")) return line.substring("redis_version:".length()).trim();
    }
    return null;
  }
}
