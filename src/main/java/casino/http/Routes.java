package casino.http;

import casino.metrics.Metrics;
import casino.view.ViewActor;
import casino.view.ViewState;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of SPEC 7 and 10: the materialized views, liveness, readiness and metrics. Every
 * error answer is JSON {@code {"error": "..."}}: those pekko-http gives before a request reaches
 * the routes (414 for an over-long URI, 400 for a malformed query string, which its strict URI
 * parser refuses) come from {@link JsonParsingErrors}. {@code HEAD} is answered wherever
 * {@code GET} is: the same answer, whose body the server leaves out.
 */
public final class Routes extends AllDirectives {
  static final int DEFAULT_WINDOW = 60;
  private static final Logger log = LoggerFactory.getLogger(Routes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Text with a charset (the Java API has no media type parameters but through parsing). */
  private static final ContentType.NonBinary PROMETHEUS_TEXT = (ContentType.NonBinary) ContentTypes.parse(Metrics.CONTENT_TYPE);

  private final ActorRef<ViewActor.Command> view;
  private final Scheduler scheduler;
  private final Supplier<Map<String, Boolean>> readiness;
  private final Supplier<String> metrics;

  /**
   * {@code readiness}: the last result of each readiness check, answered from memory ({@link Readiness#results()});
   * {@code metrics}: the node's meters in Prometheus text format ({@link Metrics#scrape()}).
   */
  public Routes(ActorRef<ViewActor.Command> view, Scheduler scheduler, Supplier<Map<String, Boolean>> readiness,
      Supplier<String> metrics) {
    this.view = view;
    this.scheduler = scheduler;
    this.readiness = readiness;
    this.metrics = metrics;
  }

  public Route routes() {
    return withRequestTimeoutResponse(request -> errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "no answer in time"),
        () -> handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
            path("materialized", this::materialized),
            path("materialize", this::materialized),
            path("health", () -> getOrHead(() -> json(StatusCodes.OK, JSON.createObjectNode().put("status", "alive")))),
            path("ready", () -> getOrHead(this::ready)),
            path("metrics", () -> getOrHead(this::scrape))))));
  }

  private Route materialized() {
    return getOrHead(() -> parameterList("window_size", values -> {
      if (values.size() > 1) {
        return error(StatusCodes.BAD_REQUEST, "window_size may be given once; got " + values.size() + " values");
      }
      Optional<Integer> window = values.isEmpty() ? Optional.of(DEFAULT_WINDOW) : parseWindow(values.get(0));
      if (window.isEmpty()) {
        return error(StatusCodes.BAD_REQUEST, "window_size must be an integer from 1 to "
            + ViewState.MAX_WINDOW_SECONDS + " (seconds); got \"" + values.get(0) + "\"");
      }
      CompletionStage<ViewState.Snapshot> snapshot = AskPattern.ask(view,
          replyTo -> new ViewActor.Query(window.get(), replyTo), Duration.ofSeconds(5), scheduler);
      return onSuccess(snapshot, s -> json(StatusCodes.OK, toJson(s)));
    }));
  }

  /** From memory: the checks run in the background, so this answers at once whatever the load. */
  private Route ready() {
    Map<String, Boolean> checks = readiness.get();
    ObjectNode body = JSON.createObjectNode();
    boolean all = checks.values().stream().allMatch(Boolean::booleanValue);
    body.put("status", all ? "ready" : "not ready");
    checks.forEach(body::put);
    return json(all ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
  }

  /** Prometheus text of the meters as they are now; gauges read values kept in memory, nothing waits. */
  private Route scrape() {
    return complete(HttpResponse.create().withEntity(PROMETHEUS_TEXT, metrics.get()));
  }

  /** The server sends no body in answer to HEAD (pekko-http's renderer), and keeps the headers. */
  private Route getOrHead(Supplier<Route> inner) {
    return Directives.anyOf(this::get, this::head, inner);
  }

  static Optional<Integer> parseWindow(String raw) {
    try {
      int value = Integer.parseInt(raw.trim());
      return value >= 1 && value <= ViewState.MAX_WINDOW_SECONDS ? Optional.of(value) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static ObjectNode toJson(ViewState.Snapshot s) {
    ObjectNode node = JSON.createObjectNode();
    node.put("events_total", s.eventsTotal());
    node.put("events_per_minute", s.eventsPerMinute());
    node.put("events_per_second_moving_average", s.eventsPerSecondMovingAverage());
    top(node, "top_player_bets", s.topPlayerBets());
    top(node, "top_player_wins", s.topPlayerWins());
    top(node, "top_player_deposits", s.topPlayerDeposits());
    return node;
  }

  private static void top(ObjectNode node, String field, ViewState.Top top) {
    if (top == null) {
      node.putNull(field);
    } else {
      node.putObject(field).put("id", top.id()).put("count", top.count());
    }
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejected -> error(StatusCodes.METHOD_NOT_ALLOWED,
            "method not allowed; use " + String.join(", ", rejected.stream().map(r -> r.supported().name()).distinct().toList())))
        .handleNotFound(extractUnmatchedPath(path -> error(StatusCodes.NOT_FOUND,
            "no such resource: " + path + "; try /materialized, /health, /ready or /metrics")))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(Routes::asJsonError);
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder().matchAny(e -> {
      log.error("HTTP request failed", e);
      return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error; the processor's log has the details");
    }).build();
  }

  /** Pekko's own answers to rejections we do not handle ourselves are plain text: their words as JSON. */
  static HttpResponse asJsonError(HttpResponse response) {
    if (response.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return response;
    }
    String text = response.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : "";
    String message = text.isBlank() ? response.status().reason() : text;
    return response.withEntity(ContentTypes.APPLICATION_JSON, JSON.createObjectNode().put("error", message).toString());
  }

  /** {@code {"error": message}}: the body of every error answer, the routes' and the server's own. */
  static HttpResponse errorResponse(StatusCode status, String message) {
    return jsonResponse(status, JSON.createObjectNode().put("error", message));
  }

  private static HttpResponse jsonResponse(StatusCode status, ObjectNode body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }

  private Route error(StatusCode status, String message) {
    return complete(errorResponse(status, message));
  }

  private Route json(StatusCode status, ObjectNode body) {
    return complete(jsonResponse(status, body));
  }
}
