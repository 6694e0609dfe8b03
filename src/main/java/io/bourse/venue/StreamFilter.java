package io.bourse.venue;

import io.bourse.common.Partitions;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * Which executions a client's report stream carries, chosen by the query of {@code /stream}: all of them (no query),
 * none ({@code ?executions=none}: a client that only sends prices or watches the connection), or those of the
 * accounts in one partition ({@code ?partition=p&partitions=n}, by {@link Partitions#of}: a trading shard's).
 *
 * <p>Why: every shard used to receive, parse and drop every other shard's executions, and the service's own
 * monitoring connection all of them: three deliveries per execution with two shards, two of them wasted.
 */
public record StreamFilter(int partition, int partitions) {
  /** More partitions than this is a client error, not a deployment. */
  static final int MAX_PARTITIONS = 1_024;
  public static final StreamFilter ALL = new StreamFilter(0, 1);
  public static final StreamFilter NONE = new StreamFilter(0, 0);

  public StreamFilter {
    if (partitions < 0 || partitions > MAX_PARTITIONS || (partitions > 0 && (partition < 0 || partition >= partitions))
        || (partitions == 0 && partition != 0)) {
      throw new IllegalArgumentException("partition must be in [0, partitions) and partitions in [1, "
          + MAX_PARTITIONS + "], got " + partition + " of " + partitions);
    }
  }

  public static StreamFilter partition(int partition, int partitions) {
    return new StreamFilter(partition, partitions);
  }

  boolean carries(String accountId) {
    return partitions == 1 || (partitions > 1 && Partitions.of(accountId, partitions) == partition);
  }

  /** The query string (with its {@code ?}) that asks the venue for this filter; empty for all. */
  String query() {
    if (partitions == 0) return "?executions=none";
    return partitions == 1 ? "" : "?partition=" + partition + "&partitions=" + partitions;
  }

  /** The filter a client asked for; throws {@link IllegalArgumentException} with the reason for anything else. */
  static StreamFilter parse(String query) {
    if (query == null || query.isEmpty()) return ALL;
    Map<String, List<String>> params = new QueryStringDecoder(query, false).parameters();
    for (String name : params.keySet()) {
      if (!name.equals("executions") && !name.equals("partition") && !name.equals("partitions")) {
        throw new IllegalArgumentException("unknown stream parameter '" + name + "'");
      }
    }
    String executions = single(params, "executions");
    String partition = single(params, "partition");
    String partitions = single(params, "partitions");
    if (executions != null) {
      if (partition != null || partitions != null) {
        throw new IllegalArgumentException("executions cannot be combined with partition");
      }
      return switch (executions) {
        case "none" -> NONE;
        case "all" -> ALL;
        default -> throw new IllegalArgumentException("executions must be 'all' or 'none'");
      };
    }
    if ((partition == null) != (partitions == null)) {
      throw new IllegalArgumentException("partition and partitions go together");
    }
    if (partition == null) return ALL;
    int n = integer("partitions", partitions, 1, MAX_PARTITIONS);
    return new StreamFilter(integer("partition", partition, 0, n - 1), n);
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null) return null;
    if (values.size() != 1) throw new IllegalArgumentException(name + " given more than once");
    return values.get(0);
  }

  private static int integer(String name, String raw, int min, int max) {
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) return value;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be an integer between " + min + " and " + max);
  }
}
