package io.bourse.store;

import java.util.List;

/** One page of query results; {@code continuation} is null on the last page. */
public record Page(List<Document> items, String continuation) {}
