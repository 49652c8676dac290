package casino.domain;

import casino.wire.Event;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Wire events with every field drawn from its whole range, its edge values (jqwik adds 0, ±1,
 * the int64 limits) and the values that matter (valid types, currencies, times): for the
 * property tests of decoding, enrichment and the view.
 */
public final class WireEvents {
  private WireEvents() {}

  public static Arbitrary<Event> any() {
    Arbitrary<Long> anyLong = Arbitraries.longs();
    Arbitrary<Long> ids = Arbitraries.oneOf(anyLong, Arbitraries.longs().between(1, 1L << 53));
    Arbitrary<Long> players = Arbitraries.oneOf(anyLong, Arbitraries.longs().between(10, 19));
    Arbitrary<Long> games = Arbitraries.oneOf(anyLong, Arbitraries.longs().between(100, 110));
    Arbitrary<String> types = Arbitraries.oneOf(Arbitraries.of("game_start", "bet", "deposit", "game_stop"),
        Arbitraries.strings().ofMaxLength(20));
    Arbitrary<Long> amounts = Arbitraries.oneOf(anyLong, Arbitraries.longs().between(0, 2_000),
        Arbitraries.longs().between(WireFormat.Limits.MAX_AMOUNT - 2, WireFormat.Limits.MAX_AMOUNT + 2));
    Arbitrary<String> currencies = Arbitraries.oneOf(Arbitraries.of("EUR", "USD", "GBP", "NZD", "BTC", ""),
        Arbitraries.strings().ofMaxLength(5));
    Arbitrary<Long> seconds = Arbitraries.oneOf(anyLong, Arbitraries.longs().between(
        WireFormat.Limits.EARLIEST.getEpochSecond() - 2, WireFormat.Limits.LATEST.getEpochSecond() + 2));
    Arbitrary<Long> millis = Arbitraries.oneOf(Arbitraries.just(0L), anyLong, Arbitraries.longs().between(
        WireFormat.Limits.EARLIEST.toEpochMilli() - 2, WireFormat.Limits.LATEST.toEpochMilli() + 2));
    Arbitrary<Event.Builder> identity = Combinators.combine(ids, players, games, types)
        .as((id, player, game, type) -> Event.newBuilder().setId(id).setPlayerId(player).setGameId(game).setType(type));
    return Combinators.combine(identity, amounts, currencies, Arbitraries.of(true, false), seconds, millis)
        .as((b, amount, currency, won, s, ms) ->
            b.setAmount(amount).setCurrency(currency).setHasWon(won).setCreatedAt(s).setCreatedAtMs(ms).build());
  }

  /** Events that decode: what the view and enrichment ever receive. */
  public static Arbitrary<CasinoEvent> decodable() {
    return any().map(WireEvents::decodeOrNull).filter(e -> e != null);
  }

  private static CasinoEvent decodeOrNull(Event wire) {
    try {
      return WireFormat.fromWire(wire);
    } catch (InvalidEventException e) {
      return null;
    }
  }
}
