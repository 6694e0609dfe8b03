package io.bourse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.bourse.common.RequestContext;
import io.bourse.common.RequestIdBusInterceptors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer that answers several requests at once (as a trading shard does when one store batch carries several
 * commands) replies from one message's context. Each requester must keep its own request id after the reply: its
 * later log lines and event-bus messages belong to its own request, not to the one whose context sent the reply.
 */
class RequestIdReplyTest {
  private static final String ADDRESS = "test.batched";
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    RequestIdBusInterceptors.install(vertx);
    List<Message<String>> held = new ArrayList<>();
    vertx.eventBus().<String>consumer(ADDRESS, message -> {
      held.add(message);
      if (held.size() == 2) {
        held.forEach(m -> m.reply("done"));
        held.clear();
      }
    });
    Router router = Router.router(vertx);
    router.route().handler(new PlatformHandler(60_000, 5));
    router.get("/batched").handler(ctx -> vertx.eventBus().<String>request(ADDRESS, "work")
        .onSuccess(reply -> ctx.json(new io.vertx.core.json.JsonObject()
            .put("afterReply", RequestContext.current())))
        .onFailure(ctx::fail));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void requestersKeepTheirOwnIdWhenOneContextRepliesToSeveral() {
    for (int round = 0; round < 10; round++) {
      String first = "first-" + round;
      String second = "second-" + round;
      var a = client.get("/batched").putHeader("X-Request-Id", first).send();
      var b = client.get("/batched").putHeader("X-Request-Id", second).send();
      Future.all(a, b).await();
      assertThat(a.result().bodyAsJsonObject().getString("afterReply")).isEqualTo(first);
      assertThat(b.result().bodyAsJsonObject().getString("afterReply")).isEqualTo(second);
    }
  }
}
