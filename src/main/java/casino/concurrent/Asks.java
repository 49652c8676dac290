package casino.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;

/**
 * Asks an actor and gives the answer as a plain {@link CompletableFuture}, completed on the
 * thread that delivers it. Pekko's ask gives the Java view of a Scala future, which runs even
 * plain {@code thenApply}/{@code handle}/{@code whenComplete} callbacks on the common pool: on a
 * 2-core machine a new thread per callback (the view's read copy started four a second that
 * way). Ask through here, and chain callbacks as on any Java future.
 */
public final class Asks {
  private Asks() {}

  public static <Req, Res> CompletableFuture<Res> ask(RecipientRef<Req> target, Function<ActorRef<Res>, Req> message,
      Duration timeout, Scheduler scheduler) {
    return SameThread.plain(AskPattern.ask(target, message, timeout, scheduler));
  }
}
