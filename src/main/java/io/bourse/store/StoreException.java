package io.bourse.store;

import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.vertx.core.json.JsonArray;

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
  private final int operationIndex;

  public StoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, -1);
  }

  private StoreException(Kind kind, String message, Throwable cause, int operationIndex) {
    super(kind.code(), message,
        operationIndex < 0 ? null : new JsonArray().add(detail("operations[" + operationIndex + "]", message)), cause);
    this.kind = kind;
    this.operationIndex = operationIndex;
  }

  /** The failure of one operation of an atomic batch: same kind, naming the operation so callers can react to it. */
  public static StoreException inBatch(int operationIndex, StoreException failure) {
    return new StoreException(failure.kind(),
        "batch operation " + operationIndex + " failed, nothing was written: " + failure.getMessage(),
        failure.getCause(), operationIndex);
  }

  public Kind kind() { return kind; }

  /** Index of the failing operation when this is a batch failure, otherwise -1. */
  public int operationIndex() { return operationIndex; }
}
