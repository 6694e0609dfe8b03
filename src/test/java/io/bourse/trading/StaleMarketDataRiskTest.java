package io.bourse.trading;

import static io.bourse.trading.TradingTestKit.code;
import static io.bourse.trading.TradingTestKit.market;
import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.bourse.support.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The stale-data rule needs a market that is quiet for longer than the limit: one simulated tick per second spread
 * over seven instruments leaves each symbol silent for seconds, far beyond a 100 ms limit.
 */
class StaleMarketDataRiskTest {

  @Test
  void aRiskIncreasingOrderOnAnOldPriceIsRefused() throws Exception {
    try (TestApp app = TestApp.start(Api.knownAdmin()
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 1)))
        .put("trading", new JsonObject().put("demoStrategy", false)
            .put("limits", new JsonObject().put("maxMarketDataAgeMs", 100))))) {
      TradingTestKit kit = new TradingTestKit(app);
      String token = kit.newTrader(kit.api.adminToken(), "trader");
      kit.lastPrice(token, "BTC-USD");
      Thread.sleep(300);
      // A tick may land just before an order; three tries make a fresh-price coincidence negligible.
      HttpResponse<Buffer> r = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        r = kit.place(token, UUID.randomUUID().toString(), market("BTC-USD", "BUY", "0.01"));
        if (r.statusCode() == 422) break;
        Thread.sleep(150);
      }
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
      assertThat(code(r)).isEqualTo("ERR_ORD_016");
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("BTC-USD");
    }
  }
}
