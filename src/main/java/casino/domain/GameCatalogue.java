package casino.domain;

import java.util.Map;
import java.util.Optional;

/** The static catalogue of game titles. */
public final class GameCatalogue {
  private static final Map<Long, String> TITLES = Map.of(
      100L, "Rocket Dice",
      101L, "It's bananas!",
      102L, "Wild Spin",
      103L, "Book of Dead",
      104L, "Pirate Jackpots",
      105L, "Western Gold 2",
      106L, "Super Rainbow Megaways",
      107L, "#BarsAndBells",
      108L, "Fortune Three",
      109L, "ChilliPop");

  private GameCatalogue() {}

  public static Optional<String> title(long gameId) {
    return Optional.ofNullable(TITLES.get(gameId));
  }
}
