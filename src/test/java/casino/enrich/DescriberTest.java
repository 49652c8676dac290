package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DescriberTest {
  private static final Instant AT = Instant.parse("2022-01-10T12:34:56Z");
  private static final Player JOHN = new Player(10, "john@example.com", null);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"1,1st", "2,2nd", "3,3rd", "4,4th", "11,11th", "12,12th", "13,13th", "21,21st", "22,22nd", "23,23rd",
      "31,31st", "10,10th", "20,20th", "30,30th", "111,111th", "101,101st"})
  void ordinals(int day, String expected) {
    assertEquals(expected, Describer.ordinal(day));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "2022-01-10T12:34:56Z | January 10th, 2022 at 12:34 UTC",
      "2022-03-01T00:05:00Z | March 1st, 2022 at 00:05 UTC",
      "2021-12-31T23:59:59.999Z | December 31st, 2021 at 23:59 UTC",
      // an offset time is shown in UTC: 01:30+02:00 is 23:30 UTC the day before
      "2022-02-23T01:30:00+02:00 | February 22nd, 2022 at 23:30 UTC",
      "2024-07-02T09:07:00Z | July 2nd, 2024 at 09:07 UTC",
      "2024-11-13T18:00:00Z | November 13th, 2024 at 18:00 UTC"})
  void datesInUtcZeroPadded(String time, String expected) {
    assertEquals(expected, Describer.date(java.time.OffsetDateTime.parse(time).toInstant()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"5.00,5", "4.68,4.68", "100.00,100", "0.00050000,0.0005", "0.00000001,0.00000001", "0.00,0", "10.50,10.5",
      "1999.99,1999.99"})
  void majorAmountsWithoutTrailingZeros(String amount, String expected) {
    assertEquals(expected, Describer.major(new BigDecimal(amount)));
  }

  @Test
  void everyType() {
    assertEquals("Player #10 (john@example.com) started playing a game \"Rocket Dice\" on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 10, 100, EventType.GAME_START, null, false, AT), null, JOHN));
    assertEquals("Player #10 (john@example.com) stopped playing a game \"Rocket Dice\" on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 10, 100, EventType.GAME_STOP, null, false, AT), null, JOHN));
    assertEquals("Player #10 (john@example.com) placed a bet of 5 USD (4.68 EUR) on a game \"It's bananas!\" on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 10, 101, EventType.BET, new Money(500, Currency.USD), false, AT), 468L, JOHN));
    assertEquals("Player #10 (john@example.com) won a bet of 5 USD (4.68 EUR) on a game \"It's bananas!\" on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 10, 101, EventType.BET, new Money(500, Currency.USD), true, AT), 468L, JOHN));
    assertEquals("Player #10 (john@example.com) made a deposit of 5 USD (4.68 EUR) on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 10, 0, EventType.DEPOSIT, new Money(500, Currency.USD), false, AT), 468L, JOHN));
  }

  @Test
  void euroHasNoBracket() {
    assertEquals("Player #10 (john@example.com) placed a bet of 100 EUR on a game \"Wild Spin\" on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 10, 102, EventType.BET, new Money(10_000, Currency.EUR), false, AT), 10_000L, JOHN));
  }

  @Test
  void bitcoinKeepsItsEightDecimals() {
    assertEquals("Player #11 made a deposit of 0.0005 BTC (30.92 EUR) on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 11, 0, EventType.DEPOSIT, new Money(50_000, Currency.BTC), false, AT), 3092L, null));
  }

  @Test
  void unknownGameAndUnknownPlayer() {
    assertEquals("Player #99 started playing a game #123 on January 10th, 2022 at 12:34 UTC.",
        Describer.describe(new CasinoEvent(1, 99, 123, EventType.GAME_START, null, false, AT), null, null));
  }
}
