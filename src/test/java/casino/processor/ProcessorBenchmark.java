package casino.processor;

import casino.broker.Broker;
import casino.config.Settings;
import casino.domain.WireFormat;
import casino.ingest.SourceBenchmark;
import casino.publish.EventGenerator;
import casino.publish.IdGenerator;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
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
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Drains a backlog of events through a processor (its own JVM, full enrichment, stdout to a
 * file) and, in the same run, through the plain consume+ack loop of the source benchmark, each
 * timed over the last 200,000 of a 600,000 backlog; then measures publish-to-output latency at
 * a steady 1,000 events/s. Run with {@code bin/bench processor [messages] [seconds] [warmup]}.
 */
public final class ProcessorBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int latencySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    // Both consumers first take this many, untimed, so that the JIT has compiled the hot paths
    // (on 2 cores, C2 compiling competes with the work for a minute or so).
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 400_000;
    String queue = "bench.processor." + System.nanoTime();
    Settings.Rabbit rabbit = Settings.load().rabbit().withQueues(queue, queue + ".dead");
    try (Connection connection = Broker.connect(rabbit, "bench-filler");
         SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      Channel channel = connection.createChannel();
      Broker.declareQueues(channel, rabbit);

      SourceBenchmark.fill(channel, queue, warmup + messages);
      long plainNanos = SourceBenchmark.plainLoop(rabbit, queue, warmup, messages);
      double plainRate = SourceBenchmark.rate(messages, plainNanos);
      System.out.printf(Locale.ROOT, "plain consume+ack: %.0f/s (last %d of %d)%n", plainRate, messages, warmup + messages);

      SourceBenchmark.fill(channel, queue, warmup + messages);
      try (ProcessorProcess processor = ProcessorProcess.start(ProcessorProcess.environment(rabbit, api))) {
        double processorRate = drainRate(processor, warmup, messages);
        System.out.printf(Locale.ROOT, "processor (full enrichment): %.0f/s (last %d of %d)%n", processorRate, messages, warmup + messages);

        List<Long> latencies = latencies(channel, queue, processor, latencySeconds);
        long p50 = percentile(latencies, 50);
        long p99 = percentile(latencies, 99);
        System.out.printf(Locale.ROOT, "latency at 1000/s over %d s: %d events, p50 %d ms, p99 %d ms%n",
            latencySeconds, latencies.size(), p50, p99);
        processor.terminate(Duration.ofSeconds(30));
        channel.queueDelete(queue);
        channel.queueDelete(queue + ".dead");
        System.out.printf(Locale.ROOT, "RESULT processor_per_s=%.0f plain_per_s=%.0f ratio=%.3f p50_ms=%d p99_ms=%d%n",
            processorRate, plainRate, processorRate / plainRate, p50, p99);
      }
    }
  }

  /** Events counted per second over the last {@code messages} of {@code warmup + messages}. */
  private static double drainRate(ProcessorProcess processor, int warmup, int messages) throws Exception {
    long startCount = 0;
    long start = 0;
    long count = 0;
    while (count < warmup + messages) {
      count = processor.materialized().get("events_total").asLong();
      if (start == 0 && count >= warmup) {
        start = System.nanoTime();
        startCount = count;
      }
      Thread.sleep(20);
    }
    return (count - startCount) / ((System.nanoTime() - start) / 1e9);
  }

  /** Publishes at 1,000/s and stamps each output line as it appears: now - created_at. */
  private static List<Long> latencies(Channel channel, String queue, ProcessorProcess processor, int seconds) throws Exception {
    EventGenerator generator = new EventGenerator(new IdGenerator(1022, Clock.systemUTC()), new SplittableRandom(), Clock.systemUTC());
    Path out = processor.stdoutFile();
    List<Long> latencies = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(out.toFile(), "r")) {
      file.seek(file.length());
      StringBuilder partial = new StringBuilder();
      long start = System.nanoTime();
      long total = seconds * 1000L;
      long sent = 0;
      long end = start + Duration.ofSeconds(seconds + 10).toNanos();
      while (System.nanoTime() < end && latencies.size() < total) {
        long due = start + sent * 1_000_000L;
        while (sent < total && System.nanoTime() >= due) {
          channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, WireFormat.encode(generator.next()));
          sent++;
          due = start + sent * 1_000_000L;
        }
        byte[] chunk = new byte[(int) Math.min(1 << 20, file.length() - file.getFilePointer())];
        file.readFully(chunk);
        partial.append(new String(chunk, StandardCharsets.UTF_8));
        Instant now = Instant.now();
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, newline);
          partial.delete(0, newline + 1);
          Instant created = Instant.parse(JSON.readTree(line).get("created_at").asText());
          latencies.add(Duration.between(created, now).toMillis());
        }
        LockSupport.parkNanos(200_000);
      }
    }
    return latencies;
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
