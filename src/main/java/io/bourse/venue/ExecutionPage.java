package io.bourse.venue;

import java.util.List;

/** A page of execution reports; {@code more} says whether a next page exists after {@code lastSequence}. */
public record ExecutionPage(List<VenueExecution> items, long lastSequence, boolean more) {}
