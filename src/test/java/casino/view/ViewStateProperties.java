package casino.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.EventType;
import casino.domain.WireEvents;
import casino.domain.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The view takes any decoded event with any EUR amount, and answers any valid query afterwards. */
class ViewStateProperties {

  @Property(tries = 1_000)
  void anyDecodedEventsAndAnyQuery(@ForAll("events") @Size(max = 50) List<CasinoEvent> events,
      @ForAll("amounts") long amountEur, @ForAll("instants") Instant now, @ForAll @IntRange(min = 1, max = 3600) int window) {
    ViewState view = new ViewState(Duration.ofHours(1), 1_000);
    Set<Long> distinct = new HashSet<>();
    for (CasinoEvent event : events) {
      boolean counted = view.record(event, event.type() == EventType.DEPOSIT || event.money() != null ? amountEur : null, now);
      assertEquals(distinct.add(event.id()), counted);
    }

    ViewState.Snapshot snapshot = view.snapshot(window, now);

    assertEquals(distinct.size(), snapshot.eventsTotal());
    assertTrue(Double.isFinite(snapshot.eventsPerMinute()) && snapshot.eventsPerMinute() >= 0);
    assertTrue(Double.isFinite(snapshot.eventsPerSecondMovingAverage()) && snapshot.eventsPerSecondMovingAverage() >= 0);
    if (snapshot.topPlayerDeposits() != null) {
      assertTrue(snapshot.topPlayerDeposits().count() >= 0, "deposit sums saturate, never wrap");
    }
  }

  @Provide
  Arbitrary<List<CasinoEvent>> events() {
    return WireEvents.decodable().list();
  }

  @Provide
  Arbitrary<Long> amounts() {
    // EUR cents as enrichment can produce them: from 0 to far beyond any accepted amount.
    return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.just(Long.MAX_VALUE));
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(WireFormat.Limits.EARLIEST.getEpochSecond(), WireFormat.Limits.LATEST.getEpochSecond())
        .map(Instant::ofEpochSecond);
  }
}
