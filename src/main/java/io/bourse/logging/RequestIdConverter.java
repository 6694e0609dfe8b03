package io.bourse.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.bourse.common.RequestContext;

/** {@code %requestId} for plain-text log patterns (development and test logs); "-" outside a request. */
public class RequestIdConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String requestId = RequestContext.current();
    return requestId == null ? "-" : requestId;
  }
}
