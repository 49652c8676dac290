package casino.quotes;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** Where enrichment gets usable quotes; fails with {@link RatesUnavailableException} by the deadline. */
public interface QuoteSource {
  CompletionStage<Quotes> quotes(Instant deadline);
}
