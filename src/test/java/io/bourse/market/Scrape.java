package io.bourse.market;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text scrape (/metrics), so tests can assert values and labels, not substrings. */
record Scrape(String text) {
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Every sample of the metric whose labels include all of {@code labels} (given as name, value, name, value...). */
  List<Sample> samples(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches() || !m.group(1).equals(name)) continue;
      Map<String, String> found = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) found.put(l.group(1), l.group(2));
      }
      boolean all = true;
      for (int i = 0; i + 1 < labels.length; i += 2) all &= labels[i + 1].equals(found.get(labels[i]));
      if (all) out.add(new Sample(name, found, Double.parseDouble(m.group(3))));
    }
    return out;
  }

  /** The sum over the matching samples; NaN when there is none. */
  double value(String name, String... labels) {
    List<Sample> s = samples(name, labels);
    return s.isEmpty() ? Double.NaN : s.stream().mapToDouble(Sample::value).sum();
  }
}
