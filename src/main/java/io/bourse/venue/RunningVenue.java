package io.bourse.venue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A venue Bourse talks to: the connected {@link VenueClient}, and, in {@code in-process} mode, the
 * {@link PaperVenueServer} deployed for it (null in {@code remote} mode). {@link #close()} closes the client and
 * undeploys the server (which flushes and closes its journal).
 */
public final class RunningVenue {
  private final Vertx vertx;
  private final VenueClient client;
  private final PaperVenueServer server;
  private final String deploymentId;
  private final String url;

  RunningVenue(Vertx vertx, VenueClient client, PaperVenueServer server, String deploymentId, String url) {
    this.vertx = vertx;
    this.client = client;
    this.server = server;
    this.deploymentId = deploymentId;
    this.url = url;
  }

  /** The port for the trading core. */
  public Venue venue() { return client; }

  public VenueClient client() { return client; }

  /** The in-process server, or null when the venue is remote. */
  public PaperVenueServer server() { return server; }

  /** Base URL of the venue, e.g. {@code http://127.0.0.1:41234}. */
  public String url() { return url; }

  public Future<Void> close() {
    return client.close().eventually(() -> deploymentId == null ? Future.succeededFuture()
        : vertx.undeploy(deploymentId));
  }
}
