package casino.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU used by every process of this machine between two readings, grouped by command name
 * (Linux's /proc): where the cores went while a benchmark ran (the processor, the broker, the
 * database, the benchmark itself).
 */
public final class CpuUse {
  /** Clock ticks per second of /proc's utime and stime: 100 on Linux on x86-64. */
  private static final double TICKS = 100;

  private final Map<Long, String> names;
  private final Map<Long, Long> ticks;
  private final long atNanos;

  private CpuUse(Map<Long, String> names, Map<Long, Long> ticks, long atNanos) {
    this.names = names;
    this.ticks = ticks;
    this.atNanos = atNanos;
  }

  public static CpuUse now() {
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> ticks = new HashMap<>();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          String stat = Files.readString(p.resolve("stat"));
          // pid (comm) state ppid ...: the name may hold spaces, so fields count from the last ')'.
          int close = stat.lastIndexOf(')');
          String[] fields = stat.substring(close + 2).split(" ");
          long pid = Long.parseLong(p.getFileName().toString());
          names.put(pid, stat.substring(stat.indexOf('(') + 1, close));
          ticks.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException gone) {
          // The process ended meanwhile.
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return new CpuUse(names, ticks, System.nanoTime());
  }

  /** CPU seconds (user and system) that process {@code pid} used since {@code earlier}. */
  public double seconds(CpuUse earlier, long pid) {
    return (ticks.getOrDefault(pid, 0L) - earlier.ticks.getOrDefault(pid, 0L)) / TICKS;
  }

  /**
   * Cores used since {@code earlier}, by command name; {@code labels} names particular pids
   * (the processor's JVM, say) instead of their command. Busiest first, those under 0.01 left out.
   */
  public String since(CpuUse earlier, Map<Long, String> labels) {
    double seconds = (atNanos - earlier.atNanos) / 1e9;
    Map<String, Double> cores = new TreeMap<>();
    ticks.forEach((pid, now) -> {
      long used = now - earlier.ticks.getOrDefault(pid, 0L);
      cores.merge(labels.getOrDefault(pid, names.get(pid)), used / TICKS / seconds, Double::sum);
    });
    StringBuilder line = new StringBuilder();
    cores.entrySet().stream().filter(e -> e.getValue() >= 0.01)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> line.append(String.format(Locale.ROOT, "%s%s %.2f", line.length() == 0 ? "" : ", ", e.getKey(), e.getValue())));
    return line.toString();
  }
}
