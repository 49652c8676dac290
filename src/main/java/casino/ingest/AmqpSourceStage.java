package casino.ingest;

import casino.broker.Broker;
import casino.concurrent.Failures;
import casino.concurrent.SameThread;
import casino.config.Settings;
import casino.ingest.CommittableMessage.Settlement;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.StreamDetachedException;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.FutureConverters;

/**
 * The source stage: one connection, one channel, one consumer. Only this stage touches the
 * channel; consumer callbacks and settlements reach it through async callbacks.
 */
final class AmqpSourceStage extends AbstractGraphStageWithMaterializedValue<SourceShape<CommittableMessage>, AmqpControl> {
  private static final Logger log = LoggerFactory.getLogger(AmqpSourceStage.class);
  private static final String DRAIN_TIMEOUT = "drain-timeout";
  private static final String COLLECT = "collect";

  private final Settings.Rabbit rabbit;
  private final String queue;
  private final Coalescing coalescing;
  private final AmqpControl sharedControl;
  private final Outlet<CommittableMessage> out = Outlet.create("AmqpSource.out");
  private final SourceShape<CommittableMessage> shape = SourceShape.of(out);

  AmqpSourceStage(Settings.Rabbit rabbit, String queue, Coalescing coalescing, AmqpControl sharedControl) {
    this.rabbit = rabbit;
    this.queue = queue;
    this.coalescing = coalescing;
    this.sharedControl = sharedControl;
  }

  @Override
  public SourceShape<CommittableMessage> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, AmqpControl> createLogicAndMaterializedValuePair(Attributes attributes) {
    AmqpControl control = sharedControl != null ? sharedControl : new AmqpControl();
    return Pair.create(new Logic(control), control);
  }

  private record Delivery(byte[] body, AMQP.BasicProperties properties, boolean redelivered, long tag, long deliveredAtNanos) {}

  private record SettleRequest(long tag, Settlement settlement, CompletableFuture<Done> result) {}

  private final class Logic extends TimerGraphStageLogic {
    private final AmqpControl control;
    private final ArrayDeque<Delivery> buffer = new ArrayDeque<>();
    /** Emitted and not yet settled; delivery tags of this channel only. */
    private final NavigableSet<Long> outstanding = new TreeSet<>();
    private Connection connection;
    private Channel channel;
    private String consumerTag;
    private boolean stopping;
    private volatile boolean stopped;

    /**
     * Deliveries cross from the connection's thread through this queue; the stage is woken once
     * per burst rather than once per message, and under load once per {@code wakeAt} of them
     * (see {@link Coalescing}).
     */
    private final ConcurrentLinkedQueue<Delivery> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile int wakeAt = 1;
    private final ArrivalRate arrivals = new ArrivalRate(coalescing.fromRate(), System.nanoTime());
    private AsyncCallback<Done> onDeliveries;
    private AsyncCallback<SettleRequest> onSettle;
    private AsyncCallback<String> onLost;
    private Consumer<Boolean> drainTrigger;

