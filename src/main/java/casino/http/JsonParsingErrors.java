package casino.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests too malformed to reach the routes (an over-long URI: 414; a bad request line or
 * header: 400; ...) are answered by pekko-http itself, in plain text unless this handler is
 * named in {@code pekko.http.server.parsing.error-handler} (conf/application.conf): then they
 * are JSON {@code {"error": "..."}} like every other error answer of the API.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    // As pekko-http's default handler: a warning with the details, the summary to the client.
    log.warning(info.withSummaryPrepended("Illegal request, responding with status '" + status + "'").formatPretty());
    return Routes.errorResponse(status, info.format(settings.verboseErrorMessages()));
  }
}
