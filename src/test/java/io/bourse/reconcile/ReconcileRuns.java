package io.bourse.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Starting reconciliation runs through the admin API and reading their results, for the tests of this package. */
final class ReconcileRuns {
  private ReconcileRuns() {}

  /** Starts a run for one account and waits for its result. */
  static JsonObject reconcile(Api api, String admin, String accountId) throws InterruptedException {
    HttpResponse<Buffer> started = await(() -> api.post("/api/v1/admin/reconciliation/runs", admin,
        new JsonObject().put("accountId", accountId)),
        r -> r.statusCode() == 202 && !r.bodyAsJsonObject().getBoolean("alreadyRunning", false));
    assertThat(started.getHeader("Location")).endsWith(started.bodyAsJsonObject().getString("id"));
    String id = started.bodyAsJsonObject().getString("id");
    return await(() -> api.get("/api/v1/admin/reconciliation/runs/" + id, admin),
        r -> r.statusCode() == 200 && !"RUNNING".equals(r.bodyAsJsonObject().getString("status"))).bodyAsJsonObject();
  }

  /** Every account's discrepancies of a run, in one list. */
  static List<JsonObject> discrepancies(JsonObject run) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray results = run.getJsonArray("results", new JsonArray());
    for (int i = 0; i < results.size(); i++) {
      results.getJsonObject(i).getJsonArray("discrepancies").forEach(d -> out.add((JsonObject) d));
    }
    return out;
  }

  /** Repeats {@code call} until {@code done} holds of its answer, for up to 30 s; fails with the last answer. */
  static HttpResponse<Buffer> await(Supplier<HttpResponse<Buffer>> call, Predicate<HttpResponse<Buffer>> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<Buffer> last = call.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = call.get();
    }
    assertThat(done.test(last)).as("last answer %s %s", last.statusCode(), last.bodyAsString()).isTrue();
    return last;
  }
}
