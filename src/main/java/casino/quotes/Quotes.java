package casino.quotes;

import casino.domain.Currency;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Exchange rates as fetched from the rates API: for each currency, units of it per 1 EUR
 * ({@code EURUSD}), with the moment they were fetched from the API (copies keep that moment).
 */
public record Quotes(Map<Currency, BigDecimal> perEur, Instant fetchedAt) {
  public Quotes {
    perEur = Map.copyOf(perEur);
  }

  public BigDecimal perEur(Currency currency) {
    if (currency == Currency.EUR) {
      return BigDecimal.ONE;
    }
    BigDecimal quote = perEur.get(currency);
    if (quote == null) {
      throw new IllegalStateException("no quote for " + currency);
    }
    return quote;
  }

  /** Usable until {@code ttl} after they were fetched. */
  public boolean freshAt(Instant now, Duration ttl) {
    return now.isBefore(fetchedAt.plus(ttl));
  }

  public Duration age(Instant now) {
    return Duration.between(fetchedAt, now);
  }
}
