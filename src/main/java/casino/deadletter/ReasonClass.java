package casino.deadletter;

import java.util.regex.Pattern;

/**
 * The few classes of dead-letter reasons that operators count by (a metric's tag must not take
 * one value per reason text). Taken from the reason's words, here and nowhere else: the texts
 * come from the wire format, the enricher and the stream, and the README lists them.
 */
public enum ReasonClass {
  /** Bytes that are not a protobuf event. */
  UNDECODABLE("undecodable"),
  /** A decoded event with a field outside what is accepted (README, "Accepted values"). */
  INVALID_FIELD("invalid_field"),
  /** Transient faults (rates, Redis, database) that lasted past the enrichment timeout. */
  ENRICHMENT_TIMEOUT("enrichment_timeout"),
  /** An event that can never be enriched: an amount without a EUR value in range, a defect met by its values. */
  PERMANENT("permanent"),
  OTHER("other");

  private static final Pattern INVALID_FIELD_REASON = Pattern.compile(
      "missing or non-positive (id|player_id)\\b.*"
          + "|unknown (type|currency) .*"
          + "|\\w+ without (currency|game id)"
          + "|negative amount\\b.*"
          + "|amount -?\\d+ above the largest accepted\\b.*"
          + "|created_at(_ms)? -?\\d+ is not a time\\b.*"
          + "|missing created_at",
      Pattern.DOTALL);

  private final String label;

  ReasonClass(String label) {
    this.label = label;
  }

  /** The tag value: {@code undecodable}, {@code invalid_field}, {@code enrichment_timeout}, {@code permanent}, {@code other}. */
  public String label() {
    return label;
  }

  public static ReasonClass of(String reason) {
    if (reason == null) {
      return OTHER;
    }
    if (reason.startsWith("undecodable payload")) {
      return UNDECODABLE;
    }
    if (reason.startsWith("not enriched within the timeout")) {
      return ENRICHMENT_TIMEOUT;
    }
    if (reason.startsWith("enrichment failed") || reason.contains("has no EUR value in range")) {
      return PERMANENT;
    }
    if (INVALID_FIELD_REASON.matcher(reason).matches()) {
      return INVALID_FIELD;
    }
    return OTHER;
  }
}
