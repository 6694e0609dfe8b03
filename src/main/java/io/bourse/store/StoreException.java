package io.bourse.store;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;

/** A store failure, classified the same way for every implementation. */
public class StoreException extends BourseException {
  public enum Kind {
    CONFLICT(ErrorCode.CONFLICT_EXISTS),
    PRECONDITION_FAILED(ErrorCode.CONFLICT_VERSION),
    NOT_FOUND(ErrorCode.NOT_FOUND_RESOURCE),
    INVALID_ID(ErrorCode.VAL_IDENTIFIER),
    TOO_LARGE(ErrorCode.VAL_DOCUMENT_TOO_LARGE),
    INVALID_QUERY(ErrorCode.VAL_PARAMETER),
    THROTTLED(ErrorCode.DEP_THROTTLED),
    TIMEOUT(ErrorCode.DEP_TIMEOUT),
    UNAVAILABLE(ErrorCode.DEP_UNAVAILABLE);

    private final ErrorCode code;

    Kind(ErrorCode code) { this.code = code; }

    public ErrorCode code() { return code; }
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(kind.code(), message, null, cause);
    this.kind = kind;
  }

  public Kind kind() { return kind; }
}
