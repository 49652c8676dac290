package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  private static List<String> keys(String line) throws Exception {
    List<String> keys = new ArrayList<>();
    JSON.readTree(line).fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
