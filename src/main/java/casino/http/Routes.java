package casino.http;

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
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/** The HTTP API of SPEC 7: the materialized views, liveness and readiness, JSON errors. */
public final class Routes extends AllDirectives {
  static final int DEFAULT_WINDOW = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorRef<ViewActor.Command> view;
  private final Scheduler scheduler;
  private final Supplier<CompletionStage<Map<String, Boolean>>> readiness;

  public Routes(ActorRef<ViewActor.Command> view, Scheduler scheduler, Supplier<CompletionStage<Map<String, Boolean>>> readiness) {
    this.view = view;
    this.scheduler = scheduler;
    this.readiness = readiness;
  }

  public Route routes() {
    return handleRejections(rejections(), () -> concat(
        path("materialized", this::materialized),
        path("materialize", this::materialized),
        path("health", () -> get(() -> json(StatusCodes.OK, JSON.createObjectNode().put("status", "alive")))),
        path("ready", () -> get(this::ready))));
  }

  private Route materialized() {
    return get(() -> parameterOptional("window_size", raw -> {
      Optional<Integer> window = raw.isEmpty() ? Optional.of(DEFAULT_WINDOW) : parseWindow(raw.get());
      if (window.isEmpty()) {
        return error(StatusCodes.BAD_REQUEST, "window_size must be an integer from 1 to "
            + ViewState.MAX_WINDOW_SECONDS + " (seconds); got \"" + raw.get() + "\"");
      }
      CompletionStage<ViewState.Snapshot> snapshot = AskPattern.ask(view,
          replyTo -> new ViewActor.Query(window.get(), replyTo), Duration.ofSeconds(5), scheduler);
      return onSuccess(snapshot, s -> json(StatusCodes.OK, toJson(s)));
    }));
  }

  private Route ready() {
    return onSuccess(readiness.get(), checks -> {
      ObjectNode body = JSON.createObjectNode();
      boolean all = checks.values().stream().allMatch(Boolean::booleanValue);
      body.put("status", all ? "ready" : "not ready");
      checks.forEach(body::put);
      return json(all ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
    });
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
            "method not allowed; use " + rejected.stream().map(r -> r.supported().name()).distinct().reduce((a, b) -> a + ", " + b).orElse("GET")))
        .handleNotFound(extractUnmatchedPath(path -> error(StatusCodes.NOT_FOUND,
            "no such resource: " + path + "; try /materialized, /health or /ready")))
        .build();
  }

  private Route error(StatusCode status, String message) {
    return json(status, JSON.createObjectNode().put("error", message));
  }

  private Route json(StatusCode status, ObjectNode body) {
    return complete(HttpResponse.create().withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, body.toString()));
  }
}
