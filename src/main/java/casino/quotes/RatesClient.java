package casino.quotes;

import casino.config.Settings;
import casino.domain.Currency;
import casino.metrics.Metrics;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Client of the exchangerate.host-style rates API. Any answer but a successful one with a
 * positive quote for every currency is an error; the access key never appears in a message.
 */
public final class RatesClient {
  static final String CURRENCIES = "USD,GBP,NZD,BTC";
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final Settings.Rates settings;
  private final HttpClient http;
  private final Clock clock;
  private final Metrics metrics;

  public RatesClient(Settings.Rates settings, Clock clock) {
    this(settings, clock, Metrics.inMemory());
  }

  /** {@code metrics}: counts each call, and each that gave no quotes. */
  public RatesClient(Settings.Rates settings, Clock clock, Metrics metrics) {
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build();
  }

  public CompletionStage<Quotes> fetch() {
    metrics.ratesCalled();
    return call().whenComplete((quotes, failure) -> {
      if (failure != null) {
        metrics.ratesFailed();
      }
    });
  }

  private CompletionStage<Quotes> call() {
    String base = settings.baseUrl().replaceAll("/+$", "");
    URI uri = URI.create(base + "/live?access_key=" + URLEncoder.encode(settings.apiKey(), StandardCharsets.UTF_8)
        + "&source=EUR&currencies=" + CURRENCIES);
    Duration timeout = settings.requestTimeout();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    // The request's own timeout ends with the headers: a body that stalls after them would hold
    // this fetch, and with it the quote cache's refresh, for good. The whole exchange has the deadline.
    return exchange.copy()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, failure) -> {
          if (failure != null) {
            // Closes the connection of an answer still arriving; it is never reused.
            exchange.cancel(true);
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String what = cause instanceof HttpTimeoutException || cause instanceof TimeoutException
                ? "timed out after " + timeout
                : cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
            throw new RatesUnavailableException("rates API at " + base + " unreachable: " + what);
          }
          return parse(base, response.statusCode(), response.body());
        });
  }

  Quotes parse(String base, int status, String body) {
    if (status / 100 != 2) {
      throw new RatesUnavailableException("rates API at " + base + " answered HTTP " + status);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      throw new RatesUnavailableException("rates API at " + base + " answered malformed JSON");
    }
    if (root == null || !root.path("success").asBoolean(false)) {
      JsonNode error = root == null ? null : root.path("error");
      throw new RatesUnavailableException("rates API at " + base + " reported failure"
          + (error != null && !error.isMissingNode() ? ": " + error : ""));
    }
    Map<Currency, BigDecimal> perEur = new EnumMap<>(Currency.class);
    for (Currency currency : Currency.values()) {
      if (currency == Currency.EUR) {
        continue;
      }
      JsonNode quote = root.path("quotes").path("EUR" + currency.name());
      if (!quote.isNumber() || quote.decimalValue().signum() <= 0) {
        throw new RatesUnavailableException("rates API at " + base + " gave no positive quote EUR" + currency
            + " (got " + (quote.isMissingNode() ? "nothing" : quote.toString()) + ")");
      }
      perEur.put(currency, quote.decimalValue());
    }
    // Freshness counts from our fetch, not from the API's own timestamp.
    return new Quotes(perEur, clock.instant());
  }
}
