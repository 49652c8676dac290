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
        Arguments.of("no time", (UnaryOperator<Event.Builder>) b -> b.clearCreatedAt(), "missing created_at"));
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
