package io.bourse.http;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.common.RequestContext;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place where failures become HTTP responses: every error leaves as
 * {@code {"error":{"code","message","requestId","details"}}} with a catalogue code, and nothing internal (class
 * names, stack traces) reaches the client. Installed as the router's failure handler and for 404/405/413.
 */
public final class ErrorResponder {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponder.class);

  private ErrorResponder() {}

  /** The status TimeoutHandler fails with; mapped to ERR_DEP_003 (which answers 503 like every dependency failure). */
  static final int TIMED_OUT_STATUS = 504;

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    Mapped mapped = map(failure, status);
    if (mapped.code() == ErrorCode.INTERNAL) {
      log.error("Unhandled failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
    }
    send(ctx, mapped.code(), mapped.message(), mapped.details());
  }

  public static void send(RoutingContext ctx, ErrorCode code, String message, JsonArray details) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) return;
    if (response.headWritten()) {
      // Part of a body already left; the only honest signal left is to cut the connection.
      response.reset();
      return;
    }
    String requestId = RequestContext.current();
    JsonObject error = new JsonObject()
        .put("code", code.code())
        .put("message", message == null ? code.defaultMessage() : message)
        .put("requestId", requestId)
        .put("details", details == null ? new JsonArray() : details);
    response.setStatusCode(code.httpStatus())
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
  }

  record Mapped(ErrorCode code, String message, JsonArray details) {}

  static Mapped map(Throwable failure, int status) {
    if (failure instanceof HttpException he && he.getCause() != null && he.getCause() != he) {
      // The contract router wraps validation failures as HttpException(400, cause): the cause says what was wrong.
      return map(he.getCause(), he.getStatusCode());
    }
    if (failure instanceof BourseException be) {
      return new Mapped(be.code(), be.getMessage(), be.details());
    }
    if (failure instanceof SchemaValidationException sve) {
      return isBody(sve) ? schemaViolation(sve) : parameterViolation(sve);
    }
    if (failure instanceof ValidatorException ve) {
      return switch (ve.type()) {
        case MISSING_OPERATION -> new Mapped(ErrorCode.NOT_FOUND_ROUTE, null, null);
        case MISSING_REQUIRED_PARAMETER -> isBody(ve)
            ? new Mapped(ErrorCode.VAL_SCHEMA, "A JSON request body is required",
                new JsonArray().add(BourseException.detail("body", "missing")))
            : parameterViolation(ve);
        default -> parameterViolation(ve);
      };
    }
    if (failure instanceof DecodeException) {
      return new Mapped(ErrorCode.VAL_MALFORMED_JSON, null, null);
    }
    if (failure instanceof ReplyException re) {
      return fromReply(re);
    }
    if (failure instanceof HttpException he) {
      status = he.getStatusCode();
    }
    // A handler that chose a client-error status (e.g. CORS rejection: fail(403, e)) meant it; keep the status.
    boolean clientError = status >= 400 && status < 500;
    if (failure == null || failure instanceof HttpException || clientError) {
      return switch (status) {
        case 400 -> new Mapped(ErrorCode.VAL_PARAMETER, null, null);
        case 401 -> new Mapped(ErrorCode.AUTH_CREDENTIALS_MISSING, null, null);
        case 403 -> new Mapped(ErrorCode.AUTH_FORBIDDEN, null, null);
        case 404 -> new Mapped(ErrorCode.NOT_FOUND_ROUTE, null, null);
        case 405 -> new Mapped(ErrorCode.VAL_METHOD_NOT_ALLOWED, null, null);
        case 413 -> new Mapped(ErrorCode.VAL_BODY_TOO_LARGE, null, null);
        case 415 -> new Mapped(ErrorCode.VAL_MEDIA_TYPE, null, null);
        case 429 -> new Mapped(ErrorCode.RATE_LIMITED, null, null);
        case 503 -> new Mapped(ErrorCode.DEP_UNAVAILABLE, null, null);
        case TIMED_OUT_STATUS -> new Mapped(ErrorCode.DEP_TIMEOUT, null, null);
        default -> new Mapped(ErrorCode.INTERNAL, null, null);
      };
    }
    return new Mapped(ErrorCode.INTERNAL, null, null);
  }

  // vertx-openapi does not expose which part of the request failed, only its message ("...the request body...",
  // "...query parameter limit..."); these two patterns are the one place that depends on that wording.
  private static final Pattern PARAMETER = Pattern.compile("(query|path|header|cookie) parameter (\\S+?)[.\\s]");

  private static boolean isBody(ValidatorException e) {
    String message = e.getMessage();
    return message != null && (message.contains("request body") || message.contains("required body"));
  }

  private static Mapped parameterViolation(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = PARAMETER.matcher(message + " ");
    JsonArray details = new JsonArray();
    if (m.find()) {
      details.add(BourseException.detail(m.group(2), message));
    }
    return new Mapped(ErrorCode.VAL_PARAMETER, message.isEmpty() ? null : message, details);
  }

  /**
   * The schema validator also reports an additionalProperties error for a declared property whose value is invalid;
   * a field is unknown only when additionalProperties is the sole complaint about it.
   */
  private static Mapped schemaViolation(SchemaValidationException e) {
    OutputUnit unit = e.getOutputUnit();
    List<OutputUnit> errors = unit == null ? List.of()
        : (unit.getErrors() == null || unit.getErrors().isEmpty()) ? List.of(unit) : unit.getErrors();
    Map<String, List<OutputUnit>> byField = new LinkedHashMap<>();
    for (OutputUnit error : errors) {
      byField.computeIfAbsent(pointerToField(error.getInstanceLocation()), k -> new ArrayList<>()).add(error);
    }
    JsonArray details = new JsonArray();
    boolean onlyUnknownFields = !byField.isEmpty();
    for (Map.Entry<String, List<OutputUnit>> entry : byField.entrySet()) {
      List<OutputUnit> specific = entry.getValue().stream()
          .filter(u -> !isAdditionalProperties(u) && !"#/properties".equals(u.getKeywordLocation()))
          .toList();
      if (specific.isEmpty()) {
        details.add(BourseException.detail(entry.getKey(), "unknown field"));
      } else {
        onlyUnknownFields = false;
        specific.forEach(u -> details.add(BourseException.detail(entry.getKey(), u.getError())));
      }
    }
    return onlyUnknownFields
        ? new Mapped(ErrorCode.VAL_UNKNOWN_FIELD, null, details)
        : new Mapped(ErrorCode.VAL_SCHEMA, null, details);
  }

  private static boolean isAdditionalProperties(OutputUnit u) {
    String keyword = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
    return keyword.endsWith("additionalProperties") || keyword.endsWith("unevaluatedProperties");
  }

  private static String pointerToField(String pointer) {
    if (pointer == null || pointer.isEmpty() || pointer.equals("#") || pointer.equals("/")) return "body";
    String p = pointer.startsWith("#") ? pointer.substring(1) : pointer;
    return String.join(".", Arrays.stream(p.split("/")).filter(s -> !s.isEmpty()).toList());
  }

  /**
   * Event-bus consumers fail with {@code fail(httpStatus, errorCode)}; everything else on the bus is a dependency
   * problem from the HTTP caller's point of view.
   */
  private static Mapped fromReply(ReplyException re) {
    return switch (re.failureType()) {
      case TIMEOUT -> new Mapped(ErrorCode.DEP_TIMEOUT, null, null);
      case NO_HANDLERS -> new Mapped(ErrorCode.DEP_UNAVAILABLE, null, null);
      default -> {
        // "CODE" or "CODE message": the consumer's own words for the client, if it has any.
        String text = re.getMessage() == null ? "" : re.getMessage();
        int space = text.indexOf(' ');
        String wire = space < 0 ? text : text.substring(0, space);
        String message = space < 0 ? null : text.substring(space + 1);
        for (ErrorCode code : ErrorCode.values()) {
          if (code.code().equals(wire)) yield new Mapped(code, message, null);
        }
        yield new Mapped(ErrorCode.INTERNAL, null, null);
      }
    };
  }
}
