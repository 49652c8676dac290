package casino.http;

import casino.cluster.Membership;
import casino.metrics.Metrics;
import casino.view.ViewActor;
import casino.view.ViewState;
import casino.view.Windows;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of SPEC 7 and 10: the materialized views and their windows, the dashboard at
 * {@code /} with what it shows besides the view (dead letters, the cluster's members), liveness,
 * readiness and metrics. Every error answer is JSON {@code {"error": "..."}}: those pekko-http
 * gives before a request reaches the routes (414 for an over-long URI, 400 for a malformed query
 * string, which its strict URI parser refuses) come from {@link JsonParsingErrors}. {@code HEAD}
 * is answered wherever {@code GET} is: the same answer, whose body the server leaves out.
 */
public final class Routes extends AllDirectives {
  static final int DEFAULT_WINDOW = 60;
  static final String DEFAULT_WINDOWS_SIZE = "1m";
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(Routes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The dashboard's files (src/main/resources/dashboard), read once: a few kilobytes. */
  private static final Map<String, HttpEntity.Strict> DASHBOARD = Map.of(
      "index.html", resource("index.html", ContentTypes.TEXT_HTML_UTF8),
      "dashboard.css", resource("dashboard.css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8)),
      "dashboard.js", resource("dashboard.js", MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8)));
  /** Text with a charset (the Java API has no media type parameters but through parsing). */
  private static final ContentType.NonBinary PROMETHEUS_TEXT = (ContentType.NonBinary) ContentTypes.parse(Metrics.CONTENT_TYPE);

  private final ActorRef<ViewActor.Command> view;
  private final Scheduler scheduler;
  private final Supplier<Map<String, Boolean>> readiness;
  private final Supplier<OptionalLong> deadLetters;
  private final Supplier<List<Membership.Node>> members;
  private final Supplier<String> metrics;

  /**
   * {@code readiness}: the last result of each readiness check, answered from memory
   * ({@link Readiness#results()}); {@code deadLetters}: the dead-letter queue's depth as last
   * read in the background, empty when unknown; {@code members}: the cluster's members as this
   * node sees them; {@code metrics}: the node's meters in Prometheus text format
   * ({@link Metrics#scrape()}).
   */
  public Routes(ActorRef<ViewActor.Command> view, Scheduler scheduler, Supplier<Map<String, Boolean>> readiness,
      Supplier<OptionalLong> deadLetters, Supplier<List<Membership.Node>> members, Supplier<String> metrics) {
    this.view = view;
    this.scheduler = scheduler;
    this.readiness = readiness;
    this.deadLetters = deadLetters;
    this.members = members;
    this.metrics = metrics;
  }

  public Route routes() {
    return withRequestTimeoutResponse(request -> errorResponse(StatusCodes.SERVICE_UNAVAILABLE, "no answer in time"),
        () -> handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
            pathSingleSlash(() -> dashboardFile("index.html")),
            path(PathMatchers.segment("dashboard").slash(PathMatchers.segment()), this::dashboardFile),
            path("materialized", this::materialized),
            path("materialize", this::materialized),
            path(PathMatchers.segment("materialized").slash("windows"), this::windows),
            path("dead-letters", () -> getOrHead(this::deadLetters)),
            path("cluster", () -> getOrHead(() -> json(StatusCodes.OK,
                JSON.createObjectNode().set("members", JSON.valueToTree(members.get()))))),
            path("health", () -> getOrHead(() -> json(StatusCodes.OK, JSON.createObjectNode().put("status", "alive")))),
            path("ready", () -> getOrHead(this::ready)),
            path("metrics", () -> getOrHead(this::scrape))))));
  }

  private Route materialized() {
    return getOrHead(() -> once("window_size", raw -> {
      Optional<Integer> window = raw.isEmpty() ? Optional.of(DEFAULT_WINDOW)
          : parseInt(raw.get(), ViewState.MAX_WINDOW_SECONDS);
      if (window.isEmpty()) {
        return error(StatusCodes.BAD_REQUEST, "window_size must be an integer from 1 to "
            + ViewState.MAX_WINDOW_SECONDS + " (seconds); got \"" + raw.get() + "\"");
      }
      CompletionStage<ViewState.Snapshot> snapshot = AskPattern.ask(view,
          replyTo -> new ViewActor.Query(window.get(), replyTo), ASK_TIMEOUT, scheduler);
      return onSuccess(snapshot, s -> json(StatusCodes.OK, toJson(s)));
    }));
  }

  /** {@code ?size=1s|10s|1m|5m&last=N}: the last N tumbling windows of the hour, oldest first. */
  private Route windows() {
    return getOrHead(() -> once("size", rawSize -> once("last", rawLast -> {
      String sizeName = rawSize.orElse(DEFAULT_WINDOWS_SIZE);
      Integer size = Windows.SIZES.get(sizeName);
      if (size == null) {
        return error(StatusCodes.BAD_REQUEST, "size must be one of " + String.join(", ", Windows.SIZES.keySet())
            + "; got \"" + sizeName + "\"");
      }
      int perHour = Windows.perHour(size);
      Optional<Integer> last = rawLast.isEmpty() ? Optional.of(perHour) : parseInt(rawLast.get(), perHour);
      if (last.isEmpty()) {
        return error(StatusCodes.BAD_REQUEST, "last must be an integer from 1 to " + perHour + " (the " + sizeName
            + " windows of an hour); got \"" + rawLast.get() + "\"");
      }
      CompletionStage<List<Windows.Window>> windows = AskPattern.ask(view,
          replyTo -> new ViewActor.WindowsQuery(size, last.get(), replyTo), ASK_TIMEOUT, scheduler);
      return onSuccess(windows, w -> json(StatusCodes.OK, toJson(w)));
    })));
  }

  /** A query parameter given at most once: {@code inner} gets its value (empty when absent); twice is a 400. */
  private Route once(String name, Function<Optional<String>, Route> inner) {
    return parameterList(name, values -> values.size() > 1
        ? error(StatusCodes.BAD_REQUEST, name + " may be given once; got " + values.size() + " values")
        : inner.apply(values.stream().findFirst()));
  }

  private Route dashboardFile(String name) {
    HttpEntity.Strict file = DASHBOARD.get(name);
    return file == null ? reject() : getOrHead(() -> complete(HttpResponse.create().withEntity(file)));
  }

  /** From memory: the depth is read in the background, never per request. */
  private Route deadLetters() {
    OptionalLong depth = deadLetters.get();
    ObjectNode body = JSON.createObjectNode();
    if (depth.isPresent()) {
      body.put("dead_letters", depth.getAsLong());
    } else {
      body.putNull("dead_letters");
    }
    return json(StatusCodes.OK, body);
  }

  /** From memory: the checks run in the background, so this answers at once whatever the load. */
  private Route ready() {
    Map<String, Boolean> checks = readiness.get();
    ObjectNode body = JSON.createObjectNode();
    boolean all = Readiness.allPassed(checks);
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

  /** An integer from 1 to {@code max}, else empty. */
  static Optional<Integer> parseInt(String raw, int max) {
    try {
      int value = Integer.parseInt(raw.trim());
      return value >= 1 && value <= max ? Optional.of(value) : Optional.empty();
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

  static ArrayNode toJson(List<Windows.Window> windows) {
    ArrayNode array = JSON.createArrayNode();
    for (Windows.Window w : windows) {
      array.addObject().put("start", w.start().toString()).put("events", w.events()).put("bets", w.bets())
          .put("wins", w.wins()).put("deposits_eur", w.depositCents());
    }
    return array;
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
            "no such resource: " + path + "; try /, /materialized, /materialized/windows, /dead-letters, /cluster,"
                + " /health, /ready or /metrics")))
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

  private static HttpResponse jsonResponse(StatusCode status, JsonNode body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }

  private Route error(StatusCode status, String message) {
    return complete(errorResponse(status, message));
  }

  private Route json(StatusCode status, JsonNode body) {
    return complete(jsonResponse(status, body));
  }

  private static HttpEntity.Strict resource(String name, ContentType type) {
    try (InputStream in = Routes.class.getClassLoader().getResourceAsStream("dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard/" + name + " is missing from the classpath");
      }
      return HttpEntities.create(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
