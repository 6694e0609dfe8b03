package io.bourse.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.Bourse;
import io.bourse.common.FaultPoints;
import io.bourse.support.Api;
import io.bourse.trading.domain.ClientOrderIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-recovery suite (reference/reliability.md §4): the paper venue and Bourse run as separate JVMs; Bourse is
 * armed at one crash point (or killed with SIGKILL at a seeded random moment), halts like {@code kill -9} while orders
 * are in flight, is restarted unarmed on the same data directory, reconciles, and then every invariant is checked
 * against the venue's own journal: each intent at the venue at most once, each execution applied exactly once, local
 * positions and trading cash equal the venue's, no non-terminal order left unresolved or unflagged, ledger sums to
 * zero.
 */
class CrashRecoveryTest {
  private static final Pattern VENUE_READY = Pattern.compile("paper venue ready on (http://127\\.0\\.0\\.1:\\d+)");
  private static final Pattern BOURSE_READY = Pattern.compile("ready on port (\\d+)");
  private static final String SYMBOL = "BTC-USD";

  @TempDir
  static Path dir;
  private static Process venue;
  private static String venueUrl;
  private static Vertx vertx;
  private static WebClient http;
  private static int launches;

  private Process bourse;
  private Path data;
  private int port;
  private String admin;
  private String token;
  private String accountId;
  /** Period of scheduled reconciliation runs of the Bourse this test starts (0: none). */
  private long reconcileIntervalMs;
  /** Every idempotency key sent, acknowledged or not. */
  private final List<String> keys = new ArrayList<>();

