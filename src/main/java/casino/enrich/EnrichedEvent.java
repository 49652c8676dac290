package casino.enrich;

import casino.domain.CasinoEvent;

/**
 * An event in its final form. {@code amountEurCents} applies to bets and deposits only;
 * {@code player} is null when the player is unknown.
 */
public record EnrichedEvent(CasinoEvent event, Long amountEurCents, Player player, String description) {}
