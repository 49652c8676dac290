package casino.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import bitstars.EventOuterClass;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Our schema against the earlier implementation's (compiled from its .proto in the test build). */
class WireCompatibilityTest {

  @Test
  void referenceEncodedBetDecodesWithOurs() throws Exception {
    byte[] reference = EventOuterClass.Event.newBuilder()
        .setId(42).setPlayerId(11).setGameId(101).setType("bet").setAmount(500)
        .setCurrency("USD").setHasWon(true).setCreatedAt(1_641_817_440L)
        .build().toByteArray();

    CasinoEvent event = WireFormat.decode(reference);

    assertEquals(new CasinoEvent(42, 11, 101, EventType.BET, new Money(500, Currency.USD), true,
        Instant.ofEpochSecond(1_641_817_440L)), event);
  }

  @Test
  void referenceEncodedDepositDecodesWithOurs() throws Exception {
    byte[] reference = EventOuterClass.Event.newBuilder()
        .setId(7).setPlayerId(12).setType("deposit").setAmount(50_000).setCurrency("BTC")
        .setCreatedAt(1_700_000_000L).build().toByteArray();

    CasinoEvent event = WireFormat.decode(reference);

    assertEquals(EventType.DEPOSIT, event.type());
    assertEquals(0, event.gameId());
    assertEquals(new Money(50_000, Currency.BTC), event.money());
  }

  @Test
  void oursDecodesWithTheReferenceSchema() throws Exception {
    Instant createdAt = Instant.parse("2022-01-10T12:34:56.789Z");
    CasinoEvent event = new CasinoEvent(99, 13, 105, EventType.BET, new Money(1999, Currency.GBP), false, createdAt);

    EventOuterClass.Event reference = EventOuterClass.Event.parseFrom(WireFormat.encode(event));

    assertEquals(99, reference.getId());
    assertEquals(13, reference.getPlayerId());
    assertEquals(105, reference.getGameId());
    assertEquals("bet", reference.getType());
    assertEquals(1999, reference.getAmount());
    assertEquals("GBP", reference.getCurrency());
    assertFalse(reference.getHasWon());
    assertEquals(createdAt.getEpochSecond(), reference.getCreatedAt());
    // Our millisecond field is unknown to the reference schema and kept as such, not lost.
    assertFalse(reference.getUnknownFields().asMap().isEmpty());
  }

  @Test
  void millisecondTimeWinsOverSeconds() throws Exception {
    Instant createdAt = Instant.parse("2022-01-10T12:34:56.789Z");
    CasinoEvent event = new CasinoEvent(1, 10, 0, EventType.DEPOSIT, new Money(1, Currency.EUR), false, createdAt);

    assertEquals(createdAt, WireFormat.decode(WireFormat.encode(event)).createdAt());
  }
}
