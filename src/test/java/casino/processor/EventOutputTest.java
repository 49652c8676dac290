package casino.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.enrich.EnrichedEvent;
import casino.enrich.EventJson;
import casino.enrich.Player;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventOutputTest {
  private static final Instant AT = Instant.parse("2022-01-10T12:34:56Z");

  /** Records what reached it, and how many writes and flushes it took. */
  private static final class Recording extends ByteArrayOutputStream {
    int writes;
    int flushes;

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes++;
      super.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  private static EnrichedEvent event(long id, String email, String description) {
    CasinoEvent bet = new CasinoEvent(id, 10, 101, EventType.BET, new Money(500, Currency.USD), false, AT);
    return new EnrichedEvent(bet, 468L, email == null ? null : new Player(10, email, AT), description);
  }

  private static String expected(List<EnrichedEvent> events) {
    StringBuilder all = new StringBuilder();
    events.forEach(e -> all.append(EventJson.line(e)).append('\n'));
    return all.toString();
  }

  @Test
  void eachEventIsOneLineAndTheBatchIsFlushed() throws IOException {
    Recording out = new Recording();
    List<EnrichedEvent> events = List.of(event(1, "a@example.com", "one"), event(2, null, "two"));

    new EventOutput(out).write(events);

    assertEquals(expected(events), out.toString(StandardCharsets.UTF_8));
    assertEquals(1, out.writes, "one batch, one write");
    assertEquals(1, out.flushes);
  }

  @Test
  void textThatIsNotAsciiIsWrittenAsUtf8() throws IOException {
    Recording out = new Recording();
    List<EnrichedEvent> events = List.of(
        event(1, "zoë@exämple.com", "Player #10 (zoë@exämple.com) placed a bet of 5 USD (4.68 EUR) – 🎰"),
        event(2, "plain@example.com", "plain"));

    new EventOutput(out).write(events);

    assertEquals(expected(events), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBatchLargerThanTheBufferGoesOutWholeAndInOrder() throws IOException {
    Recording out = new Recording();
    List<EnrichedEvent> events = new ArrayList<>();
    for (int i = 1; i <= 2_000; i++) {
      events.add(event(i, i % 7 == 0 ? "ünï" + i + "@example.com" : "p" + i + "@example.com", "event " + i));
    }
    events.add(event(9_999, "long@example.com", "x".repeat(100_000)));

    EventOutput output = new EventOutput(out);
    output.write(events);
    output.write(List.of(event(10_000, null, "after")));

    assertEquals(expected(events) + EventJson.line(event(10_000, null, "after")) + "\n", out.toString(StandardCharsets.UTF_8));
    assertTrue(out.writes > 2, "more than a buffer's worth takes more than one write: " + out.writes);
  }

  @Test
  void anEmptyBatchWritesNothing() throws IOException {
    Recording out = new Recording();
    new EventOutput(out).write(List.of());
    assertEquals(0, out.size());
    assertEquals(0, out.flushes);
  }
}
