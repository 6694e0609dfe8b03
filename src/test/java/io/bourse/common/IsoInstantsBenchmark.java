package io.bourse.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IsoInstants} against the JDK's {@link Instant#toString} and {@link Instant#parse} (the baseline), on the
 * timestamps an order carries (microsecond precision, as {@code Instant.now()} gives on Linux). Not a *Test: runs
 * with {@code mvn -B -Pbenchmarks test -Dtest=IsoInstantsBenchmark}. See docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public class IsoInstantsBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(IsoInstantsBenchmark.class);
  private final Instant[] instants = new Instant[1024];
  private final String[] texts = new String[1024];
  private int next;

  @Setup
  public void setUp() {
    Instant base = Instant.parse("2026-12-07T16:04:10.123456Z");
    for (int i = 0; i < instants.length; i++) {
      instants[i] = base.plusNanos(i * 7_919_000L);
      texts[i] = instants[i].toString();
    }
  }

  @Benchmark public String formatJdk() { return instants[next++ & 1023].toString(); }

  @Benchmark public String formatIsoInstants() { return IsoInstants.format(instants[next++ & 1023]); }

  @Benchmark public Instant parseJdk() { return Instant.parse(texts[next++ & 1023]); }

  @Benchmark public Instant parseIsoInstants() { return IsoInstants.parse(texts[next++ & 1023]); }

  @Test
  void runWithJmh() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(IsoInstantsBenchmark.class.getName() + "\\.").build()).run();
    Map<String, Double> nanos = new TreeMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      nanos.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    assertThat(nanos).hasSize(4);
    LOG.info("format: JDK {} ns, IsoInstants {} ns ({}x); parse: JDK {} ns, IsoInstants {} ns ({}x)",
        String.format("%.1f", nanos.get("formatJdk")), String.format("%.1f", nanos.get("formatIsoInstants")),
        String.format("%.2f", nanos.get("formatJdk") / nanos.get("formatIsoInstants")),
        String.format("%.1f", nanos.get("parseJdk")), String.format("%.1f", nanos.get("parseIsoInstants")),
        String.format("%.2f", nanos.get("parseJdk") / nanos.get("parseIsoInstants")));
  }
}
