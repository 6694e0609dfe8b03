package io.bourse;

import io.bourse.common.Addresses;
import io.bourse.auth.AuthArea;
import io.bourse.bridge.BridgeMetrics;
import io.bourse.bridge.BridgeRoutes;
import io.bourse.auth.AuthService;
import io.bourse.common.RequestIdBusInterceptors;
import io.bourse.config.BourseConfig;
import io.bourse.health.DependencyCheck;
import io.bourse.health.HealthService;
import io.bourse.http.ApiArea;
import io.bourse.http.ApiRouterFactory;
import io.bourse.http.DashboardRoutes;
import io.bourse.http.HttpApiVerticle;
import io.bourse.market.KafkaHealth;
import io.bourse.market.MarketArea;
import io.bourse.market.MarketConfig;
import io.bourse.market.MarketDataVerticle;
import io.bourse.metrics.Metrics;
import io.bourse.reconcile.ReconciliationArea;
import io.bourse.reconcile.ReconciliationVerticle;
import io.bourse.redis.RedisClients;
import io.bourse.store.DocumentStore;
import io.bourse.store.DocumentStores;
import io.bourse.store.StoreConfig;
import io.bourse.trading.DemoStrategy;
import io.bourse.trading.ProfileArea;
import io.bourse.trading.ProfileService;
import io.bourse.trading.ShardClient;
import io.bourse.trading.TradingArea;
import io.bourse.trading.TradingStore;
import io.bourse.trading.TradingVerticle;
import io.bourse.venue.PaperVenue;
import io.bourse.venue.RunningVenue;
import io.bourse.venue.StreamFilter;
import io.bourse.venue.Venue;
import io.bourse.venue.VenueClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service on one Vert.x instance: shared clients (store, Redis), health, and the deployed verticles.
 * The launcher and the integration tests start it the same way, so tests exercise the real wiring.
 */
public final class BourseApp {
  private static final Logger log = LoggerFactory.getLogger(BourseApp.class);
  public static final String CONTRACT_PATH = "openapi.yaml";

  private final Vertx vertx;
  private final BourseConfig config;
  private final HealthService health;
  private final List<String> deployments = new ArrayList<>();
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private Redis redis;
  private DocumentStore store;
  private AuthService auth;
  private TradingStore tradingStore;
  private ProfileService profiles;
  private RunningVenue venue;
  private InstanceLock lock;

  private BourseApp(Vertx vertx, BourseConfig config, HealthService health) {
    this.vertx = vertx;
    this.config = config;
    this.health = health;
  }

