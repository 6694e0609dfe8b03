package io.bourse.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A failure that carries its catalogue code, so every layer (store, domain, event bus, HTTP) can fail with
 * the code the client will see, and the HTTP error mapper never has to guess.
 */
public class BourseException extends RuntimeException {
  private final ErrorCode code;
  private final JsonArray details;

  public BourseException(ErrorCode code) {
    this(code, code.defaultMessage(), null, null);
  }

  public BourseException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public BourseException(ErrorCode code, String message, JsonArray details) {
    this(code, message, details, null);
  }

  public BourseException(ErrorCode code, String message, JsonArray details, Throwable cause) {
    // No stack trace capture cost for expected, client-caused failures; keep it for dependency/internal ones.
    super(message, cause, false, code.httpStatus() >= 500);
    this.code = code;
    this.details = details == null ? new JsonArray() : details;
  }

  public ErrorCode code() { return code; }

  public JsonArray details() { return details; }

  /** A detail entry naming the offending field, the shape used in every error envelope. */
  public static JsonObject detail(String field, String issue) {
    return new JsonObject().put("field", field).put("issue", issue);
  }
}
