package io.bourse.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A Cosmos DB REST server for tests: the npm package {@code @vercel/cosmosdb-server} (installed under
 * {@code target/cosmosdb-server} on first use) behind a small Vert.x proxy. The proxy exists because the server does
 * not answer the SDK's query-plan requests; it answers them with the plan of a plain single-range query, which is
 * what a single-partition query needs, and forwards everything else unchanged, with one correction: the server
 * crashes with a 500 on a point read of an absent document (it dereferences the missing item), where Cosmos answers
 * 404 Not Found, so the proxy turns exactly that response into the 404 the real service sends; and its batch
 * handler reads each operation's partition key from the operation (as the JavaScript SDK sends it) while the Java
 * SDK sends it once in the batch's partition-key header, so the proxy copies the header into each operation.
 *
 * <p>Without node/npm the calling test is skipped with a message saying what to install, except under {@code CI=true},
 * where it fails: CI must not silently lose the Cosmos half of the contract.
 */
public final class CosmosServerFixture implements AutoCloseable {
  /** The Cosmos emulator's published well-known key; the test server accepts any key, this one looks the part. */
  public static final String EMULATOR_KEY =
      "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
  private static final String PACKAGE = "@vercel/cosmosdb-server@1.0.1";
  private static final Path INSTALL_DIR = Path.of("target", "cosmosdb-server");
  private static final Path BINARY = INSTALL_DIR.resolve(Path.of("node_modules", ".bin", "cosmosdb-server"));
  private static final String QUERY_PLAN_HEADER = "x-ms-cosmos-is-query-plan-request";
  private static final Pattern DOCUMENT_PATH = Pattern.compile("/dbs/[^/]+/colls/[^/]+/docs/[^/?]+");
  private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "transfer-encoding", "host",
      "content-length");

  private final Process server;
  private final Thread killOnExit;
  private final Vertx proxyVertx;
  private final int proxyPort;

  private CosmosServerFixture(Process server, Thread killOnExit, Vertx proxyVertx, int proxyPort) {
    this.server = server;
    this.killOnExit = killOnExit;
    this.proxyVertx = proxyVertx;
    this.proxyPort = proxyPort;
  }

  public static CosmosServerFixture start() throws Exception {
    requireTool("node");
    requireTool("npm");
    installIfMissing();
    int serverPort = freePort();
    Process server = new ProcessBuilder(BINARY.toAbsolutePath().toString(), "-p", String.valueOf(serverPort),
        "--no-ssl", "--host", "127.0.0.1")
        .redirectErrorStream(true)
        .redirectOutput(INSTALL_DIR.resolve("server.log").toFile())
        .start();
    Thread killOnExit = new Thread(server::destroyForcibly, "cosmosdb-server-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    Vertx proxyVertx = Vertx.vertx();
    try {
      awaitListening(server, serverPort);
      int proxyPort = startProxy(proxyVertx, serverPort);
      return new CosmosServerFixture(server, killOnExit, proxyVertx, proxyPort);
    } catch (Exception e) {
      server.destroyForcibly();
      proxyVertx.close();
      Runtime.getRuntime().removeShutdownHook(killOnExit);
      throw e;
    }
  }

  /** The endpoint to give the SDK (the proxy), plain http: tests run with COSMOS.HTTP_CONNECTION_WITHOUT_TLS_ALLOWED. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxyPort + "/";
  }

  private static int startProxy(Vertx vertx, int serverPort) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(serverPort), new PoolOptions().setHttp1MaxSize(32));
    HttpServer proxy = vertx.createHttpServer().requestHandler(request -> {
      if ("true".equalsIgnoreCase(request.getHeader(QUERY_PLAN_HEADER))) {
        request.response().putHeader("content-type", "application/json").end(queryPlan().encode());
      } else {
        forward(client, request);
      }
    });
    return proxy.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  /** A plan with no ORDER BY/aggregates to rewrite and one range covering every partition key. */
  private static JsonObject queryPlan() {
    return new JsonObject()
        .put("partitionedQueryExecutionInfoVersion", 2)
        .put("queryInfo", new JsonObject())
        .put("queryRanges", new JsonArray().add(new JsonObject().put("min", "").put("max", "FF")
            .put("isMinInclusive", true).put("isMaxInclusive", false)));
  }

  private static void forward(HttpClient client, HttpServerRequest request) {
    request.body().map(raw -> isBatch(request) ? withOperationPartitionKeys(request, raw) : raw).compose(body -> {
      RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri());
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      HOP_BY_HOP.forEach(headers::remove);
      options.setHeaders(headers);
      return client.request(options).compose(out -> out.send(body)).compose(in -> in.body().map(b -> {
        if (in.statusCode() == 500 && request.method() == HttpMethod.GET
            && DOCUMENT_PATH.matcher(request.path()).matches()) {
          request.response().setStatusCode(404).putHeader("content-type", "application/json")
              .end(new JsonObject().put("code", "NotFound")
                  .put("message", "Entity with the specified id does not exist in the system.").encode());
          return b;
        }
        request.response().setStatusCode(in.statusCode());
        in.headers().forEach((k, v) -> {
          if (!HOP_BY_HOP.contains(k.toLowerCase())) request.response().headers().add(k, v);
        });
        request.response().end(b);
        return b;
      }));
    }).onFailure(e -> {
      if (!request.response().ended()) request.response().setStatusCode(502).end(String.valueOf(e));
    });
  }

  private static boolean isBatch(HttpServerRequest request) {
    return "true".equalsIgnoreCase(request.getHeader("x-ms-cosmos-is-batch-request"));
  }

  private static Buffer withOperationPartitionKeys(HttpServerRequest request, Buffer raw) {
    String partitionKey = request.getHeader("x-ms-documentdb-partitionkey");
    JsonArray operations = new JsonArray(raw);
    for (int i = 0; i < operations.size(); i++) {
      JsonObject op = operations.getJsonObject(i);
      if (!op.containsKey("partitionKey")) op.put("partitionKey", partitionKey);
    }
    return operations.toBuffer();
  }

  private static void requireTool(String tool) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return;
    } catch (IOException e) {
      // reported below
    }
    String message = "'" + tool + "' not found: install Node.js 18+ with npm (e.g. apt-get install nodejs npm)"
        + " to run the Cosmos contract tests against " + PACKAGE;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(message);
    Assumptions.abort(message);
  }

  private static synchronized void installIfMissing() throws IOException, InterruptedException {
    if (Files.isExecutable(BINARY)) return;
    Files.createDirectories(INSTALL_DIR);
    Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix",
        INSTALL_DIR.toString(), PACKAGE)
        .redirectErrorStream(true).redirectOutput(INSTALL_DIR.resolve("npm-install.log").toFile()).start();
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(BINARY)) {
      npm.destroyForcibly();
      String message = "npm install " + PACKAGE + " failed; see " + INSTALL_DIR.resolve("npm-install.log");
      if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(message);
      Assumptions.abort(message);
    }
  }

  private static void awaitListening(Process server, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("cosmosdb-server exited with " + server.exitValue() + "; see "
            + INSTALL_DIR.resolve("server.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("cosmosdb-server did not listen on " + port + " within 30 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      proxyVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      server.destroy();
      if (!server.waitFor(5, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    }
  }
}
