package io.bourse.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} process on a free loopback port, owned by one test class. Never the machine's shared
 * server on 6379: tests shut their server down on purpose.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;
  private volatile String password;

  private RedisServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public static RedisServer start() throws IOException, InterruptedException {
    String binary = Components.onPath("redis-server");
    Components.require(binary != null, "redis-server (apt-get install redis-server)");
    RedisServer server = new RedisServer(FreePorts.next(), Files.createTempDirectory("bourse-redis"));
    server.launch();
    return server;
  }

  /** Starts (again) on the same port, e.g. after {@link #shutdown()}. */
  public void launch() throws IOException, InterruptedException {
    password = null;
    process = new ProcessBuilder(List.of(Components.onPath("redis-server"), "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if ("+PONG".equals(command("PING"))) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis-server did not answer on port " + port);
  }

  /** {@code SHUTDOWN NOSAVE}: the server goes away as it would in an outage. */
  public void shutdown() throws InterruptedException {
    command("SHUTDOWN", "NOSAVE");
    if (process != null && !process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Turns on AUTH until the next {@link #launch()}; the fixture's own commands authenticate from then on. */
  public void requirePassword(String newPassword) {
    command("CONFIG", "SET", "requirepass", newPassword);
    password = newPassword;
  }

  public int port() { return port; }

  public String url() { return "redis://127.0.0.1:" + port; }

  /** One RESP command over a plain socket; the first reply line, or null if the server is not reachable. */
  public String command(String... args) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2000);
      StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        resp.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      if (password != null) {
        out.write(("*2\r\n$4\r\nAUTH\r\n$" + password.length() + "\r\n" + password + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      if (password != null) readLine(in); // +OK of AUTH
      return readLine(in);
    } catch (IOException e) {
      return null;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\r') line.append((char) c);
    if (c == '\r') in.read();
    return line.toString();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
