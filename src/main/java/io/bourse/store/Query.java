package io.bourse.store;

import java.util.ArrayList;
import java.util.List;

/**
 * A single-partition query: conjunction of filters on body fields (or {@code id}), optional ordering, page size and
 * cursor. {@code orderBy} is a body field, {@code _ts} (last write) or {@code id}; without it results come in id
 * order. Ordering by a body field leaves out documents that lack it (as Cosmos does); ties are broken by id.
 */
public record Query(String partitionKey, List<Filter> filters, String orderBy, boolean descending, int limit,
                    String continuation) {

  public enum Op { EQ, NE, LT, LTE, GT, GTE }

  /** {@code value} is a String, Number or Boolean. Field names are body fields, dotted for nesting. */
  public record Filter(String field, Op op, Object value) {}

  public static Builder in(String partitionKey) { return new Builder(partitionKey); }

  public static final class Builder {
    private final String partitionKey;
    private final List<Filter> filters = new ArrayList<>();
    private String orderBy;
    private boolean descending;
    private int limit = 100;
    private String continuation;

    private Builder(String partitionKey) { this.partitionKey = partitionKey; }

    public Builder where(String field, Op op, Object value) { filters.add(new Filter(field, op, value)); return this; }
    public Builder eq(String field, Object value) { return where(field, Op.EQ, value); }
    public Builder orderBy(String field, boolean desc) { this.orderBy = field; this.descending = desc; return this; }
    public Builder limit(int limit) { this.limit = limit; return this; }
    public Builder continuation(String token) { this.continuation = token; return this; }
    public Query build() { return new Query(partitionKey, List.copyOf(filters), orderBy, descending, limit, continuation); }
  }
}
