package casino.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU used by the threads of one process between two readings (Linux's /proc/PID/task), grouped
 * by thread name without its number at the end ("GC Thread#0" and "GC Thread#1" are one group;
 * Linux keeps the first 15 characters of a name, "casino-pekko.ac" for the default dispatcher's):
 * where a JVM's CPU went, the JIT's compiler threads and the garbage collector included, which a
 * sampling profiler attached to the JVM does not see alike.
 */
public final class ThreadCpu {
  private final Map<Long, String> names;
  private final Map<Long, Long> ticks;

  private ThreadCpu(Map<Long, String> names, Map<Long, Long> ticks) {
    this.names = names;
    this.ticks = ticks;
  }

  public static ThreadCpu of(long pid) {
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> ticks = new HashMap<>();
    CpuUse.readStats(Path.of("/proc", Long.toString(pid), "task"), names, ticks);
    return new ThreadCpu(names, ticks);
  }

  /** Microseconds of CPU per unit of work ({@code units} done since {@code earlier}) by thread group, busiest first, under 0.05 left out. */
  public String perUnit(ThreadCpu earlier, long units) {
    Map<String, Long> groups = new HashMap<>();
    ticks.forEach((tid, now) -> groups.merge(names.get(tid).replaceAll("[#-]?[0-9]+$", ""),
        now - earlier.ticks.getOrDefault(tid, 0L), Long::sum));
    StringBuilder line = new StringBuilder();
    groups.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> Map.entry(e.getKey(), e.getValue() / CpuUse.TICKS * 1e6 / units))
        .filter(e -> e.getValue() >= 0.05)
        .forEach(e -> line.append(String.format(Locale.ROOT, "%s%s %.2f", line.length() == 0 ? "" : ", ", e.getKey(), e.getValue())));
    return line.toString();
  }
}
