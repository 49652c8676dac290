package casino.processor;

import casino.broker.Broker;
import casino.config.Settings;
import casino.domain.WireFormat;
import casino.ingest.SourceBenchmark;
import casino.publish.EventGenerator;
import casino.publish.IdGenerator;
import casino.quotes.SimulatedRatesApi;
import casino.testing.CpuUse;
import casino.testing.ProcessorProcess;
import casino.testing.Scrape;
import casino.testing.ThreadCpu;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Drains a backlog of events through a processor (its own JVM, full enrichment, stdout to a
 * file) and, in the same run, through the plain consume+ack loop of the source benchmark (once
 * before and once after the processor), each timed over the last 200,000 of a 600,000 backlog;
 * then measures publish-to-output latency at a steady 1,000 events/s for a minute (the p99 of its
 * first 15 s, right after the drain, also apart), and for 15 s at 10,000/s, where batches
 * linger. Run with {@code bin/bench processor [messages] [seconds-at-1000] [warmup]}.
 */
public final class ProcessorBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SETTLE_SECONDS = 3;
  /** The broker's process (RabbitMQ's Erlang VM), by its command name in /proc. */
  private static final String BROKER = "beam.smp";
  /** The latency target at 1,000 events/s (p99); seconds with slower events are listed. */
  private static final long SLOW_MS = 25;
  private static final int CPU_EVERY_SECONDS = 5;
  /** The length of the phase at 10,000 events/s, and of the first part of the one at 1,000/s reported apart. */
  private static final int FAST_SECONDS = 15;

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    // A steady rate for a minute: the first seconds after a drain are slower (the JIT recompiles
    // for the new shape of the load), and their p99 is printed on its own.
    int latencySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    // Both consumers first take this many, untimed, so that the JIT has compiled the hot paths
    // (on 2 cores, C2 compiling competes with the work for a minute or so).
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 400_000;
    String queue = "bench.processor." + System.nanoTime();
    Settings.Rabbit rabbit = Settings.load().rabbit().withQueues(queue, queue + ".dead");
    try (Connection connection = Broker.connect(rabbit, "bench-filler");
         SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      Channel channel = connection.createChannel();
      Broker.declareQueues(channel, rabbit);

      // The plain loop runs before and after the processor and their mean is the reference:
      // a drift of the shared machine's speed during the run then falls on both alike.
      double plainBefore = plainRate(channel, rabbit, queue, warmup, messages);

      SourceBenchmark.fill(channel, queue, warmup + messages);
      double processorRate;
      List<Long> slow;
      long slowFirstP99;
      List<Long> fast;
      List<Long> readyTimes;
      try (ProcessorProcess processor = ProcessorProcess.start(ProcessorProcess.environment(rabbit, api))) {
        processorRate = drainRate(processor, warmup, messages);
        System.out.printf(Locale.ROOT, "processor (full enrichment): %.0f/s (last %d of %d)%n", processorRate, messages, warmup + messages);
        Counters writes = counters(processor, "during the drain", null);
        slow = latencies(channel, queue, processor, 1_000, latencySeconds);
        report(slow, 1_000, latencySeconds);
        slowFirstP99 = percentile(firstSeconds(slow, 1_000), 99);
        System.out.printf(Locale.ROOT, "latency at 1000/s over the first %d s: p99 %d ms%n", FAST_SECONDS, slowFirstP99);
        writes = counters(processor, "at 1,000/s", writes);
        // Above the rate from which batches linger (PROCESSOR_LINGER_FROM_RATE): what it costs.
        // Meanwhile /ready is asked every 50 ms, as a load balancer would (SPEC 10: under 10 ms).
        try (ReadyTimes ready = ReadyTimes.asking(processor)) {
          fast = latencies(channel, queue, processor, 10_000, FAST_SECONDS);
          readyTimes = ready.stop();
        }
        report(fast, 10_000, FAST_SECONDS);
        counters(processor, "at 10,000/s", writes);
        System.out.printf(Locale.ROOT, "/ready at 10,000/s: %d answers, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
            readyTimes.size(), percentile(readyTimes, 50) / 1e3, percentile(readyTimes, 99) / 1e3,
            percentile(readyTimes, 100) / 1e3);
        processor.terminate(Duration.ofSeconds(30));
      }
      double plainAfter = plainRate(channel, rabbit, queue, warmup, messages);
      double plainRate = (plainBefore + plainAfter) / 2;
      channel.queueDelete(queue);
      channel.queueDelete(queue + ".dead");
      System.out.printf(Locale.ROOT,
          "RESULT processor_per_s=%.0f plain_per_s=%.0f ratio=%.3f p50_ms=%d p99_ms=%d p99_ms_first_15s=%d p50_ms_at_10k=%d"
              + " p99_ms_at_10k=%d ready_p99_ms_at_10k=%.1f%n",
          processorRate, plainRate, processorRate / plainRate, percentile(slow, 50), percentile(slow, 99),
          slowFirstP99,
          percentile(fast, 50), percentile(fast, 99), percentile(readyTimes, 99) / 1e3);
    }
  }

  private static double plainRate(Channel channel, Settings.Rabbit rabbit, String queue, int warmup, int messages) throws Exception {
    SourceBenchmark.fill(channel, queue, warmup + messages);
    CpuUse before = CpuUse.now();
    double rate = SourceBenchmark.rate(messages, SourceBenchmark.plainLoop(rabbit, queue, warmup, messages));
    CpuUse after = CpuUse.now();
    System.out.printf(Locale.ROOT, "plain consume+ack: %.0f/s (last %d of %d)%n", rate, messages, warmup + messages);
    System.out.printf(Locale.ROOT, "broker CPU during the plain loop: %.1f us per message%n",
        after.seconds(before, BROKER) * 1e6 / (warmup + messages));
    System.out.println("cores during the plain loop (all of it): "
        + after.since(before, Map.of(ProcessHandle.current().pid(), "benchmark")));
    return rate;
  }

  /**
   * The processor's counters so far, from its metrics: the view's journal writes (how many, and
   * their events, count requests and time), and the threads it has started (a thread per callback
   * is what a future's default executor costs on 2 cores, see SameThread).
   */
  private record Counters(double writes, double events, double requests, double seconds, double threadsStarted,
      double outputWrites, double outputSeconds, double outputMaxSeconds, double lines, double lateAtDelivery,
      double lateAtOutput) {
    static Counters of(ProcessorProcess processor) throws Exception {
      Scrape metrics = Scrape.of(processor.get("/metrics").body());
      double lines = metrics.value("casino_event_age_seconds_count");
      return new Counters(metrics.value("casino_view_write_seconds_count"), metrics.value("casino_view_write_events_sum"),
          metrics.value("casino_view_write_batches_sum"), metrics.value("casino_view_write_seconds_sum"),
          metrics.value("jvm_threads_started_threads_total"), metrics.value("casino_output_write_seconds_count"),
          metrics.value("casino_output_write_seconds_sum"), metrics.value("casino_output_write_seconds_max"), lines,
          lines - metrics.value("casino_event_age_at_delivery_seconds_bucket{le=\"0.025\"}"),
          lines - metrics.value("casino_event_age_seconds_bucket{le=\"0.025\"}"));
    }

    /** The maximum is Micrometer's, over its last two minutes or so, not a difference. */
    Counters minus(Counters before) {
      return new Counters(writes - before.writes, events - before.events, requests - before.requests,
          seconds - before.seconds, threadsStarted - before.threadsStarted, outputWrites - before.outputWrites,
          outputSeconds - before.outputSeconds, outputMaxSeconds, lines - before.lines,
          lateAtDelivery - before.lateAtDelivery, lateAtOutput - before.lateAtOutput);
    }
  }

  /** Prints the journal writes and threads started since {@code before} (null: since the start); returns the counters so far. */
  private static Counters counters(ProcessorProcess processor, String during, Counters before) throws Exception {
    Counters now = Counters.of(processor);
    Counters since = before == null ? now : now.minus(before);
    System.out.printf(Locale.ROOT, "view journal writes %s: %.0f, %.0f events and %.1f count requests each on average, %.1f ms each%n",
        during, since.writes(), since.events() / since.writes(), since.requests() / since.writes(),
        since.seconds() * 1000 / since.writes());
    System.out.printf(Locale.ROOT, "threads the processor started %s: %.0f%n", during, since.threadsStarted());
    System.out.printf(Locale.ROOT, "stdout writes %s: %.0f, %.2f ms each, slowest of the last two minutes %.1f ms%n",
        during, since.outputWrites(), since.outputSeconds() * 1000 / since.outputWrites(), since.outputMaxSeconds() * 1000);
    // The processor's own clock on both sides: over the latency target at delivery, the time was
    // the broker's (or the publisher's); over it only when written, the processor's.
    System.out.printf(Locale.ROOT, "lines %s: %.0f, of them over %d ms old when the broker delivered them %.0f, when written %.0f%n",
        during, since.lines(), SLOW_MS, since.lateAtDelivery(), since.lateAtOutput());
    return now;
  }

  private static void report(List<Long> latencies, int perSecond, int seconds) {
    System.out.printf(Locale.ROOT, "latency at %d/s over %d s: %d events, p50 %d ms, p99 %d ms%n",
        perSecond, seconds, latencies.size(), percentile(latencies, 50), percentile(latencies, 99));
  }

  /**
   * Events counted per second over the last {@code messages} of {@code warmup + messages}. The
   * count is read rarely (each read costs the machine CPU that the processor and the broker
   * would otherwise have), and often only close to the start and the end of the timed part.
   */
  private static double drainRate(ProcessorProcess processor, int warmup, int messages) throws Exception {
    long total = warmup + messages;
    long startCount = 0;
    long start = 0;
    long count = 0;
    long previous = 0;
    long previousAt = System.nanoTime();
    CpuUse cpuAtStart = null;
    ThreadCpu threadsAtStart = null;
    double[] ackAtStart = null;
    while (count < total) {
      count = processor.materialized().get("events_total").asLong();
      long now = System.nanoTime();
      if (start == 0 && count >= warmup) {
        start = now;
        startCount = count;
        cpuAtStart = CpuUse.now();
        threadsAtStart = ThreadCpu.of(processor.pid());
        ackAtStart = deliveryToAck(processor);
      }
      double perNano = Math.max(1e-6, (count - previous) / (double) Math.max(1, now - previousAt));
      previous = count;
      previousAt = now;
      long next = count < warmup ? warmup : total;
      long untilNext = (long) ((next - count) / perNano / 1_000_000);
      Thread.sleep(Math.max(5, Math.min(250, untilNext / 2)));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // CPU per event is steadier than the rate on a shared machine: it does not depend on how
    // fast the broker delivers, only on what the processor does with each event.
    CpuUse cpuAtEnd = CpuUse.now();
    ThreadCpu threadsAtEnd = ThreadCpu.of(processor.pid());
    double cpuSeconds = cpuAtEnd.seconds(cpuAtStart, processor.pid());
    System.out.printf(Locale.ROOT, "processor CPU while timed: %.1f us per event, %.2f cores%n",
        cpuSeconds * 1e6 / (count - startCount), cpuSeconds / seconds);
    System.out.println("processor CPU while timed by thread, us per event: " + threadsAtEnd.perUnit(threadsAtStart, count - startCount));
    System.out.printf(Locale.ROOT, "broker CPU while timed: %.1f us per event%n",
        cpuAtEnd.seconds(cpuAtStart, BROKER) * 1e6 / (count - startCount));
    System.out.println("cores while timed: " + cpuAtEnd.since(cpuAtStart, labels(processor)));
    // How long a message stays unacked: the prefetch window over this bounds the drain.
    double[] ackAtEnd = deliveryToAck(processor);
    System.out.printf(Locale.ROOT, "delivery to ack while timed: mean %.1f ms over %.0f messages%n",
        (ackAtEnd[0] - ackAtStart[0]) * 1000 / (ackAtEnd[1] - ackAtStart[1]), ackAtEnd[1] - ackAtStart[1]);
    return (count - startCount) / seconds;
  }

  /** The processor's delivery-to-ack timer so far: seconds in all, messages. */
  private static double[] deliveryToAck(ProcessorProcess processor) throws Exception {
    Scrape metrics = Scrape.of(processor.get("/metrics").body());
    return new double[] {metrics.value("casino_delivery_to_ack_seconds_sum"), metrics.value("casino_delivery_to_ack_seconds_count")};
  }

  /**
   * Publishes at {@code perSecond} and stamps each output line as it appears: now - created_at.
   * The first {@value #SETTLE_SECONDS} seconds are not counted: the rate has to be steady (right
   * after a backlog the JIT recompiles for the new shape of the load).
   */
  private static List<Long> latencies(Channel channel, String queue, ProcessorProcess processor, int perSecond, int seconds)
      throws Exception {
    EventGenerator generator = new EventGenerator(new IdGenerator(62, Clock.systemUTC()), new SplittableRandom(), Clock.systemUTC());
    Path out = processor.stdoutFile();
    List<Long> latencies = new ArrayList<>();
    CpuUse measuredFrom = null;
    // Readings every CPU_EVERY_SECONDS from the start, for the processor's cores over time.
    List<CpuUse> cpuBySeconds = new ArrayList<>();
    // Per second of the measured part: events, the slowest, and how many took over SLOW_MS.
    TreeMap<Long, long[]> bySecond = new TreeMap<>();
    // Per second from the start: the longest a single publish took, in ms.
    TreeMap<Long, Long> publishHolds = new TreeMap<>();
    Instant startedAt;
    try (RandomAccessFile file = new RandomAccessFile(out.toFile(), "r")) {
      file.seek(file.length());
      StringBuilder partial = new StringBuilder();
      long start = System.nanoTime();
      startedAt = Instant.now();
      long settling = (long) SETTLE_SECONDS * perSecond;
      long measured = (long) seconds * perSecond;
      long total = settling + measured;
      long interval = 1_000_000_000L / perSecond;
      long sent = 0;
      long read = 0;
      long end = start + Duration.ofSeconds(SETTLE_SECONDS + seconds + 10).toNanos();
      while (System.nanoTime() < end && latencies.size() < measured) {
        long due = start + sent * interval;
        while (sent < total && System.nanoTime() >= due) {
          long publishing = System.nanoTime();
          channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, WireFormat.encode(generator.next()));
          long publishedAt = System.nanoTime();
          // The broker holds a publisher back when it falls behind (credit flow): this loop then
          // reads no lines either, and their latency grows with the hold.
          publishHolds.merge((publishedAt - start) / 1_000_000_000L, (publishedAt - publishing) / 1_000_000L, Math::max);
          sent++;
          due = start + sent * interval;
        }
        byte[] chunk = new byte[(int) Math.min(1 << 20, file.length() - file.getFilePointer())];
        file.readFully(chunk);
        partial.append(new String(chunk, StandardCharsets.UTF_8));
        Instant now = Instant.now();
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, newline);
          partial.delete(0, newline + 1);
          if (read++ < settling) {
            continue;
          }
          if (measuredFrom == null) {
            measuredFrom = CpuUse.now();
          }
          Instant created = Instant.parse(JSON.readTree(line).get("created_at").asText());
          long latency = Duration.between(created, now).toMillis();
          latencies.add(latency);
          long[] second = bySecond.computeIfAbsent((System.nanoTime() - start) / 1_000_000_000L, k -> new long[3]);
          second[0]++;
          second[1] = Math.max(second[1], latency);
          second[2] += latency > SLOW_MS ? 1 : 0;
        }
        long elapsedSeconds = (System.nanoTime() - start) / 1_000_000_000L;
        if (elapsedSeconds >= cpuBySeconds.size() * CPU_EVERY_SECONDS) {
          cpuBySeconds.add(CpuUse.now());
        }
        LockSupport.parkNanos(200_000);
      }
    }
    System.out.printf(Locale.ROOT, "cores at %d/s: %s%n", perSecond, CpuUse.now().since(measuredFrom, labels(processor)));
    StringBuilder cores = new StringBuilder();
    for (int i = 1; i < cpuBySeconds.size(); i++) {
      cores.append(String.format(Locale.ROOT, " %.2f",
          cpuBySeconds.get(i).seconds(cpuBySeconds.get(i - 1), processor.pid()) / CPU_EVERY_SECONDS));
    }
    System.out.printf(Locale.ROOT, "processor cores at %d/s, every %d s from the start:%s%n", perSecond, CPU_EVERY_SECONDS, cores);
    StringBuilder slow = new StringBuilder();
    bySecond.forEach((second, figures) -> {
      if (figures[2] > 0) {
        slow.append(String.format(Locale.ROOT, " %ds:%d/%d<=%dms", second, figures[2], figures[0], figures[1]));
      }
    });
    System.out.printf(Locale.ROOT, "seconds from %s with events over %d ms (second:over/all<=slowest):%s%n", startedAt,
        SLOW_MS, slow.length() == 0 ? " none" : slow);
    StringBuilder holds = new StringBuilder();
    publishHolds.forEach((second, ms) -> {
      if (ms > SLOW_MS) {
        holds.append(String.format(Locale.ROOT, " %ds:%dms", second, ms));
      }
    });
    System.out.printf(Locale.ROOT, "seconds with a publish held over %d ms by the broker (second:longest):%s%n", SLOW_MS,
        holds.length() == 0 ? " none" : holds);
    return latencies;
  }

  private static Map<Long, String> labels(ProcessorProcess processor) {
    return Map.of(processor.pid(), "processor", ProcessHandle.current().pid(), "benchmark");
  }

  /** Asks the processor's /ready every 50 ms on a thread of its own; each answer's time in microseconds. */
  private static final class ReadyTimes implements AutoCloseable {
    private final List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread asker;
    private volatile boolean asking = true;

    private ReadyTimes(ProcessorProcess processor) {
      asker = new Thread(() -> {
        while (asking) {
          long start = System.nanoTime();
          try {
            int status = processor.get("/ready").statusCode();
            if (status == 200) {
              micros.add((System.nanoTime() - start) / 1_000);
            }
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            // Not an answer: counted by its absence.
          }
        }
      }, "ready-asker");
      asker.start();
    }

    static ReadyTimes asking(ProcessorProcess processor) {
      return new ReadyTimes(processor);
    }

    List<Long> stop() throws InterruptedException {
      asking = false;
      asker.join();
      return new ArrayList<>(micros);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  /** The latencies of the first {@value #FAST_SECONDS} measured seconds of a phase at {@code perSecond}. */
  private static List<Long> firstSeconds(List<Long> latencies, int perSecond) {
    return latencies.subList(0, Math.min(latencies.size(), FAST_SECONDS * perSecond));
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
