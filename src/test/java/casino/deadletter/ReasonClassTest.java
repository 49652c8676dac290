package casino.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.InvalidEventException;
import casino.domain.WireEvents;
import casino.domain.WireFormat;
import casino.wire.Event;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Every reason the wire format gives falls in its class, never in {@code other}: the metric
 * counts by class, and a reason whose words changed would otherwise vanish into {@code other}.
 */
class ReasonClassTest {

  @Property(tries = 3_000)
  void everyFieldTheWireFormatRefusesIsAnInvalidField(@ForAll("wireEvents") Event wire) {
    try {
      WireFormat.fromWire(wire);
    } catch (InvalidEventException e) {
      assertEquals(ReasonClass.INVALID_FIELD, ReasonClass.of(e.getMessage()), e.getMessage());
    }
  }

  @Property(tries = 3_000)
  void bytesThatAreNoEventAreUndecodableOrAnInvalidField(@ForAll @Size(max = 200) byte[] body) {
    try {
      WireFormat.decode(body);
    } catch (InvalidEventException e) {
      ReasonClass expected = e.getCause() != null ? ReasonClass.UNDECODABLE : ReasonClass.INVALID_FIELD;
      assertEquals(expected, ReasonClass.of(e.getMessage()), e.getMessage());
    }
  }

  @Example
  void reasonsOfTheEnricherAndTheStream() {
    assertEquals(ReasonClass.ENRICHMENT_TIMEOUT,
        ReasonClass.of("not enriched within the timeout: rates API at http://localhost:1 answered HTTP 503"));
    assertEquals(ReasonClass.PERMANENT, ReasonClass.of("amount 5 BTC has no EUR value in range at quote 1E-30"));
    assertEquals(ReasonClass.PERMANENT, ReasonClass.of("enrichment failed: NullPointerException"));
    assertEquals(ReasonClass.OTHER, ReasonClass.of("no answer from the worker pool: Ask timed out after [7000 ms]"));
    assertEquals(ReasonClass.OTHER, ReasonClass.of(null));
    assertEquals("enrichment_timeout", ReasonClass.ENRICHMENT_TIMEOUT.label());
  }

  @Provide
  Arbitrary<Event> wireEvents() {
    return WireEvents.any();
  }
}
