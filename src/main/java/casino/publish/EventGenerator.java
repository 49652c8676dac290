package casino.publish;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Random casino events with the distribution of the earlier implementation: players 10-19,
 * games 100-109, the four types and five currencies equally likely, amounts 0-99,999 for BTC
 * and 0-1,999 otherwise, 5 % of bets won.
 */
public final class EventGenerator {
  static final double WIN_PROBABILITY = 0.05;
  private static final EventType[] TYPES = EventType.values();
  private static final Currency[] CURRENCIES = Currency.values();

  private final IdGenerator ids;
  private final RandomGenerator random;
  private final Clock clock;

  public EventGenerator(IdGenerator ids, RandomGenerator random, Clock clock) {
    this.ids = ids;
    this.random = random;
    this.clock = clock;
  }

  public CasinoEvent next() {
    EventType type = TYPES[random.nextInt(TYPES.length)];
    long playerId = random.nextLong(10, 20);
    long gameId = type.playedInGame() ? random.nextLong(100, 110) : 0;
    Money money = null;
    if (type.carriesMoney()) {
      Currency currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
      long amount = currency == Currency.BTC ? random.nextLong(100_000) : random.nextLong(2_000);
      money = new Money(amount, currency);
    }
    boolean won = type == EventType.BET && random.nextDouble() < WIN_PROBABILITY;
    return new CasinoEvent(ids.next(), playerId, gameId, type, money, won, clock.instant());
  }
}
