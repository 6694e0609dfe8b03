package io.bourse.venue;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper venue: a simulated exchange serving HTTP and a WebSocket report stream, with its own durable journal
 * ({@link VenueJournal}). Deploy exactly one instance per journal directory; all state lives on its event loop.
 *
 * <p>Routes (JSON; decimals as strings): {@code POST /orders} (201 created, 200 for a repeat of the client order id),
 * {@code DELETE /accounts/{acc}/orders/{clientOrderId}}, {@code GET /accounts/{acc}/orders/{clientOrderId}} (404 when
 * absent), {@code GET /accounts/{acc}/orders?open=true}, {@code GET /accounts/{acc}/executions?after=N&limit=M},
 * {@code GET /accounts/{acc}}, {@code POST /prices} (a mark price, as on the stream), {@code GET /health}, and the
 * WebSocket {@code /stream}: the venue pushes {@code {"type":"execution",...}} for every report (several at once as
 * {@code {"type":"executions","items":[...]}}, in order), filtered by the stream's query ({@link StreamFilter}), and
 * takes {@code {"type":"price","symbol","price","at"}} from clients.
 *
 * <p>Ordering and durability: a command's events are journaled (fsynced) before its reply is sent or its reports are
 * pushed; reads wait until everything before them is durable, so no client ever sees state a crash could take back.
 */
public final class PaperVenueServer extends VerticleBase {
  /** A connected report stream, what it asked for, and the executions waiting for the end of the current task. */
  private record Subscriber(ServerWebSocket ws, StreamFilter filter, List<String> pending) {}

  private static final Logger log = LoggerFactory.getLogger(PaperVenueServer.class);
  private static final int MAX_BODY_BYTES = 65_536;
  private static final int MAX_PAGE = 1_000;
  /** Largest batch of executions sent as one stream message (an execution alone is always sent). */
  static final int MAX_STREAM_MESSAGE_CHARS = 64 * 1024;

  private final VenueConfig config;
  private final Path journalDir;
  private final PaperBook book;
  private final Map<ServerWebSocket, Subscriber> streams = new LinkedHashMap<>();
  /** Whether {@link #sendPending} is queued on the event loop already. */
  private boolean sendScheduled;
  private volatile VenueConfig.Faults faults;
  private Random random;
  private VenueJournal journal;
  private HttpServer server;
  private volatile int port = -1;

  /** @param journalDir the venue's own directory (e.g. {@code <dataDir>/venue}); created if missing */
  public PaperVenueServer(VenueConfig config, Path journalDir) {
    this.config = config;
    this.journalDir = journalDir;
    this.book = new PaperBook(config);
    this.faults = config.faults();
  }

  /** The port the venue listens on, once started (-1 before). */
  public int actualPort() { return port; }

  /**
   * Replaces the fault settings at run time (for tests and reconciliation drills). Safe from any thread; requests
   * that arrive after the future completes see the new settings.
   */
  public Future<Void> faults(VenueConfig.Faults newFaults) {
    Promise<Void> applied = Promise.promise();
    context.runOnContext(v -> {
      faults = newFaults;
      random = newFaults.seed() == 0 ? new Random() : new Random(newFaults.seed());
      applied.complete();
    });
    return applied.future();
  }

