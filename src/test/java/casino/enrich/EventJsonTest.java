package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.domain.WireFormat;
import casino.wire.Event;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private static final Instant AT = Instant.parse("2022-01-10T12:34:56Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void betHasEveryKeyInOrder() throws Exception {
    Player player = new Player(10, "john@example.com", Instant.parse("2022-01-10T11:00:00Z"));
    CasinoEvent bet = new CasinoEvent(7, 10, 101, EventType.BET, new Money(500, Currency.USD), true, AT);

    String line = EventJson.line(new EnrichedEvent(bet, 468L, player, "desc"));

    assertEquals("{\"id\":7,\"player_id\":10,\"game_id\":101,\"type\":\"bet\",\"amount\":500,\"currency\":\"USD\","
        + "\"has_won\":true,\"created_at\":\"2022-01-10T12:34:56Z\",\"amount_eur\":468,"
        + "\"player\":{\"email\":\"john@example.com\",\"last_signed_in_at\":\"2022-01-10T11:00:00Z\"},"
        + "\"description\":\"desc\"}", line);
  }

  @Test
  void idsOfOtherPublishersAboveTwoToThe53AreDecodedAndWrittenExactly() throws Exception {
    // Our publisher stays within 2^53 - 1; others may use the whole int64 range (SPEC 3).
    Map<String, Long> ids = Map.of(
        "4611686018427387905", (1L << 62) + 1,
        "9007199254740993", (1L << 53) + 1,
        "9223372036854775807", Long.MAX_VALUE);
    for (Map.Entry<String, Long> id : ids.entrySet()) {
      byte[] wire = Event.newBuilder().setId(id.getValue()).setPlayerId(10).setGameId(101).setType("game_start")
          .setCreatedAt(AT.getEpochSecond()).build().toByteArray();

      String line = EventJson.line(new EnrichedEvent(WireFormat.decode(wire), null, null, "d"));

      assertTrue(line.startsWith("{\"id\":" + id.getKey() + ","), line);
      assertEquals(new BigInteger(id.getKey()), JSON.readTree(line).get("id").bigIntegerValue());
    }
  }

  @Test
  void keysThatDoNotApplyAreLeftOut() throws Exception {
    CasinoEvent deposit = new CasinoEvent(8, 15, 0, EventType.DEPOSIT, new Money(1, Currency.BTC), false, AT);
    CasinoEvent start = new CasinoEvent(9, 15, 100, EventType.GAME_START, null, false, AT);

    assertEquals(List.of("id", "player_id", "type", "amount", "currency", "created_at", "amount_eur", "description"),
        keys(EventJson.line(new EnrichedEvent(deposit, 0L, null, "d"))));
    assertEquals(List.of("id", "player_id", "game_id", "type", "created_at", "description"),
        keys(EventJson.line(new EnrichedEvent(start, null, null, "s"))));
  }

  @Test
  void descriptionsAreEscaped() throws Exception {
    CasinoEvent start = new CasinoEvent(9, 15, 100, EventType.GAME_START, null, false, AT);
    String description = "a \"quoted\" \\ line\nbreak";

    String line = EventJson.line(new EnrichedEvent(start, null, null, description));

    assertEquals(description, JSON.readTree(line).get("description").asText());
    assertEquals(1, line.lines().count());
  }

  @Test
  void everyCharacterRoundTripsThroughAJsonParser() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        // control characters, quotes, backslashes, ASCII, Latin-1, BMP and surrogate pairs
        switch (random.nextInt(5)) {
          case 0 -> text.append((char) random.nextInt(0x20));
          case 1 -> text.append("\"\\/".charAt(random.nextInt(3)));
          case 2 -> text.append((char) (0x20 + random.nextInt(0x60)));
          case 3 -> text.append((char) (0x80 + random.nextInt(0xD000)));
          default -> text.appendCodePoint(0x10000 + random.nextInt(0x10000));
        }
      }
      Player player = new Player(1, text.toString(), null);
      CasinoEvent start = new CasinoEvent(9, 15, 100, EventType.GAME_START, null, false, AT);

      String line = EventJson.line(new EnrichedEvent(start, null, player, text.toString()));

      assertEquals(text.toString(), JSON.readTree(line).get("description").asText());
      assertEquals(text.toString(), JSON.readTree(line).get("player").get("email").asText());
      assertEquals(1, line.lines().count(), line);
    }
  }

  @Test
  void timesAreWrittenAsInstantWritesThem() {
    List<Instant> instants = new ArrayList<>(List.of(
        Instant.parse("2022-01-10T12:34:56Z"), Instant.parse("2022-01-10T12:34:56.100Z"),
        Instant.parse("2022-01-10T12:34:56.000100Z"), Instant.parse("2022-01-10T12:34:56.000000100Z"),
        Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
        Instant.parse("0999-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("1969-12-31T23:59:59.999Z")));
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 10_000; i++) {
      instants.add(Instant.ofEpochMilli(random.nextLong(-5_000_000_000_000L, 5_000_000_000_000L)));
      instants.add(Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(1_000_000_000)));
    }
    for (Instant instant : instants) {
      StringBuilder out = new StringBuilder();
      EventJson.iso(out, instant);
      assertEquals(instant.toString(), out.toString());
    }
  }

  private static List<String> keys(String line) throws Exception {
    List<String> keys = new ArrayList<>();
    JSON.readTree(line).fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
