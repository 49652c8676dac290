package casino.domain;

import casino.wire.Event;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Instant;

/**
 * Converts events to and from their protobuf wire form, checking everything a producer
 * could get wrong.
 *
 * <p>Proto3 cannot tell a missing amount from an amount of 0, so an absent amount reads as 0;
 * a missing currency, a negative amount or an unknown type or currency is rejected.
 */
public final class WireFormat {
  private WireFormat() {}

  public static byte[] encode(CasinoEvent event) {
    return toWire(event).toByteArray();
  }

  public static Event toWire(CasinoEvent event) {
    Event.Builder wire = Event.newBuilder()
        .setId(event.id())
        .setPlayerId(event.playerId())
        .setGameId(event.gameId())
        .setType(event.type().wireName())
        .setHasWon(event.hasWon())
        .setCreatedAt(event.createdAt().getEpochSecond())
        .setCreatedAtMs(event.createdAt().toEpochMilli());
    if (event.money() != null) {
      wire.setAmount(event.money().minorUnits()).setCurrency(event.money().currency().name());
    }
    return wire.build();
  }

  public static CasinoEvent decode(byte[] body) throws InvalidEventException {
    Event wire;
    try {
      wire = Event.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidEventException("undecodable payload: " + e.getMessage(), e);
    }
    return fromWire(wire);
  }

  public static CasinoEvent fromWire(Event wire) throws InvalidEventException {
    if (wire.getId() <= 0) {
      throw new InvalidEventException("missing or non-positive id: " + wire.getId());
    }
    EventType type = EventType.fromWire(wire.getType())
        .orElseThrow(() -> new InvalidEventException("unknown type \"" + wire.getType() + "\""));
    Money money = null;
    if (type.carriesMoney()) {
      if (wire.getCurrency().isEmpty()) {
        throw new InvalidEventException(type.wireName() + " without currency");
      }
      Currency currency = Currency.fromCode(wire.getCurrency())
          .orElseThrow(() -> new InvalidEventException("unknown currency \"" + wire.getCurrency() + "\""));
      if (wire.getAmount() < 0) {
        throw new InvalidEventException("negative amount: " + wire.getAmount());
      }
      money = new Money(wire.getAmount(), currency);
    }
    if (type.playedInGame() && wire.getGameId() <= 0) {
      throw new InvalidEventException(type.wireName() + " without game id");
    }
    Instant createdAt = createdAt(wire);
    return new CasinoEvent(
        wire.getId(),
        wire.getPlayerId(),
        type.playedInGame() ? wire.getGameId() : 0,
        type,
        money,
        type == EventType.BET && wire.getHasWon(),
        createdAt);
  }

  private static Instant createdAt(Event wire) throws InvalidEventException {
    if (wire.getCreatedAtMs() > 0) {
      return Instant.ofEpochMilli(wire.getCreatedAtMs());
    }
    if (wire.getCreatedAt() > 0) {
      return Instant.ofEpochSecond(wire.getCreatedAt());
    }
    throw new InvalidEventException("missing created_at");
  }
}
