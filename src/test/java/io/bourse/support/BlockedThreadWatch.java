package io.bourse.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x instance with a strict blocked-thread checker, plus a record of every "blocked" warning it logs, so a test
 * can assert that nothing it exercised blocked an event loop.
 */
public final class BlockedThreadWatch implements AutoCloseable {
  /** Far below the 2 s default: a JDBC call or a sleep on an event loop shows up even on a fast machine. */
  public static final long MAX_EVENT_LOOP_MS = 200;

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Vertx vertx;

  public BlockedThreadWatch() {
    appender.start();
    root.addAppender(appender);
    vertx = Vertx.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
  }

  public Vertx vertx() { return vertx; }

  public List<String> blockedWarnings() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m != null && m.contains("has been blocked for")).toList();
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    root.detachAppender(appender);
  }
}
