package casino.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

/**
 * The batching in front of the workers, with the arrival rate read from a clock the test
 * moves (the linger itself is real time).
 */
class LingeringBatchTest {
  private static final Duration LINGER = Duration.ofMillis(400);
  private static final FiniteDuration LESS_THAN_LINGER = FiniteDuration.create(200, TimeUnit.MILLISECONDS);
  private static final long MS = 1_000_000L;
  private static ActorSystem system;

  private final AtomicLong now = new AtomicLong();
  private TestPublisher.Probe<Integer> upstream;
  private TestSubscriber.Probe<List<Integer>> downstream;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("lingering-batch-test");
  }

  @AfterAll
  static void stop() {
    TestKit.shutdownActorSystem(system);
  }

  @BeforeEach
  void materialize() {
    // At most 10 a batch; lingering from 1,000 events a second.
    Pair<TestPublisher.Probe<Integer>, TestSubscriber.Probe<List<Integer>>> probes = TestSource.<Integer>probe(system)
        .via(new LingeringBatch<>(10, LINGER, 1_000, now::get))
        .toMat(TestSink.probe(system), Keep.both())
        .run(system);
    upstream = probes.first();
    downstream = probes.second();
    downstream.ensureSubscription();
  }

  @Test
  void slowlyArrivingEventsGoDownstreamAtOnce() {
    downstream.request(1);
    upstream.sendNext(1);
    assertEquals(List.of(1), downstream.expectNext(Duration.ofMillis(100)));
  }

  @Test
  void whileDownstreamIsBusyEventsGatherIntoOneBatch() {
    upstream.sendNext(1).sendNext(2).sendNext(3);
    downstream.expectNoMessage(LESS_THAN_LINGER);
    downstream.request(1);
    assertEquals(List.of(1, 2, 3), downstream.expectNext(Duration.ofMillis(100)));
  }

  @Test
  void aBatchIsNeverBiggerThanTheMaximum() {
    IntStream.rangeClosed(1, 13).forEach(upstream::sendNext);
    downstream.request(1);
    assertEquals(IntStream.rangeClosed(1, 10).boxed().toList(), downstream.expectNext(Duration.ofMillis(100)));
    downstream.request(1);
    assertEquals(List.of(11, 12, 13), downstream.expectNext(Duration.ofMillis(100)));
  }

  @Test
  void underLoadABatchWaitsForMoreUntilTheLingerIsOver() {
    becomeLoaded();
    downstream.request(1);
    upstream.sendNext(100);
    now.addAndGet(MS);
    upstream.sendNext(101).sendNext(102);
    downstream.expectNoMessage(LESS_THAN_LINGER);
    assertEquals(List.of(100, 101, 102), downstream.expectNext(Duration.ofSeconds(2)));
  }

  @Test
  void underLoadAFullBatchGoesAtOnce() {
    becomeLoaded();
    downstream.request(1);
    IntStream.range(100, 110).forEach(upstream::sendNext);
    assertEquals(IntStream.range(100, 110).boxed().toList(), downstream.expectNext(Duration.ofMillis(100)));
  }

  @Test
  void whenTheLoadFallsEventsGoAtOnceAgain() {
    becomeLoaded();
    now.addAndGet(10_000 * MS);  // one event in ten seconds: well under 1,000 a second
    downstream.request(1);
    upstream.sendNext(100);
    assertEquals(List.of(100), downstream.expectNext(Duration.ofMillis(100)));
  }

  @Test
  void whatIsLeftGoesDownstreamWhenUpstreamCompletes() {
    becomeLoaded();
    upstream.sendNext(100).sendNext(101).sendComplete();
    downstream.request(1);
    assertEquals(List.of(100, 101), downstream.expectNext(Duration.ofMillis(100)));
    downstream.expectComplete();
  }

  @Test
  void aNegativeLingerIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LingeringBatch<Integer>(10, Duration.ofMillis(-1), 0, System::nanoTime));
    assertThrows(IllegalArgumentException.class, () -> new LingeringBatch<Integer>(0, LINGER, 0, System::nanoTime));
  }

  /** 200 events within 100 ms (2,000 a second), each taken at once since not yet loaded. */
  private void becomeLoaded() {
    downstream.request(1_000);
    for (int i = 0; i < 200; i++) {
      upstream.sendNext(i);
      now.addAndGet(MS / 2);
    }
    int received = 0;
    while (received < 200) {
      received += downstream.expectNext(Duration.ofSeconds(1)).size();
    }
    // The 201st event closes the window: the rate is now known to be over 1,000 a second.
    now.set(100 * MS);
    upstream.sendNext(200);
    assertEquals(List.of(200), downstream.expectNext(Duration.ofSeconds(2)));
  }
}
