package io.bourse.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Records the Vert.x blocked-thread checker's "has been blocked for" warnings logged while it is attached. */
final class BlockedLogWatch {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger checker = (Logger) LoggerFactory.getLogger("io.vertx");

  BlockedLogWatch() {
    appender.start();
    checker.addAppender(appender);
  }

  List<String> stop() {
    checker.detachAppender(appender);
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m != null && m.contains("has been blocked for")).toList();
    }
  }
}
