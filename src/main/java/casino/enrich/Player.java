package casino.enrich;

import java.time.Instant;

/** A player as the database knows them; {@code lastSignedInAt} may be null. */
public record Player(long id, String email, Instant lastSignedInAt) {}
