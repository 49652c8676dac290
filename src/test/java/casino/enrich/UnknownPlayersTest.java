package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UnknownPlayersTest {
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  };
  private final Logger logger = (Logger) LoggerFactory.getLogger(UnknownPlayers.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void firstEventWarnsAtOnceThenOneWarningAMinuteWithTheEventsBetween() {
    UnknownPlayers unknown = new UnknownPlayers(clock, Duration.ofMinutes(1), 100);

    unknown.seen(19, List.of(1L, 2L), "w1");
    unknown.seen(19, List.of(3L), "w1");
    millis.addAndGet(59_999);
    unknown.seen(19, List.of(4L, 5L, 6L), "w2");
    millis.addAndGet(1);
    unknown.seen(19, List.of(7L), "w2");

    assertEquals(List.of("unknown player 19 (2 event(s))", "unknown player 19 (1 event(s); 4 more since the last warning)"),
        messages());
  }

  @Test
  void eachPlayerHasItsOwnWarning() {
    UnknownPlayers unknown = new UnknownPlayers(clock, Duration.ofMinutes(1), 100);

    unknown.seen(19, List.of(1L), "w1");
    unknown.seen(20, List.of(2L), "w1");
    unknown.seen(19, List.of(3L), "w1");

    assertEquals(List.of("unknown player 19 (1 event(s))", "unknown player 20 (1 event(s))"), messages());
  }

  @Test
  void tooManyUnknownPlayersStartTheTalliesAfreshInsteadOfGrowing() {
    UnknownPlayers unknown = new UnknownPlayers(clock, Duration.ofMinutes(1), 100);

    for (long player = 0; player < 100; player++) {
      unknown.seen(player, List.of(player), "w1");
    }
    unknown.seen(0, List.of(0L), "w1");            // still within its minute: no warning
    unknown.seen(100, List.of(1L), "w1");   // the tallies start afresh
    unknown.seen(0, List.of(0L), "w1");            // forgotten, so it warns again

    assertEquals(100 + 2, logged.list.size());
    assertEquals("unknown player 0 (1 event(s))", messages().get(messages().size() - 1));
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
