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
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new InvalidEventException("undecodable payload: " + e.getMessage(), e);
    }
    return fromWire(wire);
  }

  /**
   * Every field at every value its protobuf type allows yields an event or this exception,
   * never anything else: values outside {@link Limits} are rejected here, with the field named,
   * so nothing downstream (conversion, view arithmetic) meets them.
   */
  public static CasinoEvent fromWire(Event wire) throws InvalidEventException {
    if (wire.getId() <= 0) {
      throw new InvalidEventException("missing or non-positive id: " + wire.getId());
    }
    if (wire.getPlayerId() <= 0) {
      throw new InvalidEventException("missing or non-positive player_id: " + wire.getPlayerId());
    }
    EventType type = EventType.fromWire(wire.getType())
        .orElseThrow(() -> new InvalidEventException("unknown type " + Limits.quoted(wire.getType())));
    Money money = null;
    if (type.carriesMoney()) {
      if (wire.getCurrency().isEmpty()) {
        throw new InvalidEventException(type.wireName() + " without currency");
      }
      Currency currency = Currency.fromCode(wire.getCurrency())
          .orElseThrow(() -> new InvalidEventException("unknown currency " + Limits.quoted(wire.getCurrency())));
      if (wire.getAmount() < 0) {
        throw new InvalidEventException("negative amount: " + wire.getAmount());
      }
      if (wire.getAmount() > Limits.MAX_AMOUNT) {
        throw new InvalidEventException("amount " + wire.getAmount() + " above the largest accepted, "
            + Limits.MAX_AMOUNT + " minor units");
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
    if (wire.getCreatedAtMs() != 0) {
      long ms = wire.getCreatedAtMs();
      if (ms < Limits.EARLIEST.toEpochMilli() || ms >= Limits.LATEST.toEpochMilli()) {
        throw new InvalidEventException("created_at_ms " + ms + " is not a time from " + Limits.EARLIEST
            + " to before " + Limits.LATEST + " in Unix milliseconds");
      }
      return Instant.ofEpochMilli(ms);
    }
    if (wire.getCreatedAt() == 0) {
      throw new InvalidEventException("missing created_at");
    }
    long seconds = wire.getCreatedAt();
    if (seconds < Limits.EARLIEST.getEpochSecond() || seconds >= Limits.LATEST.getEpochSecond()) {
      throw new InvalidEventException("created_at " + seconds + " is not a time from " + Limits.EARLIEST
          + " to before " + Limits.LATEST + " in Unix seconds");
    }
    return Instant.ofEpochSecond(seconds);
  }

  /** What an event may hold (README: "Accepted values"). */
  public static final class Limits {
    /** Event times: casinos online did not exist before, and the upper bound keeps every sum of times finite. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    /**
     * 10^15 minor units (10 trillion EUR, 10 million BTC): far above any real stake, and small
     * enough that its EUR value and the sum of millions of them fit in a long.
     */
    public static final long MAX_AMOUNT = 1_000_000_000_000_000L;
    /** A field shown in a reason at most this long: reasons travel in message headers. */
    static final int MAX_SHOWN = 64;

    private Limits() {}

    static String quoted(String value) {
      String shown = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) + "…(" + value.length() + " chars)" : value;
      StringBuilder out = new StringBuilder("\"");
      shown.codePoints().forEach(c -> {
        if (c < 0x20 || c == 0x7f) {
          out.append(String.format("\\u%04x", c));
        } else {
          out.appendCodePoint(c);
        }
      });
      return out.append('"').toString();
    }
  }
}
