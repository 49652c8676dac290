package casino.processor;

import casino.ingest.ArrivalRate;
import casino.ingest.Coalescing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Batches of what arrived together, at most {@code max}. While events arrive slower than
 * {@code lingerFromRate} a batch goes downstream as soon as downstream takes it: no added
 * latency. Faster than that, a batch also waits for more until it is full or {@code linger}
 * after its first event: every batch costs a player query, a write, a view update and an ack
 * whatever its size, and under load small batches spend the CPU that the broker needs.
 */
final class LingeringBatch<T> extends GraphStage<FlowShape<T, List<T>>> {
  private static final String LINGER = "linger";

  private final int max;
  private final Duration linger;
  private final double lingerFromRate;
  private final LongSupplier nanoTime;
  private final Inlet<T> in = Inlet.create("LingeringBatch.in");
  private final Outlet<List<T>> out = Outlet.create("LingeringBatch.out");
  private final FlowShape<T, List<T>> shape = FlowShape.of(in, out);

  /**
   * Batches of up to {@code policy.wakeBatch()}, lingering up to {@code policy.maxDelay()} from
   * {@code policy.fromRate()}: the source's wake-ups and the batches follow one policy. A zero
   * delay never waits: a batch is what arrived while downstream was busy.
   */
  LingeringBatch(Coalescing policy) {
    this(policy, System::nanoTime);
  }

  LingeringBatch(int max, Duration linger, double lingerFromRate, LongSupplier nanoTime) {
    this(new Coalescing(max, linger, lingerFromRate), nanoTime);
  }

  private LingeringBatch(Coalescing policy, LongSupplier nanoTime) {
    this.max = policy.wakeBatch();
    this.linger = policy.maxDelay();
    this.lingerFromRate = policy.fromRate();
    this.nanoTime = nanoTime;
  }

  @Override
  public FlowShape<T, List<T>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private List<T> batch = new ArrayList<>();
      private long batchStarted;
      private boolean lingerOver;
      private boolean loaded;
      private final ArrivalRate rate = new ArrivalRate(lingerFromRate, nanoTime.getAsLong());

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            long now = nanoTime.getAsLong();
            loaded = rate.record(1, now);
            if (batch.isEmpty()) {
              batchStarted = now;
            }
            batch.add(grab(in));
            if (batch.size() < max) {
              pull(in);
            }
            emitIfReady();
          }

          @Override
          public void onUpstreamFinish() {
            if (batch.isEmpty()) {
              completeStage();
            } else {
              emitIfReady();
            }
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            emitIfReady();
          }
        });
      }

      @Override
      public void preStart() {
        pull(in);
      }

      private void emitIfReady() {
        if (batch.isEmpty() || !isAvailable(out)) {
          return;
        }
        boolean closed = isClosed(in);
        if (batch.size() >= max || closed || lingerOver || !loaded || linger.isZero()) {
          List<T> full = batch;
          batch = new ArrayList<>();
          lingerOver = false;
          cancelTimer(LINGER);
          push(out, full);
          if (closed) {
            completeStage();
          } else if (!hasBeenPulled(in)) {
            pull(in);
          }
        } else if (!isTimerActive(LINGER)) {
          long waited = nanoTime.getAsLong() - batchStarted;
          scheduleOnce(LINGER, linger.minusNanos(Math.min(waited, linger.toNanos())));
        }
      }

      @Override
      public void onTimer(Object key) {
        lingerOver = true;
        emitIfReady();
      }
    };
  }
}
