package casino.enrich;

import casino.domain.Currency;
import casino.domain.Money;
import casino.quotes.Quotes;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** SPEC 4.1: the amount in EUR cents, in exact decimal arithmetic, rounded half to even. */
public final class AmountConverter {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private AmountConverter() {}

  public static long toEurCents(Money money, Quotes quotes) {
    if (money.currency() == Currency.EUR) {
      return money.minorUnits();
    }
    return toEurCents(money, quotes.perEur(money.currency()));
  }

  /** {@code amount / 10^decimals / quote * 100}, as one exactly rounded division. */
  public static long toEurCents(Money money, BigDecimal quotePerEur) {
    BigDecimal major = money.currency().toMajor(money.minorUnits());
    return major.multiply(HUNDRED).divide(quotePerEur, 0, RoundingMode.HALF_EVEN).longValueExact();
  }
}
