package io.bourse.venue;

import io.bourse.common.IsoInstants;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the paper venue journals. The venue's state is exactly the fold of these events ({@link PaperBook#apply}):
 * the live path applies each event as it makes it, and a restart replays the journal through the same method, so
 * what a restarted venue holds cannot differ from what it acknowledged.
 */
sealed interface JournalEvent {

  /** An order the venue took in (its ACK or REJECTED report follows as an {@link Executed}). */
  record OrderAccepted(String venueOrderId, VenueOrder order, Instant at) implements JournalEvent {}

  /** One execution report; applying it moves the order, the position, the cash and the account's sequence. */
  record Executed(VenueExecution execution) implements JournalEvent {}

  /** A stop-limit order's stop was crossed: from now on it works as a limit order. */
  record Triggered(String accountId, String clientOrderId, Instant at) implements JournalEvent {}

  static JsonObject toJson(JournalEvent event) {
    if (event instanceof OrderAccepted o) {
      return new JsonObject().put("t", "order").put("venueOrderId", o.venueOrderId())
          .put("order", VenueJson.order(o.order())).put("at", IsoInstants.format(o.at()));
    }
    if (event instanceof Executed e) return new JsonObject().put("t", "exec").put("e", VenueJson.execution(e.execution()));
    Triggered t = (Triggered) event;
    return new JsonObject().put("t", "trigger").put("accountId", t.accountId())
        .put("clientOrderId", t.clientOrderId()).put("at", IsoInstants.format(t.at()));
  }

  static JournalEvent fromJson(JsonObject json) {
    return switch (json.getString("t", "")) {
      case "order" -> new OrderAccepted(json.getString("venueOrderId"),
          VenueJson.orderFromRequest(json.getJsonObject("order")), IsoInstants.parse(json.getString("at")));
      case "exec" -> new Executed(VenueJson.executionFromJson(json.getJsonObject("e")));
      case "trigger" -> new Triggered(json.getString("accountId"), json.getString("clientOrderId"),
          IsoInstants.parse(json.getString("at")));
      default -> throw new IllegalArgumentException("unknown journal record type '" + json.getString("t") + "'");
    };
  }
}
