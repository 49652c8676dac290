package casino.enrich;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.GameCatalogue;
import casino.domain.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Arrays;
import java.util.Locale;

/** SPEC 4.4: the human description of an event. */
public final class Describer {
  private static final String[] MONTHS = Arrays.stream(Month.values())
      .map(m -> m.getDisplayName(TextStyle.FULL, Locale.ENGLISH)).toArray(String[]::new);

  private Describer() {}

  public static String describe(CasinoEvent event, Long amountEurCents, Player player) {
    String who = "Player #" + event.playerId() + (player != null ? " (" + player.email() + ")" : "");
    String when = " on " + date(event.createdAt()) + ".";
    return switch (event.type()) {
      case GAME_START -> who + " started playing " + game(event.gameId()) + when;
      case GAME_STOP -> who + " stopped playing " + game(event.gameId()) + when;
      case BET -> who + (event.hasWon() ? " won" : " placed") + " a bet of " + money(event.money(), amountEurCents)
          + " on " + game(event.gameId()) + when;
      case DEPOSIT -> who + " made a deposit of " + money(event.money(), amountEurCents) + when;
    };
  }

  static String game(long gameId) {
    return GameCatalogue.title(gameId).map(title -> "a game \"" + title + "\"").orElse("a game #" + gameId);
  }

  /** {@code 5 USD (4.68 EUR)}; for EUR just {@code 5 EUR}. */
  static String money(Money money, Long amountEurCents) {
    String original = major(money.currency().toMajor(money.minorUnits())) + " " + money.currency();
    if (money.currency() == Currency.EUR) {
      return original;
    }
    return original + " (" + major(BigDecimal.valueOf(amountEurCents, 2)) + " EUR)";
  }

  static String major(BigDecimal amount) {
    return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
  }

  /** {@code January 10th, 2022 at 12:34 UTC}. */
  static String date(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    return MONTHS[t.getMonthValue() - 1] + " " + ordinal(t.getDayOfMonth()) + ", "
        + t.getYear() + " at " + twoDigits(t.getHour()) + ":" + twoDigits(t.getMinute()) + " UTC";
  }

  private static String twoDigits(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  static String ordinal(int day) {
    if (day % 100 >= 11 && day % 100 <= 13) {
      return day + "th";
    }
    return day + switch (day % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
  }
}