  @Override
  public Future<?> start() {
    random = faults.seed() == 0 ? new Random() : new Random(faults.seed());
    return VenueJournal.open(vertx, journalDir)
        .compose(opened -> vertx.executeBlocking(() -> {
          // Before the server listens nothing else touches the book; the worker hand-off orders the writes.
          int line = 0;
          try {
            for (List<JournalEvent> command : opened.commands()) {
              line++;
              command.forEach(book::apply);
            }
          } catch (RuntimeException e) {
            opened.journal().close();
            throw new IllegalStateException("journal " + journalDir.resolve(VenueJournal.FILE) + " line " + line
                + " does not replay: " + e.getMessage(), e);
          }
          return opened.journal();
        }, false))
        .compose(j -> {
          journal = j;
          server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()));
          server.webSocketHandler(this::stream);
          return server.requestHandler(router()).listen();
        })
        .onSuccess(s -> {
          port = s.actualPort();
          log.info("Paper venue listening on {}:{} (journal {}; {} orders, {} open, {} executions replayed)",
              config.host(), port, journalDir, book.orderCount(), book.openOrderCount(), book.executionCount());
        })
        .onFailure(e -> {
          if (journal != null) journal.close();
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> journal == null ? Future.succeededFuture() : journal.close());
  }

  // ---- routes -----------------------------------------------------------------------------------------------

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/orders").handler(this::submit);
    router.post("/prices").handler(this::price);
    router.delete("/accounts/:accountId/orders/:clientOrderId").handler(this::cancel);
    router.get("/accounts/:accountId/orders/:clientOrderId").handler(this::lookup);
    router.get("/accounts/:accountId/orders").handler(this::orders);
    router.get("/accounts/:accountId/executions").handler(this::executions);
    router.get("/accounts/:accountId").handler(this::account);
    router.get("/health").handler(this::health);
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> error(ctx, ErrorCode.NOT_FOUND_ROUTE, "no such endpoint: "
        + ctx.request().method() + " " + ctx.request().path(), null));
    router.errorHandler(405, ctx -> error(ctx, ErrorCode.VAL_METHOD_NOT_ALLOWED, "method "
        + ctx.request().method() + " is not allowed on " + ctx.request().path(), null));
    // Failures the router answers itself (a malformed URI, a body over the limit, ...) keep the JSON envelope too.
    router.errorHandler(400, ctx -> error(ctx, ErrorCode.VAL_PARAMETER, "malformed request", null));
    router.errorHandler(413, ctx -> error(ctx, ErrorCode.VAL_BODY_TOO_LARGE, "request body is larger than "
        + MAX_BODY_BYTES + " bytes", null));
    router.errorHandler(500, this::failure);
    return router;
  }

  private void submit(RoutingContext ctx) {
    VenueOrder order = VenueJson.orderFromRequest(body(ctx));
    VenueConfig.Faults f = faults;
    if (draw(f.quotaProbability())) {
      error(ctx, ErrorCode.EXT_VENUE_QUOTA, "order rate quota exceeded (fault injection)", null);
      return;
    }
    after(config.matching().latencyMs(), () -> {
      String rejection = draw(f.rejectProbability()) ? "rejected by fault injection" : null;
      PaperBook.Outcome outcome = book.submit(order, rejection, Instant.now());
      commit(ctx, outcome, outcome.created() ? 201 : 200, f);
    });
  }

  private void cancel(RoutingContext ctx) {
    String accountId = pathId(ctx, "accountId");
    String clientOrderId = pathId(ctx, "clientOrderId");
    VenueConfig.Faults f = faults;
    after(config.matching().latencyMs(), () -> {
      PaperBook.Outcome outcome = book.cancel(accountId, clientOrderId, Instant.now());
      if (outcome == null) {
        error(ctx, ErrorCode.NOT_FOUND_RESOURCE, "no order " + clientOrderId + " for account " + accountId, null);
        return;
      }
      commit(ctx, outcome, 200, f);
    });
  }

  private void lookup(RoutingContext ctx) {
    String accountId = pathId(ctx, "accountId");
    String clientOrderId = pathId(ctx, "clientOrderId");
    VenueOrderState state = book.lookup(accountId, clientOrderId);
    if (state == null) {
      error(ctx, ErrorCode.NOT_FOUND_RESOURCE, "no order " + clientOrderId + " for account " + accountId, null);
      return;
    }
    reply(ctx, 200, VenueJson.state(state));
  }

  private void orders(RoutingContext ctx) {
    String accountId = pathId(ctx, "accountId");
    String open = ctx.request().getParam("open", "false");
    if (!open.equals("true") && !open.equals("false")) throw parameter("open", "must be true or false");
    JsonArray items = new JsonArray();
    book.orders(accountId, open.equals("true")).forEach(s -> items.add(VenueJson.state(s)));
    reply(ctx, 200, new JsonObject().put("items", items));
  }

  private void executions(RoutingContext ctx) {
    String accountId = pathId(ctx, "accountId");
    long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) longParam(ctx, "limit", 100, 1, MAX_PAGE);
    reply(ctx, 200, VenueJson.executionPage(book.executions(accountId, after, limit)));
  }

  private void account(RoutingContext ctx) {
    reply(ctx, 200, VenueJson.account(book.account(pathId(ctx, "accountId"))));
  }

  private void price(RoutingContext ctx) {
    VenueJson.Mark mark = VenueJson.priceFromRequest(body(ctx).copy().put("type", "price"));
    applyMark(mark).onComplete(r -> {
      if (r.succeeded()) {
        ctx.response().setStatusCode(204).end();
      } else {
        error(ctx, ErrorCode.DEP_UNAVAILABLE, "venue journal unavailable", null);
      }
    });
  }

  private void health(RoutingContext ctx) {
    boolean up = journal.failure() == null;
    JsonObject body = new JsonObject().put("status", up ? "healthy" : "down").put("orders", book.orderCount())
        .put("openOrders", book.openOrderCount()).put("executions", book.executionCount())
        .put("streams", streams.size());
    if (!up) body.put("reason", "journal write failed: " + journal.failure().getMessage());
    ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json").end(body.encode());
  }

  // ---- commands: journal first, then reply and push ---------------------------------------------------------

  private void commit(RoutingContext ctx, PaperBook.Outcome outcome, int status, VenueConfig.Faults f) {
    journal.append(outcome.events()).onComplete(r -> {
      if (r.failed()) {
        error(ctx, ErrorCode.DEP_UNAVAILABLE, "venue journal unavailable; the order's outcome is unknown", null);
        return;
      }
      push(outcome.executions());
      JsonObject body = VenueJson.state(outcome.state());
      if (draw(f.timeoutProbability())) {
        log.debug("Fault injection: never answering {} {}", ctx.request().method(), ctx.request().path());
        return;
      }
      if (draw(f.dropAckProbability())) {
        log.debug("Fault injection: dropping the answer to {} {}", ctx.request().method(), ctx.request().path());
        ctx.request().connection().close();
        return;
      }
      after(f.ackDelayMs(), () -> reply(ctx, status, body));
    });
  }

  /** A mark reaches the book {@code latencyMs} late, like a submit, so fills lag the prices that cause them. */
  private Future<Void> applyMark(VenueJson.Mark mark) {
    Promise<Void> applied = Promise.promise();
    after(config.matching().latencyMs(), () -> {
      PaperBook.Outcome outcome = book.mark(mark.symbol(), mark.price(), mark.at());
      if (outcome.events().isEmpty()) {
        applied.complete();
      } else {
        journal.append(outcome.events()).onSuccess(v -> push(outcome.executions())).onComplete(applied);
      }
    });
    return applied.future();
  }

  // ---- the stream -------------------------------------------------------------------------------------------

  private void stream(ServerWebSocket ws) {
    if (!"/stream".equals(ws.path())) {
      ws.close((short) 1008, "unknown path " + ws.path());
      return;
    }
    StreamFilter filter;
    try {
      filter = StreamFilter.parse(ws.query());
    } catch (IllegalArgumentException e) {
      ws.close((short) 1008, e.getMessage());
      return;
    }
    streams.put(ws, new Subscriber(ws, filter, new ArrayList<>()));
    ws.closeHandler(v -> streams.remove(ws));
    ws.exceptionHandler(e -> log.debug("Stream error: {}", e.toString()));
    ws.textMessageHandler(text -> {
      try {
        JsonObject message = new JsonObject(text);
        if (!"price".equals(message.getString("type"))) {
          throw new BourseException(ErrorCode.VAL_SCHEMA, "type must be 'price'",
              new JsonArray().add(BourseException.detail("type", "must be 'price'")));
        }
        applyMark(VenueJson.priceFromRequest(message));
      } catch (DecodeException | ClassCastException e) {
        streamError(ws, new BourseException(ErrorCode.VAL_MALFORMED_JSON, "message is not a JSON object"));
      } catch (BourseException e) {
        streamError(ws, e);
      }
    });
  }

  private static void streamError(ServerWebSocket ws, BourseException e) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(new JsonObject().put("type", "error")
          .mergeIn(VenueJson.error(e.code(), e.getMessage(), e.details())).encode());
    }
  }

  /**
   * Queues the executions for every stream that carries them and sends what queued up once the event loop's current
   * task is done: one journal group commit completes many commands in one task, and their executions then go out as
   * one message per stream instead of one write (and one system call at each end) per execution.
   */
  private void push(List<VenueExecution> executions) {
    for (VenueExecution e : executions) {
      if (draw(faults.dropStreamProbability())) continue;
      String text = null;
      for (Subscriber s : streams.values()) {
        if (!s.filter().carries(e.accountId())) continue;
        if (text == null) text = VenueJson.execution(e).put("type", "execution").encode();
        s.pending().add(text);
        if (!sendScheduled) {
          sendScheduled = true;
          context.runOnContext(v -> sendPending());
        }
      }
    }
  }

  private void sendPending() {
    sendScheduled = false;
    for (Subscriber s : List.copyOf(streams.values())) {
      List<String> pending = s.pending();
      if (pending.isEmpty()) continue;
      ServerWebSocket ws = s.ws();
      if (ws.writeQueueFull()) {
        // A client this far behind is better reconnected (and caught up through executions) than buffered.
        log.warn("Closing a stream that fell behind");
        ws.close((short) 1008, "too slow");
        streams.remove(ws);
      } else {
        send(ws, pending);
      }
      pending.clear();
    }
  }

  /**
   * Writes the executions in order, as few messages as fit under {@link #MAX_STREAM_MESSAGE_CHARS} each: a mark that
   * fills thousands of resting orders must not become one message larger than a client accepts (Vert.x clients take
   * 256 KiB by default).
   */
  private static void send(ServerWebSocket ws, List<String> executions) {
    if (executions.size() == 1) {
      ws.writeTextMessage(executions.get(0));
      return;
    }
    StringBuilder batch = new StringBuilder();
    int inBatch = 0;
    for (String execution : executions) {
      if (inBatch > 0 && batch.length() + execution.length() + 2 > MAX_STREAM_MESSAGE_CHARS) {
        ws.writeTextMessage(batch.append("]}").toString());
        batch.setLength(0);
        inBatch = 0;
      }
      batch.append(inBatch == 0 ? "{\"type\":\"executions\",\"items\":[" : ",").append(execution);
      inBatch++;
    }
    ws.writeTextMessage(batch.append("]}").toString());
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private void after(long delayMs, Runnable action) {
    if (delayMs <= 0) {
      action.run();
    } else {
      vertx.setTimer(delayMs, id -> action.run());
    }
  }

  private boolean draw(double probability) {
    return probability > 0 && (probability >= 1 || random.nextDouble() < probability);
  }

  /** Replies once everything journaled so far is durable. */
  private void reply(RoutingContext ctx, int status, JsonObject body) {
    journal.barrier().onComplete(r -> {
      if (ctx.response().ended() || ctx.response().closed()) return;
      if (r.failed()) {
        error(ctx, ErrorCode.DEP_UNAVAILABLE, "venue journal unavailable", null);
        return;
      }
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    });
  }

  private static void error(RoutingContext ctx, ErrorCode code, String message, JsonArray details) {
    if (ctx.response().ended() || ctx.response().closed()) return;
    ctx.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/json")
        .end(VenueJson.error(code, message, details).encode());
  }

  private void failure(RoutingContext ctx) {
    Throwable cause = ctx.failure();
    if (cause instanceof BourseException e) {
      error(ctx, e.code(), e.getMessage(), e.details());
    } else if (ctx.statusCode() == 413) {
      error(ctx, ErrorCode.VAL_BODY_TOO_LARGE, "request body is larger than " + MAX_BODY_BYTES + " bytes", null);
    } else if (ctx.statusCode() == 400) {
      error(ctx, ErrorCode.VAL_PARAMETER, "malformed request", null);
    } else {
      log.error("Unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), cause);
      error(ctx, ErrorCode.INTERNAL, "internal error", null);
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw new BourseException(ErrorCode.VAL_MALFORMED_JSON, "request body must be a JSON object");
    }
    try {
      return new JsonObject(buffer);
    } catch (DecodeException | ClassCastException e) {
      throw new BourseException(ErrorCode.VAL_MALFORMED_JSON, "request body is not a JSON object");
    }
  }

  private static String pathId(RoutingContext ctx, String name) {
    return VenueJson.requireId(name, ctx.pathParam(name));
  }

  private static long longParam(RoutingContext ctx, String name, long def, long min, long max) {
    String raw = ctx.request().getParam(name);
    if (raw == null) return def;
    try {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) return value;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw parameter(name, "must be an integer between " + min + " and " + max);
  }

  private static BourseException parameter(String name, String issue) {
    return new BourseException(ErrorCode.VAL_PARAMETER, name + " " + issue,
        new JsonArray().add(BourseException.detail(name, issue)));
  }
}
