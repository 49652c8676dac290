package casino.deadletter;

import casino.domain.CasinoEvent;
import casino.domain.InvalidEventException;
import casino.domain.WireFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import java.util.Base64;
import java.util.Map;

/** A dead-lettered message as the tool shows it: why, when, from where, and what it holds. */
public record DeadLetter(String reason, String at, String originalQueue, CasinoEvent event, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static DeadLetter of(byte[] body, AMQP.BasicProperties props) {
    Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
    CasinoEvent event;
    try {
      event = WireFormat.decode(body);
    } catch (InvalidEventException e) {
      event = null;
    }
    return new DeadLetter(text(headers.get(DeadLetters.REASON)), text(headers.get(DeadLetters.AT)),
        text(headers.get(DeadLetters.ORIGINAL_QUEUE)), event, body);
  }

  private static String text(Object header) {
    return header == null ? null : header.toString();
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("reason", reason).put("dead_lettered_at", at).put("original_queue", originalQueue);
    if (event != null) {
      node.put("event_id", event.id()).put("type", event.type().wireName()).put("player_id", event.playerId());
    }
    node.put("body_base64", Base64.getEncoder().encodeToString(body));
    return node.toString();
  }
}
