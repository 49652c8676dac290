package casino.cluster;

/** Marker of messages that cross nodes; bound to Jackson CBOR in application.conf. */
public interface CborSerializable {}
