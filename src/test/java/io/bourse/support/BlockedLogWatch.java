package io.bourse.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
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
      return appender.list.stream()
          .filter(e -> e.getFormattedMessage() != null && e.getFormattedMessage().contains("has been blocked for"))
          .filter(e -> !idleWhenSampled(e))
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /**
   * The checker dumps the loop's stack when it warns. If that stack is the selector waiting for IO, no task was
   * running any more: the "blocked" time was the OS not scheduling the thread (a loaded shared box), not code on the
   * loop. Code that blocks is still on the stack when it is sampled (TestAppBlockedLoopTest proves the guard fires).
   */
  private static boolean idleWhenSampled(ILoggingEvent event) {
    IThrowableProxy stack = event.getThrowableProxy();
    if (stack == null || stack.getStackTraceElementProxyArray().length == 0) return false;
    StackTraceElementProxy top = stack.getStackTraceElementProxyArray()[0];
    String frame = top.getStackTraceElement().getClassName() + "." + top.getStackTraceElement().getMethodName();
    return frame.equals("sun.nio.ch.EPoll.wait") || frame.equals("sun.nio.ch.KQueue.poll")
        || frame.equals("io.netty.channel.epoll.Native.epollWait");
  }
}
