package io.bourse.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import tools.jackson.core.JsonGenerator;
import io.bourse.common.RequestContext;
import net.logstash.logback.composite.AbstractFieldJsonProvider;

/**
 * Adds {@code requestId} to every JSON log line written while a request is being handled. The console appender is
 * synchronous, so this runs on the logging thread, whose current Vert.x context is the request's.
 */
public class RequestIdJsonProvider extends AbstractFieldJsonProvider<ILoggingEvent> {
  public RequestIdJsonProvider() {
    setFieldName("requestId");
  }

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) {
    String requestId = RequestContext.current();
    if (requestId != null) {
      generator.writeStringProperty(getFieldName(), requestId);
    }
  }
}
