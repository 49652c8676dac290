package casino.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.enrich.AmountConverter;
import casino.quotes.SimulatedRatesApi;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of SPEC 7 computed from the distinct events a test published (at the rates
 * stand-in's fixed quotes): what every node of a cluster must answer.
 */
public record ExpectedView(long eventsTotal, String topBets, String topWins, String topDeposits) {

  public static ExpectedView of(Collection<CasinoEvent> published) {
    Map<Long, CasinoEvent> distinct = new LinkedHashMap<>();
    published.forEach(e -> distinct.putIfAbsent(e.id(), e));
    Map<Long, Long> bets = new HashMap<>();
    Map<Long, Long> wins = new HashMap<>();
    Map<Long, Long> deposits = new HashMap<>();
    for (CasinoEvent e : distinct.values()) {
      if (e.type() == EventType.BET) {
        bets.merge(e.playerId(), 1L, Long::sum);
        if (e.hasWon()) {
          wins.merge(e.playerId(), 1L, Long::sum);
        }
      } else if (e.type() == EventType.DEPOSIT) {
        long eur = e.money().currency() == Currency.EUR ? e.money().minorUnits()
            : AmountConverter.toEurCents(e.money(), SimulatedRatesApi.baseQuote("EUR" + e.money().currency()));
        deposits.merge(e.playerId(), eur, Long::sum);
      }
    }
    return new ExpectedView(distinct.size(), top(bets), top(wins), top(deposits));
  }

  private static String top(Map<Long, Long> counts) {
    return counts.entrySet().stream()
        .min((a, b) -> a.getValue().equals(b.getValue()) ? Long.compare(a.getKey(), b.getKey()) : Long.compare(b.getValue(), a.getValue()))
        .map(e -> "{\"id\":" + e.getKey() + ",\"count\":" + e.getValue() + "}").orElse("null");
  }

  /** True when a node's {@code /materialized} answer shows exactly these figures. */
  public boolean matches(JsonNode view) {
    return view.get("events_total").asLong() == eventsTotal && topBets.equals(view.get("top_player_bets").toString())
        && topWins.equals(view.get("top_player_wins").toString())
        && topDeposits.equals(view.get("top_player_deposits").toString());
  }

  /** Within {@code timeout} every node answers exactly these figures (copies refresh every 250 ms). */
  public void awaitOn(List<ProcessorProcess> nodes, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (ProcessorProcess p : nodes) {
        all &= matches(p.materialized());
      }
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    for (int i = 0; i < nodes.size(); i++) {
      assertMatches("node " + i, nodes.get(i).materialized());
    }
  }

  public void assertMatches(String node, JsonNode view) {
    assertEquals(this, new ExpectedView(view.get("events_total").asLong(), view.get("top_player_bets").toString(),
        view.get("top_player_wins").toString(), view.get("top_player_deposits").toString()), node);
  }
}