  public static Future<BourseApp> start(Vertx vertx, BourseConfig config, Metrics metrics) {
    // The JVM's first pooled direct-buffer allocation initialises Netty's allocator classes (~300 ms cold). Pay it
    // here, on the starting thread, rather than on whichever event loop first opens a connection.
    io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(1024).release();
    BuildInfo build = BuildInfo.load();
    RequestIdBusInterceptors.install(vertx);
    BourseApp app = new BourseApp(vertx, config, new HealthService(vertx, build.version(), config.healthCheckTimeoutMs()));
    return InstanceLock.acquire(vertx, java.nio.file.Path.of(config.dataDir()))
        .compose(lock -> {
          app.lock = lock;
          return app.connectDependencies();
        })
        .compose(v -> vertx.fileSystem().readFile(CONTRACT_PATH))
        .compose(contractText -> loadContract(vertx, contractText).compose(contract -> vertx.executeBlocking(() -> {
          // Wiring loads and initialises most of the application's classes: a worker pays that, not an event loop.
          ApiRouterFactory routers = new ApiRouterFactory(contract, contractText, config.http(), app.health,
              metrics.registry(), app.apiAreas(), build.swaggerUiVersion());
          // The bridge shares the HTTP router (one port); its meters are process-wide, its hooks per router.
          BridgeRoutes bridge = new BridgeRoutes(app.auth::authenticate, new BridgeMetrics(metrics.registry()),
              config.bridge(), config.http().corsAllowedOrigins(), config.auth().bootstrapTenant());
          routers.withExtraRoutes(bridge::mount);
          routers.withExtraRoutes(DashboardRoutes::mount);
          return routers;
        }, false)).compose(routers -> {
          int shards = config.instancesOf("trading");
          AtomicInteger nextShard = new AtomicInteger();
          return app.deploy("market", () -> new MarketDataVerticle(config.market(), app.store, app.redis, null)
              .meterRegistry(metrics.registry()))
              .compose(v -> app.deploy("trading", () -> {
                int shard = nextShard.getAndIncrement();
                return new TradingVerticle(shard, shards, config.trading(), app.tradingStore, app.profiles,
                    shardVertx -> app.connectVenue(shardVertx, StreamFilter.partition(shard, shards)));
              }))
              .compose(v -> app.deploy("reconciliation", () -> new ReconciliationVerticle(
                  config.trading().reconciliation(), app.tradingStore, shards, metrics.registry())))
              .compose(v -> DemoStrategy.ensure(vertx, config, app.profiles, app.tradingStore, app.shardClient()))
              .compose(v -> app.deploy("http", () -> new HttpApiVerticle(config.http(), routers, app.httpPort::set)));
        }))
        .map(v -> {
          app.health.markStarted();
          return app;
        })
        .recover(failure -> app.stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * Parsing the YAML and building the contract model takes a few hundred milliseconds on a cold JVM, growing with the
   * contract: it runs on a worker so no event loop stalls at start-up. (Utils.yamlStringToJson is what
   * OpenAPIContract.from(vertx, path) uses itself; it completes synchronously.)
   */
  private static Future<OpenAPIContract> loadContract(Vertx vertx, Buffer text) {
    return vertx.executeBlocking(() -> io.vertx.openapi.impl.Utils.yamlStringToJson(text.toString())
            .compose(json -> OpenAPIContract.from(vertx, json)), false)
        .compose(contract -> contract);
  }

  private Future<Void> connectDependencies() {
    if (config.redis().configured()) {
      redis = RedisClients.create(vertx, config.redis());
    }
    health.register(redis == null ? DependencyCheck.disabled("redis") : RedisClients.healthCheck(redis, config.redis()));
    health.register(config.market().source() == MarketConfig.Source.KAFKA
        ? KafkaHealth.check(vertx, config.market().kafka().bootstrap())
        : DependencyCheck.disabled("kafka"));
    health.addDetail("market", () -> vertx.eventBus().<JsonObject>request(Addresses.MD_STATUS, new JsonObject())
        .map(reply -> reply.body()));
    return DocumentStores.create(vertx, config.store()).compose(opened -> {
      store = opened;
      tradingStore = new TradingStore(opened);
      profiles = new ProfileService(opened);
      health.register(storeCheck(opened, config.store()));
      return AuthService.start(vertx, config.auth(), config.rateLimits(), Path.of(config.dataDir()), opened, redis);
    }).compose(a -> {
      auth = a;
      return Future.all(tradingStore.ensure(), profiles.ensure());
    }).compose(v -> {
      // This connection only watches the venue (health); each shard receives its own accounts' executions.
      return PaperVenue.start(vertx, config.venue(), Path.of(config.dataDir()), StreamFilter.NONE);
    }).map(running -> {
      venue = running;
      health.register(venueCheck(running));
      return null;
    });
  }

  /**
   * Each shard gets its own connection to the venue, made on the shard's context, with a report stream that carries
   * only its own accounts' executions.
   */
  private Future<Venue> connectVenue(Vertx shardVertx, StreamFilter streamFilter) {
    VenueClient client = VenueClient.create(shardVertx, venue.url(), config.venue().client(), streamFilter);
    return client.firstConnect().map(v -> (Venue) client);
  }

  private ShardClient shardClient() {
    return new ShardClient(vertx, config.instancesOf("trading"), config.trading().commandTimeoutMs());
  }

  private static DependencyCheck venueCheck(RunningVenue running) {
    return new DependencyCheck() {
      @Override public String name() { return "venue"; }
      @Override public boolean configured() { return true; }
      // Without the venue no order can be placed or cancelled; reads still work, so the service stays up (degraded).
      @Override public boolean critical() { return false; }
      @Override public Future<String> probe() {
        return running.client().connected() ? Future.succeededFuture(running.url())
            : Future.failedFuture("venue stream disconnected (" + running.url() + ")");
      }
    };
  }

  private static DependencyCheck storeCheck(DocumentStore store, StoreConfig storeConfig) {
    String kind = storeConfig.kind().name().toLowerCase(java.util.Locale.ROOT);
    return new DependencyCheck() {
      @Override public String name() { return "db"; }
      @Override public boolean configured() { return true; }
      // Orders, ledgers and users live here: without it the service cannot do anything useful.
      @Override public boolean critical() { return true; }
      @Override public Future<String> probe() { return store.ping().map(v -> kind); }
    };
  }

  private List<ApiArea> apiAreas() {
    ShardClient shards = shardClient();
    return List.of(new AuthArea(auth), new MarketArea(vertx, store),
        new TradingArea(vertx, tradingStore, shards, config.auth().bootstrapTenant(), profiles),
        new ProfileArea(vertx, store, profiles, shards),
        new ReconciliationArea(vertx, tradingStore, config.auth().bootstrapTenant()));
  }

  private Future<Void> deploy(String name, java.util.function.Supplier<io.vertx.core.Deployable> factory) {
    int instances = config.instancesOf(name);
    // Instances are constructed on a worker (constructors load classes and build meters), then handed to deploy.
    return vertx.executeBlocking(() -> {
      List<io.vertx.core.Deployable> made = new ArrayList<>();
      for (int i = 0; i < instances; i++) made.add(factory.get());
      return made;
    }, false).compose(made -> {
      java.util.Iterator<io.vertx.core.Deployable> next = made.iterator();
      return vertx.deployVerticle(next::next, new DeploymentOptions().setInstances(instances));
    }).map(id -> {
      deployments.add(id);
      log.info("Deployed {} x{}", name, instances);
      return null;
    });
  }

  /**
   * Graceful stop: readiness turns 503 first, then verticles are undeployed in reverse order (the HTTP servers stop
   * accepting and drain in-flight requests), then shared clients close.
   */
  public Future<Void> stop() {
    health.markDraining();
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> {
        log.warn("Undeploy of {} failed: {}", id, e.toString());
        return Future.succeededFuture();
      }));
    }
    deployments.clear();
    return chain.compose(v -> {
      if (auth != null) auth.close();
      Future<Void> venueClosed = venue == null ? Future.succeededFuture() : venue.close().recover(e -> {
        log.warn("Venue close failed: {}", e.toString());
        return Future.succeededFuture();
      });
      if (redis != null) redis.close();
      return venueClosed.compose(x -> health.closeDependencies()).compose(x -> store == null ? Future.<Void>succeededFuture() : store.close()).recover(e -> {
        log.warn("Store close failed: {}", e.toString());
        return Future.succeededFuture();
      }).compose(x -> {
        InstanceLock held = lock;
        lock = null;
        return held == null ? Future.<Void>succeededFuture() : held.release(vertx).recover(e -> Future.succeededFuture());
      });
    });
  }

  public int httpPort() { return httpPort.get(); }

  /** Base URL of the venue this instance trades with (in-process or remote). */
  public String venueUrl() { return venue == null ? null : venue.url(); }

  public DocumentStore store() { return store; }

  public HealthService health() { return health; }

  public BourseConfig config() { return config; }
}
