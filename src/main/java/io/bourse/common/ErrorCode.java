package io.bourse.common;

/**
 * The one catalogue of error codes. Codes are stable API: clients branch on them, so a code is never
 * renumbered or reused for another meaning; new failures get new codes. The README and openapi.yaml list them.
 */
public enum ErrorCode {
  AUTH_TOKEN_INVALID("ERR_AUTH_001", 401, "Invalid or expired access token"),
  AUTH_CREDENTIALS_MISSING("ERR_AUTH_002", 401, "Authentication required"),
  AUTH_LOGIN_FAILED("ERR_AUTH_003", 401, "Invalid email or password"),
  AUTH_FORBIDDEN("ERR_AUTH_004", 403, "Insufficient role for this operation"),
  AUTH_REFRESH_INVALID("ERR_AUTH_005", 401, "Invalid, expired or reused refresh token"),
  AUTH_USER_DISABLED("ERR_AUTH_006", 401, "User is disabled"),

  VAL_MALFORMED_JSON("ERR_VAL_001", 400, "Request body is not valid JSON"),
  VAL_SCHEMA("ERR_VAL_002", 400, "Request does not match the schema"),
  VAL_UNKNOWN_FIELD("ERR_VAL_003", 400, "Request has fields that are not allowed"),
  VAL_PARAMETER("ERR_VAL_004", 400, "Invalid request parameter"),
  VAL_BODY_TOO_LARGE("ERR_VAL_005", 413, "Request body is too large"),
  VAL_MEDIA_TYPE("ERR_VAL_006", 415, "Unsupported media type"),
  VAL_IDENTIFIER("ERR_VAL_007", 400, "Invalid identifier"),
  VAL_DOCUMENT_TOO_LARGE("ERR_VAL_008", 400, "Document exceeds the maximum size"),
  VAL_METHOD_NOT_ALLOWED("ERR_VAL_009", 405, "Method not allowed on this resource"),
  VAL_HEADER("ERR_VAL_010", 400, "Missing or invalid header"),

  NOT_FOUND_ROUTE("ERR_NOT_FOUND_001", 404, "No such endpoint"),
  NOT_FOUND_RESOURCE("ERR_NOT_FOUND_002", 404, "Resource not found"),
  NOT_FOUND_INSTRUMENT("ERR_NOT_FOUND_003", 404, "Unknown instrument"),

  CONFLICT_IDEMPOTENCY("ERR_CONFLICT_001", 409, "Idempotency key was used with a different request"),
  CONFLICT_EXISTS("ERR_CONFLICT_002", 409, "Resource already exists"),
  CONFLICT_VERSION("ERR_CONFLICT_003", 412, "Resource was modified concurrently (version mismatch)"),

  RATE_LIMITED("ERR_RATE_001", 429, "Too many requests"),
  RATE_LOGIN_LIMITED("ERR_RATE_002", 429, "Too many login attempts"),

  ORD_TRADING_DISABLED("ERR_ORD_001", 422, "Trading is disabled"),
  ORD_MARKET_CLOSED("ERR_ORD_002", 422, "Market is closed"),
  ORD_INSUFFICIENT_CAPITAL("ERR_ORD_003", 422, "Insufficient available capital"),
  ORD_RISK_LIMIT("ERR_ORD_004", 422, "Risk limit exceeded"),
  ORD_UNKNOWN_INSTRUMENT("ERR_ORD_005", 422, "Unknown or untradable instrument"),
  ORD_INVALID_STATE("ERR_ORD_006", 409, "Order is not in a state that allows this operation"),
  ORD_TICK_SIZE("ERR_ORD_007", 422, "Price is not a multiple of the tick size"),
  ORD_LOT_SIZE("ERR_ORD_008", 422, "Quantity is not a multiple of the lot size"),
  ORD_MIN_NOTIONAL("ERR_ORD_009", 422, "Order notional is below the instrument minimum"),
  ORD_MAX_NOTIONAL("ERR_ORD_010", 422, "Order notional exceeds the maximum per order"),
  ORD_MAX_POSITION("ERR_ORD_011", 422, "Order would exceed the maximum position"),
  ORD_PRICE_BAND("ERR_ORD_012", 422, "Price is outside the allowed band around the last price"),
  ORD_MAX_OPEN_ORDERS("ERR_ORD_013", 422, "Too many open orders"),
  ORD_RATE_LIMIT("ERR_ORD_014", 422, "Order rate limit exceeded"),
  ORD_DAILY_LOSS("ERR_ORD_015", 422, "Daily loss limit reached"),
  ORD_STALE_MARKET_DATA("ERR_ORD_016", 422, "Market data is stale or missing"),
  ORD_REDUCE_ONLY("ERR_ORD_017", 422, "Only risk-reducing orders are allowed"),

  EXT_VENUE_TIMEOUT("ERR_EXT_001", 504, "Venue did not answer in time"),
  EXT_VENUE_UNAVAILABLE("ERR_EXT_002", 503, "Venue unavailable"),
  EXT_VENUE_QUOTA("ERR_EXT_003", 429, "Venue quota exceeded"),

  DEP_UNAVAILABLE("ERR_DEP_001", 503, "A dependency is unavailable"),
  DEP_THROTTLED("ERR_DEP_002", 503, "A dependency is throttling requests"),
  DEP_TIMEOUT("ERR_DEP_003", 503, "A dependency did not answer in time"),
  DEP_NOT_READY("ERR_DEP_004", 503, "Service is not ready"),

  INTERNAL("ERR_INTERNAL_001", 500, "Internal error");

  private final String code;
  private final int httpStatus;
  private final String defaultMessage;

  ErrorCode(String code, int httpStatus, String defaultMessage) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.defaultMessage = defaultMessage;
  }

  public String code() { return code; }

  /** The entry with this wire code, or null. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) return c;
    }
    return null;
  }

  public int httpStatus() { return httpStatus; }

  public String defaultMessage() { return defaultMessage; }
}
