package casino.view;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read copy of the view: refreshed from the keeper, cheaply. */
class ViewActorTest {
  private static final Duration EVERY = Duration.ofMillis(10);

  private ActorTestKit testKit;

  @BeforeEach
  void start() {
    testKit = ActorTestKit.create();
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  /** A keeper that answers every GetFigures with figures counting its answers, so that each refresh shows. */
  private ActorRef<ViewKeeper.Command> keeper(AtomicInteger answered) {
    return testKit.spawn(Behaviors.receive(ViewKeeper.Command.class)
        .onMessage(ViewKeeper.GetFigures.class, get -> {
          int n = answered.incrementAndGet();
          get.replyTo().tell(new Figures(0, n, null, 0, new long[0], null, null, null, 0, null, null, null));
          return Behaviors.same();
        })
        .build());
  }

  /** Waits (at most 5 s) until the keeper has answered 20 times. */
  private static void awaitAnswers(AtomicInteger answered) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (answered.get() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(answered.get() >= 20, "the keeper was asked " + answered.get() + " times in 5 s at one refresh per 10 ms");
  }

  @Test
  void theCopyFollowsTheKeeper() throws InterruptedException {
    AtomicInteger answered = new AtomicInteger();
    AtomicReference<Figures> published = new AtomicReference<>(Figures.EMPTY);
    testKit.spawn(ViewActor.create(keeper(answered), EVERY, Clock.systemUTC(), published));
    awaitAnswers(answered);
    long seen = published.get().eventsTotal();
    assertTrue(seen > 0 && seen <= answered.get(), "the copy holds an answer of the keeper: " + seen);
  }

  /**
   * A refresh starts no thread. Asking through the actor context ran each answer's callback on
   * CompletableFuture's default executor, which on a 2-core machine is a new thread per task.
   */
  @Test
  void refreshingStartsNoThread() throws InterruptedException {
    AtomicInteger answered = new AtomicInteger();
    testKit.spawn(ViewActor.create(keeper(answered), EVERY, Clock.systemUTC()));
    // The dispatcher's and the scheduler's threads start with the first refreshes.
    awaitAnswers(answered);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long startedBefore = threads.getTotalStartedThreadCount();
    int answeredBefore = answered.get();
    Thread.sleep(1_000);
    int refreshes = answered.get() - answeredBefore;
    long started = threads.getTotalStartedThreadCount() - startedBefore;
    assertTrue(refreshes >= 20, "refreshes in a second at one per 10 ms: " + refreshes);
    // A dispatcher may still add a pooled thread of its own; a thread per refresh would be dozens.
    assertTrue(started <= 3, started + " threads started during " + refreshes + " refreshes");
  }
}
