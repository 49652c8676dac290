package casino.enrich;

import casino.domain.CasinoEvent;
import casino.domain.EventType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * SPEC 5: the output line of an event; keys that do not apply to its type are left out.
 * Written by hand into one buffer: this runs once per event, and a general JSON generator and
 * {@link Instant#toString()} were the largest part of it. Strings are escaped as RFC 8259 asks.
 */
public final class EventJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private EventJson() {}

  public static String line(EnrichedEvent enriched) {
    return append(new StringBuilder(384), enriched).toString();
  }

  /** The line, without a newline, appended to {@code out}; returns {@code out}. */
  public static StringBuilder append(StringBuilder out, EnrichedEvent enriched) {
    CasinoEvent e = enriched.event();
    out.append("{\"id\":").append(e.id());
    out.append(",\"player_id\":").append(e.playerId());
    if (e.type().playedInGame()) {
      out.append(",\"game_id\":").append(e.gameId());
    }
    out.append(",\"type\":");
    string(out, e.type().wireName());
    if (e.money() != null) {
      out.append(",\"amount\":").append(e.money().minorUnits());
      out.append(",\"currency\":");
      string(out, e.money().currency().name());
    }
    if (e.type() == EventType.BET) {
      out.append(",\"has_won\":").append(e.hasWon());
    }
    out.append(",\"created_at\":\"");
    iso(out, e.createdAt());
    out.append('"');
    if (enriched.amountEurCents() != null) {
      out.append(",\"amount_eur\":").append(enriched.amountEurCents().longValue());
    }
    if (enriched.player() != null) {
      out.append(",\"player\":{\"email\":");
      string(out, enriched.player().email());
      out.append(",\"last_signed_in_at\":");
      if (enriched.player().lastSignedInAt() != null) {
        out.append('"');
        iso(out, enriched.player().lastSignedInAt());
        out.append('"');
      } else {
        out.append("null");
      }
      out.append('}');
    }
    out.append(",\"description\":");
    string(out, enriched.description());
    return out.append('}');
  }

  /** A JSON string: quote, backslash and control characters escaped, everything else as is. */
  static void string(StringBuilder out, String s) {
    out.append('"');
    int plain = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, plain, i);
      plain = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, plain, s.length()).append('"');
  }

  /** Exactly {@link Instant#toString()}: {@code 2022-01-10T12:34:56Z}, fractions in groups of 3 digits. */
  static void iso(StringBuilder out, Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    if (t.getYear() < 1000 || t.getYear() > 9999) {
      out.append(instant);   // years ISO 8601 writes with a sign or more digits: the JDK's rules
      return;
    }
    out.append(t.getYear()).append('-');
    twoDigits(out, t.getMonthValue()).append('-');
    twoDigits(out, t.getDayOfMonth()).append('T');
    twoDigits(out, t.getHour()).append(':');
    twoDigits(out, t.getMinute()).append(':');
    twoDigits(out, t.getSecond());
    int nanos = instant.getNano();
    if (nanos > 0) {
      out.append('.');
      if (nanos % 1_000_000 == 0) {
        digits(out, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        digits(out, nanos / 1_000, 6);
      } else {
        digits(out, nanos, 9);
      }
    }
    out.append('Z');
  }

  private static StringBuilder twoDigits(StringBuilder out, int n) {
    return out.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
  }

  private static void digits(StringBuilder out, int n, int width) {
    for (int div = width == 3 ? 100 : width == 6 ? 100_000 : 100_000_000; div > 0; div /= 10) {
      out.append((char) ('0' + n / div % 10));
    }
  }
}
