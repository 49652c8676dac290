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
 * database, the benchmark itself); and the machine's cores that no process is charged with:
 * idle, idle while waiting for the disk, taken by the host (steal: a noisy neighbour) and spent
 * on interrupts (network packets, loopback included).
 */
public final class CpuUse {
  /** Clock ticks per second of /proc's utime and stime: 100 on Linux on x86-64. */
  static final double TICKS = 100;

  /** What {@link #machine} holds, in its order. */
  private static final String[] MACHINE = {"idle", "idle waiting for the disk", "stolen by the host", "interrupts"};

  private final Map<Long, String> names;
  private final Map<Long, Long> ticks;
  private final long atNanos;
  /** The machine's ticks from /proc/stat: idle, I/O wait, steal, interrupts (hard and soft). */
  private final long[] machine;

  private CpuUse(Map<Long, String> names, Map<Long, Long> ticks, long atNanos, long[] machine) {
    this.names = names;
    this.ticks = ticks;
    this.atNanos = atNanos;
    this.machine = machine;
  }

  public static CpuUse now() {
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> ticks = new HashMap<>();
    readStats(Path.of("/proc"), names, ticks);
    return new CpuUse(names, ticks, System.nanoTime(), machine());
  }

  /**
   * The name and CPU ticks (user and system) of every process (or thread) under {@code dir}:
   * /proc, or /proc/PID/task. Those that end while read are left out.
   */
  static void readStats(Path dir, Map<Long, String> names, Map<Long, Long> ticks) {
    try (Stream<Path> entries = Files.list(dir)) {
      entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          String stat = Files.readString(p.resolve("stat"));
          // pid (comm) state ppid ...: the name may hold spaces, so fields count from the last ')'.
          int close = stat.lastIndexOf(')');
          String[] fields = stat.substring(close + 2).split(" ");
          long id = Long.parseLong(p.getFileName().toString());
          names.put(id, stat.substring(stat.indexOf('(') + 1, close));
          ticks.put(id, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException | RuntimeException gone) {
          // Ended meanwhile.
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + dir, e);
    }
  }

  private static long[] machine() {
    try {
      // cpu  user nice system idle iowait irq softirq steal ...
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return new long[] {Long.parseLong(fields[4]), Long.parseLong(fields[5]), Long.parseLong(fields[8]),
          Long.parseLong(fields[6]) + Long.parseLong(fields[7])};
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read /proc/stat", e);
    }
  }

  /** CPU seconds (user and system) that the processes named {@code command} used since {@code earlier}. */
  public double seconds(CpuUse earlier, String command) {
    return ticks.entrySet().stream().filter(e -> command.equals(names.get(e.getKey())))
        .mapToLong(e -> e.getValue() - earlier.ticks.getOrDefault(e.getKey(), 0L)).sum() / TICKS;
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
    for (int i = 0; i < machine.length; i++) {
      line.append(String.format(Locale.ROOT, "; %s %.2f", MACHINE[i], (machine[i] - earlier.machine[i]) / TICKS / seconds));
    }
    return line.toString();
  }
}
