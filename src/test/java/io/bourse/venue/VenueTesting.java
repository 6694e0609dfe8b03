package io.bourse.venue;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.trading.domain.OrderType;
import io.bourse.trading.domain.Side;
import io.bourse.trading.domain.TimeInForce;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared helpers for the paper venue tests: blocking waits (test thread only), order builders, raw HTTP. */
final class VenueTesting {
  static final String ACC = "acc-1";
  static final String BTC = "BTC-USD";

  private VenueTesting() {}

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of a future that must fail, as the BourseException it must be. */
  static BourseException failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(BourseException.class);
      return (BourseException) e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected the future to fail");
  }

  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static BigDecimal d(String value) { return new BigDecimal(value); }

  static VenueOrder market(String clientOrderId, Side side, String quantity, TimeInForce tif) {
    return new VenueOrder(ACC, clientOrderId, BTC, side, OrderType.MARKET, d(quantity), null, null, tif);
  }

  static VenueOrder limit(String clientOrderId, Side side, String quantity, String price, TimeInForce tif) {
    return new VenueOrder(ACC, clientOrderId, BTC, side, OrderType.LIMIT, d(quantity), d(price), null, tif);
  }

  /** Matching config: slippage and fee in bps, partial fills by fraction and quantity cap ("0" = none). */
  static VenueConfig config(String slippageBps, String feeBps, String maxFillFraction, String maxFillQuantity) {
    VenueConfig defaults = VenueConfig.defaults();
    return defaults.withMatching(new VenueConfig.Matching(d(slippageBps), d(feeBps), 0, d(maxFillFraction),
        d(maxFillQuantity), "USD"));
  }

  static VenueConfig withTimeout(VenueConfig config, long requestTimeoutMs) {
    VenueConfig.Client c = config.client();
    return config.withClient(new VenueConfig.Client(requestTimeoutMs, c.connectTimeoutMs(), 50, 200));
  }

  /** Sets a mark price through {@code POST /prices}: when it answers, the price and its fills are journaled. */
  static void mark(Vertx vertx, String url, String symbol, String price) {
    HttpResponse<Buffer> r = http(vertx, url, HttpMethod.POST, "/prices",
        new JsonObject().put("symbol", symbol).put("price", price).encode());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(204);
  }

  static HttpResponse<Buffer> http(Vertx vertx, String url, HttpMethod method, String path, String body) {
    WebClient web = WebClient.create(vertx);
    try {
      var request = web.requestAbs(method, url + path).putHeader("content-type", "application/json");
      return await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
    } finally {
      web.close();
    }
  }

  /** Asserts a JSON error envelope with {@code code} and the code's HTTP status. */
  static JsonObject assertError(HttpResponse<Buffer> r, ErrorCode code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(code.httpStatus());
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code.code());
    assertThat(error.getString("message")).isNotBlank();
    return error;
  }

  static void assertState(VenueOrderState state, VenueOrderStatus status, String filledQuantity) {
    assertThat(state.status()).as("status of %s", state.clientOrderId()).isEqualTo(status);
    assertThat(state.filledQuantity()).as("filled quantity of %s", state.clientOrderId())
        .isEqualByComparingTo(filledQuantity);
  }

  /** Collects what the stream delivers. */
  static List<VenueExecution> collect(Venue venue) {
    List<VenueExecution> seen = new CopyOnWriteArrayList<>();
    venue.reports(seen::add);
    return seen;
  }

  static List<VenueExecution.Kind> kinds(List<VenueExecution> executions, String clientOrderId) {
    return executions.stream().filter(e -> e.clientOrderId().equals(clientOrderId)).map(VenueExecution::kind).toList();
  }
}