  @BeforeAll
  static void startVenue() throws Exception {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2_000).setIdleTimeout(30));
    Path config = dir.resolve("venue.json");
    // Partial fills: an order fills half per matching opportunity, so fills race cancels and restarts.
    Files.writeString(config, new JsonObject().put("venue", new JsonObject().put("maxFillFraction", "0.5")
        .put("feeBps", "10").put("slippageBps", "2")).encode());
    venue = launch("venue", List.of(), "venue", "--port", "0", "--data-dir", dir.resolve("venue-data").toString(),
        "--config", config.toString());
    venueUrl = awaitOutput(venue, "venue", VENUE_READY);
  }

  @AfterAll
  static void stopVenue() throws Exception {
    if (venue != null) venue.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopBourse() throws Exception {
    if (bourse != null) bourse.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  // --- Processes -----------------------------------------------------------------------------------------------------

  private static synchronized Process launch(String name, List<String> jvmArgs, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "-Dlogback.configurationFile=logback.xml"));
    command.addAll(jvmArgs);
    command.add(Bourse.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BOURSE_"));
    if (!(args.length > 0 && args[0].equals("venue"))) {
      builder.environment().put("BOURSE_VENUE_MODE", "remote");
      builder.environment().put("BOURSE_VENUE_URL", venueUrl);
    }
    return builder.start();
  }

  private static String awaitOutput(Process process, String name, Pattern ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher m = ready.matcher(Files.readString(dir.resolve(name + ".out")));
      if (m.find()) return m.group(1);
      Thread.sleep(100);
    }
    throw new AssertionError(name + " did not start; stderr: " + Files.readString(dir.resolve(name + ".err"))
        + "\nstdout tail: " + tail(dir.resolve(name + ".out")));
  }

  private static String tail(Path file) throws IOException {
    String s = Files.readString(file);
    return s.substring(Math.max(0, s.length() - 3000));
  }

  /** Starts Bourse on this test's data directory, armed at {@code faultPoint} (null: unarmed). */
  private void startBourse(String faultPoint) throws Exception {
    if (data == null) data = Files.createTempDirectory(dir, "bourse");
    Path config = data.resolve("config.json");
    Files.writeString(config, Api.knownAdmin().put("dataDir", data.toString())
        .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("verticles", new JsonObject().put("http", new JsonObject().put("instances", 1)))
        .put("market", new JsonObject().put("simulated", new JsonObject().put("ticksPerSecond", 20)))
        .put("venue", new JsonObject().put("client", new JsonObject().put("requestTimeoutMs", 4000)))
        .put("trading", new JsonObject().put("demoStrategy", false).put("reconciliation", new JsonObject()
            .put("onStart", true).put("startDelayMs", 500).put("intervalMs", reconcileIntervalMs)))
        .encode());
    String name = "bourse-" + (++launches);
    List<String> jvm = faultPoint == null ? List.of() : List.of("-D" + FaultPoints.PROPERTY + "=" + faultPoint);
    bourse = launch(name, jvm, "--config", config.toString());
    port = Integer.parseInt(awaitOutput(bourse, name, BOURSE_READY));
  }

  private void awaitHalt() throws Exception {
    assertThat(bourse.waitFor(60, TimeUnit.SECONDS)).as("Bourse halted at the crash point").isTrue();
    assertThat(bourse.exitValue()).isEqualTo(FaultPoints.HALT_STATUS);
  }

  // --- HTTP ----------------------------------------------------------------------------------------------------------

  private HttpRequest<Buffer> request(HttpMethod method, String path, String bearer) {
    HttpRequest<Buffer> r = http.request(method, port, "127.0.0.1", path).timeout(20_000);
    if (bearer != null) r.putHeader("Authorization", "Bearer " + bearer);
    return r;
  }

  private HttpResponse<Buffer> get(String path, String bearer) {
    return request(HttpMethod.GET, path, bearer).send().await();
  }

  private HttpResponse<Buffer> post(String path, String bearer, JsonObject body) {
    return request(HttpMethod.POST, path, bearer).sendJsonObject(body).await();
  }

  private static <T> T await(Supplier<T> call, Predicate<T> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = call.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = call.get();
    }
    assertThat(done.test(last)).as("condition not met; last: %s", last instanceof HttpResponse<?> r
        ? r.statusCode() + " " + r.bodyAsString() : last).isTrue();
    return last;
  }

  private void login() throws Exception {
    String token = post("/api/v1/auth/login", null, new JsonObject().put("email", Api.ADMIN_EMAIL)
        .put("password", Api.ADMIN_PASSWORD)).bodyAsJsonObject().getString("accessToken");
    admin = token;
  }

  /** A fresh tenant and trader on the running Bourse; its paper account is created by the first request. */
  private void newTrader() throws Exception {
    login();
    String tenantId = post("/api/v1/admin/tenants", admin, new JsonObject().put("name", "crash-" + UUID.randomUUID()))
        .bodyAsJsonObject().getString("id");
    String email = "crash-" + UUID.randomUUID() + "@bourse.test";
    HttpResponse<Buffer> user = post("/api/v1/admin/users", admin, new JsonObject().put("email", email)
        .put("password", "a-long-enough-password").put("tenantId", tenantId).put("roles", new JsonArray().add("trader")));
    assertThat(user.statusCode()).as(user.bodyAsString()).isEqualTo(201);
    traderEmail = email;
    relogin();
    accountId = get("/api/v1/accounts", token).bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id");
  }

  private String traderEmail;

  private void relogin() {
    token = post("/api/v1/auth/login", null, new JsonObject().put("email", traderEmail)
        .put("password", "a-long-enough-password")).bodyAsJsonObject().getString("accessToken");
  }

  private BigDecimal lastPrice() throws InterruptedException {
    return new BigDecimal(await(() -> get("/api/v1/market/tickers/" + SYMBOL, token), r -> r.statusCode() == 200,
        Duration.ofSeconds(30)).bodyAsJsonObject().getString("price"));
  }

  /** Places an order; the answer may never come (the process halts): that is then null. */
  private Future<HttpResponse<Buffer>> placeAsync(String key, JsonObject order) {
    keys.add(key);
    return request(HttpMethod.POST, "/api/v1/orders", token).putHeader("Idempotency-Key", key).sendJsonObject(order);
  }

  private HttpResponse<Buffer> place(String key, JsonObject order) {
    try {
      return placeAsync(key, order).await();
    } catch (RuntimeException e) {
      return null; // the connection died with the process: an indeterminate outcome
    }
  }

  private static JsonObject market(String side, String quantity) {
    return new JsonObject().put("symbol", SYMBOL).put("side", side).put("type", "MARKET").put("quantity", quantity);
  }

  private static JsonObject limit(String side, String quantity, BigDecimal price) {
    return new JsonObject().put("symbol", SYMBOL).put("side", side).put("type", "LIMIT").put("quantity", quantity)
        .put("price", price.setScale(2, RoundingMode.DOWN).toPlainString());
  }

  // --- Recovery and invariants ---------------------------------------------------------------------------------------

  /** Restarts unarmed, waits for the start-up reconciliation, runs one more on demand, then checks every invariant. */
  private void restartReconcileAndCheck() throws Exception {
    startBourse(null);
    login();
    relogin();
    // The start-up run first (it may flag), then one on demand: the second must find the account settled.
    JsonObject startUp = await(() -> get("/api/v1/admin/reconciliation/runs?limit=1", admin), r -> r.statusCode() == 200
        && r.bodyAsJsonObject().getJsonArray("items").size() == 1
        && "start-up".equals(r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("trigger"))
        && !"RUNNING".equals(r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("status")),
        Duration.ofSeconds(60)).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    System.out.println("start-up reconciliation after the crash: " + startUp.encode());
    // Resolving an UNKNOWN order may take the shard a few seconds; reconcile until nothing is left open and uncertain.
    JsonObject run = null;
    for (int i = 0; i < 5; i++) {
      run = reconcile();
      assertThat(run.getString("status")).as(run.encodePrettily()).isIn("CLEAN", "REPAIRED", "NEEDS_ATTENTION");
      if (run.getString("status").equals("CLEAN") && uncertainOrders().isEmpty()) break;
      Thread.sleep(1000);
    }
    assertThat(run.getString("status")).as("a settled account reconciles clean: %s", run.encodePrettily()).isEqualTo("CLEAN");
    assertThat(get("/api/v1/trading/control", admin).bodyAsJsonObject().getJsonObject("accounts").getString(accountId))
        .as("nothing needed attention").isNull();
    checkInvariants();
  }

  private JsonObject reconcile() throws InterruptedException {
    HttpResponse<Buffer> started = await(() -> post("/api/v1/admin/reconciliation/runs", admin,
        new JsonObject().put("accountId", accountId)),
        r -> r.statusCode() == 202 && !r.bodyAsJsonObject().getBoolean("alreadyRunning", false), Duration.ofSeconds(60));
    String id = started.bodyAsJsonObject().getString("id");
    return await(() -> get("/api/v1/admin/reconciliation/runs/" + id, admin),
        r -> r.statusCode() == 200 && !"RUNNING".equals(r.bodyAsJsonObject().getString("status")), Duration.ofSeconds(60))
        .bodyAsJsonObject();
  }

  private List<JsonObject> localOrders() {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> r = get("/api/v1/orders?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      r.bodyAsJsonObject().getJsonArray("items").forEach(o -> out.add((JsonObject) o));
      cursor = r.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    return out;
  }

  private List<JsonObject> uncertainOrders() {
    return localOrders().stream().filter(o -> Set.of("PENDING_NEW", "UNKNOWN", "PENDING_CANCEL")
        .contains(o.getString("status"))).toList();
  }

  private List<JsonObject> venueExecutions() {
    List<JsonObject> out = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonObject page = http.getAbs(venueUrl + "/accounts/" + accountId + "/executions?after=" + after + "&limit=1000")
          .send().await().bodyAsJsonObject();
      JsonArray items = page.getJsonArray("items");
      items.forEach(e -> out.add((JsonObject) e));
      if (items.isEmpty() || !page.getBoolean("more", false)) return out;
      after = items.getJsonObject(items.size() - 1).getLong("sequence");
    }
  }

  private void checkInvariants() {
    List<JsonObject> executions = venueExecutions();
    List<JsonObject> orders = localOrders();
    Map<String, JsonObject> local = new HashMap<>();
    orders.forEach(o -> local.put(o.getString("clientOrderId"), o));

    // I1: each intent at the venue at most once: one venue order (and one ack or reject) per client order id, and
    // every venue order is an intent of ours.
    Map<String, Set<String>> venueOrdersByClientId = new HashMap<>();
    Map<String, Integer> acks = new HashMap<>();
    Set<String> intents = new HashSet<>();
    keys.forEach(k -> intents.add(ClientOrderIds.derive(accountId, k)));
    for (JsonObject e : executions) {
      venueOrdersByClientId.computeIfAbsent(e.getString("clientOrderId"), c -> new HashSet<>()).add(e.getString("venueOrderId"));
      if (Set.of("ACKNOWLEDGED", "REJECTED").contains(e.getString("kind"))) acks.merge(e.getString("clientOrderId"), 1, Integer::sum);
    }
    venueOrdersByClientId.forEach((clientId, venueIds) -> {
      assertThat(venueIds).as("venue orders for intent %s", clientId).hasSize(1);
      assertThat(intents).as("venue order %s is an intent of this test", clientId).contains(clientId);
      assertThat(local).as("venue order %s is known locally", clientId).containsKey(clientId);
    });
    acks.forEach((clientId, n) -> assertThat(n).as("acks/rejects of %s", clientId).isEqualTo(1));
    for (String key : keys) {
      String clientId = ClientOrderIds.derive(accountId, key);
      HttpResponse<Buffer> lookup = http.getAbs(venueUrl + "/accounts/" + accountId + "/orders/" + clientId).send().await();
      assertThat(lookup.statusCode()).as("venue lookup of %s", clientId).isIn(200, 404);
    }

    // I3: each venue execution applied exactly once locally, and nothing applied that the venue does not have.
    List<String> venueFills = executions.stream().filter(e -> "FILLED".equals(e.getString("kind")))
        .map(e -> e.getString("executionId")).toList();
    List<String> localFills = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> r = get("/api/v1/fills?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token);
      r.bodyAsJsonObject().getJsonArray("items").forEach(f -> localFills.add(((JsonObject) f).getString("executionId")));
      cursor = r.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    assertThat(localFills).as("local fills").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(venueFills);

    // I2: local positions equal the venue's.
    JsonObject venueAccount = http.getAbs(venueUrl + "/accounts/" + accountId).send().await().bodyAsJsonObject();
    BigDecimal venuePosition = new BigDecimal(venueAccount.getJsonObject("positions", new JsonObject()).getString(SYMBOL, "0"));
    BigDecimal localPosition = BigDecimal.ZERO;
    for (Object p : get("/api/v1/positions", token).bodyAsJsonObject().getJsonArray("items")) {
      if (SYMBOL.equals(((JsonObject) p).getString("symbol"))) localPosition = new BigDecimal(((JsonObject) p).getString("quantity"));
    }
    assertThat(localPosition).as("position").isEqualByComparingTo(venuePosition);

    // I4: no non-terminal order left unresolved or unflagged; every order agrees with the venue.
    for (JsonObject o : orders) {
      String status = o.getString("status");
      assertThat(status).as("order %s", o.getString("id")).isNotIn("PENDING_NEW", "UNKNOWN", "PENDING_CANCEL");
      HttpResponse<Buffer> lookup = http.getAbs(venueUrl + "/accounts/" + accountId + "/orders/" + o.getString("clientOrderId"))
          .send().await();
      if (status.equals("RECONCILE_REQUIRED")) continue;
      if (lookup.statusCode() == 404) {
        assertThat(status).as("order %s unknown at the venue", o.getString("id")).isEqualTo("REJECTED");
        continue;
      }
      JsonObject atVenue = lookup.bodyAsJsonObject();
      assertThat(status).as("order %s vs venue %s", o.encode(), atVenue.encode()).isEqualTo(atVenue.getString("status"));
      assertThat(new BigDecimal(o.getString("filledQuantity"))).as("filled %s", o.getString("id"))
          .isEqualByComparingTo(new BigDecimal(atVenue.getString("filledQuantity")));
    }

    // I5: the ledger sums to zero per currency, and the cash trading moved is the venue's.
    Map<String, BigDecimal> sums = new HashMap<>();
    cursor = null;
    do {
      HttpResponse<Buffer> r = get("/api/v1/accounts/" + accountId + "/ledger?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      r.bodyAsJsonObject().getJsonArray("items").forEach(e -> sums.merge(((JsonObject) e).getString("currency"),
          new BigDecimal(((JsonObject) e).getString("amount")), BigDecimal::add));
      cursor = r.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    sums.forEach((currency, sum) -> assertThat(sum).as("ledger sum %s", currency).isEqualByComparingTo(BigDecimal.ZERO));
    // The cash trading moved here (what the VENUE and FEES books hold, negated) is the venue's cash, read from the
    // venue itself rather than from reconciliation's own verdict.
    Map<String, BigDecimal> moved = new HashMap<>();
    for (JsonObject e : ledgerEntries()) {
      if (Set.of("VENUE", "FEES").contains(e.getString("book"))) {
        moved.merge(e.getString("currency"), new BigDecimal(e.getString("amount")).negate(), BigDecimal::add);
      }
    }
    JsonObject venueCash = venueAccount.getJsonObject("cash", new JsonObject());
    Set<String> currencies = new HashSet<>(moved.keySet());
    currencies.addAll(venueCash.fieldNames());
    for (String currency : currencies) {
      assertThat(moved.getOrDefault(currency, BigDecimal.ZERO)).as("cash moved in %s vs the venue", currency)
          .isEqualByComparingTo(new BigDecimal(venueCash.getString(currency, "0")));
    }

    // I6: every order's history survived the crash whole: gap-free sequences, each transition starting where the
    // previous ended, from PENDING_NEW to the order's current status.
    for (JsonObject o : orders) {
      JsonArray history = get("/api/v1/orders/" + o.getString("id") + "/history", token).bodyAsJsonObject().getJsonArray("items");
      assertThat(history).as("history of %s", o.getString("id")).isNotEmpty();
      String previous = null;
      for (int i = 0; i < history.size(); i++) {
        JsonObject e = history.getJsonObject(i);
        assertThat(e.getLong("sequence")).as("history of %s", o.getString("id")).isEqualTo(i + 1L);
        assertThat(e.getString("from")).as("transition %d of %s", i + 1, o.getString("id")).isEqualTo(previous);
        previous = e.getString("to");
      }
      assertThat(history.getJsonObject(0).getString("to")).isEqualTo("PENDING_NEW");
      assertThat(previous).as("history of %s ends in its status", o.getString("id")).isEqualTo(o.getString("status"));
    }
  }

  private List<JsonObject> ledgerEntries() {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> r = get("/api/v1/accounts/" + accountId + "/ledger?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      r.bodyAsJsonObject().getJsonArray("items").forEach(e -> out.add((JsonObject) e));
      cursor = r.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);
    return out;
  }

  // --- One test per crash point --------------------------------------------------------------------------------------

  /** C2: the order is durable, the venue never heard of it. A retry with the same key finds it; it reaches the venue once. */
  @Test
  void afterPersistBeforeVenueSend() throws Exception {
    startBourse(FaultPoints.AFTER_PERSIST_BEFORE_VENUE_SEND);
    newTrader();
    lastPrice();
    String key = "c2-" + UUID.randomUUID();
    assertThat(place(key, market("BUY", "0.02"))).as("no answer: the process halted").isNull();
    awaitHalt();
    restartReconcileAndCheck();
    HttpResponse<Buffer> retried = place(key, market("BUY", "0.02"));
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isIn(200, 202);
    assertThat(localOrders()).hasSize(1);
    checkInvariants();
  }

  /** C3/C4: the venue has the order (and filled some of it); the answer never arrived. */
  @Test
  void afterVenueSendBeforeAck() throws Exception {
    startBourse(FaultPoints.AFTER_VENUE_SEND_BEFORE_ACK);
    newTrader();
    BigDecimal price = lastPrice();
    assertThat(place("c3-" + UUID.randomUUID(), limit("BUY", "0.02", price.multiply(new BigDecimal("1.01"))))).isNull();
    awaitHalt();
    restartReconcileAndCheck();
    assertThat(localOrders()).hasSize(1).allSatisfy(o -> assertThat(o.getString("status")).isNotEqualTo("REJECTED"));
  }

  /** C5: a fill reached Bourse and was lost with the process. */
  @Test
  void afterVenueFillBeforeApply() throws Exception {
    startBourse(FaultPoints.AFTER_VENUE_FILL_BEFORE_APPLY);
    newTrader();
    lastPrice();
    place("c5-" + UUID.randomUUID(), market("BUY", "0.02"));
    awaitHalt();
    restartReconcileAndCheck();
    assertThat(venueExecutions()).anySatisfy(e -> assertThat(e.getString("kind")).isEqualTo("FILLED"));
  }

  /** C8: the cancel reached the venue while fills were landing; its answer was lost. */
  @Test
  void cancelRacingFill() throws Exception {
    startBourse(FaultPoints.CANCEL_RACING_FILL);
    newTrader();
    BigDecimal price = lastPrice();
    // Marketable: half fills at once, the rest at the next mark unless the cancel wins. If the order is already
    // FILLED when the cancel arrives, Bourse refuses it without asking the venue: try again (the last try rests).
    for (int attempt = 0; attempt < 6 && bourse.isAlive(); attempt++) {
      BigDecimal factor = attempt < 5 ? new BigDecimal("1.02") : new BigDecimal("0.98");
      HttpResponse<Buffer> placed = place("c8-" + UUID.randomUUID(), limit("BUY", "0.04", price.multiply(factor)));
      assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(201);
      try {
        request(HttpMethod.DELETE, "/api/v1/orders/" + placed.bodyAsJsonObject().getString("id"), token).send().await();
      } catch (RuntimeException expected) {
        // the process halted before answering
      }
      Thread.sleep(200);
    }
    awaitHalt();
    restartReconcileAndCheck();
    assertThat(localOrders()).isNotEmpty().allSatisfy(o -> assertThat(o.getString("status")).isIn("CANCELED", "FILLED"));
  }

  /**
   * A venue restored from an older backup has lost the account's recent past: a working order it never heard of, a
   * position and cash it does not have. Nothing of that can be repaired from the venue's truth, so reconciliation
   * flags the order RECONCILE_REQUIRED, reports the drifts, and holds the account back (REDUCING) for an operator.
   */
  @Test
  void aVenueThatLostItsRecentPastIsDetectedFlaggedAndTheAccountHeldBack() throws Exception {
    Path venueData = Files.createTempDirectory(dir, "lossy-venue");
    Process lossy = launch("lossy-venue-1", List.of(), "venue", "--port", "0", "--data-dir", venueData.toString());
    String sharedVenue = venueUrl;
    try {
      venueUrl = awaitOutput(lossy, "lossy-venue-1", VENUE_READY);
      startBourse(null);
      newTrader();
      BigDecimal price = lastPrice();
      String filled = place("loss-" + UUID.randomUUID(), market("BUY", "0.02")).bodyAsJsonObject().getString("id");
      await(() -> get("/api/v1/orders/" + filled, token), r -> "FILLED".equals(r.bodyAsJsonObject().getString("status")),
          Duration.ofSeconds(30));
      HttpResponse<Buffer> resting = place("loss-" + UUID.randomUUID(), limit("BUY", "0.01", price.multiply(new BigDecimal("0.95"))));
      assertThat(resting.statusCode()).as(resting.bodyAsString()).isEqualTo(201);
      String restingId = resting.bodyAsJsonObject().getString("id");
      bourse.destroy();
      assertThat(bourse.waitFor(60, TimeUnit.SECONDS)).isTrue();
      lossy.destroy();
      assertThat(lossy.waitFor(60, TimeUnit.SECONDS)).isTrue();
      // The venue comes back from a backup taken before any of it.
      try (var files = Files.walk(venueData)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!f.equals(venueData)) Files.delete(f);
        }
      }
      lossy = launch("lossy-venue-2", List.of(), "venue", "--port", "0", "--data-dir", venueData.toString());
      venueUrl = awaitOutput(lossy, "lossy-venue-2", VENUE_READY);

      startBourse(null);
      login();
      relogin();
      JsonObject run = await(() -> get("/api/v1/admin/reconciliation/runs?limit=1", admin), r -> r.statusCode() == 200
          && r.bodyAsJsonObject().getJsonArray("items").size() == 1
          && !"RUNNING".equals(r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("status")),
          Duration.ofSeconds(60)).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
      JsonObject full = get("/api/v1/admin/reconciliation/runs/" + run.getString("id"), admin).bodyAsJsonObject();
      assertThat(full.getString("status")).as(full.encodePrettily()).isEqualTo("NEEDS_ATTENTION");
      List<JsonObject> found = new ArrayList<>();
      full.getJsonArray("results").forEach(r -> ((JsonObject) r).getJsonArray("discrepancies").forEach(d -> found.add((JsonObject) d)));
      assertThat(found).anySatisfy(d -> {
        assertThat(d.getString("type")).isEqualTo("LOCAL_ORDER_UNKNOWN_AT_VENUE");
        assertThat(d.getString("orderId")).isEqualTo(restingId);
        assertThat(d.getBoolean("repaired")).isFalse();
      });
      assertThat(found).anySatisfy(d -> assertThat(d.getString("type")).isEqualTo("POSITION_DRIFT"));
      assertThat(found).anySatisfy(d -> assertThat(d.getString("type")).isEqualTo("BALANCE_DRIFT"));
      assertThat(get("/api/v1/orders/" + restingId, token).bodyAsJsonObject().getString("status")).isEqualTo("RECONCILE_REQUIRED");
      JsonArray history = get("/api/v1/orders/" + restingId + "/history", token).bodyAsJsonObject().getJsonArray("items");
      JsonObject flagged = history.getJsonObject(history.size() - 1);
      assertThat(flagged.getString("to")).isEqualTo("RECONCILE_REQUIRED");
      assertThat(flagged.getString("source")).isEqualTo("RECONCILIATION");
      assertThat(flagged.getString("requestId")).as("the run that flagged it").isEqualTo(run.getString("id"));
      assertThat(get("/api/v1/trading/control", admin).bodyAsJsonObject().getJsonObject("accounts").getString(accountId))
          .isEqualTo("REDUCING");
    } finally {
      venueUrl = sharedVenue;
      lossy.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Runs come on a schedule, and after a shard's venue stream reconnects (the venue killed and back on its port). */
  @Test
  void runsFollowTheScheduleAndAVenueReconnect() throws Exception {
    int venuePort = io.bourse.support.FreePorts.next();
    Path venueData = Files.createTempDirectory(dir, "flaky-venue");
    Process flaky = launch("flaky-venue-1", List.of(), "venue", "--port", String.valueOf(venuePort), "--data-dir",
        venueData.toString());
    String sharedVenue = venueUrl;
    try {
      venueUrl = awaitOutput(flaky, "flaky-venue-1", VENUE_READY);
      reconcileIntervalMs = 2_000;
      startBourse(null);
      newTrader();
      lastPrice();
      assertThat(place("flaky-" + UUID.randomUUID(), market("BUY", "0.01")).statusCode()).isEqualTo(201);
      awaitRun("scheduled");

      flaky.destroyForcibly();
      assertThat(flaky.waitFor(30, TimeUnit.SECONDS)).isTrue();
      flaky = launch("flaky-venue-2", List.of(), "venue", "--port", String.valueOf(venuePort), "--data-dir",
          venueData.toString());
      awaitOutput(flaky, "flaky-venue-2", VENUE_READY);
      JsonObject afterReconnect = awaitRun("venue-reconnect");
      assertThat(afterReconnect.getString("status")).as(afterReconnect.encodePrettily()).isIn("CLEAN", "REPAIRED");
    } finally {
      venueUrl = sharedVenue;
      reconcileIntervalMs = 0;
      flaky.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The newest finished run started by {@code trigger}, waiting up to a minute for one. */
  private JsonObject awaitRun(String trigger) throws Exception {
    login();
    HttpResponse<Buffer> runs = await(() -> get("/api/v1/admin/reconciliation/runs?limit=50", admin),
        r -> r.statusCode() == 200 && r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> (JsonObject) o)
            .anyMatch(run -> trigger.equals(run.getString("trigger")) && !"RUNNING".equals(run.getString("status"))),
        Duration.ofSeconds(60));
    return runs.bodyAsJsonObject().getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(run -> trigger.equals(run.getString("trigger")) && !"RUNNING".equals(run.getString("status")))
        .findFirst().orElseThrow();
  }

  /** The operator CLI on the data directory of a stopped Bourse: a venue-side unknown order needs attention (exit 3). */
  @Test
  void reconcileCliReportsAndExitsWithItsCodes() throws Exception {
    startBourse(null);
    newTrader();
    BigDecimal price = lastPrice();
    HttpResponse<Buffer> direct = http.postAbs(venueUrl + "/orders").sendJsonObject(new JsonObject()
        .put("accountId", accountId).put("clientOrderId", "manual-" + UUID.randomUUID().toString().substring(0, 8))
        .put("symbol", SYMBOL).put("side", "BUY").put("type", "LIMIT").put("quantity", "0.01")
        .put("price", price.multiply(new BigDecimal("0.9")).setScale(2, RoundingMode.DOWN).toPlainString())
        .put("timeInForce", "GTC")).await();
    assertThat(direct.statusCode()).as(direct.bodyAsString()).isEqualTo(201);
    String drifted = accountId;
    newTrader(); // a second account, with nothing to find
    String clean = accountId;
    String config = data.resolve("config.json").toString();
    // Not while the service runs: two processes would both be the single writer of the same accounts.
    Process beside = launch("cli-0", List.of(), "reconcile", "--account", drifted, "--config", config);
    assertThat(beside.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(beside.exitValue()).isEqualTo(ReconcileCommand.EXIT_FAILED);
    assertThat(Files.readString(dir.resolve("cli-0.err"))).contains("in use by another Bourse process");
    bourse.destroy(); // SIGTERM: a graceful stop, then the operator's tool
    assertThat(bourse.waitFor(60, TimeUnit.SECONDS)).isTrue();

    Process cli = launch("cli-1", List.of(), "reconcile", "--account", drifted, "--config", config);
    assertThat(cli.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("cli-1.out"));
    assertThat(cli.exitValue()).as(out + Files.readString(dir.resolve("cli-1.err"))).isEqualTo(ReconcileCommand.EXIT_ATTENTION);
    assertThat(out).contains("NEEDS_ATTENTION", "UNKNOWN_VENUE_ORDER", "ATTENTION", drifted);

    Process cleanRun = launch("cli-4", List.of(), "reconcile", "--account", clean, "--config", config);
    assertThat(cleanRun.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(cleanRun.exitValue()).as(Files.readString(dir.resolve("cli-4.out")) + Files.readString(dir.resolve("cli-4.err")))
        .isEqualTo(ReconcileCommand.EXIT_OK);
    assertThat(Files.readString(dir.resolve("cli-4.out"))).contains("CLEAN");
    Process failedRun = launch("cli-5", List.of(), "reconcile", "--account", "PA-no-such-tenant", "--config", config);
    assertThat(failedRun.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(failedRun.exitValue()).as(Files.readString(dir.resolve("cli-5.out")) + Files.readString(dir.resolve("cli-5.err")))
        .isEqualTo(ReconcileCommand.EXIT_FAILED);

    Path bad = data.resolve("bad.json");
    Files.writeString(bad, new JsonObject().put("trading", new JsonObject().put("reconciliation",
        new JsonObject().put("accountTimeoutMs", "soon"))).put("dataDir", data.resolve("never").toString()).encode());
    Process badConfig = launch("cli-2", List.of(), "reconcile", "--config", bad.toString());
    Process usage = launch("cli-3", List.of(), "reconcile", "--frobnicate");
    assertThat(badConfig.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(badConfig.exitValue()).as(Files.readString(dir.resolve("cli-2.err"))).isEqualTo(ReconcileCommand.EXIT_CONFIG);
    assertThat(Files.readString(dir.resolve("cli-2.err"))).contains("trading.reconciliation.accountTimeoutMs");
    assertThat(usage.exitValue()).isEqualTo(ReconcileCommand.EXIT_USAGE);
    assertThat(Files.readString(dir.resolve("cli-3.err"))).contains("usage: java -jar bourse.jar reconcile");
  }

  /** Plain SIGKILL at seeded random moments while a mixed workload runs; bounded to a few rounds. */
  @Test
  void killMinus9AtRandomMoments() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("CrashRecoveryTest seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    startBourse(null);
    newTrader();
    for (int round = 0; round < 2; round++) {
      BigDecimal price = lastPrice();
      List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String key = "k9-" + round + "-" + i + "-" + seed;
        JsonObject order = switch (random.nextInt(3)) {
          case 0 -> market(random.nextBoolean() ? "BUY" : "SELL", "0.01");
          case 1 -> limit("BUY", "0.02", price.multiply(new BigDecimal("0.98")));
          default -> limit("BUY", "0.02", price.multiply(new BigDecimal("1.01")));
        };
        inFlight.add(placeAsync(key, order).onSuccess(r -> {
          if (r.statusCode() == 201 && random.nextInt(3) == 0) {
            request(HttpMethod.DELETE, "/api/v1/orders/" + r.bodyAsJsonObject().getString("id"), token).send();
          }
        }));
        Thread.sleep(random.nextInt(60));
      }
      Thread.sleep(random.nextInt(400));
      bourse.destroyForcibly();
      assertThat(bourse.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Future.join(inFlight).otherwiseEmpty().await(30, TimeUnit.SECONDS);
      restartReconcileAndCheck();
    }
  }
}
