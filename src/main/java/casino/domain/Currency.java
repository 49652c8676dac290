package casino.domain;

import java.math.BigDecimal;
import java.util.Optional;

/** Currencies the casino accepts, with the number of decimals of their minor unit. */
public enum Currency {
  EUR(2),
  USD(2),
  GBP(2),
  NZD(2),
  BTC(8);

  private final int decimals;

  Currency(int decimals) {
    this.decimals = decimals;
  }

  public int decimals() {
    return decimals;
  }

  /** The amount in major units, exactly: 500 USD cents is 5.00, 50000 satoshi is 0.00050000. */
  public BigDecimal toMajor(long minorUnits) {
    return BigDecimal.valueOf(minorUnits, decimals);
  }

  public static Optional<Currency> fromCode(String code) {
    for (Currency currency : values()) {
      if (currency.name().equals(code)) {
        return Optional.of(currency);
      }
    }
    return Optional.empty();
  }
}
