package casino.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Prometheus text exposition read into its samples: {@code name{labels}} → value. */
public record Scrape(Map<String, Double> samples, String text) {

  public static Scrape of(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(samples, text);
  }

  /** The sample's value; fails when the exposition has no such sample. */
  public double value(String series) {
    Double value = samples.get(series);
    if (value == null) {
      throw new AssertionError("no sample " + series + " in:\n" + text);
    }
    return value;
  }

  public void assertValue(double expected, String series) {
    assertEquals(expected, value(series), series);
  }

  /** True when the name of some sample starts with {@code prefix}. */
  public boolean has(String prefix) {
    return samples.keySet().stream().anyMatch(s -> s.startsWith(prefix));
  }
}
