package casino.domain;

/** An amount in the minor unit of its currency (cents, satoshi); never negative. */
public record Money(long minorUnits, Currency currency) {
  public Money {
    if (minorUnits < 0) {
      throw new IllegalArgumentException("amount must not be negative: " + minorUnits);
    }
    if (currency == null) {
      throw new IllegalArgumentException("currency is required");
    }
  }
}
