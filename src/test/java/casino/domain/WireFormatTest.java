package casino.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.wire.Event;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

class WireFormatTest {
  private static final Event VALID_BET = Event.newBuilder()
      .setId(1).setPlayerId(10).setGameId(100).setType("bet").setAmount(300).setCurrency("EUR")
      .setCreatedAt(1_700_000_000L).build();

  static Stream<Arguments> permanentFaults() {
    return Stream.of(
        Arguments.of("unknown type", (UnaryOperator<Event.Builder>) b -> b.setType("cashout"), "unknown type \"cashout\""),
        Arguments.of("unknown currency", (UnaryOperator<Event.Builder>) b -> b.setCurrency("JPY"), "unknown currency \"JPY\""),
        Arguments.of("negative amount", (UnaryOperator<Event.Builder>) b -> b.setAmount(-5), "negative amount: -5"),
        Arguments.of("bet without currency", (UnaryOperator<Event.Builder>) b -> b.clearCurrency(), "bet without currency"),
        Arguments.of("missing id", (UnaryOperator<Event.Builder>) b -> b.clearId(), "missing or non-positive id: 0"),
        Arguments.of("bet without game", (UnaryOperator<Event.Builder>) b -> b.clearGameId(), "bet without game id"),
        Arguments.of("no time", (UnaryOperator<Event.Builder>) b -> b.clearCreatedAt(), "missing created_at"),
        Arguments.of("missing player", (UnaryOperator<Event.Builder>) b -> b.clearPlayerId(), "missing or non-positive player_id: 0"),
        Arguments.of("amount beyond the limit", (UnaryOperator<Event.Builder>) b -> b.setAmount(Long.MAX_VALUE),
            "amount 9223372036854775807 above the largest accepted, 1000000000000000 minor units"),
        Arguments.of("nanoseconds in created_at", (UnaryOperator<Event.Builder>) b -> b.setCreatedAt(40_000_000_000_000_000L),
            "created_at 40000000000000000 is not a time from 2000-01-01T00:00:00Z to before 2100-01-01T00:00:00Z in Unix seconds"),
        Arguments.of("far-future created_at", (UnaryOperator<Event.Builder>) b -> b.setCreatedAt(10_000_000_000_000_000L),
            "created_at 10000000000000000 is not a time from 2000-01-01T00:00:00Z to before 2100-01-01T00:00:00Z in Unix seconds"),
        Arguments.of("negative created_at", (UnaryOperator<Event.Builder>) b -> b.setCreatedAt(Long.MIN_VALUE),
            "created_at -9223372036854775808 is not a time from 2000-01-01T00:00:00Z to before 2100-01-01T00:00:00Z in Unix seconds"),
        Arguments.of("created_at_ms in microseconds", (UnaryOperator<Event.Builder>) b -> b.setCreatedAtMs(1_700_000_000_000_000L),
            "created_at_ms 1700000000000000 is not a time from 2000-01-01T00:00:00Z to before 2100-01-01T00:00:00Z in Unix milliseconds"),
        Arguments.of("a type as long as a book", (UnaryOperator<Event.Builder>) b -> b.setType("x".repeat(100_000)),
            "unknown type \"" + "x".repeat(64) + "…(100000 chars)\""),
        Arguments.of("control characters in the currency", (UnaryOperator<Event.Builder>) b -> b.setCurrency("E\nUR"),
            "unknown currency \"E\\u000aUR\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("permanentFaults")
  void rejectsWithAReason(String name, UnaryOperator<Event.Builder> breakIt, String reason) {
    byte[] body = breakIt.apply(VALID_BET.toBuilder()).build().toByteArray();

    InvalidEventException e = assertThrows(InvalidEventException.class, () -> WireFormat.decode(body));

    assertEquals(reason, e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void undecodableBytesAreRejected() {
    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> WireFormat.decode(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));

    assertTrue(e.getMessage().startsWith("undecodable payload"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void fieldsThatDoNotApplyAreDropped() throws Exception {
    Event gameStart = VALID_BET.toBuilder().setType("game_start").setHasWon(true).build();

    CasinoEvent event = WireFormat.decode(gameStart.toByteArray());

    assertEquals(null, event.money());
    assertEquals(false, event.hasWon());
    assertEquals(100, event.gameId());
  }
}