    Logic(AmqpControl control) {
      super(shape);
      this.control = control;
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          pushIfReady();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          if (cause instanceof SubscriptionWithCancelException.NonFailureCancellation) {
            stopTaking("downstream finished");
          } else {
            log.warn("downstream failed; closing the channel so that the broker redelivers {} unacknowledged message(s)",
                outstanding.size());
            closeConnection(true);
            failStage(cause);
          }
        }
      });
    }

    @Override
    public void preStart() {
      onDeliveries = createAsyncCallback(done -> takeInbox());
      onSettle = createAsyncCallback(this::settle);
      onLost = createAsyncCallback(this::lost);
      AsyncCallback<Boolean> onDrain = createAsyncCallback(requested -> stopTaking("drain requested"));
      drainTrigger = onDrain::invoke;
      if (control.attach(drainTrigger)) {
        control.drainFinished(null);
        completeStage();
        return;
      }
      try {
        // Deliveries are handed to the consumer on the connection's own thread: the consumer
        // only queues them for the stage, and a second hand-over per delivery (the client's
        // consumer pool, and handing work to it) took 14 % of the processor's CPU in a profile.
        connection = Broker.connect(rabbit, "casino-consumer:" + queue, SameThread.EXECUTOR_SERVICE);
        channel = connection.createChannel();
        // On the channel: the broker may close it alone (a channel error, a consumer timeout),
        // and a lost connection closes it too.
        channel.addShutdownListener(this::onShutdown);
        channel.basicQos(rabbit.prefetch());
        consumerTag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
          @Override
          public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            inbox.add(new Delivery(body, properties, envelope.isRedeliver(), envelope.getDeliveryTag(), System.nanoTime()));
            if (inboxSize.incrementAndGet() >= wakeAt && wakeupPending.compareAndSet(false, true)) {
              onDeliveries.invoke(Done.getInstance());
            }
          }

          @Override
          public void handleCancel(String tag) {
            onLost.invoke("the broker cancelled the consumer of queue " + queue + " (queue deleted?)");
          }
        });
        control.connected(true);
      } catch (Broker.BrokerUnavailableException | IOException | RuntimeException e) {
        closeConnection(true);
        failStage(new AmqpSourceException("cannot consume from queue " + queue + ": " + Failures.rootMessage(e), e));
      }
    }

    private void onShutdown(ShutdownSignalException cause) {
      if (!cause.isInitiatedByApplication()) {
        onLost.invoke((cause.isHardError() ? "connection to RabbitMQ lost: " : "channel closed by RabbitMQ: ")
            + cause.getMessage());
      }
    }

    private void takeInbox() {
      // Cleared before draining: a delivery added meanwhile either is drained now or wakes us again.
      wakeupPending.set(false);
      int taken = drainInbox();
      if (coalescing.enabled() && !stopping) {
        adjustWakeUps(arrivals.record(taken, System.nanoTime()));
      }
      pushIfReady();
    }

    /** Under load: woken once per batch's worth, the rest collected by a timer; else at once. */
    private void adjustWakeUps(boolean loaded) {
      int want = loaded ? coalescing.wakeBatch() : 1;
      if (want == wakeAt) {
        return;
      }
      wakeAt = want;
      if (loaded) {
        scheduleWithFixedDelay(COLLECT, coalescing.maxDelay(), coalescing.maxDelay());
      } else {
        cancelTimer(COLLECT);
        // A delivery that read the old threshold did not wake us: it is in the inbox now.
        drainInbox();
      }
    }

    private int drainInbox() {
      int taken = 0;
      for (Delivery d; (d = inbox.poll()) != null; ) {
        taken++;
        if (stopping) {
          // Arrived after we stopped taking: straight back to the queue.
          requeue(d.tag());
        } else {
          buffer.add(d);
        }
      }
      inboxSize.addAndGet(-taken);
      return taken;
    }

    private void pushIfReady() {
      if (!buffer.isEmpty() && isAvailable(out)) {
        Delivery d = buffer.poll();
        outstanding.add(d.tag());
        control.unacked(outstanding.size());
        push(out, new CommittableMessage(d.body(), d.properties(), d.redelivered(), d.tag(), d.deliveredAtNanos(),
            this::requestSettle));
      }
    }

    /** Called from any thread; never hangs. */
    private CompletionStage<Done> requestSettle(long tag, Settlement settlement) {
      CompletableFuture<Done> result = new CompletableFuture<>();
      if (stopped) {
        result.completeExceptionally(detached(tag));
        return result;
      }
      // A Scala future's Java view runs plain callbacks on the common pool (a thread per
      // callback on 2 cores); this one is cheap and runs where the feedback completes.
      FutureConverters.asJava(onSettle.invokeWithFeedback(new SettleRequest(tag, settlement, result)))
          .whenCompleteAsync((done, failure) -> {
            if (failure != null) {
              result.completeExceptionally(failure instanceof StreamDetachedException ? detached(tag) : failure);
            }
          }, SameThread.EXECUTOR);
      return result;
    }

    private IllegalStateException detached(long tag) {
      return new IllegalStateException("cannot settle delivery " + tag
          + ": the source has stopped and its channel is closed; the broker redelivers the message");
    }

    private void settle(SettleRequest request) {
      long tag = request.tag();
      Long target = request.settlement() == Settlement.ACK_UP_TO ? outstanding.floor(tag) : (outstanding.contains(tag) ? tag : null);
      if (target == null) {
        request.result().completeExceptionally(new IllegalStateException(
            "delivery " + tag + " is not outstanding on this channel (already settled?)"));
        return;
      }
      try {
        switch (request.settlement()) {
          case ACK -> channel.basicAck(target, false);
          case ACK_UP_TO -> channel.basicAck(target, true);
          case REQUEUE -> channel.basicNack(target, false, true);
          case REJECT -> channel.basicNack(target, false, false);
        }
      } catch (IOException | RuntimeException e) {
        request.result().completeExceptionally(e);
        lost("settling delivery " + tag + " failed: " + Failures.rootMessage(e));
        return;
      }
      if (request.settlement() == Settlement.ACK_UP_TO) {
        outstanding.headSet(target, true).clear();
      } else {
        outstanding.remove(target);
      }
      control.unacked(outstanding.size());
      request.result().complete(Done.getInstance());
      if (stopping && outstanding.isEmpty()) {
        finish();
      }
    }

    /** Stops consuming and returns the buffer to the queue; completes once emitted messages are settled. */
    private void stopTaking(String why) {
      if (stopping) {
        return;
      }
      stopping = true;
      // From now on every late delivery wakes the stage, which sends it back to the queue.
      wakeAt = 1;
      cancelTimer(COLLECT);
      setKeepGoing(true);
      log.info("AMQP source on {} stops taking messages ({}); {} to settle, {} buffered go back to the queue",
          queue, why, outstanding.size(), buffer.size());
      try {
        if (channel != null && channel.isOpen() && consumerTag != null) {
          channel.basicCancel(consumerTag);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("cancelling the consumer failed: {}", Failures.rootMessage(e));
      }
      for (Delivery d; (d = buffer.poll()) != null; ) {
        requeue(d.tag());
      }
      takeInbox();
      if (outstanding.isEmpty()) {
        finish();
      } else {
        scheduleOnce(DRAIN_TIMEOUT, rabbit.ackDrainTimeout());
      }
    }

    private void requeue(long tag) {
      try {
        if (channel != null && channel.isOpen()) {
          channel.basicNack(tag, false, true);
        }
      } catch (IOException | RuntimeException e) {
        // The channel is going: closing it requeues the message anyway.
      }
    }

    @Override
    public void onTimer(Object key) {
      if (COLLECT.equals(key)) {
        takeInbox();
      } else if (DRAIN_TIMEOUT.equals(key)) {
        String message = outstanding.size() + " message(s) still unacknowledged after "
            + rabbit.ackDrainTimeout() + "; closing the channel, the broker redelivers them";
        log.warn("AMQP source on {}: {}", queue, message);
        if (control.draining()) {
          control.drainFinished(new TimeoutException(message));
        }
        closeConnection(true);
        completeStage();
      }
    }

    private void finish() {
      closeConnection(false);
      if (control.draining()) {
        control.drainFinished(null);
      }
      completeStage();
    }

    private void lost(String reason) {
      if (stopping && outstanding.isEmpty()) {
        return;
      }
      closeConnection(true);
      failStage(new AmqpSourceException(reason + " (" + outstanding.size() + " unacknowledged will be redelivered)", null));
    }

    @Override
    public void postStop() {
      stopped = true;
      control.detach(drainTrigger);
      closeConnection(true);
    }

    private void closeConnection(boolean abort) {
      control.connected(false);
      Connection c = connection;
      connection = null;
      if (c == null) {
        return;
      }
      try {
        if (abort) {
          c.abort(1000);
        } else {
          c.close(5000);
        }
      } catch (IOException | RuntimeException e) {
        c.abort(1000);
      }
    }
  }

}
