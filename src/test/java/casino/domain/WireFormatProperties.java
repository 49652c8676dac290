package casino.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.wire.Event;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Decoding any body yields an event within the accepted limits or an InvalidEventException, nothing else. */
class WireFormatProperties {

  @Property(tries = 5_000)
  void anyFieldValuesDecodeOrAreRejected(@ForAll("wireEvents") Event wire) {
    assertDecodesOrIsRejected(wire.toByteArray());
  }

  @Property(tries = 5_000)
  void anyBytesDecodeOrAreRejected(@ForAll("bodies") byte[] body) {
    assertDecodesOrIsRejected(body);
  }

  @Property(tries = 3_000)
  void mutatedValidMessagesDecodeOrAreRejected(@ForAll("wireEvents") Event wire, @ForAll("flips") int[] flips) {
    byte[] body = wire.toByteArray();
    for (int flip : flips) {
      if (body.length > 0) {
        body[Math.floorMod(flip >> 8, body.length)] ^= (byte) flip;
      }
    }
    assertDecodesOrIsRejected(body);
  }

  private static void assertDecodesOrIsRejected(byte[] body) {
    CasinoEvent event;
    try {
      event = WireFormat.decode(body);
    } catch (InvalidEventException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a rejection says why");
      assertTrue(e.getMessage().length() < 400, "reasons travel in headers, keep them short: " + e.getMessage().length());
      return;
    }
    assertTrue(event.id() > 0 && event.playerId() > 0);
    assertFalse(event.createdAt().isBefore(WireFormat.Limits.EARLIEST));
    assertTrue(event.createdAt().isBefore(WireFormat.Limits.LATEST));
    if (event.money() != null) {
      assertTrue(event.money().minorUnits() >= 0 && event.money().minorUnits() <= WireFormat.Limits.MAX_AMOUNT);
    }
  }

  @Provide
  Arbitrary<Event> wireEvents() {
    return WireEvents.any();
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  @Provide
  Arbitrary<int[]> flips() {
    return Arbitraries.integers().array(int[].class).ofMinSize(1).ofMaxSize(4);
  }
}
