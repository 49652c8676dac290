package casino.enrich;

import casino.domain.CasinoEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/** SPEC 5: the output line of an event; keys that do not apply to its type are left out. */
public final class EventJson {
  private static final JsonFactory JSON = new JsonFactory();

  private EventJson() {}

  public static String line(EnrichedEvent enriched) {
    CasinoEvent e = enriched.event();
    StringWriter out = new StringWriter(320);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("id", e.id());
      g.writeNumberField("player_id", e.playerId());
      if (e.type().playedInGame()) {
        g.writeNumberField("game_id", e.gameId());
      }
      g.writeStringField("type", e.type().wireName());
      if (e.money() != null) {
        g.writeNumberField("amount", e.money().minorUnits());
        g.writeStringField("currency", e.money().currency().name());
      }
      if (e.type() == casino.domain.EventType.BET) {
        g.writeBooleanField("has_won", e.hasWon());
      }
      g.writeStringField("created_at", iso(e.createdAt()));
      if (enriched.amountEurCents() != null) {
        g.writeNumberField("amount_eur", enriched.amountEurCents());
      }
      if (enriched.player() != null) {
        g.writeObjectFieldStart("player");
        g.writeStringField("email", enriched.player().email());
        if (enriched.player().lastSignedInAt() != null) {
          g.writeStringField("last_signed_in_at", iso(enriched.player().lastSignedInAt()));
        } else {
          g.writeNullField("last_signed_in_at");
        }
        g.writeEndObject();
      }
      g.writeStringField("description", enriched.description());
      g.writeEndObject();
    } catch (IOException e2) {
      throw new UncheckedIOException(e2);
    }
    return out.toString();
  }

  static String iso(Instant instant) {
    return instant.toString();
  }
}
