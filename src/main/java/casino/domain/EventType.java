package casino.domain;

import java.util.Optional;

/** The kinds of player event, with the name each has on the wire. */
public enum EventType {
  GAME_START("game_start"),
  BET("bet"),
  DEPOSIT("deposit"),
  GAME_STOP("game_stop");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Bets and deposits move money; the others do not. */
  public boolean carriesMoney() {
    return this == BET || this == DEPOSIT;
  }

  /** Every type but a deposit happens in a game. */
  public boolean playedInGame() {
    return this != DEPOSIT;
  }

  public static Optional<EventType> fromWire(String name) {
    for (EventType type : values()) {
      if (type.wireName.equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
