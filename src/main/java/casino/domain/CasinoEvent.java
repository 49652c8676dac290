package casino.domain;

import java.time.Instant;

/**
 * A player event as the casino emitted it.
 *
 * <p>Only the fields that apply to the type are set: {@code gameId} is 0 for a deposit,
 * {@code money} is null unless the event is a bet or a deposit, {@code hasWon} is false
 * unless the event is a won bet.
 */
public record CasinoEvent(
    long id, long playerId, long gameId, EventType type, Money money, boolean hasWon, Instant createdAt) {

  public CasinoEvent {
    if (type == null || createdAt == null) {
      throw new IllegalArgumentException("type and createdAt are required");
    }
    if (type.carriesMoney() != (money != null)) {
      throw new IllegalArgumentException(type.wireName() + (money == null ? " needs" : " has no") + " amount");
    }
    if (type.playedInGame() != (gameId != 0)) {
      throw new IllegalArgumentException(type.wireName() + (gameId == 0 ? " needs" : " has no") + " game id");
    }
    if (hasWon && type != EventType.BET) {
      throw new IllegalArgumentException("only a bet can be won");
    }
  }
}
