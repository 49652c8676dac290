package casino.ingest;

import casino.broker.Broker;
import casino.config.Settings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the time from delivery to ack alone costs a consumer that does nothing else: the plain
 * loop of {@link SourceBenchmark} (acks every {@value SourceBenchmark#BATCH} at once) against a
 * loop that acks, every {@code tick} ms, what was delivered at least {@code delay} ms before,
 * as a pipeline that holds each message for that long would; for each prefetch window given,
 * alternating. The broker sends no more than the window unacked, so such a consumer drains at
 * most window / delay messages a second. With {@code step} above 0, what a tick acks goes as one
 * ack (multiple) every {@code step} deliveries instead of one for all of them. Run with
 * {@code bin/bench ackdelay [messages] [delay-ms] [tick-ms] [window,...] [step,...]}.
 */
public final class AckDelayBenchmark {
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int delayMs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int tickMs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Settings.Rabbit rabbit = Settings.load().rabbit();
    List<Integer> windows = ints(args.length > 3 ? args[3] : rabbit.prefetch() + ",5000");
    List<Integer> steps = ints(args.length > 4 ? args[4] : "0");
    int warmup = messages;
    String queue = "bench.ackdelay." + System.nanoTime();
    Settings.Rabbit bench = rabbit.withQueues(queue, queue + ".dead");
    StringBuilder result = new StringBuilder("RESULT delay_ms=" + delayMs);
    try (Connection connection = Broker.connect(bench, "bench-filler")) {
      Channel channel = connection.createChannel();
      Broker.declareQueues(channel, bench);
      for (int window : windows) {
        Settings.Rabbit windowed = bench.withPrefetch(window);
        long plain = 0;
        long[] delayed = new long[steps.size()];
        for (int round = 1; round <= 2; round++) {
          SourceBenchmark.fill(channel, queue, warmup + messages);
          long p = SourceBenchmark.plainLoop(windowed, queue, warmup, messages);
          System.out.printf(Locale.ROOT, "window %d, round %d: acks at once %.0f/s%n", window, round, SourceBenchmark.rate(messages, p));
          plain += p;
          for (int i = 0; i < steps.size(); i++) {
            SourceBenchmark.fill(channel, queue, warmup + messages);
            long d = delayedLoop(windowed, queue, warmup, messages, delayMs, tickMs, steps.get(i));
            System.out.printf(Locale.ROOT, "window %d, round %d: acks %d ms after delivery%s %.0f/s%n", window, round, delayMs,
                steps.get(i) > 0 ? ", one every " + steps.get(i) + " deliveries," : "", SourceBenchmark.rate(messages, d));
            delayed[i] += d;
          }
        }
        double plainRate = SourceBenchmark.rate(2L * messages, plain);
        result.append(String.format(Locale.ROOT, " plain_per_s_w%d=%.0f", window, plainRate));
        for (int i = 0; i < steps.size(); i++) {
          String name = "w" + window + (steps.get(i) > 0 ? "_step" + steps.get(i) : "");
          double delayedRate = SourceBenchmark.rate(2L * messages, delayed[i]);
          result.append(String.format(Locale.ROOT, " delayed_per_s_%s=%.0f ratio_%s=%.3f", name, delayedRate, name, delayedRate / plainRate));
        }
      }
      channel.queueDelete(queue);
      channel.queueDelete(queue + ".dead");
    }
    System.out.println(result);
  }

  /** A comma-separated list of numbers, as the arguments give windows and steps. */
  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  /** Consumes {@code warmup + n}, acking as described above; the time the last {@code n} took. */
  static long delayedLoop(Settings.Rabbit rabbit, String queue, int warmup, int n, int delayMs, int tickMs, int step) throws Exception {
    long delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    try {
      return SourceBenchmark.timedConsume(rabbit, queue, "bench-delayed", warmup, n, channel -> {
        // Delivery tag and time of each delivery not acked yet, in delivery order.
        ArrayDeque<long[]> unacked = new ArrayDeque<>();
        // Each ack covers every delivery up to its tag: one for the last one due, and with a
        // step one for every step-th before it.
        int every = step > 0 ? step : Integer.MAX_VALUE;
        ticks.scheduleAtFixedRate(() -> {
          long now = System.nanoTime();
          List<Long> acks = new ArrayList<>();
          int taken = 0;
          long upTo = 0;
          synchronized (unacked) {
            for (long[] d; (d = unacked.peek()) != null && now - d[1] >= delayNanos; unacked.poll()) {
              upTo = d[0];
              if (++taken % every == 0) {
                acks.add(upTo);
              }
            }
          }
          if (taken % every != 0) {
            acks.add(upTo);
          }
          try {
            for (long tag : acks) {
              channel.basicAck(tag, true);
            }
          } catch (IOException e) {
            throw new IllegalStateException("ack failed", e);
          }
        }, tickMs, tickMs, TimeUnit.MILLISECONDS);
        return (tag, received) -> {
          synchronized (unacked) {
            unacked.add(new long[] {tag, System.nanoTime()});
          }
        };
      });
    } finally {
      ticks.shutdownNow();
    }
  }
}
