package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.Currency;
import casino.domain.Money;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountConverterTest {

  @ParameterizedTest(name = "{0} {1} at {2} = {3} EUR cents")
  @CsvSource({
      // the SPEC example
      "500, USD, 1.0684, 468",
      "100, GBP, 0.8571, 117",           // 1.00 / 0.8571 = 1.16672...
      "1999, NZD, 1.8012, 1110",         // 19.99 / 1.8012 = 11.0981...
      // BTC has 8 decimals: 50,000 satoshi = 0.0005 BTC
      "50000, BTC, 0.00001617, 3092",    // 0.0005 / 0.00001617 = 30.921459... EUR
      "100000000, BTC, 0.00001617, 6184292", // 1 BTC = 61842.91898... EUR
      "99999, BTC, 0.00001617, 6184",    // 0.00099999 BTC = 61.8423... EUR
      "1, BTC, 0.00001617, 0",           // 1 satoshi = 0.000618 EUR: less than half a cent
      "0, USD, 1.0684, 0",
      // half to even: exactly half a cent rounds to the even cent
      "1, USD, 0.4, 2",                  // 0.01 / 0.4 = 0.025 EUR -> 2 cents (even)
      "3, USD, 0.4, 8",                  // 0.03 / 0.4 = 0.075 EUR -> 8 cents (even)
      "5, USD, 2, 2",                    // 0.05 / 2   = 0.025 -> 2
      "7, USD, 2, 4",                    // 0.07 / 2   = 0.035 -> 4
  })
  void convertsExactlyAndRoundsHalfToEven(long amount, Currency currency, String quote, long expectedCents) {
    assertEquals(expectedCents, AmountConverter.toEurCents(new Money(amount, currency), new BigDecimal(quote)));
  }

  @ParameterizedTest
  @CsvSource({"0", "1", "300", "1999"})
  void euroIsUnchanged(long amount) {
    assertEquals(amount, AmountConverter.toEurCents(new Money(amount, Currency.EUR),
        new casino.quotes.Quotes(java.util.Map.of(), java.time.Instant.EPOCH)));
  }
}
