package io.bourse.venue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** Entry points for the trading core: start the configured venue and get a connected {@link Venue}. */
public final class PaperVenue {
  private PaperVenue() {}

  /**
   * {@code in-process}: {@link #startInProcess}; {@code remote}: a client connected to {@code venue.url}. Either way
   * the future completes once the report stream is connected.
   */
  public static Future<RunningVenue> start(Vertx vertx, VenueConfig config, Path dataDir) {
    return start(vertx, config, dataDir, StreamFilter.ALL);
  }

  /** As {@link #start(Vertx, VenueConfig, Path)}, the client's report stream carrying what {@code filter} keeps. */
  public static Future<RunningVenue> start(Vertx vertx, VenueConfig config, Path dataDir, StreamFilter filter) {
    if (config.mode() == VenueConfig.Mode.REMOTE) {
      VenueClient client = VenueClient.create(vertx, config.url(), config.client(), filter);
      return client.firstConnect().map(v -> new RunningVenue(vertx, client, null, null, config.url()))
          .recover(e -> client.close().transform(c -> Future.failedFuture(e)));
    }
    return startInProcess(vertx, config, dataDir, filter);
  }

  /**
   * Deploys a {@link PaperVenueServer} on an ephemeral loopback port with its journal in {@code <dataDir>/venue}, and
   * returns it with a {@link VenueClient} whose stream is connected. The client still goes over HTTP/WebSocket, so
   * timeouts, lost acks and reconnects behave as with a remote venue.
   */
  public static Future<RunningVenue> startInProcess(Vertx vertx, VenueConfig config, Path dataDir) {
    return startInProcess(vertx, config, dataDir, StreamFilter.ALL);
  }

  static Future<RunningVenue> startInProcess(Vertx vertx, VenueConfig config, Path dataDir, StreamFilter filter) {
    VenueConfig loopback = new VenueConfig(config.mode(), config.url(), "127.0.0.1", 0, config.matching(),
        config.faults(), config.client());
    PaperVenueServer server = new PaperVenueServer(loopback, dataDir.resolve("venue"));
    return vertx.deployVerticle(server).compose(id -> {
      String url = "http://127.0.0.1:" + server.actualPort();
      VenueClient client = VenueClient.create(vertx, url, config.client(), filter);
      return client.firstConnect().map(v -> new RunningVenue(vertx, client, server, id, url))
          .recover(e -> client.close().eventually(() -> vertx.undeploy(id)).transform(c -> Future.failedFuture(e)));
    });
  }
}
